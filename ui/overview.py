"""The Overview page's sections: the KPI tiles, the funnel against goals, Marketing's
contribution and the quarter's highlights."""

from __future__ import annotations

import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics.highlights import highlights
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.report_set import ReportSet
from ui import components
from ui.data import Context
from ui.definitions import show_definitions
from ui.meeting import commentary


def kpi_section(report: ReportSet) -> None:
    components.kpi_tiles(report)
    not_tracked = components.untracked_note(report)
    st.caption(
        f"Change against {report.quarter.previous().label}. Activity basis: a stage "
        "counts in the quarter its date falls in; a skipped stage takes the date of the "
        f"next.{not_tracked}"
    )


def funnel_section(ctx: Context, quarter: Quarter, report: ReportSet) -> None:
    not_tracked = components.untracked_note(report)
    # no subheaders over the two charts: their titles name them, and the Overview's first
    # screen at 1366x768 holds the quarter, the KPI tiles and the whole funnel (SPEC §9)
    left, right = st.columns(2)
    with left:
        components.chart(charts.funnel_chart(report.funnel), key="funnel_chart")
        components.definition(
            "Counts of each stage reached in the quarter; the black marks "
            "are the count expected from the tracked stage before at the "
            f"agreed goal rate.{not_tracked}"
        )
    with right:
        components.chart(charts.conversion_chart(report.funnel), key="conversion_chart")
        components.definition(
            "This quarter's count of each stage divided by the count of "
            "the tracked stage before it (activity basis), against the goal "
            f"for that step.{not_tracked}"
        )
    commentary.show_commentary(ctx, quarter, "funnel")
    show_definitions(ctx, ["lead", "mql", "sal", "sql", "opp", "won"])


def contribution_section(ctx: Context, quarter: Quarter, report: ReportSet) -> None:
    st.subheader("Marketing contribution")
    components.chart(charts.contribution_chart(report.contribution), key="contribution_chart")
    components.definition(
        "Marketing-sourced = journeys with a campaign. Pipeline: amounts of "
        "journeys that became opportunities in the quarter; bookings: won "
        "amounts of journeys won in the quarter. Targets are set on Goals."
    )
    commentary.show_commentary(ctx, quarter, "contribution")


def highlights_section(report: ReportSet) -> None:
    """Wins to celebrate beside what needs attention."""
    found = highlights(report)
    wins, attention = st.columns(2)
    with wins:
        st.subheader("Wins to celebrate")
        rows = found[found["kind"] == "win"]
        if rows.empty:
            st.text("No goal clearly met this quarter.")
        for text in rows["text"]:
            st.success(components.safe(text), icon=":material/celebration:")
    with attention:
        st.subheader("Needs attention")
        rows = found[found["kind"] == "attention"]
        if rows.empty:
            st.text("Nothing clearly below goal this quarter.")
        for text in rows["text"]:
            st.warning(components.safe(text), icon=":material/warning:")
