"""Checking uploaded files before anything is written: what each file is, how many rows it
has, what the import would reject, skipping a file, confirming a file that would lose most of
its rows, and the check table.

Everything a file says (names, headers, values, reject reasons) reaches the screen through
st.dataframe, st.text or ``safe``; package errors become st.error, never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import streamlit as st

from smarketing_data.ingest import FileInput, FileReport, IngestError, suggest
from smarketing_data.ingest.mapping import Rejection
from smarketing_data.ingest.pipeline import Prepared, prepare_file
from smarketing_data.ingest.read import FileError, read_table
from smarketing_data.ingest.recognize import Match, RecognitionError, header_signature
from smarketing_data.ingest.rejections import mostly_rejected, unknown_ids_message
from smarketing_data.ingest.user_mapping import accepted_fields
from ui.components import safe
from ui.data import Context, guarded

FORMAT_LABELS = {
    "salesforce": "Salesforce",
    "hubspot": "HubSpot",
    "pipedrive": "Pipedrive",
    "zoho": "Zoho",
    "canonical": "Canonical",
    "custom": "Your mapping",
}
PREVIEW_ROWS = 20
# Rows listed on screen per file before the import; the count is always complete.
SHOWN_REJECTS = 500
CHECKS_KEY = "upload_checks"  # (file id, mapping) -> FileCheck, so reruns do not re-read
# file id -> the FileCheck of a file just imported, built from the import report: an imported
# file is not read again while it stays in the uploader
IMPORTED_KEY = "upload_imported"
MAPPINGS_KEY = "upload_mappings"  # header signature -> mapping confirmed in this session
OWN_MAPPING_KEY = "upload_own_mapping"  # header signatures the person maps themselves
READY, MAPPED, UNMAPPED, FATAL = "ready", "mapped", "unmapped", "fatal"
REJECTS, IMPORTED = "rejects", "imported"
STATUS_LABELS = {
    READY: "Ready",
    MAPPED: "Ready (your mapping)",
    UNMAPPED: "Needs a column mapping",
    FATAL: "Cannot be imported",
    REJECTS: "Most rows rejected",
    IMPORTED: "Imported",
}
SKIPPED_LABEL = "Skipped"


@dataclass
class FileCheck:
    """What the import would make of one uploaded file, shown before anything is written.

    ``rows`` is None only for a file that cannot be read as a table; ``rejected`` is None
    while the file waits for a mapping. ``read_as`` is the mapping (SPEC §5.1 shape) the file
    is read with, to start from when the person maps it themselves.
    """

    name: str
    file_id: str
    status: str
    format: str = ""
    kind: str = ""
    rows: int | None = None
    rejected: int | None = None
    notes: list[str] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    rejections: pd.DataFrame | None = None
    error: str = ""
    headers: list[str] = field(default_factory=list)
    sample: pd.DataFrame | None = None
    signature: str = ""
    mapping: dict[str, Any] | None = None
    read_as: dict[str, Any] | None = None


def state(key: str) -> dict[Any, Any]:
    return st.session_state.setdefault(key, {})


def own_mapping() -> set[str]:
    """Header signatures of recognised files the person chose to map themselves."""
    return st.session_state.setdefault(OWN_MAPPING_KEY, set())


def _table(ctx: Context, item: FileInput) -> tuple[int, list[str], pd.DataFrame] | None:
    """Row count, header row and first rows of a file that reads as a table, else None."""
    try:
        raw = read_table(
            item.data,
            file_name=item.name,
            max_bytes=ctx.settings.max_upload_bytes,
            max_rows=ctx.settings.max_rows,
        )
    except FileError:
        return None
    headers = [str(c) for c in raw.frame.columns]
    return len(raw.frame), headers, raw.frame.head(suggest.SAMPLE_ROWS).reset_index(drop=True)


def _not_prepared(
    ctx: Context, item: FileInput, file_id: str, mapping: dict[str, Any] | None, exc: IngestError
) -> FileCheck:
    """A file the import cannot take as it is: unknown columns, or no usable row."""
    table = None if isinstance(exc.__cause__, FileError) else _table(ctx, item)
    unknown = mapping is None and isinstance(exc.__cause__, RecognitionError)
    check = FileCheck(
        item.name, file_id, UNMAPPED if unknown else FATAL, error=str(exc), mapping=mapping
    )
    if table is not None:
        check.rows, check.headers, check.sample = table
        check.signature = header_signature(check.headers)
    return check


def read_as(match: Match) -> dict[str, Any] | None:
    """How a recognised file is read, as a mapping a person can start from."""
    target = match.profile.target
    if target not in suggest.MAPPABLE_TARGETS:
        return None
    fields = set(accepted_fields(target))
    return {
        "kind": target,
        "source": match.profile.source,
        "mode": match.mode,
        "columns": {f: h for f, h in match.columns.items() if f in fields},
        "constants": {f: v for f, v in match.constants.items() if f in fields},
        "values": {f: dict(t) for f, t in match.values.items() if f in fields},
        "dates": dict(match.dates),
    }


def _unknown_ids(ctx: Context, prep: Prepared) -> list[Rejection]:
    if prep.match.mode != "update":
        return []
    return list(suggest.unknown_update_rows(ctx.engine, prep.mapped.target, prep.mapped.records))


def _check(
    ctx: Context, item: FileInput, file_id: str, mapping: dict[str, Any] | None
) -> FileCheck:
    try:
        prep = prepare_file(ctx.engine, item, ctx.settings, mapping=mapping)
    except IngestError as exc:
        return _not_prepared(ctx, item, file_id, mapping, exc)
    mapped, match = prep.mapped, prep.match
    headers = [str(c) for c in prep.raw.frame.columns]
    check = FileCheck(
        item.name,
        file_id,
        MAPPED if mapping else READY,
        format=match.profile.format,
        kind=match.profile.kind,
        rows=len(prep.raw.frame),
        headers=headers,
        sample=prep.raw.frame.head(suggest.SAMPLE_ROWS).reset_index(drop=True),
        signature=header_signature(headers),
        mapping=mapping,
        read_as=read_as(match),
    )
    unknown = _unknown_ids(ctx, prep)
    if len(unknown) == len(mapped.records):
        # No row would change anything: never "Ready" (SPEC §5.3).
        check.status = FATAL
        check.error = (
            unknown_ids_message(item.name, match, unknown)
            if unknown
            else f"{item.name}: the file has a header row but no rows to import."
        )
        return check
    rejections = sorted([*mapped.rejections, *unknown], key=lambda r: r.row)
    check.rejected = len(rejections)
    check.notes = list(mapped.notes)
    if mostly_rejected(len(prep.raw.frame), len(rejections)):
        check.status = REJECTS
        check.error = _mostly_rejected_message(len(prep.raw.frame), len(rejections))
    update_fields = set(match.columns) | set(match.constants) if match.mode == "update" else None
    check.preview = suggest.counted_preview(
        mapped.records, mapped.target, update_fields=update_fields, rows=PREVIEW_ROWS
    )
    check.rejections = pd.DataFrame(
        {
            "row": [r.row for r in rejections[:SHOWN_REJECTS]],
            "reason": [r.reason for r in rejections[:SHOWN_REJECTS]],
        }
    )
    return check


def _mostly_rejected_message(rows: int, rejected: int) -> str:
    return (
        f"{rejected:,} of its {plural(rows, 'row')} would be rejected, more than half of the "
        "file. Check that it is the export you meant and that its columns are read as you "
        "expect (the rejected rows below say why). Import it only if those rows are meant to "
        "be left out."
    )


def imported_check(up: Any, report: FileReport) -> FileCheck:
    """An imported file as the import report describes it, so that it is not read again."""
    return FileCheck(
        up.name,
        up.file_id,
        IMPORTED,
        format=report.format,
        kind=report.kind,
        rows=report.rows,
        rejected=report.rejected,
    )


def checked(ctx: Context, up: Any, mapping: dict[str, Any] | None) -> FileCheck:
    """One uploaded file read with a mapping (None: as recognised), cached per file and
    mapping: nothing is written."""
    cache = state(CHECKS_KEY)
    key = (up.file_id, "" if mapping is None else json.dumps(mapping, sort_keys=True))
    if key not in cache:
        cache[key] = guarded(_check, ctx, FileInput(up.name, up.getvalue()), up.file_id, mapping)
    return cache[key]


def check_files(ctx: Context, uploaded: list[Any]) -> list[FileCheck]:
    """Each uploaded file read, recognised and mapped (nothing written)."""
    mappings, own, imported = state(MAPPINGS_KEY), own_mapping(), state(IMPORTED_KEY)
    checks = []
    for up in uploaded:
        if up.file_id in imported:
            checks.append(imported[up.file_id])
            continue
        check = checked(ctx, up, None)
        if check.signature and (check.status == UNMAPPED or check.signature in own):
            if check.signature in mappings:
                check = checked(ctx, up, mappings[check.signature])
            elif check.status != UNMAPPED:
                check = replace(
                    check,
                    status=UNMAPPED,
                    rejected=None,
                    error="You chose to map its columns yourself.",
                )
        checks.append(check)
    current = {up.file_id for up in uploaded}
    cache = state(CHECKS_KEY)
    for key in [k for k in cache if k[0] not in current]:
        del cache[key]  # files taken off the uploader
    for file_id in [f for f in imported if f not in current]:
        del imported[file_id]
    return checks


def skip_key(file_id: str) -> str:
    """The key of one file's "Skip this file" checkbox."""
    return f"skip_{file_id}"


def is_skipped(check: FileCheck) -> bool:
    return bool(st.session_state.get(skip_key(check.file_id)))


def confirm_key(check: FileCheck) -> str:
    """The key of the confirmation that a file losing most of its rows is to be imported; a
    new count of rejected rows (another mapping, say) asks again."""
    return f"confirm_rejects_{check.file_id}_{check.rejected}"


def needs_confirmation(check: FileCheck) -> bool:
    """Whether the file waits for the confirmation that most of its rows may be rejected."""
    return check.status == REJECTS and not st.session_state.get(confirm_key(check))


def format_label(check: FileCheck) -> str:
    return FORMAT_LABELS.get(check.format, check.format)


def status_label(check: FileCheck, skipped: bool) -> str:
    return SKIPPED_LABEL if skipped else STATUS_LABELS[check.status]


def check_table(checks: list[FileCheck], skipped: set[str]) -> pd.DataFrame:
    """One row per file: what it is and what the import would do with it (``skipped``: the
    ids of the files left out)."""
    return pd.DataFrame(
        {
            "File": [c.name for c in checks],
            "Format": [format_label(c) if c.format else "—" for c in checks],
            "Kind": [c.kind or "—" for c in checks],
            "Rows": pd.array([c.rows for c in checks], dtype="Int64"),
            "Will be rejected": pd.array([c.rejected for c in checks], dtype="Int64"),
            "Status": [status_label(c, c.file_id in skipped) for c in checks],
        }
    )


def _shown(frame: pd.DataFrame, blank: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table as text where it has blanks or dates (st.dataframe shows a blank as a grey
    "None" and a date with its midnight time), with those number columns kept right-aligned."""
    out = frame.copy()
    config: dict[str, Any] = {}
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            known = values.dropna()
            timed = bool((known != known.dt.normalize()).any())
            pattern = "%Y-%m-%d %H:%M" if timed else "%Y-%m-%d"
            out[col] = [blank if pd.isna(v) else v.strftime(pattern) for v in values]
        elif pd.api.types.is_numeric_dtype(values) and values.isna().any():
            out[col] = [
                blank if pd.isna(v) else f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"
                for v in values
            ]
            config[col] = st.column_config.TextColumn(alignment="right")
        elif not pd.api.types.is_numeric_dtype(values):
            out[col] = [
                blank if v is None or (not isinstance(v, str) and pd.isna(v)) else v
                for v in values.astype(object)
            ]
    return out, config


def show_table(
    frame: pd.DataFrame | None, *, blank: str = "", widths: dict[str, int] | None = None
) -> None:
    """A table of file data: blanks shown as ``blank``, dates without a midnight time;
    ``widths`` in pixels for columns whose values change from run to run (the table keeps
    the widths of its first values)."""
    if frame is None:
        return
    shown, config = _shown(frame, blank)
    for col, width in (widths or {}).items():
        config[col] = st.column_config.Column(width=width)
    st.dataframe(shown, hide_index=True, column_config=config)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def show_check(check: FileCheck) -> None:
    """One file: a way to skip it, and what the import would make of it."""
    skipped = is_skipped(check)
    parts = [check.name, format_label(check), check.kind, status_label(check, skipped)]
    title = " · ".join(p for p in parts if p)
    left, right = st.columns([5, 1], vertical_alignment="top")
    with right:
        st.checkbox(
            "Skip this file",
            key=skip_key(check.file_id),
            help="Leave this file out of the import; the other files go in without it.",
        )
    opened = check.status in (FATAL, REJECTS) and not skipped  # what needs a decision
    with left, st.expander(safe(title), expanded=opened):
        _details(check)


def _details(check: FileCheck) -> None:
    if check.status == FATAL:
        st.error(safe(check.error))
        _own_mapping_button(check)
        return
    if check.status == IMPORTED:
        st.text(f"{plural(check.rows or 0, 'row')}; imported (see the report below).")
        return
    if check.status == UNMAPPED:
        rows = f"{plural(check.rows, 'row')}. " if check.rows is not None else ""
        st.text(f"{rows}Say what its columns hold in the mapping step below.")
        st.caption(safe(check.error))
        return
    st.text(f"{plural(check.rows or 0, 'row')}; {check.rejected or 0:,} will be rejected.")
    for note in check.notes:
        st.caption(safe(f"Note: {note}"))
    if check.status == REJECTS:
        st.warning(safe(check.error))
        st.checkbox(
            f"Import it anyway, without the {plural(check.rejected or 0, 'rejected row')}",
            key=confirm_key(check),
        )
    show_preview(check)
    if check.status == READY or (check.status == REJECTS and check.mapping is None):
        _own_mapping_button(check)


def show_preview(check: FileCheck) -> None:
    """The first records as they will be counted, and the rows that will be rejected."""
    st.caption(f"First {PREVIEW_ROWS} records as they will be counted")
    show_table(check.preview)
    if check.rejected:
        shown = "" if check.rejected <= SHOWN_REJECTS else f" (first {SHOWN_REJECTS})"
        st.caption(f"Rows that will be rejected{shown}")
        st.dataframe(check.rejections, hide_index=True)


def _own_mapping_button(check: FileCheck) -> None:
    if not check.signature:
        return
    if st.button(
        "Map the columns myself",
        key=f"own_mapping_{check.file_id}",
        help="Read this file with a mapping of your own instead: another kind, "
        "another source name, or update mode to add columns to records "
        "already imported.",
    ):
        own_mapping().add(check.signature)
        st.rerun()
