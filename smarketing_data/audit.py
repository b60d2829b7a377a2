"""Who changed what and when (SPEC §8): the change history of goals, targets, definitions,
decisions, notes and uploads.

``record`` takes the connection of the change itself, so a change and its history row commit
together or not at all. ``who`` is the signed-in identity the caller was given (the app's
sign-in e-mail or passcode name, the command line's OS user), never a name typed into a form.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, insert, select

from smarketing_data import schema
from smarketing_data.db import read_frame

if TYPE_CHECKING:
    import pandas as pd

A = schema.audit

KINDS = ("goal", "target", "definition", "decision", "note", "upload")
# The column widths of the schema; a summary is a line, and a pasted document stays out.
MAX_WHO = 255
MAX_ITEM = 255
MAX_SUMMARY = 1_000
# Enough history for a page's "Change history" table; older rows stay in the database.
DEFAULT_LIMIT = 500
COLUMNS = ["changed_at", "who", "kind", "item", "action", "summary"]


class AuditError(ValueError):
    """A change history row that cannot be written (a bug in the caller, not user input)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def same_person(a: str | None, b: str | None) -> bool:
    """Whether two identities are the same person: case and surrounding spaces ignored (an
    e-mail address is case-insensitive). Nobody is the same as an unknown person."""
    mine, theirs = (a or "").strip().casefold(), (b or "").strip().casefold()
    return bool(mine) and mine == theirs


def shorten(text: object, limit: int = 80) -> str:
    """User text on one line, cut with an ellipsis: what a history row quotes of it."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def record(
    conn: Connection,
    *,
    who: str | None,
    kind: str,
    item: str,
    action: str,
    summary: str,
) -> None:
    """Add one change to the history, inside the caller's transaction."""
    if kind not in KINDS:
        raise AuditError(f"unknown kind of change {kind!r}")
    actor = (who or "").strip()[:MAX_WHO] or None
    conn.execute(
        insert(A).values(
            changed_at=_now(),
            who=actor,
            kind=kind,
            item=shorten(item, MAX_ITEM),
            action=action,
            summary=shorten(summary, MAX_SUMMARY),
        )
    )


def changes(engine: Engine, *, kinds: Sequence[str], limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """The latest changes of the given kinds, newest first.

    Columns: changed_at (naive UTC), who (None: not known), kind, item, action, summary.
    """
    stmt = (
        select(*[A.c[c] for c in COLUMNS])
        .where(A.c.kind.in_(list(kinds)))
        .order_by(A.c.changed_at.desc(), A.c.audit_id.desc())
        .limit(limit)
    )
    import pandas as pd  # only reading the log needs it; recording a change does not

    frame = read_frame(engine, stmt)
    frame["changed_at"] = pd.to_datetime(frame["changed_at"])
    frame["who"] = frame["who"].astype(object).where(frame["who"].notna(), None)
    return frame


def actors(conn: Connection, *, kind: str, action: str, items: Sequence[str]) -> dict[str, str]:
    """Who did ``action`` to each of ``items`` (the first to do it), for the items that have
    such a row: e.g. who recorded each decision, or who undid each upload."""
    if not items:
        return {}
    rows = conn.execute(
        select(A.c.item, A.c.who)
        .where(A.c.kind == kind, A.c.action == action, A.c.item.in_(list(items)))
        .order_by(A.c.audit_id.desc())
    ).all()
    return {r.item: r.who for r in rows if r.who}


def undone_by(engine: Engine) -> dict[int, str]:
    """Who undid each undone upload (uploads undone before the history was kept are left
    out)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(A.c.item, A.c.who).where(
                A.c.kind == "upload", A.c.action == "undone", A.c.who.is_not(None)
            )
        ).all()
    return {int(r.item): str(r.who) for r in rows if str(r.item).isdigit()}


def command_line_user() -> str:
    """Who acts from the command line: the operating-system account running it."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        name = "unknown"
    return f"command line ({name})"
