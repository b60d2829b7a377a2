"""The Campaigns page's money sections: spend and cost per result per campaign, and the
channels the campaigns roll up to."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics.channels import channel_rollup
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.report_set import ReportSet
from ui import components, data, tables
from ui.data import Context


def spend_section(ctx: Context, quarter: Quarter, report: ReportSet) -> pd.DataFrame:
    """The quarter's spend per campaign as a table and two charts; returns the spend."""
    spend = data.spend(ctx, quarter, dt.date.today())
    st.subheader("Spend and cost per result")
    components.definition(
        "Actual cost (else budget) prorated to the quarter by days; cost per "
        "result = that spend ÷ the quarter's count; ROI = (bookings − cost) "
        "÷ cost."
    )
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
    return spend


def channels_section(report: ReportSet, spend: pd.DataFrame) -> None:
    st.subheader("Channels")
    channels = channel_rollup(report.campaign_counts, spend)
    components.chart(charts.channel_chart(channels, tracked=report.tracked), key="channel_chart")
    st.dataframe(
        tables.channel_table(channels, report.tracked), hide_index=True, key="channel_table"
    )
