"""The meeting on screen (SPEC §9 page 6): each side's commentary per report, decisions and
action items, presenter mode, and the compact commentary other pages show beside a report.

Writes run as widget callbacks, before the page re-renders with the new data; their outcome
is shown in their own section, never as a traceback. Every name and note is user text and is
escaped before it reaches markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data import charts
from smarketing_data import meeting as mt
from smarketing_data.db import DatabaseError, describe_error
from smarketing_data.exports import MEDIA_TYPES, file_name
from smarketing_data.metrics import catalog
from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.metrics.reports import ReportOptions
from smarketing_data.report_text import reason
from smarketing_data.stages import STAGE_LABELS
from ui import components
from ui.components import safe
from ui.data import Context, metric

# The report on screen; a plain key (not a widget's) so it survives presenter mode, where the
# report selector is not drawn.
CURRENT = "meeting_current"
REPORT_KEY = "meeting_report"
PRESENTER_KEY = "presenter"
# Presenter mode itself; the toggle is only drawn outside it (the slide has an Exit button).
PRESENTING = "meeting_presenting"
DUE_AHEAD = 4  # due-quarter choices: this quarter and the next four
PRESENTER_FONT = 22
STATUS_LABELS = {"open": "Open", "done": "Done", "dropped": "Dropped"}

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


# --- loaders ----------------------------------------------------------------------------------

def notes(ctx: Context, quarter: str, report: str | None = None) -> pd.DataFrame:
    return metric(ctx, "notes", quarter=quarter, report=report)


def decisions(ctx: Context, quarter: str, report: str | None = None) -> pd.DataFrame:
    return metric(ctx, "decisions", quarter=quarter, report=report)


def carried(ctx: Context, quarter: str) -> pd.DataFrame:
    return metric(ctx, "carried_decisions", quarter=quarter,
                  fiscal_start_month=ctx.settings.fiscal_start_month)


# --- text -------------------------------------------------------------------------------------

def _local(ctx: Context, moment: Any) -> dt.datetime:
    """A stored time (naive UTC) in the business time zone."""
    stamp = pd.Timestamp(moment).to_pydatetime()
    return stamp.replace(tzinfo=dt.UTC).astimezone(ctx.settings.zone)


def short_date(ctx: Context, moment: Any) -> str:
    """'May 2' (with the year when it is not this year's)."""
    local = _local(ctx, moment)
    text = f"{local:%b} {local.day}"
    return text if local.year == dt.date.today().year else f"{text}, {local.year}"


def long_time(ctx: Context, moment: Any) -> str:
    return f"{_local(ctx, moment):%Y-%m-%d %H:%M} {ctx.settings.timezone}"


def paragraphs(text: object) -> str:
    """User text escaped for markdown, its line breaks kept (and a line of '=' under another
    stays text instead of making it a heading)."""
    return "  \n".join(safe(line).replace("=", "\\=") for line in str(text).splitlines())


def note_line(ctx: Context, row: Any) -> str:
    """'**Sales** — Ann (May 2): text', escaped."""
    edited = ", edited" if row["updated_at"] > row["created_at"] else ""
    return (f"**{mt.SIDE_LABELS.get(row['side'], safe(row['side']))}** — {safe(row['author'])} "
            f"({short_date(ctx, row['created_at'])}{edited}): {paragraphs(row['text'])}")


def show_commentary(ctx: Context, quarter: str, report: str) -> None:
    """The notes both sides wrote on a report, as compact lines under it (nothing when none)."""
    found = notes(ctx, quarter, report)
    if found is None or found.empty:
        return
    with st.container(border=True):
        st.caption(f"Commentary on “{catalog.BY_KEY[report].title}”")
        for _, row in found.iterrows():
            st.markdown(note_line(ctx, row))


# --- writes -----------------------------------------------------------------------------------

def _write(section: str, action: Callable[[], str]) -> None:
    try:
        done = action()
    except mt.MeetingError as exc:
        message = str(exc)
        components.flash(section, "error", message[:1].upper() + message[1:])
    except DatabaseError as exc:
        components.flash(section, "error", str(exc))
    except SQLAlchemyError as exc:
        components.flash(section, "error", describe_error(exc))
    else:
        components.flash(section, "success", done)


def _add_note(engine: Engine, fiscal: int, quarter: str, report: str, side: str) -> None:
    def action() -> str:
        mt.add_note(engine, quarter=quarter, report=report, side=side,
                    author=st.session_state.get(f"note_author_{side}", ""),
                    text=st.session_state.get(f"note_text_{side}", ""),
                    fiscal_start_month=fiscal)
        st.session_state[f"note_text_{side}"] = ""
        return f"{mt.SIDE_LABELS[side]} note saved."
    _write(f"notes_{side}", action)


def _edit_note(engine: Engine, note_id: int) -> None:
    def action() -> str:
        mt.edit_note(engine, note_id=note_id,
                     author=st.session_state.get(f"note_edit_author_{note_id}", ""),
                     text=st.session_state.get(f"note_edit_text_{note_id}", ""))
        return "Note updated."
    _write(f"note_{note_id}", action)


def _add_decision(engine: Engine, fiscal: int, quarter: str, report: str) -> None:
    def action() -> str:
        mt.add_decision(engine, quarter=quarter, report=report,
                        what=st.session_state.get("decision_what", ""),
                        owner=st.session_state.get("decision_owner", ""),
                        due_quarter=st.session_state.get("decision_due"),
                        fiscal_start_month=fiscal)
        st.session_state["decision_what"] = ""
        return "Decision recorded."
    _write("decisions", action)


def _set_status(engine: Engine, section: str, decision_id: int) -> None:
    def action() -> str:
        status = st.session_state[f"decision_status_{decision_id}"]
        mt.set_decision_status(engine, decision_id=decision_id, status=status)
        return f"Marked {STATUS_LABELS[status].lower()}."
    _write(section, action)


def _prefill(key: str, value: Any, basis: Any) -> None:
    """Show ``value`` in a keyed widget unless the user is already editing the same thing."""
    marker = f"_basis_{key}"
    if key not in st.session_state or st.session_state.get(marker) != basis:
        st.session_state[key] = value
        st.session_state[marker] = basis


# --- which report -----------------------------------------------------------------------------

KEYS = [ref.key for ref in catalog.ALL]


def current_report() -> str:
    key = st.session_state.get(CURRENT)
    return key if key in catalog.BY_KEY else KEYS[0]


def _pick() -> None:
    st.session_state[CURRENT] = st.session_state[REPORT_KEY]


def _move(step: int) -> None:
    index = KEYS.index(current_report()) + step
    st.session_state[CURRENT] = KEYS[max(0, min(len(KEYS) - 1, index))]


def report_selector() -> str:
    st.session_state[REPORT_KEY] = current_report()
    return st.selectbox("Report", KEYS, key=REPORT_KEY, on_change=_pick,
                        format_func=lambda k: catalog.BY_KEY[k].title)


def _start_presenting() -> None:
    st.session_state[PRESENTING] = bool(st.session_state[PRESENTER_KEY])


def _stop_presenting() -> None:
    st.session_state[PRESENTING] = False


def presenter_toggle() -> bool:
    st.session_state[PRESENTER_KEY] = presenting()
    return st.toggle("Presenter mode", key=PRESENTER_KEY, on_change=_start_presenting,
                     help="One report per screen in large type; ← and → move between "
                          "reports, Esc leaves.")


def report_figure(rs: ReportSet, report: str) -> go.Figure:
    """The report's goal-bar chart, as the Overview, Campaigns and Reps pages draw it."""
    ref = catalog.BY_KEY[report]
    if ref.entity == "campaigns" and ref.stage:
        frame = getattr(rs.campaigns[ref.stage], ref.side or "top")
        return charts.campaign_chart(frame, STAGE_LABELS[ref.stage])
    if ref.entity == "reps" and ref.stage:
        frame = getattr(rs.reps[ref.stage], ref.side or "top")
        return charts.rep_chart(frame, STAGE_LABELS[ref.stage])
    if ref.key == "funnel":
        return charts.funnel_chart(rs.funnel)
    return charts.contribution_chart(rs.contribution)


# --- commentary -------------------------------------------------------------------------------

def _note_card(ctx: Context, row: Any) -> None:
    note_id = int(row["note_id"])
    with st.container(border=True):
        edited = (f" · edited {long_time(ctx, row['updated_at'])}"
                  if row["updated_at"] > row["created_at"] else "")
        st.markdown(f"**{safe(row['author'])}** · {long_time(ctx, row['created_at'])}{edited}")
        st.markdown(paragraphs(row["text"]))
        components.show_flash(f"note_{note_id}")
        with st.expander("Edit", icon=":material/edit:"):
            with st.form(f"note_edit_form_{note_id}", border=False):
                st.text_input("Your name (only the author can edit)", max_chars=mt.MAX_NAME,
                              key=f"note_edit_author_{note_id}")
                _prefill(f"note_edit_text_{note_id}", row["text"], row["updated_at"])
                st.text_area("Note", max_chars=mt.MAX_TEXT, key=f"note_edit_text_{note_id}")
                st.form_submit_button("Save changes", key=f"note_edit_save_{note_id}",
                                      on_click=_edit_note, args=(ctx.engine, note_id))


def _side_column(ctx: Context, quarter: str, report: str, side: str,
                 found: pd.DataFrame) -> None:
    label = mt.SIDE_LABELS[side]
    st.subheader(label)
    mine = found[found["side"] == side] if not found.empty else found
    if mine.empty:
        st.caption(f"No {label} commentary on this report yet.")
    for _, row in mine.iterrows():
        _note_card(ctx, row)
    components.show_flash(f"notes_{side}")
    with st.form(f"note_form_{side}"):
        st.text_input("Your name", max_chars=mt.MAX_NAME, key=f"note_author_{side}")
        st.text_area(f"{label} note", max_chars=mt.MAX_TEXT, key=f"note_text_{side}",
                     placeholder="Why we think these were the results")
        st.form_submit_button("Add note", key=f"note_add_{side}", type="primary",
                              on_click=_add_note,
                              args=(ctx.engine, ctx.settings.fiscal_start_month, quarter,
                                    report, side))


def commentary_section(ctx: Context, quarter: str, report: str) -> None:
    st.header("Commentary")
    found = notes(ctx, quarter, report)
    sales, marketing = st.columns(2, gap="large")
    for col, side in ((sales, "sales"), (marketing, "marketing")):
        with col:
            _side_column(ctx, quarter, report, side, found)


# --- decisions --------------------------------------------------------------------------------

def _status_selector(engine: Engine, section: str, row: Any) -> None:
    decision_id = int(row["decision_id"])
    key = f"decision_status_{decision_id}"
    _prefill(key, row["status"], (row["status"], row["updated_at"]))
    st.selectbox("Status", list(mt.STATUSES), format_func=STATUS_LABELS.get, key=key,
                 label_visibility="collapsed", on_change=_set_status,
                 args=(engine, section, decision_id))


def decision_rows(ctx: Context, frame: pd.DataFrame, section: str, *,
                  show_report: bool = False) -> None:
    """Decisions as a table whose status column can be changed in place."""
    widths = [5, 3, 2, 1.2, 1.6] if show_report else [5, 2, 1.2, 1.6]
    heads = ["What", "Report", "Owner", "Due", "Status"]
    if not show_report:
        heads.remove("Report")
    for col, head in zip(st.columns(widths), heads, strict=True):
        col.markdown(f"**{head}**")
    for _, row in frame.iterrows():
        cols = st.columns(widths, vertical_alignment="center")
        cells = [paragraphs(row["what"])]
        if show_report:
            cells.append(safe(row["report_title"]))
        cells += [safe(row["owner"] or "—"), safe(row["due_quarter"] or "—")]
        for col, text in zip(cols, cells, strict=False):
            col.markdown(text)
        with cols[-1]:
            _status_selector(ctx.engine, section, row)


def _due_choices(ctx: Context, quarter: str) -> list[str]:
    q = ctx.quarter(quarter)
    labels = [q.label]
    for _ in range(DUE_AHEAD):
        q = q.next()
        labels.append(q.label)
    return labels


def decisions_section(ctx: Context, quarter: str, report: str) -> None:
    st.header("Decisions and action items")
    found = decisions(ctx, quarter, report)
    components.show_flash("decisions")
    if found.empty:
        st.caption("No decision recorded on this report yet.")
    else:
        decision_rows(ctx, found, "decisions")
    with st.form("decision_form"):
        st.markdown(f"**Record a decision on “{catalog.BY_KEY[report].title}”**")
        st.text_area("What was decided", max_chars=mt.MAX_TEXT, key="decision_what", height=80)
        owner, due = st.columns(2)
        owner.text_input("Owner", max_chars=mt.MAX_NAME, key="decision_owner")
        choices = _due_choices(ctx, quarter)
        _prefill("decision_due", choices[1], quarter)  # default: due next quarter
        due.selectbox("Due by", choices, key="decision_due")
        st.form_submit_button("Add decision", key="decision_add", type="primary",
                              on_click=_add_decision,
                              args=(ctx.engine, ctx.settings.fiscal_start_month, quarter,
                                    report))


def quarter_decisions_section(ctx: Context, quarter: str) -> None:
    st.header(f"All decisions of {quarter}")
    found = decisions(ctx, quarter)
    if found.empty:
        st.caption("No decision recorded in this quarter's meeting yet.")
    else:
        st.dataframe(decision_table(found), hide_index=True, width="stretch",
                     key="quarter_decisions")
    previous = ctx.quarter(quarter).previous().label
    st.subheader(f"Carried from {previous}")
    st.caption(f"Decisions of the {previous} meeting and older ones still open and due by "
               f"{quarter}. Mark them done or dropped here.")
    older = carried(ctx, quarter)
    components.show_flash("carried")
    if older.empty:
        st.caption("Nothing carried over.")
    else:
        decision_rows(ctx, older, "carried", show_report=True)


def decision_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Decisions as people read them (st.dataframe shows text as text)."""
    return pd.DataFrame({
        "Report": frame["report_title"], "What": frame["what"],
        "Owner": frame["owner"].fillna("—"), "Due": frame["due_quarter"].fillna("—"),
        "Status": frame["status"].map(STATUS_LABELS),
    }).reset_index(drop=True)


def last_quarter_decisions(ctx: Context, quarter: str, rs: ReportSet) -> None:
    """Overview: last quarter's decisions next to the numbers they were meant to move."""
    previous = ctx.quarter(quarter).previous().label
    st.subheader("Last quarter's decisions")
    found = carried(ctx, quarter)
    if found.empty:
        st.text(f"No decision was recorded in the {previous} meeting.")
        return
    moved = mt.with_headlines(found, rs)
    marks = {True: "✅ at goal", False: "❌ below goal"}
    now = f"{quarter} now"
    table = pd.DataFrame({
        "Decided": moved["quarter"], "What": moved["what"], "Report": moved["report_title"],
        "Owner": moved["owner"].fillna("—"),
        "Status": [STATUS_LABELS.get(s, s) + (" (overdue)" if o else "")
                   for s, o in zip(moved["status"], moved["overdue"], strict=True)],
        "Goal": [marks.get(m, "—") if isinstance(m, bool) else "—" for m in moved["now_met"]],
        now: moved["now"],
    })
    st.dataframe(table, hide_index=True, width="stretch", key="carried_decisions",
                 column_config={"Decided": st.column_config.TextColumn(width="small"),
                                "What": st.column_config.TextColumn(width="medium"),
                                "Owner": st.column_config.TextColumn(width="small"),
                                now: st.column_config.TextColumn(width="large")})
    components.definition(f"Decisions of the {previous} meeting (and older ones still open) "
                          f"beside this quarter's headline number of the report each was "
                          "about: did the change work? Statuses are updated on Meeting.")


# --- the two views ----------------------------------------------------------------------------

def presenting() -> bool:
    """Whether presenter mode is on (read before anything is drawn)."""
    return bool(st.session_state.get(PRESENTING, False))


def report_view(ctx: Context, quarter: str, rs: ReportSet) -> None:
    """The meeting page for one report: its chart, commentary and decisions."""
    title, toggle = st.columns([3, 1], vertical_alignment="center")
    title.title(f"Meeting · {quarter}")
    with toggle:
        presenter_toggle()
    report = report_selector()
    components.chart(report_figure(rs, report), key="meeting_chart")
    components.definition(f"Now: {mt.headline(rs, report).text}")
    commentary_section(ctx, quarter, report)
    decisions_section(ctx, quarter, report)
    quarter_decisions_section(ctx, quarter)


def _presenter_notes(ctx: Context, found: pd.DataFrame, side: str) -> None:
    st.subheader(mt.SIDE_LABELS[side], anchor=False)
    mine = found[found["side"] == side] if not found.empty else found
    if mine.empty:
        st.caption("No commentary.")
    for _, row in mine.iterrows():
        st.markdown(f"{paragraphs(row['text'])}  \n— *{safe(row['author'])}*")


def untracked_reason(rs: ReportSet, report: str) -> str | None:
    """Why a ranked report cannot be shown for this data (SPEC §3.10), else None."""
    ref = catalog.BY_KEY[report]
    if ref.entity in ("campaigns", "reps") and ref.stage:
        found = (rs.campaigns if ref.entity == "campaigns" else rs.reps)[ref.stage]
        return None if found.tracked else reason(found)
    return None


def _presenter_chart(rs: ReportSet, report: str) -> None:
    figure = report_figure(rs, report)
    # the slide's title says what the chart shows; the room needs the bars larger
    figure.update_layout(height=None, autosize=True, title_text="", margin_t=60,
                         font_size=PRESENTER_FONT, legend_font_size=PRESENTER_FONT)
    with st.container(key="presenter_chart_box"):
        st.plotly_chart(figure, theme=None, key="presenter_chart", height="stretch",
                        config={"displaylogo": False, "responsive": True})


def presenter_view(ctx: Context, quarter: str, rs: ReportSet) -> None:
    """One report per screen: title, large chart, both sides' commentary, its decisions."""
    st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
    report = current_report()
    index = KEYS.index(report)
    head, nav = st.columns([2, 1], vertical_alignment="center")
    head.title(catalog.BY_KEY[report].title, anchor=False)
    with nav, st.container(horizontal=True, horizontal_alignment="right",
                           vertical_alignment="center"):
        st.button("Previous", key="presenter_prev", on_click=_move, args=(-1,),
                  shortcut="Left", disabled=index == 0, icon=":material/arrow_back:")
        st.button("Next", key="presenter_next", on_click=_move, args=(1,), shortcut="Right",
                  disabled=index == len(KEYS) - 1, icon=":material/arrow_forward:")
        st.button("Exit", key="presenter_exit", on_click=_stop_presenting, shortcut="Esc",
                  icon=":material/close:", help="Back to the meeting page")
    chart_col, words = st.columns([3, 2], gap="large")
    with chart_col:
        untracked = untracked_reason(rs, report)
        if untracked:
            # A report the data cannot answer says why, in the chart's place.
            st.header(untracked, anchor=False)
        else:
            _presenter_chart(rs, report)
    with words, st.container(key="presenter_words"):
        st.markdown(f"{quarter} · **{index + 1} / {len(KEYS)}**", text_alignment="right")
        found = notes(ctx, quarter, report)
        for side in mt.SIDES:
            _presenter_notes(ctx, found, side)
        st.subheader("Decisions", anchor=False)
        taken = decisions(ctx, quarter, report)
        if taken.empty:
            st.caption("None yet.")
        for _, row in taken.iterrows():
            due = f", due {safe(row['due_quarter'])}" if row["due_quarter"] else ""
            st.markdown(f"{paragraphs(row['what'])}  \n*{safe(row['owner'])}{due} · "
                        f"{STATUS_LABELS.get(row['status'], '')}*")


EXPORT_LABELS = {"pptx": "Slide deck (.pptx)", "html": "Pre-read (HTML, opens offline)",
                 "csv": "Every report as CSV (.zip)"}


def exports_section(ctx: Context, quarter: str, options: ReportOptions) -> None:
    """Download buttons for the quarter's deck, pre-read and CSVs, made on request (a deck
    takes a moment) and cached until the data changes."""
    st.header("Exports")
    st.caption("Each export states the quarter, the basis of every number, the goals used and "
               "when the data was last imported; commentary goes in the slide notes.")
    if not st.button("Prepare the exports", key="exports_prepare"):
        if not st.session_state.get("exports_ready"):
            return
    st.session_state["exports_ready"] = True
    q = ctx.quarter(quarter)
    columns = st.columns(len(EXPORT_LABELS))
    for column, (fmt, label) in zip(columns, EXPORT_LABELS.items(), strict=True):
        payload = metric(ctx, "export", quarter=quarter, fmt=fmt, options=options)
        column.download_button(label, payload, file_name=file_name(q, fmt),
                               mime=MEDIA_TYPES[fmt], key=f"export_{fmt}")
