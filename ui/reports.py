"""One ranked report on screen: its definition, the top and bottom charts and their numbers;
a report that ranks nothing (an untracked stage, a base it does not apply to) says why."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from smarketing_data import charts
from smarketing_data import format as fmt
from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.metrics.reports import Report
from smarketing_data.report_text import COUNT_NOUNS, reason
from smarketing_data.stages import STAGE_LABELS
from ui import components, tables

# Called with a report key ('campaigns.sql.top') under that list, e.g. to show its commentary.
Hook = Callable[[str], None]


def _under(hook: Hook | None, key: str) -> None:
    if hook is not None:
        hook(key)


def _not_ranked(report: Report, prefix: str, under: Hook | None) -> None:
    """The one line an untracked report shows instead of its charts."""
    st.info(reason(report), icon=":material/info:")
    for side in ("top", "bottom"):
        _under(under, f"{prefix}.{side}")


def _expectation(report: Report, stage: str) -> str:
    """How the mark is made, naming the stage it starts from; none without a tracked one."""
    up = report.upstream_stage
    if up is None or report.goal is None:
        return (f"No expected-at-goal mark: the data tracks no stage before "
                f"{STAGE_LABELS[stage]}.")
    return (f"Mark: expected at goal = {COUNT_NOUNS[up]} in the quarter × goal "
            f"{STAGE_LABELS[up]}→{STAGE_LABELS[stage]} ({fmt.pct(report.goal)}). Green: at or "
            "above expected; vermillion: below.")


def campaign_report(report: Report, *, stage: str, label: str, quarter: str, n: int,
                    under: Hook | None = None) -> None:
    st.subheader(f"Campaigns by {label}")
    if not report.tracked:
        _not_ranked(report, f"campaigns.{stage}", under)
        return
    components.definition(
        f"{label} reached in {quarter} per campaign (activity basis; a journey's campaign is its "
        f"first touch). {_expectation(report, stage)} {len(report.eligible)} campaigns were "
        "active in the quarter.")
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


def rep_report(report: Report, *, stage: str, base: str, quarter: str, n: int,
               min_volume: int, under: Hook | None = None) -> None:
    """One rep report; ``base`` is the resolved cohort base stage ('opp')."""
    label, base_label, noun = STAGE_LABELS[stage], STAGE_LABELS[base], COUNT_NOUNS[base]
    if not report.tracked:
        st.subheader(f"Reps by conversion to {label}")
        _not_ranked(report, f"reps.{stage}", under)
        return
    st.subheader(f"Reps by conversion {base_label} → {label}")
    goal = (f" Whiskers: 95% Wilson interval; dashed line: the goal "
            f"{base_label}→{label} ({fmt.pct(report.goal)})." if report.goal is not None
            else " Whiskers: 95% Wilson interval.")
    components.definition(
        f"Cohort basis: of each rep's {noun} dated in {quarter}, the share that reached "
        f"{label} by now.{goal} Only reps with at least {min_volume} {noun} are ranked.")
    if report.eligible.empty:
        if report.left_out.empty:  # no rep has a cohort: no minimum would change that
            st.info(f"No rep has {noun} in {quarter}.", icon=":material/info:")
        else:
            st.info(f"No rep has {min_volume} or more {noun} in {quarter}. Lower the minimum "
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


def left_out(report: ReportSet, *, quarter: str) -> None:
    """Who was too small to rank, said once for the page. Every tracked rep report shares the
    base's cohorts, so any of them tells; with none tracked, nobody is ranked or left out."""
    st.subheader("Left out for low volume")
    base, opts = report.options.cohort_base, report.options
    noun = COUNT_NOUNS[base]
    ranked = [r for r in report.reps.values() if r.tracked]
    if not ranked:
        st.text(f"Nobody is ranked or left out: {report.reps['won'].untracked}.")
        return
    first = ranked[0]
    if not first.left_out.empty:
        st.dataframe(tables.left_out_table(first.left_out, noun), hide_index=True,
                     key="left_out_table")
    elif first.eligible.empty:
        st.text(f"Nobody is left out: no rep has {noun} in {quarter}.")
    else:
        st.text(f"Every rep with {noun} this quarter has at least {opts.min_volume}.")
