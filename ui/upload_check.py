"""Checking uploaded files before anything is written: what each file is, how many rows it
has, what the import would reject, and the check table.

Everything a file says (names, headers, values, reject reasons) reaches the screen through
st.dataframe, st.text or ``safe``; package errors become st.error, never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from smarketing_data.ingest import FileInput, IngestError, suggest
from smarketing_data.ingest.pipeline import prepare_file
from smarketing_data.ingest.recognize import RecognitionError, header_signature
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
MAPPINGS_KEY = "upload_mappings"  # header signature -> mapping confirmed in this session
READY, MAPPED, UNMAPPED, FATAL = "ready", "mapped", "unmapped", "fatal"
STATUS_LABELS = {
    READY: "Ready",
    MAPPED: "Ready (your mapping)",
    UNMAPPED: "Needs a column mapping",
    FATAL: "Cannot be imported",
}


@dataclass
class FileCheck:
    """What the import would make of one uploaded file, shown before anything is written."""

    name: str
    file_id: str
    status: str
    format: str = ""
    kind: str = ""
    rows: int = 0
    rejected: int = 0
    notes: list[str] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    rejections: pd.DataFrame | None = None
    error: str = ""
    headers: list[str] = field(default_factory=list)
    sample: pd.DataFrame | None = None
    signature: str = ""
    mapping: dict[str, Any] | None = None


def state(key: str) -> dict[Any, Any]:
    return st.session_state.setdefault(key, {})


def _check(ctx: Context, item: FileInput, file_id: str,
           mapping: dict[str, Any] | None) -> FileCheck:
    try:
        prep = prepare_file(ctx.engine, item, ctx.settings, mapping=mapping)
    except IngestError as exc:
        if mapping is None and isinstance(exc.__cause__, RecognitionError):
            headers, sample = suggest.read_sample(item, ctx.settings)
            return FileCheck(item.name, file_id, UNMAPPED, error=str(exc), headers=headers,
                             sample=sample, signature=header_signature(headers))
        return FileCheck(item.name, file_id, FATAL, error=str(exc), mapping=mapping)
    rejections = pd.DataFrame(
        {"row": [r.row for r in prep.mapped.rejections[:SHOWN_REJECTS]],
         "reason": [r.reason for r in prep.mapped.rejections[:SHOWN_REJECTS]]})
    profile = prep.match.profile
    return FileCheck(
        item.name, file_id, MAPPED if mapping else READY,
        format=profile.format, kind=profile.kind, rows=len(prep.raw.frame),
        rejected=len(prep.mapped.rejections), notes=list(prep.mapped.notes),
        preview=suggest.preview_records(prep.mapped.records, PREVIEW_ROWS),
        rejections=rejections, mapping=mapping,
    )


def check_files(ctx: Context, uploaded: list[Any]) -> list[FileCheck]:
    """Each uploaded file read, recognised and mapped (nothing written), cached per file."""
    cache, mappings = state(CHECKS_KEY), state(MAPPINGS_KEY)
    checks = []
    for up in uploaded:
        key = (up.file_id, "")
        if key not in cache:
            item = FileInput(up.name, up.getvalue())
            cache[key] = guarded(_check, ctx, item, up.file_id, None)
        check = cache[key]
        if check.status == UNMAPPED and check.signature in mappings:
            mapping = mappings[check.signature]
            mkey = (up.file_id, json.dumps(mapping, sort_keys=True))
            if mkey not in cache:
                item = FileInput(up.name, up.getvalue())
                mapped = guarded(_check, ctx, item, up.file_id, mapping)
                mapped.signature = check.signature
                cache[mkey] = mapped
            check = cache[mkey]
        checks.append(check)
    current = {up.file_id for up in uploaded}
    for key in [k for k in cache if k[0] not in current]:
        del cache[key]  # files taken off the uploader
    return checks


def format_label(check: FileCheck) -> str:
    return FORMAT_LABELS.get(check.format, check.format)


def check_table(checks: list[FileCheck]) -> pd.DataFrame:
    """One row per file: what it is and what the import would do with it."""
    return pd.DataFrame({
        "File": [c.name for c in checks],
        "Format": [format_label(c) if c.format else "—" for c in checks],
        "Kind": [c.kind or "—" for c in checks],
        "Rows": [c.rows for c in checks],
        "Will be rejected": [c.rejected for c in checks],
        "Status": [STATUS_LABELS[c.status] for c in checks],
    })


def show_check(check: FileCheck) -> None:
    """One file's details: notes, preview of the mapped records, the rows it would reject."""
    title = f"{check.name} · {format_label(check) or 'unknown'} · {check.kind or '?'}"
    with st.expander(safe(title), expanded=check.status in (FATAL, UNMAPPED)):
        if check.status == FATAL:
            st.error(safe(check.error))
            return
        if check.status == UNMAPPED:
            st.warning(safe(check.error))
            return
        st.text(f"{check.rows:,} rows; {check.rejected:,} will be rejected.")
        for note in check.notes:
            st.caption(safe(f"Note: {note}"))
        st.caption(f"First {PREVIEW_ROWS} records as they will be stored")
        st.dataframe(check.preview, hide_index=True)
        if check.rejected:
            shown = "" if check.rejected <= SHOWN_REJECTS else f" (first {SHOWN_REJECTS})"
            st.caption(f"Rows that will be rejected{shown}")
            st.dataframe(check.rejections, hide_index=True)
