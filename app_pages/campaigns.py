"""Campaigns: the six campaign reports, spend and cost per result, channels, drill-down."""

import datetime as dt
from functools import partial

import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics.channels import channel_rollup
from smarketing_data.stages import STAGE_LABELS
from ui import components, data, drill, filters, meeting, reports, tables

ctx, quarter = filters.quarter_page("Campaigns")
options = filters.report_options(ctx)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter} has no data.")

for stage, rep in report.campaigns.items():
    reports.campaign_report(rep, stage=stage, label=STAGE_LABELS[stage], quarter=quarter,
                            n=options.top, under=partial(meeting.show_commentary, ctx, quarter))

spend = data.metric(ctx, "spend", quarter=quarter, today=dt.date.today())
st.subheader("Spend and cost per result")
components.definition("Actual cost (else budget) prorated to the quarter by days; cost per "
                      "result = that spend ÷ the quarter's count; ROI = (bookings − cost) ÷ cost.")
# Stages the data does not record have no column or chart here: their counts are inferred.
st.dataframe(tables.spend_table(spend, report.tracked), hide_index=True, key="spend_table")
chart_left, chart_right = st.columns(2)
with chart_left:
    if "sql" in report.tracked:
        components.chart(charts.spend_chart(spend), key="spend_chart")
    else:
        st.info("No cost per SQL: SQL is not tracked in this data.", icon=":material/info:")
with chart_right:
    components.chart(charts.roi_chart(spend), key="roi_chart")

st.subheader("Channels")
channels = channel_rollup(report.campaign_counts, spend)
components.chart(charts.channel_chart(channels, tracked=report.tracked), key="channel_chart")
st.dataframe(tables.channel_table(channels, report.tracked), hide_index=True,
             key="channel_table")

st.subheader("Drill into a campaign")
drill.campaign_drill(ctx, report.campaign_counts, quarter)
