"""The Velocity & follow-up page's sections: how fast leads move, what the fastest wins
share, which MQLs were worked in time, and the referral program."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics.followup import NO_FIRST_TOUCH_MESSAGE
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.referral import MIN_LIFT_COHORT
from smarketing_data.metrics.tracking import Tracked
from smarketing_data.metrics.velocity import MIN_FASTEST, MIN_TRAIT, trait_table
from smarketing_data.stages import CohortBase
from ui import components, data, tables
from ui.data import Context


def velocity_section(ctx: Context, quarter: Quarter, base: CohortBase | None) -> None:
    """Stage-to-stage days over the ``base`` cohort (None: the data tracks no cohort base)."""
    st.subheader("Velocity")
    if base is None:
        st.info(
            "Velocity is measured over an MQL or Lead cohort, and this data tracks neither stage.",
            icon=":material/info:",
        )
        return
    velocity = data.velocity(ctx, quarter, base)
    components.chart(charts.velocity_chart(velocity), key="velocity_chart")
    components.definition(
        f"Days between the two stages' own dates (skipped stages excluded), "
        f"over journeys whose {base.label} date is in {quarter.label}: "
        "median and 75th percentile."
    )


def fastest_section(ctx: Context, quarter: Quarter) -> None:
    st.subheader("Fastest customers")
    fastest = data.fastest(ctx, quarter)
    left, right = st.columns(2)
    with left:
        if fastest.note:
            st.info(fastest.note, icon=":material/info:")
        else:
            components.chart(charts.fastest_traits_chart(fastest.traits), key="traits_chart")
            st.dataframe(trait_table(fastest.traits), hide_index=True, key="traits_table")
        components.definition(
            "Journeys won in the quarter, fastest quartile by days from created to won: how "
            "much more common each trait is among them than among all wins (lift), with the "
            f"counts and the 95% interval of the fastest share. Shown with at least {MIN_FASTEST}"
            f" in the fastest quartile, for traits at least {MIN_TRAIT} of them share."
        )
    with right:
        st.dataframe(tables.fastest_table(fastest.fastest), hide_index=True, key="fastest_table")


def followup_section(ctx: Context, quarter: Quarter) -> None:
    st.subheader("Follow-up of MQLs")
    now = dt.datetime.now().replace(minute=0, second=0, microsecond=0)
    follow = data.followup(ctx, quarter, ctx.settings.followup_sla_hours, now)
    if not follow.has_first_touch:
        st.info(NO_FIRST_TOUCH_MESSAGE, icon=":material/info:")
        return
    components.definition(
        f"MQLs of {quarter.label}: first sales touch within "
        f"{ctx.settings.followup_sla_hours:g} hours of becoming an MQL, later, or never. Open: "
        "no SAL/SQL yet, not disqualified or lost."
    )
    components.chart(charts.followup_chart(follow.totals), key="followup_chart")
    components.chart(charts.followup_rep_chart(follow.by_rep), key="followup_rep_chart")
    st.markdown("**Open MQLs**")
    st.dataframe(tables.open_mqls_table(follow.open_mqls), hide_index=True, key="open_mqls")


def referral_section(ctx: Context, quarter: Quarter, tracked: Tracked) -> None:
    st.subheader("Referral program")
    if "lead" in tracked and "won" in tracked:
        referral = data.referral(ctx, quarter)
        components.chart(charts.referral_chart(referral), key="referral_chart")
        components.definition(
            "Lead cohort of the quarter: Referral (channel or campaign "
            "channel) against all other journeys, Lead → Closed Won so far, "
            "with 95% intervals; the ratio of the two rates is given when "
            f"each group has at least {MIN_LIFT_COHORT} leads."
        )
    else:
        st.info(
            "The referral comparison is Lead → Closed Won, and this data does not track "
            f"{'Lead' if 'lead' not in tracked else 'Closed Won'}.",
            icon=":material/info:",
        )
