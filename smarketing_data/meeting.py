"""The meeting's own record (SPEC §1, §9 page 6): each side's commentary per report and the
decisions and action items taken on them, carried into the next quarter.

Notes belong to their author: only the person who wrote one may change it (names compared
case-insensitively, ignoring surrounding spaces; the product has no accounts for commentary,
so the typed name is the identity). Decisions start open and are marked done or dropped.
Every write bumps the data version so every open page shows it on its next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from smarketing_data import format as fmt
from smarketing_data import schema
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


def same_person(a: str | None, b: str | None) -> bool:
    """Whether two typed names are the same person: case and surrounding spaces ignored."""
    return (a or "").strip().casefold() == (b or "").strip().casefold()


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
    """Save one side's note on a report of a quarter; returns its note_id."""
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
        bump_data_version(conn)
    return int(note_id)


def edit_note(engine: Engine, *, note_id: int, author: str, text: str) -> None:
    """Replace a note's text; only its author may (MeetingError otherwise)."""
    body = _text(text, "the note")
    with write_transaction(engine) as conn:
        row = conn.execute(select(N.c.author).where(N.c.note_id == int(note_id))).first()
        if row is None:
            raise MeetingError(f"note {note_id} does not exist")
        if not same_person(row.author, author):
            raise MeetingError(f"only {row.author} can edit this note")
        conn.execute(
            update(N).where(N.c.note_id == int(note_id)).values(text=body, updated_at=_now())
        )
        bump_data_version(conn)


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
    fiscal_start_month: int = 1,
) -> int:
    """Record a decision or action item taken in a quarter's meeting, open; returns its id.

    ``report`` None is a decision about the meeting as a whole; ``due_quarter`` None means no
    due quarter was agreed.
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
        bump_data_version(conn)
    return int(decision_id)


def edit_decision(
    engine: Engine,
    *,
    decision_id: int,
    what: str | None = None,
    owner: str | None = None,
    due_quarter: str | None = None,
    status: str | None = None,
    fiscal_start_month: int = 1,
) -> None:
    """Change what was decided, its owner, due quarter or status (None: leave as is)."""
    values: dict[str, Any] = {}
    if what is not None:
        values["what"] = _text(what, "the decision")
    if owner is not None:
        values["owner"] = _name(owner, "the owner")
    if due_quarter is not None:
        values["due_quarter"] = _quarter(due_quarter, fiscal_start_month).label
    if status is not None:
        values["status"] = _status(status)
    if not values:
        return
    with write_transaction(engine) as conn:
        found = conn.execute(
            select(D.c.decision_id).where(D.c.decision_id == int(decision_id))
        ).first()
        if found is None:
            raise MeetingError(f"decision {decision_id} does not exist")
        conn.execute(
            update(D).where(D.c.decision_id == int(decision_id)).values(**values, updated_at=_now())
        )
        bump_data_version(conn)


def set_decision_status(engine: Engine, *, decision_id: int, status: str) -> None:
    """Mark a decision open, done or dropped."""
    edit_decision(engine, decision_id=decision_id, status=_status(status))


def _decisions(engine: Engine, *conditions: Any) -> pd.DataFrame:
    frame = read_frame(engine, select(*[D.c[c] for c in DECISION_COLUMNS]).where(*conditions))
    for column in ("created_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column])
    frame["report_title"] = [
        catalog.BY_KEY[k].title if k in catalog.BY_KEY else "General" for k in frame["report"]
    ]
    return frame


def decisions_for(engine: Engine, *, quarter: str, report: str | None = None) -> pd.DataFrame:
    """The decisions recorded in a quarter's meeting (on one report when given), in the
    catalog's report order (general decisions last), oldest first.

    Columns: decision_id, quarter, report, what, owner, due_quarter, status, created_at,
    updated_at, report_title.
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
