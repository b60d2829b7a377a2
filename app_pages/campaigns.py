"""Campaigns: the six campaign reports, spend and cost per result, channels, drill-down."""

from functools import partial

import streamlit as st

from ui import campaigns, components, data, drill, filters, reports
from ui.meeting import commentary

ctx, quarter = filters.quarter_page("Campaigns")
options = filters.report_options(ctx)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter.label} has no data.")

for stage in report.campaigns:
    reports.ranked_report(
        report, "campaigns", stage, under=partial(commentary.show_commentary, ctx, quarter)
    )

spend = campaigns.spend_section(ctx, quarter, report)
campaigns.channels_section(report, spend)

st.subheader("Drill into a campaign")
drill.campaign_drill(ctx, report.campaign_counts, quarter)
