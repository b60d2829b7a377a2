"""Presenter mode (SPEC §9 page 6): one report per screen in large type for the room, with
both sides' commentary and the decisions on it; ← and → move between reports, Esc leaves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from smarketing_data import meeting as mt
from smarketing_data.metrics import catalog
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.report_set import ReportSet
from ui import data
from ui.components import safe
from ui.data import Context
from ui.meeting.shared import (
    CURRENT,
    KEYS,
    STATUS_LABELS,
    current_report,
    paragraphs,
    report_figure,
)

PRESENTER_KEY = "presenter"
# Presenter mode itself; the toggle is only drawn outside it (the slide has an Exit button).
PRESENTING = "meeting_presenting"
PRESENTER_FONT = 22
# Presenter mode: the whole window for one report (static CSS only, never user text). The
# sidebar and Streamlit's header go; type grows for the back of the room.
PRESENTER_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1rem 2.5rem 0.5rem 2.5rem; max-width: 100%; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p { font-size: 26px; }
[data-testid="stMain"] h1 { font-size: 3rem !important; padding: 0; }
[data-testid="stMain"] h3 { font-size: 1.9rem !important; padding-bottom: 0.2rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 20px; }
/* The chart takes the screen's height left under the title row, whatever the screen. */
.st-key-presenter_chart_box { flex: 0 0 auto !important; height: calc(100vh - 150px) !important;
                              min-height: 360px; }
/* A 1366x768 laptop: the same slide in smaller type. */
@media (max-width: 1700px), (max-height: 960px) {
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] p { font-size: 20px; }
  [data-testid="stMain"] h1 { font-size: 2.2rem !important; }
  [data-testid="stMain"] h3 { font-size: 1.5rem !important; }
  .st-key-presenter_chart_box { height: calc(100vh - 140px) !important; }
}
/* Long commentary scrolls inside its column instead of pushing the slide off the screen. */
.st-key-presenter_words { max-height: calc(100vh - 130px); overflow-y: auto;
                          flex-wrap: nowrap; }
</style>
"""


def presenting() -> bool:
    """Whether presenter mode is on (read before anything is drawn)."""
    return bool(st.session_state.get(PRESENTING, False))


def _start_presenting() -> None:
    st.session_state[PRESENTING] = bool(st.session_state[PRESENTER_KEY])


def _stop_presenting() -> None:
    st.session_state[PRESENTING] = False


def presenter_toggle() -> bool:
    st.session_state[PRESENTER_KEY] = presenting()
    return st.toggle(
        "Presenter mode",
        key=PRESENTER_KEY,
        on_change=_start_presenting,
        help="One report per screen in large type; ← and → move between reports, Esc leaves.",
    )


def _move(step: int) -> None:
    index = KEYS.index(current_report()) + step
    st.session_state[CURRENT] = KEYS[max(0, min(len(KEYS) - 1, index))]


def _presenter_notes(ctx: Context, found: pd.DataFrame, side: str) -> None:
    st.subheader(mt.SIDE_LABELS[side], anchor=False)
    mine = found[found["side"] == side] if not found.empty else found
    if mine.empty:
        st.caption("No commentary.")
    for _, row in mine.iterrows():
        st.markdown(f"{paragraphs(row['text'])}  \n— *{safe(row['author'])}*")


def untracked_reason(rs: ReportSet, report: str) -> str | None:
    """Why a ranked report cannot be shown for this data (SPEC §3.10), else None."""
    found = rs.reports.lists.get(report)
    return found.untracked if found is not None and not found.tracked else None


def _presenter_chart(rs: ReportSet, report: str) -> None:
    figure = report_figure(rs, report)
    # the slide's title says what the chart shows; the room needs the bars larger
    figure.update_layout(
        height=None,
        autosize=True,
        title_text="",
        margin_t=60,
        font_size=PRESENTER_FONT,
        legend_font_size=PRESENTER_FONT,
    )
    with st.container(key="presenter_chart_box"):
        st.plotly_chart(
            figure,
            theme=None,
            key="presenter_chart",
            height="stretch",
            config={"displaylogo": False, "responsive": True},
        )


def _presenter_buttons(index: int) -> None:
    with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center"):
        st.button(
            "Previous",
            key="presenter_prev",
            on_click=_move,
            args=(-1,),
            shortcut="Left",
            disabled=index == 0,
            icon=":material/arrow_back:",
        )
        st.button(
            "Next",
            key="presenter_next",
            on_click=_move,
            args=(1,),
            shortcut="Right",
            disabled=index == len(KEYS) - 1,
            icon=":material/arrow_forward:",
        )
        st.button(
            "Exit",
            key="presenter_exit",
            on_click=_stop_presenting,
            shortcut="Esc",
            icon=":material/close:",
            help="Back to the meeting page",
        )


def presenter_view(ctx: Context, quarter: Quarter, rs: ReportSet) -> None:
    """One report per screen: title, large chart, both sides' commentary, its decisions."""
    st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
    report = current_report()
    index = KEYS.index(report)
    # the title has the screen's width (one line at 1280 px); the buttons head the words
    st.title(catalog.BY_KEY[report].title, anchor=False)
    chart_col, words = st.columns([3, 2], gap="large")
    with chart_col:
        untracked = untracked_reason(rs, report)
        if untracked:
            # A report the data cannot answer says why, in the chart's place.
            st.header(untracked, anchor=False)
        else:
            _presenter_chart(rs, report)
    with words, st.container(key="presenter_words"):
        _presenter_buttons(index)
        st.markdown(f"{quarter.label} · **{index + 1} / {len(KEYS)}**", text_alignment="right")
        found = data.notes(ctx, quarter, report)
        for side in mt.SIDES:
            _presenter_notes(ctx, found, side)
        st.subheader("Decisions", anchor=False)
        taken = data.decisions(ctx, quarter, report)
        if taken.empty:
            st.caption("None yet.")
        for _, row in taken.iterrows():
            due = f", due {safe(row['due_quarter'])}" if row["due_quarter"] else ""
            st.markdown(
                f"{paragraphs(row['what'])}  \n*{safe(row['owner'])}{due} · "
                f"{STATUS_LABELS.get(row['status'], '')}*"
            )
