"""The meeting's commentary (SPEC §9 page 6): each side's notes on a report, the decisions
and action items taken on it, the meeting page's report view, and the compact commentary and
last quarter's decisions other pages show beside a report.

Writes run as widget callbacks, before the page re-renders with the new data; their outcome
is shown in their own section, never as a traceback. Every name and note is user text and is
escaped before it reaches markdown. Who writes is the session's identity (``ui.audit``), never
a name typed here: a note's Edit is offered to its author only, a decision's status to editors,
its owner and whoever recorded it, and the store checks the same again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from smarketing_data import meeting as mt
from smarketing_data.db import DatabaseError
from smarketing_data.metrics import catalog
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.report_set import ReportSet
from ui import access, components, data
from ui import audit as who_ui
from ui.components import safe
from ui.data import Context
from ui.meeting.presenter import presenter_toggle
from ui.meeting.shared import (
    CURRENT,
    KEYS,
    STATUS_LABELS,
    current_report,
    long_time,
    paragraphs,
    report_figure,
    short_date,
)

REPORT_KEY = "meeting_report"
DUE_AHEAD = 4  # due-quarter choices: this quarter and the next four


def note_line(ctx: Context, row: Any) -> str:
    """'**Sales** — Ann (May 2): text', escaped."""
    edited = ", edited" if row["updated_at"] > row["created_at"] else ""
    return (
        f"**{mt.SIDE_LABELS.get(row['side'], safe(row['side']))}** — {safe(row['author'])} "
        f"({short_date(ctx, row['created_at'])}{edited}): {paragraphs(row['text'])}"
    )


def show_commentary(ctx: Context, quarter: Quarter, report: str) -> None:
    """The notes both sides wrote on a report, as compact lines under it (nothing when none)."""
    found = data.notes(ctx, quarter, report)
    if found.empty:
        return
    with st.container(border=True):
        st.caption(f"Commentary on “{catalog.BY_KEY[report].title}”")
        for _, row in found.iterrows():
            st.markdown(note_line(ctx, row))


def _write(section: str, action: Callable[[str], str], *, doing: str) -> None:
    """Run one write as this session's identity; its outcome is shown in its section."""
    who = who_ui.acting()
    if who is None:
        components.flash(section, "error", who_ui.nameless(doing))
        return
    try:
        done = action(who)
    except mt.MeetingError as exc:
        message = str(exc)
        components.flash(section, "error", message[:1].upper() + message[1:])
    except DatabaseError as exc:
        components.flash(section, "error", str(exc))
    else:
        components.flash(section, "success", done)


def _add_note(engine: Engine, quarter: Quarter, report: str, side: str) -> None:
    def action(who: str) -> str:
        mt.add_note(
            engine,
            quarter=quarter.label,
            report=report,
            side=side,
            author=who,
            text=st.session_state.get(f"note_text_{side}", ""),
            fiscal_start_month=quarter.fiscal_start_month,
        )
        st.session_state[f"note_text_{side}"] = ""
        return f"{mt.SIDE_LABELS[side]} note saved."

    _write(f"notes_{side}", action, doing="A note")


def _edit_note(engine: Engine, note_id: int) -> None:
    def action(who: str) -> str:
        text = st.session_state.get(f"note_edit_text_{note_id}", "")
        mt.edit_note(engine, note_id=note_id, author=who, text=text)
        return "Note updated."

    _write(f"note_{note_id}", action, doing="Editing a note")


def _delete_note(engine: Engine, section: str, note_id: int) -> None:
    def action(who: str) -> str:
        mt.delete_note(engine, note_id=note_id, author=who)
        return "Note deleted."

    _write(section, action, doing="Deleting a note")


def _add_decision(engine: Engine, quarter: Quarter, report: str) -> None:
    def action(who: str) -> str:
        mt.add_decision(
            engine,
            quarter=quarter.label,
            report=report,
            what=st.session_state.get("decision_what", ""),
            owner=st.session_state.get("decision_owner", ""),
            due_quarter=st.session_state.get("decision_due"),
            who=who,
            fiscal_start_month=quarter.fiscal_start_month,
        )
        st.session_state["decision_what"] = ""
        return "Decision recorded."

    _write("decisions", action, doing="A decision")


def _set_status(engine: Engine, section: str, decision_id: int) -> None:
    key = f"decision_status_{decision_id}"

    def action(who: str) -> str:
        status = st.session_state[key]
        try:
            mt.set_decision_status(
                engine, decision_id=decision_id, status=status, who=who, editor=access.can_edit()
            )
        except mt.MeetingError:
            st.session_state.pop(f"_basis_{key}", None)  # show the stored status again
            raise
        return f"Marked {STATUS_LABELS[status].lower()}."

    _write(section, action, doing="Changing a decision's status")


def _prefill(key: str, value: Any, basis: Any) -> None:
    """Show ``value`` in a keyed widget unless the user is already editing the same thing."""
    marker = f"_basis_{key}"
    if key not in st.session_state or st.session_state.get(marker) != basis:
        st.session_state[key] = value
        st.session_state[marker] = basis


def _pick() -> None:
    st.session_state[CURRENT] = st.session_state[REPORT_KEY]


def report_selector() -> str:
    st.session_state[REPORT_KEY] = current_report()
    return st.selectbox(
        "Report",
        KEYS,
        key=REPORT_KEY,
        on_change=_pick,
        format_func=lambda k: catalog.BY_KEY[k].title,
    )


def _note_card(ctx: Context, row: Any) -> None:
    note_id = int(row["note_id"])
    with st.container(border=True):
        edited = (
            f" · edited {long_time(ctx, row['updated_at'])}"
            if row["updated_at"] > row["created_at"]
            else ""
        )
        st.markdown(f"**{safe(row['author'])}** · {long_time(ctx, row['created_at'])}{edited}")
        st.markdown(paragraphs(row["text"]))
        components.show_flash(f"note_{note_id}")
        if mt.same_person(who_ui.acting(), row["author"]):
            _note_editor(ctx, row, note_id)


def _note_editor(ctx: Context, row: Any, note_id: int) -> None:
    """Edit and delete, offered to the note's author only (the store checks it again)."""
    with st.expander("Edit", icon=":material/edit:"):
        with st.form(f"note_edit_form_{note_id}", border=False):
            _prefill(f"note_edit_text_{note_id}", row["text"], row["updated_at"])
            st.text_area("Note", max_chars=mt.MAX_TEXT, key=f"note_edit_text_{note_id}")
            st.form_submit_button(
                "Save changes",
                key=f"note_edit_save_{note_id}",
                on_click=_edit_note,
                args=(ctx.engine, note_id),
            )
        st.button(
            "Delete this note",
            key=f"note_delete_{note_id}",
            icon=":material/delete:",
            on_click=_delete_note,
            args=(ctx.engine, f"notes_{row['side']}", note_id),
        )


def _side_column(
    ctx: Context, quarter: Quarter, report: str, side: str, found: pd.DataFrame
) -> None:
    label = mt.SIDE_LABELS[side]
    st.subheader(label)
    mine = found[found["side"] == side] if not found.empty else found
    if mine.empty:
        st.caption(f"No {label} commentary on this report yet.")
    for _, row in mine.iterrows():
        _note_card(ctx, row)
    components.show_flash(f"notes_{side}")
    with st.form(f"note_form_{side}"):
        st.text_area(
            f"{label} note",
            max_chars=mt.MAX_TEXT,
            key=f"note_text_{side}",
            placeholder="Why we think these were the results",
        )
        st.form_submit_button(
            "Add note",
            key=f"note_add_{side}",
            type="primary",
            on_click=_add_note,
            args=(ctx.engine, quarter, report, side),
        )


def commentary_section(ctx: Context, quarter: Quarter, report: str) -> None:
    st.header("Commentary")
    who = who_ui.acting()
    st.caption(
        f"You write as {safe(who)}; only a note's author can edit or delete it."
        if who
        else who_ui.nameless("Commentary")
    )
    found = data.notes(ctx, quarter, report)
    sales, marketing = st.columns(2, gap="large")
    for col, side in ((sales, "sales"), (marketing, "marketing")):
        with col:
            _side_column(ctx, quarter, report, side, found)


def _status_selector(engine: Engine, section: str, row: Any) -> None:
    """The status, changeable by editors, the decision's owner and whoever recorded it."""
    decision_id = int(row["decision_id"])
    key = f"decision_status_{decision_id}"
    _prefill(key, row["status"], (row["status"], row["updated_at"]))
    allowed = mt.may_change_decision(
        who=who_ui.acting(),
        editor=access.can_edit(),
        owner=row["owner"],
        recorded_by=row["recorded_by"],
    )
    st.selectbox(
        "Status",
        list(mt.STATUSES),
        format_func=STATUS_LABELS.__getitem__,
        key=key,
        label_visibility="collapsed",
        on_change=_set_status,
        args=(engine, section, decision_id),
        disabled=not allowed,
        help=None if allowed else "Editors, the owner and whoever recorded it change this.",
    )


def decision_rows(
    ctx: Context, frame: pd.DataFrame, section: str, *, show_report: bool = False
) -> None:
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


def _due_choices(quarter: Quarter) -> list[str]:
    q = quarter
    labels = [q.label]
    for _ in range(DUE_AHEAD):
        q = q.next()
        labels.append(q.label)
    return labels


def decisions_section(ctx: Context, quarter: Quarter, report: str) -> None:
    st.header("Decisions and action items")
    found = data.decisions(ctx, quarter, report)
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
        choices = _due_choices(quarter)
        _prefill("decision_due", choices[1], quarter.label)  # default: due next quarter
        due.selectbox("Due by", choices, key="decision_due")
        st.form_submit_button(
            "Add decision",
            key="decision_add",
            type="primary",
            on_click=_add_decision,
            args=(ctx.engine, quarter, report),
        )


def quarter_decisions_section(ctx: Context, quarter: Quarter) -> None:
    st.header(f"All decisions of {quarter.label}")
    found = data.decisions(ctx, quarter)
    if found.empty:
        st.caption("No decision recorded in this quarter's meeting yet.")
    else:
        st.dataframe(
            decision_table(found), hide_index=True, width="stretch", key="quarter_decisions"
        )
    previous = quarter.previous().label
    st.subheader(f"Carried from {previous}")
    st.caption(
        f"Decisions of the {previous} meeting and older ones still open and due by "
        f"{quarter.label}. Mark them done or dropped here."
    )
    older = data.carried_decisions(ctx, quarter)
    components.show_flash("carried")
    if older.empty:
        st.caption("Nothing carried over.")
    else:
        decision_rows(ctx, older, "carried", show_report=True)


def decision_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Decisions as people read them (st.dataframe shows text as text)."""
    return pd.DataFrame(
        {
            "Report": frame["report_title"],
            "What": frame["what"],
            "Owner": frame["owner"].fillna("—"),
            "Due": frame["due_quarter"].fillna("—"),
            "Status": frame["status"].map(STATUS_LABELS),
        }
    ).reset_index(drop=True)


def last_quarter_decisions(ctx: Context, quarter: Quarter, rs: ReportSet) -> None:
    """Overview: last quarter's decisions next to the numbers they were meant to move."""
    previous = quarter.previous().label
    st.subheader("Last quarter's decisions")
    found = data.carried_decisions(ctx, quarter)
    if found.empty:
        st.text(f"No decision was recorded in the {previous} meeting.")
        return
    moved = mt.with_headlines(found, rs)
    marks = {True: "✅ at goal", False: "❌ below goal"}
    now = f"{quarter} now"
    table = pd.DataFrame(
        {
            "Decided": moved["quarter"],
            "What": moved["what"],
            "Report": moved["report_title"],
            "Owner": moved["owner"].fillna("—"),
            "Status": [
                STATUS_LABELS.get(s, s) + (" (overdue)" if o else "")
                for s, o in zip(moved["status"], moved["overdue"], strict=True)
            ],
            "Goal": [marks.get(m, "—") if isinstance(m, bool) else "—" for m in moved["now_met"]],
            now: moved["now"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="carried_decisions",
        column_config={
            "Decided": st.column_config.TextColumn(width="small"),
            "What": st.column_config.TextColumn(width="medium"),
            "Owner": st.column_config.TextColumn(width="small"),
            now: st.column_config.TextColumn(width="large"),
        },
    )
    components.definition(
        f"Decisions of the {previous} meeting (and older ones still open) "
        f"beside this quarter's headline number of the report each was "
        "about: did the change work? Statuses are updated on Meeting."
    )


def report_view(ctx: Context, quarter: Quarter, rs: ReportSet) -> None:
    """The meeting page for one report: its chart, commentary and decisions."""
    title, toggle = st.columns([3, 1], vertical_alignment="center")
    title.title(f"Meeting · {quarter.label}")
    with toggle:
        presenter_toggle()
    report = report_selector()
    components.chart(report_figure(rs, report), key="meeting_chart")
    components.definition(f"Now: {mt.headline(rs, report).text}")
    commentary_section(ctx, quarter, report)
    decisions_section(ctx, quarter, report)
    quarter_decisions_section(ctx, quarter)
    who_ui.change_history(ctx, ("decision", "note"), key="meeting_changes")
