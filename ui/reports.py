"""One ranked report on screen: its definition, the top and bottom charts and their numbers."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from smarketing_data import charts
from smarketing_data import format as fmt
from smarketing_data.metrics.reports import Report
from ui import components, tables

UPSTREAM_LABEL = {"sql": "MQLs", "opp": "SQLs", "won": "Opportunities"}
# Called with a report key ('campaigns.sql.top') under that list, e.g. to show its commentary.
Hook = Callable[[str], None]


def _under(hook: Hook | None, key: str) -> None:
    if hook is not None:
        hook(key)


def campaign_report(report: Report, *, stage: str, label: str, quarter: str, n: int,
                    under: Hook | None = None) -> None:
    st.subheader(f"Campaigns by {label}")
    components.definition(
        f"{label} reached in {quarter} per campaign (activity basis; a journey's campaign is its "
        f"first touch). Mark: expected at goal = {UPSTREAM_LABEL[stage]} in the quarter × goal "
        f"({fmt.pct(report.goal)}). Green: at or above expected; vermillion: below. "
        f"{len(report.eligible)} campaigns were active in the quarter.")
    if report.eligible.empty:
        st.text("No campaign was active in this quarter.")
        for side in ("top", "bottom"):
            _under(under, f"campaigns.{stage}.{side}")
        return
    top, bottom = st.columns(2)
    with top:
        st.markdown(f"**Top {n}**")
        components.chart(charts.campaign_chart(report.top, label), key=f"camp_top_{stage}")
        st.dataframe(tables.campaign_report_table(report.top), hide_index=True,
                     key=f"camp_top_t_{stage}")
        _under(under, f"campaigns.{stage}.top")
    with bottom:
        st.markdown(f"**Bottom {n}**")
        if report.bottom.empty:
            st.caption(f"All {len(report.eligible)} eligible campaigns are in the top list.")
        else:
            components.chart(charts.campaign_chart(report.bottom, label),
                             key=f"camp_bottom_{stage}")
            st.dataframe(tables.campaign_report_table(report.bottom), hide_index=True,
                         key=f"camp_bottom_t_{stage}")
        _under(under, f"campaigns.{stage}.bottom")


def rep_report(report: Report, *, stage: str, label: str, base: str, quarter: str, n: int,
               min_volume: int, under: Hook | None = None) -> None:
    st.subheader(f"Reps by conversion {base} → {label}")
    components.definition(
        f"Cohort basis: of each rep's {base}s dated in {quarter}, the share that reached "
        f"{label} by now. Whiskers: 95% Wilson interval; dashed line: the goal "
        f"({fmt.pct(report.goal)}). Only reps with at least {min_volume} {base}s are ranked.")
    if report.eligible.empty:
        st.info(f"No rep has {min_volume} or more {base}s in {quarter}. Lower the minimum "
                "cohort size in the sidebar, or see who was left out below.",
                icon=":material/info:")
        for side in ("top", "bottom"):
            _under(under, f"reps.{stage}.{side}")
        return
    top, bottom = st.columns(2)
    with top:
        st.markdown(f"**Top {n}**")
        components.chart(charts.rep_chart(report.top, label), key=f"rep_top_{stage}")
        st.dataframe(tables.rep_report_table(report.top), hide_index=True,
                     key=f"rep_top_t_{stage}")
        _under(under, f"reps.{stage}.top")
    with bottom:
        st.markdown(f"**Bottom {n}**")
        if report.bottom.empty:
            st.caption(f"All {len(report.eligible)} ranked reps are in the top list.")
        else:
            components.chart(charts.rep_chart(report.bottom, label), key=f"rep_bottom_{stage}")
            st.dataframe(tables.rep_report_table(report.bottom), hide_index=True,
                         key=f"rep_bottom_t_{stage}")
        _under(under, f"reps.{stage}.bottom")
