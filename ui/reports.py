"""One ranked report on screen, rendered from the report model: its heading, what it counts,
the top and bottom lists as charts and tables; a report that ranks nothing (an untracked
stage, a base it does not apply to) says why. Nothing here judges or words a number."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from smarketing_data import charts
from smarketing_data import format as fmt
from smarketing_data.metrics.report_model import RankedList, Table
from smarketing_data.metrics.report_set import ReportSet
from ui import components

# Called with a report key ('campaigns.sql.top') under that list, e.g. to show its commentary.
Hook = Callable[[str], None]
LEGEND = {
    "campaigns": "Mark: the count expected at goal. Green: at or above expected; "
    "vermillion: below.",
    "reps": "Whiskers: 95% Wilson interval; dashed line: the goal. Green: above the goal; "
    "vermillion: below; grey: on par (the interval straddles the goal).",
}


def table_frame(table: Table) -> pd.DataFrame:
    """A model's table as a DataFrame for ``st.dataframe``, its names shown as they read."""
    return components.plain_frame(pd.DataFrame(table.rows, columns=table.columns))


def _under(hook: Hook | None, key: str) -> None:
    if hook is not None:
        hook(key)


def _list(lst: RankedList, under: Hook | None) -> None:
    st.markdown(f"**{lst.side.title()}** · {lst.rule}")
    if not lst.rows:
        st.caption(lst.empty_text)
    else:
        components.chart(charts.ranked_chart(lst), key=f"chart_{lst.key}")
        st.dataframe(table_frame(lst.table()), hide_index=True, key=f"table_{lst.key}")
    _under(under, lst.key)


def ranked_report(rs: ReportSet, entity: str, stage: str, *, under: Hook | None = None) -> None:
    """One of the six campaign or six rep reports: its two lists side by side."""
    top = rs.reports.lists[f"{entity}.{stage}.top"]
    bottom = rs.reports.lists[f"{entity}.{stage}.bottom"]
    st.subheader(top.heading)
    if not top.tracked:
        st.info(top.untracked, icon=":material/info:")
        for lst in (top, bottom):
            _under(under, lst.key)
        return
    legend = f" {LEGEND[entity]}" if top.eligible else ""
    components.definition(f"{top.about}{legend}")
    if not top.eligible:
        if top.is_rates:
            hint = (
                " Lower the minimum cohort size in the sidebar, or see who was left out below."
                if top.left_out
                else ""
            )
            st.info(f"{top.empty_text}{hint}", icon=":material/info:")
        else:
            st.text(top.empty_text)
        for lst in (top, bottom):
            _under(under, lst.key)
        return
    left, right = st.columns(2)
    with left:
        _list(top, under)
    with right:
        _list(bottom, under)


def left_out(rs: ReportSet) -> None:
    """Who was too small to rank, said once for the page. Every tracked rep report shares the
    base's cohorts, so any of them tells; with none tracked, nobody is ranked or left out."""
    st.subheader("Left out for low volume")
    ranked = [lst for lst in rs.reports.lists.values() if lst.is_rates and lst.tracked]
    if not ranked:
        why = rs.reports.lists["reps.won.top"].untracked
        st.text(f"Nobody is ranked or left out: {why[:1].lower()}{why[1:]}")
        return
    first, noun = ranked[0], ranked[0].upstream_noun
    if first.left_out:
        st.dataframe(
            components.plain_frame(
                pd.DataFrame(
                    {
                        "Rep": [r.name for r in first.left_out],
                        "Team": [r.group for r in first.left_out],
                        f"{noun} this quarter": [fmt.count(r.upstream) for r in first.left_out],
                    }
                )
            ),
            hide_index=True,
            key="left_out_table",
        )
    elif not first.eligible:
        st.text(f"Nobody is left out: no rep has {noun} in {rs.quarter.label}.")
    else:
        st.text(f"Every rep with {noun} this quarter has at least {rs.options.min_volume}.")
