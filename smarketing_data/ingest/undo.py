"""Undoing an upload: remove what it inserted and put back exactly what it replaced."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data import audit, schema
from smarketing_data.db import DatabaseError, bump_data_version, describe_error, write_transaction
from smarketing_data.ingest.errors import UndoError
from smarketing_data.ingest.journeys import resolve
from smarketing_data.ingest.store import decode_row, delete_keys, fetch_rows, table_for
from smarketing_data.rollups import NEEDED_COLUMNS, JourneyChanges, apply_changes

H = schema.record_history
U = schema.uploads
F = schema.upload_files
R = schema.rejected_rows


@dataclass
class UndoResult:
    upload_id: int
    removed: int
    restored: int


def _later_conflicts(conn: Connection, upload_id: int) -> list[int]:
    """Applied uploads after this one that changed records this one wrote."""
    later = select(U.c.upload_id).where(U.c.upload_id > upload_id, U.c.status == "applied")
    rows = (
        conn.execute(
            select(H.c.upload_id)
            .where(H.c.old_upload_id == upload_id, H.c.upload_id.in_(later))
            .distinct()
        )
        .scalars()
        .all()
    )
    conflicts = set(rows)
    for name, key in schema.RAW_TABLES.items():
        table = table_for(name)
        deleted_then_back = (
            conn.execute(
                select(table.c.last_upload_id)
                .join(H, and_(H.c.record_key == table.c[key], H.c.table_name == name))
                .where(H.c.upload_id == upload_id, H.c.action == "delete")
                .distinct()
            )
            .scalars()
            .all()
        )
        conflicts.update(deleted_then_back)
    return sorted(conflicts)


def _sources(conn: Connection, upload_id: int) -> set[str]:
    found: set[str] = set()
    for name in ("journeys", "opportunities", "campaign_members"):
        table = table_for(name)
        found.update(
            conn.execute(
                select(table.c.source).where(table.c.last_upload_id == upload_id).distinct()
            ).scalars()
        )
    return found


def _purge_rejects(conn: Connection, upload_id: int) -> None:
    """Drop the rows the upload rejected: they were kept to fix and upload again, which an
    undone upload no longer asks for. Its files and their counts stay in the history."""
    files = select(F.c.upload_file_id).where(F.c.upload_id == upload_id)
    conn.execute(delete(R).where(R.c.upload_file_id.in_(files)))


def _undo(conn: Connection, upload_id: int, who: str | None) -> UndoResult:
    status = conn.execute(select(U.c.status).where(U.c.upload_id == upload_id)).scalar()
    if status is None:
        raise UndoError(f"there is no upload {upload_id}")
    if status != "applied":
        raise UndoError(f"upload {upload_id} has already been undone")
    conflicts = _later_conflicts(conn, upload_id)
    if conflicts:
        listed = ", ".join(str(c) for c in conflicts)
        raise UndoError(
            f"upload {upload_id} cannot be undone on its own: later upload(s) {listed} changed "
            "the same records. Undo those first, newest first."
        )
    sources = _sources(conn, upload_id)
    changes = JourneyChanges()
    j = schema.journeys
    changes.removed(
        conn.execute(
            select(*[j.c[c] for c in NEEDED_COLUMNS]).where(
                j.c.created_upload_id == upload_id, j.c.last_upload_id == upload_id
            )
        )
        .mappings()
        .all()
    )
    removed = 0
    for name in schema.RAW_TABLES:
        table = table_for(name)
        removed += (
            conn.execute(
                delete(table).where(
                    table.c.created_upload_id == upload_id, table.c.last_upload_id == upload_id
                )
            ).rowcount
            or 0
        )
    history = conn.execute(
        select(H.c.table_name, H.c.record_key, H.c.old_values)
        .where(H.c.upload_id == upload_id)
        .order_by(H.c.history_id)
    ).all()
    for name in schema.RAW_TABLES:
        entries = [h for h in history if h.table_name == name]
        if not entries:
            continue
        table = table_for(name)
        keys = [h.record_key for h in entries]
        rows = [decode_row(table, h.old_values) for h in entries]
        if name == "journeys":
            changes.removed(fetch_rows(conn, table, keys))
            changes.added(rows)
        delete_keys(conn, table, keys)
        conn.execute(insert(table), rows)
        sources.update(
            r["source"] for r in rows if "source" in r and name != "campaigns" and name != "reps"
        )
    conn.execute(
        update(U)
        .where(U.c.upload_id == upload_id)
        .values(status="undone", undone_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
    )
    _purge_rejects(conn, upload_id)
    resolve(conn, sources, changes)
    apply_changes(conn, changes)
    summary = f"{removed} records removed, {len(history)} restored"
    audit.record(
        conn, who=who, kind="upload", item=str(upload_id), action="undone", summary=summary
    )
    bump_data_version(conn)
    return UndoResult(upload_id, removed=removed, restored=len(history))


def undo_upload(engine: Engine, upload_id: int, *, who: str | None = None) -> UndoResult:
    """Undo one upload in one transaction, as ``who`` (recorded in the change history);
    raises UndoError when it cannot be done safely."""
    try:
        with write_transaction(engine) as conn:
            return _undo(conn, upload_id, who)
    except SQLAlchemyError as exc:
        raise DatabaseError(describe_error(exc)) from exc
