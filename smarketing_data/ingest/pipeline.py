"""One ingest call: read and check every file first, then write them all in one transaction.

A file that cannot be used at all stops the call before anything is written (SPEC §5.3);
rows that cannot be used are rejected one by one and kept with the upload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data import audit, schema
from smarketing_data.config import Settings
from smarketing_data.db import (
    DatabaseError,
    bulk_insert,
    bump_data_version,
    describe_error,
    write_transaction,
)
from smarketing_data.ingest.errors import IngestError
from smarketing_data.ingest.journeys import resolve
from smarketing_data.ingest.mapping import TARGET_TABLES, MappedFile, Rejection, map_records
from smarketing_data.ingest.read import FileError, RawTable, read_table
from smarketing_data.ingest.recognize import Match, RecognitionError, header_signature, recognize
from smarketing_data.ingest.rejections import (
    REJECTS_KEPT,
    all_rejected_message,
    kept_note,
    reason_counts,
    unknown_ids_message,
)
from smarketing_data.ingest.store import Counts, apply_records
from smarketing_data.ingest.update_mode import apply_updates
from smarketing_data.ingest.user_mapping import mapping_to_store, match_from_mapping
from smarketing_data.rollups import JourneyChanges, apply_changes

Progress = Callable[[int, int], None]
# Records that feed another table's rows are written first only for readability of history;
# the journey rules run after every file, so order does not change the result.
TARGET_ORDER = ("campaigns", "reps", "leads", "opportunities", "members")


@dataclass
class FileInput:
    name: str
    data: bytes


@dataclass
class FileReport:
    """What one file's import did. ``rejections`` holds every rejected row while the report is
    in memory; the database and the JSON keep the first ``REJECTS_KEPT`` of them, and
    ``reasons`` counts all of them by kind of reason."""

    file: str
    format: str
    kind: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(replace(self, rejections=[]))
        data["rejections"] = [
            {"row": r.row, "reason": r.reason} for r in self.rejections[:REJECTS_KEPT]
        ]
        return data


@dataclass
class IngestResult:
    upload_id: int
    files: list[FileReport]
    # Conflicts that show only once files are combined (SPEC §5.3), journey by journey.
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "upload_id": self.upload_id,
            "files": [f.to_json() for f in self.files],
            "warnings": self.warnings,
        }


@dataclass
class Prepared:
    source: FileInput
    sha256: str
    raw: RawTable
    match: Match
    mapped: MappedFile
    mapping_to_save: dict[str, Any] | None = None


def _saved_mapping(engine: Engine, signature: str) -> dict[str, Any] | None:
    t = schema.mappings
    try:
        with engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.signature == signature)).first()
    except SQLAlchemyError as exc:
        raise DatabaseError(describe_error(exc)) from exc
    if row is None:
        return None
    saved = json.loads(row.columns)
    # The oldest rows hold only the columns; newer ones the whole mapping but kind and source.
    if "columns" not in saved:
        saved = {"columns": saved}
    return {"kind": row.kind, "source": row.source, **saved}


def _match(
    engine: Engine, raw: RawTable, *, format_name: str, kind: str, mapping: dict[str, Any] | None
) -> tuple[Match, dict[str, Any] | None]:
    headers = [str(c) for c in raw.frame.columns]
    if mapping is not None:
        return match_from_mapping(headers, mapping), mapping
    try:
        return recognize(headers, format_name=format_name, kind=kind), None
    except RecognitionError:
        saved = _saved_mapping(engine, header_signature(headers))
        if saved is None:
            raise
        return match_from_mapping(headers, saved), None


def prepare_file(
    engine: Engine,
    item: FileInput,
    settings: Settings,
    *,
    format_name: str = "auto",
    kind: str = "auto",
    mapping: dict[str, Any] | None = None,
) -> Prepared:
    """Read, recognise and map one file; raises IngestError when it cannot be used at all."""
    try:
        raw = read_table(
            item.data,
            file_name=item.name,
            max_bytes=settings.max_upload_bytes,
            max_rows=settings.max_rows,
        )
        match, to_save = _match(engine, raw, format_name=format_name, kind=kind, mapping=mapping)
    except (FileError, RecognitionError) as exc:
        raise IngestError(f"{item.name}: {exc}") from exc
    mapped = map_records(raw, match, tz=settings.timezone)
    mapped.notes = list(raw.notes) + mapped.notes
    if len(raw.frame) and mapped.records.empty:
        raise IngestError(all_rejected_message(item.name, raw, match, mapped.rejections))
    return Prepared(item, hashlib.sha256(item.data).hexdigest(), raw, match, mapped, to_save)


def _record_upload(conn: Connection, *, user: str | None, origin: str) -> int:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = conn.execute(
        insert(schema.uploads)
        .values(created_at=now, user_name=user, origin=origin, status="applied")
        .returning(schema.uploads.c.upload_id)
    )
    return int(result.scalar_one())


def _record_file(
    conn: Connection, upload_id: int, position: int, prep: Prepared, report: FileReport
) -> None:
    t = schema.upload_files
    file_id = conn.execute(
        insert(t)
        .values(
            upload_id=upload_id,
            position=position,
            file_name=report.file,
            sha256=prep.sha256,
            format=report.format,
            kind=report.kind,
            rows=report.rows,
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
            notes=json.dumps(report.notes),
        )
        .returning(t.c.upload_file_id)
    ).scalar_one()
    if report.rejections:
        _record_rejects(conn, file_id, prep.raw, report.rejections[:REJECTS_KEPT])


def _record_rejects(
    conn: Connection, file_id: int, raw: RawTable, rejections: list[Rejection]
) -> None:
    """Store rejected rows with the file's own values, as JSON, for the rejects download."""
    frame = pd.DataFrame(
        {
            "upload_file_id": file_id,
            "row_number": [r.row for r in rejections],
            "reason": [r.reason for r in rejections],
            "data": _row_data(raw, [r.row for r in rejections]),
        }
    )
    if conn.dialect.name == "sqlite":
        bulk_insert(conn, schema.rejected_rows, frame)
    else:
        conn.execute(insert(schema.rejected_rows), frame.to_dict("records"))


def _row_data(raw: RawTable, rows: list[int]) -> list[str | None]:
    """Each row's cells as a JSON object (None for a row number the table does not hold)."""
    numbers = raw.row_numbers  # ascending: the file's order
    wanted = np.asarray(rows, dtype=np.int64)
    positions = np.minimum(np.searchsorted(numbers, wanted), max(len(numbers) - 1, 0))
    found = (numbers[positions] == wanted) if len(numbers) else np.zeros(len(rows), bool)
    records = iter(raw.frame.iloc[positions[found]].to_dict("records"))
    return [json.dumps(next(records)) if hit else None for hit in found]


def _save_mapping(conn: Connection, prep: Prepared) -> None:
    mapping = prep.mapping_to_save
    if mapping is None:
        return
    headers = [str(c) for c in prep.raw.frame.columns]
    t = schema.mappings
    signature = header_signature(headers)
    conn.execute(t.delete().where(t.c.signature == signature))
    conn.execute(
        insert(t).values(
            signature=signature,
            kind=prep.match.profile.kind,
            source=prep.match.profile.source,
            columns=json.dumps(mapping_to_store(mapping)),
            headers=json.dumps(headers),
            created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
    )


def _write(
    conn: Connection,
    prepared: list[Prepared],
    *,
    user: str | None,
    origin: str,
    progress: Progress | None,
    total: int,
) -> IngestResult:
    upload_id = _record_upload(conn, user=user, origin=origin)
    changes = JourneyChanges()
    sources: set[str] = set()
    needs_links = False
    done = 0
    order = sorted(
        range(len(prepared)), key=lambda i: TARGET_ORDER.index(prepared[i].mapped.target)
    )
    by_position: dict[int, FileReport] = {}
    for i in order:
        prep = prepared[i]
        mapped = prep.mapped
        counts = _apply(conn, prep, upload_id, changes)
        reasons = reason_counts(mapped.rejections)
        note = kept_note(len(mapped.rejections), reasons)
        report = FileReport(
            file=prep.source.name,
            format=prep.match.profile.format,
            kind=prep.match.profile.kind,
            rows=len(prep.raw.frame),
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged + mapped.duplicates,
            rejected=len(mapped.rejections),
            rejections=mapped.rejections,
            notes=mapped.notes + ([note] if note else []),
            reasons=reasons,
        )
        by_position[i] = report
        if (counts.inserted or counts.updated) and mapped.target in (
            "leads",
            "opportunities",
            "members",
        ):
            sources.update(mapped.records["source"].unique().tolist())
            needs_links |= mapped.target != "leads"
        _save_mapping(conn, prep)
        done += len(prep.raw.frame)
        if progress:
            progress(done, total)
    reports = [by_position[i] for i in range(len(prepared))]
    for position, (prep, report) in enumerate(zip(prepared, reports, strict=True)):
        _record_file(conn, upload_id, position, prep, report)
    warnings: list[str] = []
    if sources and (needs_links or _has_links(conn, sources)):
        warnings = resolve(conn, sources, changes)
    apply_changes(conn, changes)
    names = ", ".join(r.file for r in reports)
    summary = f"{len(reports)} file(s): {names}"
    audit.record(
        conn, who=user, kind="upload", item=str(upload_id), action="imported", summary=summary
    )
    result = IngestResult(upload_id, reports, warnings)
    # Even an upload that changes no record adds to the upload history the app shows.
    bump_data_version(conn)
    return result


def _apply(conn: Connection, prep: Prepared, upload_id: int, changes: JourneyChanges) -> Counts:
    """Write one file's records: whole records (upsert) or only the mapped fields (update)."""
    mapped, match = prep.mapped, prep.match
    if mapped.records.empty:
        return Counts()
    if match.mode != "update":
        return apply_records(conn, TARGET_TABLES[mapped.target], mapped.records, upload_id, changes)
    result = apply_updates(
        conn,
        mapped.target,
        mapped.records,
        set(match.columns) | set(match.constants),
        upload_id,
        changes,
    )
    if result.rejections and not (
        result.counts.inserted or result.counts.updated or result.counts.unchanged
    ):
        raise IngestError(unknown_ids_message(prep.source.name, match, result.rejections))
    mapped.rejections = sorted(mapped.rejections + result.rejections, key=lambda r: r.row)
    return result.counts


def _has_links(conn: Connection, sources: set[str]) -> bool:
    """Whether any of the sources has opportunities or memberships the leads may link to."""
    for t in (schema.opportunities, schema.campaign_members):
        found = conn.execute(select(t.c.source).where(t.c.source.in_(sources)).limit(1)).all()
        if found:
            return True
    return False


def ingest(
    engine: Engine,
    files: Sequence[FileInput],
    settings: Settings,
    *,
    format_name: str = "auto",
    kind: str = "auto",
    mapping: dict[str, Any] | None = None,
    user: str | None = None,
    origin: str = "import",
    progress: Progress | None = None,
) -> IngestResult:
    """Import the files as one upload: all of it is written, or nothing."""
    if not files:
        raise IngestError("no files to import")
    prepared: list[Prepared] = []
    total = 0
    for item in files:
        prep = prepare_file(
            engine, item, settings, format_name=format_name, kind=kind, mapping=mapping
        )
        prepared.append(prep)
        total += len(prep.raw.frame)
    if progress:
        progress(0, total)
    try:
        with write_transaction(engine) as conn:
            return _write(conn, prepared, user=user, origin=origin, progress=progress, total=total)
    except SQLAlchemyError as exc:
        raise DatabaseError(describe_error(exc)) from exc
