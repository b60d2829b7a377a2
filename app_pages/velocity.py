"""Velocity & follow-up: how fast leads move, what fast wins share, which MQLs were worked."""

import datetime as dt

import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics.followup import NO_FIRST_TOUCH_MESSAGE
from smarketing_data.metrics.velocity import MIN_FASTEST, MIN_TRAIT, trait_table
from smarketing_data.stages import STAGE_LABELS
from ui import components, data, filters, tables

ctx, quarter = filters.quarter_page("Velocity & follow-up")
tracked = filters.tracked(ctx)
# Velocity is measured over an MQL or Lead cohort; only the ones the data records are offered,
# the resolved report base first, so the default matches the other pages.
bases = sorted((b for b in ("mql", "lead") if b in tracked),
               key=lambda b: b != tracked.default_base())

st.subheader("Velocity")
if bases:
    base = st.sidebar.radio("Cohort base", bases, format_func=STAGE_LABELS.get,
                            key="vel_base", horizontal=True)
    velocity = data.metric(ctx, "velocity", quarter=quarter, base=base)
    components.chart(charts.velocity_chart(velocity), key="velocity_chart")
    components.definition(f"Days between the two stages' own dates (skipped stages excluded), "
                          f"over journeys whose {STAGE_LABELS[base]} date is in {quarter}: "
                          "median and 75th percentile.")
else:
    st.info("Velocity is measured over an MQL or Lead cohort, and this data tracks neither "
            "stage.", icon=":material/info:")

st.subheader("Fastest customers")
fastest = data.metric(ctx, "fastest", quarter=quarter)
left, right = st.columns(2)
with left:
    if fastest.note:
        st.info(fastest.note, icon=":material/info:")
    else:
        components.chart(charts.fastest_traits_chart(fastest.traits), key="traits_chart")
        st.dataframe(trait_table(fastest.traits), hide_index=True, key="traits_table")
    components.definition(
        "Journeys won in the quarter, fastest quartile by days from created to won: how much "
        "more common each trait is among them than among all wins (lift), with the counts "
        f"and the 95% interval of the fastest share. Shown with at least {MIN_FASTEST} "
        f"in the fastest quartile, for traits at least {MIN_TRAIT} of them share.")
with right:
    st.dataframe(tables.fastest_table(fastest.fastest), hide_index=True, key="fastest_table")

st.subheader("Follow-up of MQLs")
now = dt.datetime.now().replace(minute=0, second=0, microsecond=0)
follow = data.metric(ctx, "followup", quarter=quarter, sla_hours=ctx.settings.followup_sla_hours,
                     as_of=now)
if not follow.has_first_touch:
    st.info(NO_FIRST_TOUCH_MESSAGE, icon=":material/info:")
else:
    components.definition(
        f"MQLs of {quarter}: first sales touch within {ctx.settings.followup_sla_hours:g} hours "
        "of becoming an MQL, later, or never. Open: no SAL/SQL yet, not disqualified or lost.")
    components.chart(charts.followup_chart(follow.totals), key="followup_chart")
    components.chart(charts.followup_rep_chart(follow.by_rep), key="followup_rep_chart")
    st.markdown("**Open MQLs**")
    st.dataframe(tables.open_mqls_table(follow.open_mqls), hide_index=True, key="open_mqls")

st.subheader("Referral program")
if "lead" in tracked and "won" in tracked:
    referral = data.metric(ctx, "referral", quarter=quarter)
    components.chart(charts.referral_chart(referral), key="referral_chart")
    components.definition("Lead cohort of the quarter: Referral (channel or campaign channel) "
                          "against all other journeys, Lead → Closed Won so far, with 95% "
                          "intervals.")
else:
    st.info("The referral comparison is Lead → Closed Won, and this data does not track "
            f"{'Lead' if 'lead' not in tracked else 'Closed Won'}.", icon=":material/info:")
