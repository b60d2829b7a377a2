"""Campaigns: the six campaign reports, spend and cost per result, channels, drill-down."""

import datetime as dt

import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics.channels import channel_rollup
from smarketing_data.stages import STAGE_LABELS
from ui import components, data, drill, filters, tables

components.page_setup()
ctx = data.context()
quarter = filters.quarter_picker(ctx)
st.title(f"Campaigns · {quarter}" if quarter else "Campaigns")
components.sample_notice(ctx)
if quarter is None:
    components.no_data()
options = filters.report_options(ctx)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter} has no data.")

UPSTREAM = {"sql": "MQLs", "opp": "SQLs", "won": "Opportunities"}
for stage, rep in report.campaigns.items():
    label = STAGE_LABELS[stage]
    goal = rep.eligible["goal"].iloc[0] if not rep.eligible.empty else None
    st.subheader(f"Campaigns by {label}")
    components.definition(
        f"{label} reached in {quarter} per campaign (activity basis; a journey's campaign is its "
        f"first touch). Mark: expected at goal = {UPSTREAM[stage]} in the quarter × goal "
        f"({tables.pct(goal)}). Green: at or above expected; vermillion: below. Eligible: "
        f"{len(rep.eligible)} campaigns active in the quarter.")
    top, bottom = st.columns(2)
    with top:
        st.markdown(f"**Top {options.top}**")
        components.chart(charts.campaign_chart(rep.top, label), key=f"camp_top_{stage}")
        st.dataframe(tables.campaign_report_table(rep.top), hide_index=True,
                     key=f"camp_top_t_{stage}")
    with bottom:
        st.markdown(f"**Bottom {options.top}**")
        if rep.bottom.empty and not rep.eligible.empty:
            st.caption(f"All {len(rep.eligible)} eligible campaigns are in the top list.")
        else:
            components.chart(charts.campaign_chart(rep.bottom, label),
                             key=f"camp_bottom_{stage}")
        st.dataframe(tables.campaign_report_table(rep.bottom), hide_index=True,
                     key=f"camp_bottom_t_{stage}")

spend = data.metric(ctx, "spend", quarter=quarter, today=dt.date.today())
st.subheader("Spend and cost per result")
components.definition("Actual cost (else budget) prorated to the quarter by days; cost per "
                      "result = that spend ÷ the quarter's count; ROI = (bookings − cost) ÷ cost.")
st.dataframe(tables.spend_table(spend), hide_index=True, key="spend_table")
chart_left, chart_right = st.columns(2)
with chart_left:
    components.chart(charts.spend_chart(spend), key="spend_chart")
with chart_right:
    components.chart(charts.roi_chart(spend), key="roi_chart")

st.subheader("Channels")
channels = channel_rollup(report.campaign_counts, spend)
components.chart(charts.channel_chart(channels), key="channel_chart")
st.dataframe(tables.channel_table(channels), hide_index=True, key="channel_table")

st.subheader("Drill into a campaign")
drill.campaign_drill(ctx, report.campaign_counts, quarter)
