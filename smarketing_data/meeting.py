"""The meeting's own record (SPEC §1, §9 page 6): each side's commentary per report and the
decisions and action items taken on them, carried into the next quarter.

Who writes is the signed-in identity the caller passes (SPEC §8: the sign-in e-mail or the
name given with the passcode), compared without regard to case or surrounding spaces because
e-mail addresses are case-insensitive. A note belongs to its author: only they may edit or
delete it. A decision starts open and is marked done or dropped by an editor, its owner or
whoever recorded it. Every change to a decision or note is written to the change history in
the change's own transaction, and bumps the data version so every open page shows it on its
next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Row, delete, insert, select, update

from smarketing_data import audit, schema
from smarketing_data import format as fmt
from smarketing_data.audit import same_person
from smarketing_data.db import bump_data_version, read_frame, write_transaction
from smarketing_data.metrics import catalog
from smarketing_data.metrics.quarters import Quarter, QuarterError, parse_quarter
from smarketing_data.metrics.report_model import count_noun, rate_text
from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.stages import STAGE_LABELS

N = schema.notes
D = schema.decisions

SIDES = ("sales", "marketing")
SIDE_LABELS = {"sales": "Sales", "marketing": "Marketing"}
STATUSES = ("open", "done", "dropped")
# A note is a paragraph or two of "why we think these were the results"; the cap keeps a
# pasted document off every page. Names fit the schema's String(255) columns.
MAX_TEXT = 5_000
MAX_NAME = 255
# The change-history action that records a decision; whoever did it may change it later.
RECORDED = "recorded"

NOTE_COLUMNS = [
    "note_id",
    "quarter",
    "report",
    "side",
    "author",
    "text",
    "created_at",
    "updated_at",
]
DECISION_COLUMNS = [
    "decision_id",
    "quarter",
    "report",
    "what",
    "owner",
    "due_quarter",
    "status",
    "created_at",
    "updated_at",
]
# Decisions not tied to one report sort after every report.
_REPORT_ORDER = {ref.key: i for i, ref in enumerate(catalog.ALL)}
_LAST = len(_REPORT_ORDER)


class MeetingError(ValueError):
    """A note or decision that cannot be stored; str(exc) is one line for the user."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --- validation -------------------------------------------------------------------------------


def _report(key: str | None, *, optional: bool = False) -> str | None:
    if key is None and optional:
        return None
    if key not in catalog.BY_KEY:
        raise MeetingError(f"unknown report {key!r}")
    return key


def _side(side: str) -> str:
    if side not in SIDES:
        raise MeetingError(f"unknown side {side!r}; use sales or marketing")
    return side


def _text(value: str | None, what: str) -> str:
    body = (value or "").strip()
    if not body:
        raise MeetingError(f"{what} is empty")
    if len(body) > MAX_TEXT:
        raise MeetingError(f"{what} is longer than {MAX_TEXT:,} characters")
    return body


def _name(value: str | None, what: str) -> str:
    name = (value or "").strip()
    if not name:
        raise MeetingError(f"{what} is required")
    if len(name) > MAX_NAME:
        raise MeetingError(f"{what} is longer than {MAX_NAME} characters")
    return name


def _quarter(label: str | None, fiscal_start_month: int) -> Quarter:
    try:
        return parse_quarter(str(label or ""), fiscal_start_month)
    except QuarterError as exc:
        raise MeetingError(str(exc)) from exc


def _status(status: str) -> str:
    if status not in STATUSES:
        raise MeetingError(f"unknown status {status!r}; use open, done or dropped")
    return status


# --- notes ------------------------------------------------------------------------------------


def add_note(
    engine: Engine,
    *,
    quarter: str,
    report: str,
    side: str,
    author: str,
    text: str,
    fiscal_start_month: int = 1,
) -> int:
    """Save one side's note on a report of a quarter, written by ``author`` (the signed-in
    identity); returns its note_id."""
    label = _quarter(quarter, fiscal_start_month).label
    values = dict(
        quarter=label,
        report=_report(report),
        side=_side(side),
        author=_name(author, "the author's name"),
        text=_text(text, "the note"),
    )
    now = _now()
    with write_transaction(engine) as conn:
        note_id = conn.execute(
            insert(N).values(**values, created_at=now, updated_at=now).returning(N.c.note_id)
        ).scalar_one()
        title = catalog.BY_KEY[str(values["report"])].title
        _note_history(conn, values["author"], note_id, "added", f"{SIDE_LABELS[side]} on {title}")
    return int(note_id)


def _note_history(conn: Connection, who: str | None, note_id: int, action: str, what: str) -> None:
    """The note's change in the history; its words stay in the note, not in the history."""
    audit.record(conn, who=who, kind="note", item=str(note_id), action=action, summary=what)
    bump_data_version(conn)


def _own_note(conn: Connection, note_id: int, author: str, verb: str) -> Row:
    """The note, when ``author`` wrote it; MeetingError otherwise."""
    row = conn.execute(
        select(N.c.author, N.c.side, N.c.report).where(N.c.note_id == int(note_id))
    ).first()
    if row is None:
        raise MeetingError(f"note {note_id} does not exist")
    if not same_person(row.author, author):
        raise MeetingError(f"only {row.author} can {verb} this note")
    return row


def edit_note(engine: Engine, *, note_id: int, author: str, text: str) -> None:
    """Replace a note's text; only its author may (MeetingError otherwise)."""
    body = _text(text, "the note")
    with write_transaction(engine) as conn:
        row = _own_note(conn, note_id, author, "edit")
        conn.execute(
            update(N).where(N.c.note_id == int(note_id)).values(text=body, updated_at=_now())
        )
        _note_history(conn, row.author, note_id, "edited", "text changed")


def delete_note(engine: Engine, *, note_id: int, author: str) -> None:
    """Remove a note; only its author may (MeetingError otherwise)."""
    with write_transaction(engine) as conn:
        row = _own_note(conn, note_id, author, "delete")
        conn.execute(delete(N).where(N.c.note_id == int(note_id)))
        title = catalog.BY_KEY[row.report].title if row.report in catalog.BY_KEY else row.report
        side = SIDE_LABELS.get(row.side, row.side)
        _note_history(conn, row.author, note_id, "deleted", f"{side} on {title}")


def _ordered(frame: pd.DataFrame, keys: list[tuple[str, Any]]) -> pd.DataFrame:
    """Rows in catalog report order, then by the given (column, rank function) keys."""
    if frame.empty:
        return frame.reset_index(drop=True)
    ranks = pd.DataFrame(
        {
            "_report": frame["report"].map(
                lambda k: _REPORT_ORDER.get(k, _LAST) if isinstance(k, str) else _LAST
            )
        }
    )
    for column, rank in keys:
        ranks[column] = frame[column].map(rank) if rank else frame[column]
    order = ranks.sort_values(list(ranks.columns), kind="mergesort").index
    return frame.loc[order].reset_index(drop=True)


def notes_for(engine: Engine, *, quarter: str, report: str | None = None) -> pd.DataFrame:
    """The notes of a quarter (of one report when given), in the catalog's report order,
    Sales before Marketing, oldest first.

    Columns: note_id, quarter, report, side, author, text, created_at, updated_at.
    """
    stmt = select(*[N.c[c] for c in NOTE_COLUMNS]).where(N.c.quarter == quarter)
    if report is not None:
        stmt = stmt.where(N.c.report == report)
    frame = read_frame(engine, stmt)
    for column in ("created_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column])
    return _ordered(
        frame,
        [
            ("side", lambda s: SIDES.index(s) if s in SIDES else len(SIDES)),
            ("created_at", None),
            ("note_id", None),
        ],
    )


# --- decisions --------------------------------------------------------------------------------


def add_decision(
    engine: Engine,
    *,
    quarter: str,
    report: str | None,
    what: str,
    owner: str,
    due_quarter: str | None,
    who: str | None = None,
    fiscal_start_month: int = 1,
) -> int:
    """Record a decision or action item taken in a quarter's meeting, open; returns its id.

    ``report`` None is a decision about the meeting as a whole; ``due_quarter`` None means no
    due quarter was agreed. ``who`` (the signed-in identity) is kept as who recorded it.
    """
    label = _quarter(quarter, fiscal_start_month).label
    due = None if due_quarter is None else _quarter(due_quarter, fiscal_start_month).label
    values = dict(
        quarter=label,
        report=_report(report, optional=True),
        what=_text(what, "the decision"),
        owner=_name(owner, "the owner"),
        due_quarter=due,
        status="open",
    )
    now = _now()
    with write_transaction(engine) as conn:
        decision_id = conn.execute(
            insert(D).values(**values, created_at=now, updated_at=now).returning(D.c.decision_id)
        ).scalar_one()
        audit.record(
            conn,
            who=who,
            kind="decision",
            item=str(decision_id),
            action=RECORDED,
            summary=f"“{audit.shorten(values['what'])}”, owner {values['owner']}, due {due or '—'}",
        )
        bump_data_version(conn)
    return int(decision_id)


def may_change_decision(
    *, who: str | None, editor: bool, owner: str | None, recorded_by: str | None
) -> bool:
    """Who may change a decision: an editor, its owner, or whoever recorded it."""
    return editor or same_person(who, owner) or same_person(who, recorded_by)


def _decision_changes(
    *,
    what: str | None,
    owner: str | None,
    due_quarter: str | None,
    status: str | None,
    fiscal_start_month: int,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if what is not None:
        values["what"] = _text(what, "the decision")
    if owner is not None:
        values["owner"] = _name(owner, "the owner")
    if due_quarter is not None:
        values["due_quarter"] = _quarter(due_quarter, fiscal_start_month).label
    if status is not None:
        values["status"] = _status(status)
    return values


def _changed_words(row: Row, values: dict[str, Any]) -> str:
    """'status open → done; owner Mia → Ann', the fields that change, old → new."""
    parts = []
    for field in ("what", "owner", "due_quarter", "status"):
        if field in values and getattr(row, field) != values[field]:
            old, new = getattr(row, field) or "—", values[field] or "—"
            if field == "what":
                old, new = f"“{audit.shorten(old)}”", f"“{audit.shorten(new)}”"
            parts.append(f"{field.replace('_', ' ')} {old} → {new}")
    return "; ".join(parts)


def edit_decision(
    engine: Engine,
    *,
    decision_id: int,
    who: str | None,
    editor: bool = False,
    what: str | None = None,
    owner: str | None = None,
    due_quarter: str | None = None,
    status: str | None = None,
    fiscal_start_month: int = 1,
) -> None:
    """Change what was decided, its owner, due quarter or status (None: leave as is), as
    ``who``; refused (MeetingError) unless ``may_change_decision`` allows it. The change,
    old → new, goes to the change history."""
    values = _decision_changes(
        what=what,
        owner=owner,
        due_quarter=due_quarter,
        status=status,
        fiscal_start_month=fiscal_start_month,
    )
    if not values:
        return
    with write_transaction(engine) as conn:
        row = conn.execute(select(D).where(D.c.decision_id == int(decision_id))).first()
        if row is None:
            raise MeetingError(f"decision {decision_id} does not exist")
        recorded_by = audit.actors(
            conn, kind="decision", action=RECORDED, items=[str(decision_id)]
        ).get(str(decision_id))
        if not may_change_decision(
            who=who, editor=editor, owner=row.owner, recorded_by=recorded_by
        ):
            raise MeetingError(
                f"only an editor, its owner ({row.owner}) or whoever recorded it can change "
                "this decision"
            )
        words = _changed_words(row, values)
        if not words:
            return
        conn.execute(
            update(D).where(D.c.decision_id == int(decision_id)).values(**values, updated_at=_now())
        )
        audit.record(
            conn,
            who=who,
            kind="decision",
            item=str(decision_id),
            action="changed",
            summary=f"“{audit.shorten(row.what, 40)}”: {words}",
        )
        bump_data_version(conn)


def set_decision_status(
    engine: Engine, *, decision_id: int, status: str, who: str | None, editor: bool = False
) -> None:
    """Mark a decision open, done or dropped, as ``who`` (see ``edit_decision``)."""
    edit_decision(engine, decision_id=decision_id, who=who, editor=editor, status=_status(status))


def _decisions(engine: Engine, *conditions: Any) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = read_frame(conn, select(*[D.c[c] for c in DECISION_COLUMNS]).where(*conditions))
        ids = [str(int(i)) for i in frame["decision_id"]]
        recorded = audit.actors(conn, kind="decision", action=RECORDED, items=ids)
    for column in ("created_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column])
    frame["report_title"] = [
        catalog.BY_KEY[k].title if k in catalog.BY_KEY else "General" for k in frame["report"]
    ]
    frame["recorded_by"] = pd.Series(
        [recorded.get(i) for i in ids], index=frame.index, dtype=object
    )
    return frame


def decisions_for(engine: Engine, *, quarter: str, report: str | None = None) -> pd.DataFrame:
    """The decisions recorded in a quarter's meeting (on one report when given), in the
    catalog's report order (general decisions last), oldest first.

    Columns: decision_id, quarter, report, what, owner, due_quarter, status, created_at,
    updated_at, report_title, recorded_by (who recorded it; None when not known).
    """
    conditions = [D.c.quarter == quarter]
    if report is not None:
        conditions.append(D.c.report == report)
    return _ordered(_decisions(engine, *conditions), [("created_at", None), ("decision_id", None)])


def carried_decisions(engine: Engine, *, quarter: str, fiscal_start_month: int = 1) -> pd.DataFrame:
    """What this quarter's meeting should look back on: every decision recorded in the
    previous quarter, plus older decisions still open and due by this quarter.

    Columns: those of ``decisions_for``, plus overdue (an open decision whose due quarter is
    before this one).
    """
    current = _quarter(quarter, fiscal_start_month)
    previous = current.previous()
    frame = _decisions(engine, D.c.quarter != current.label)

    def parsed(label: object) -> Quarter | None:
        try:
            return parse_quarter(str(label), fiscal_start_month) if label else None
        except QuarterError:  # recorded under another fiscal-year setting
            return None

    decided = [parsed(q) for q in frame["quarter"]]
    due = [parsed(q) for q in frame["due_quarter"]]
    open_ = [s == "open" for s in frame["status"]]
    keep = [
        d == previous or (o and d is not None and d < previous and u is not None and u <= current)
        for d, u, o in zip(decided, due, open_, strict=True)
    ]
    frame = frame.assign(
        overdue=[o and u is not None and u < current for u, o in zip(due, open_, strict=True)]
    )
    frame = frame[pd.Series(keep, index=frame.index, dtype=bool)]
    newest_first = sorted(set(frame["quarter"]), key=lambda q: parsed(q) or previous, reverse=True)
    order = {label: i for i, label in enumerate(newest_first)}
    return _ordered(frame, [("quarter", order.get), ("created_at", None), ("decision_id", None)])


# --- the numbers a decision was meant to move ------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """A report's current headline number, in words, and whether it meets its goal by the
    report's own verdict (None: nothing to judge, or a rep on par with the goal)."""

    report: str
    text: str
    met: bool | None


def _list_headline(rs: ReportSet, key: str) -> Headline:
    """A ranked list's first row as its model words and judges it: a campaign's count against
    its expected-at-goal count, a rep's rate by the interval rule (an on-par rep is neither a
    win nor a miss)."""
    lst = rs.reports.lists[key]
    if not lst.tracked:  # nothing ranked, so nothing to judge
        return Headline(key, lst.untracked, None)
    if not lst.rows:
        return Headline(
            key,
            f"No {'rep ranked' if lst.is_rates else 'campaign in this list'} this quarter",
            None,
        )
    r = lst.rows[0]
    if lst.is_rates:
        text = (
            f"{r.name}: {r.value_text} to {STAGE_LABELS[lst.stage]} ({r.of_text}) "
            f"against a goal of {rate_text(r.goal)}"
        )
    else:
        unit = count_noun(lst.stage, r.value)
        text = (
            f"{r.name}: {r.value_text} {unit} (no expected-at-goal count in this data)"
            if r.expected is None
            else f"{r.name}: {r.value_text} {unit} against {r.expected_text} expected at goal"
        )
    return Headline(key, text, r.met)


def _funnel_headline(rs: ReportSet) -> Headline:
    """Each tracked step against its goal (a step over an untracked stage runs from the
    tracked stage before it); the untracked stages are named, never judged."""
    funnel = rs.reports.funnel
    parts = [
        f"{STAGE_LABELS[str(s.step_from)]}→{s.label} {s.rate_text} (goal {s.goal_text})"
        for s in funnel.judged
    ]
    text = " · ".join(parts) or "No funnel activity this quarter"
    if funnel.untracked:
        text += f" · not tracked: {', '.join(funnel.untracked)}"
    return Headline("funnel", text, _all_met([s.met for s in funnel.judged]))


def _contribution_headline(rs: ReportSet) -> Headline:
    parts: list[str] = []
    for line in rs.reports.contribution.lines:
        text = f"Sourced {line.metric} {fmt.money(line.sourced)}"
        if line.target is not None:
            text += f" against a target of {fmt.money(line.target)}"
        elif line.share is not None:
            text += f" ({fmt.pct(line.share)} of all)"
        parts.append(text)
    return Headline(
        "contribution",
        " · ".join(parts),
        _all_met([line.met for line in rs.reports.contribution.lines]),
    )


def _all_met(met: list[bool | None]) -> bool | None:
    """Whether every judged part meets its goal; None when no part was judged."""
    judged = [m for m in met if m is not None]
    return all(judged) if judged else None


def headline(rs: ReportSet, report: str) -> Headline:
    """A report's headline number this quarter: for a campaign list, its first campaign's
    count against expected at goal; for a rep list, its first rep's rate against the goal,
    judged by the interval rule;
    for the funnel, each step's conversion against its goal; for contribution, sourced
    pipeline and bookings against their targets."""
    ref = catalog.BY_KEY.get(report)
    if ref is None:
        return Headline(str(report), "—", None)
    if ref.entity in ("campaigns", "reps"):
        return _list_headline(rs, ref.key)
    if ref.key == "funnel":
        return _funnel_headline(rs)
    return _contribution_headline(rs)


def with_headlines(decisions: pd.DataFrame, rs: ReportSet) -> pd.DataFrame:
    """Decisions next to the current headline of the report each was about.

    Adds columns: now (the headline text, '—' for general decisions), now_met (True, False,
    or None when there is nothing to judge).
    """
    out = decisions.copy()
    found = [headline(rs, k) if isinstance(k, str) else None for k in out["report"]]
    out["now"] = [h.text if h else "—" for h in found]
    out["now_met"] = pd.Series([h.met if h else None for h in found], index=out.index, dtype=object)
    return out
