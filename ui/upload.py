"""The Data page's pieces: checking uploaded files, the mapping step, the import and its
report, the upload history with undo, and clearing the sample data.

Everything a file says (names, headers, values, reject reasons) reaches the screen through
st.dataframe, st.text or ``safe``; package errors become st.error, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data.db import DatabaseError, describe_error
from smarketing_data.demo import clear_sample
from smarketing_data.exports.csv_safe import rejects_table, to_csv_bytes
from smarketing_data.ingest import (
    FileInput,
    IngestError,
    IngestResult,
    UndoError,
    ingest,
    suggest,
    undo_upload,
)
from smarketing_data.ingest.pipeline import prepare_file
from smarketing_data.ingest.recognize import RecognitionError, header_signature
from smarketing_data.uploads import list_uploads
from ui import access
from ui.components import safe
from ui.data import Context, guarded, metric

FORMAT_LABELS = {
    "salesforce": "Salesforce",
    "hubspot": "HubSpot",
    "pipedrive": "Pipedrive",
    "zoho": "Zoho",
    "canonical": "Canonical",
    "custom": "Your mapping",
}
NONE = "(none)"
PREVIEW_ROWS = 20
# Rows listed on screen per file before the import; the count is always complete.
SHOWN_REJECTS = 500
CHECKS_KEY = "upload_checks"  # (file id, mapping) -> FileCheck, so reruns do not re-read
MAPPINGS_KEY = "upload_mappings"  # header signature -> mapping confirmed in this session
SUGGESTIONS_KEY = "upload_suggestions"  # header signature -> (guess, {target: suggestion})
REPORT_KEY = "import_report"
MESSAGE_KEY = "data_message"
READY, MAPPED, UNMAPPED, FATAL = "ready", "mapped", "unmapped", "fatal"
STATUS_LABELS = {
    READY: "Ready",
    MAPPED: "Ready (your mapping)",
    UNMAPPED: "Needs a column mapping",
    FATAL: "Cannot be imported",
}
FIELD_HELP = {
    "record_id": "The CRM's id of the record; with the source name it makes the record key.",
    "created_at": "When the record was created.",
    "campaign": "The campaign's id (or its name when the export has no id).",
    "rep": "The owner: the rep who works the lead (id or name).",
    "associated_lead_ids": "The lead(s) this deal belongs to, as record keys or ids.",
    "entry_stage": "'lead' (default) or 'opp' for a journey that starts as an opportunity.",
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


def _state(key: str) -> dict[Any, Any]:
    return st.session_state.setdefault(key, {})


def viewer_name() -> str:
    """Who is importing: the signed-in person or the name given with the passcode, else
    "app"."""
    return access.user_name() or "app"


# --- checking files -----------------------------------------------------------------------


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
    cache, mappings = _state(CHECKS_KEY), _state(MAPPINGS_KEY)
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


# --- the mapping step ---------------------------------------------------------------------


def _suggestions(check: FileCheck) -> tuple[str, dict[str, dict[str, str | None]]]:
    cache = _state(SUGGESTIONS_KEY)
    if check.signature not in cache:
        sample = check.sample if check.sample is not None else pd.DataFrame()
        guess = suggest.guess_target(check.headers, sample)
        per_target = {t: suggest.suggest_mapping(check.headers, sample, t)
                      for t in suggest.MAPPABLE_TARGETS}
        cache[check.signature] = (guess, per_target)
    return cache[check.signature]


def mapping_key(signature: str) -> str:
    """The widget-key prefix of one header row's mapping step."""
    return f"map_{signature[:12]}"


def mapping_step(ctx: Context, check: FileCheck, first: Any, names: list[str]) -> None:
    """Say which column holds which field, once per header row; confirmed mappings are
    saved with the import and reused for the next file with the same header row. ``first``
    is the first uploaded file with this header row: the mapping is tried on it."""
    key = mapping_key(check.signature)
    guess, per_target = _suggestions(check)
    st.markdown(f"**Map the columns of {safe(', '.join(names))}**")
    st.caption("Suggested from the column names and values; check each one. The mapping is "
               "saved with the import, and next time a file with these columns is recognised.")
    kinds = list(suggest.MAPPABLE_TARGETS)
    target = st.selectbox("The file holds", kinds, index=kinds.index(guess),
                          format_func=suggest.TARGET_LABELS.get, key=f"{key}_kind")
    source = st.text_input(
        "Source name", value=suggest.default_source(names[0]), max_chars=32, key=f"{key}_source",
        help="Prefix of the record keys (e.g. 'mycrm' makes 'mycrm:1001'). Use the same name "
             "for every file from one CRM so leads and deals link up.")
    options = [NONE, *check.headers]
    required = suggest.required_fields(target)
    columns: dict[str, str] = {}
    grid = st.columns(3)
    for i, fname in enumerate(suggest.mapping_fields(target)):
        suggested = per_target[target].get(fname)
        label = f"{fname} (required)" if fname in required else fname
        with grid[i % 3]:
            choice = st.selectbox(label, options,
                                  index=options.index(suggested) if suggested in options else 0,
                                  help=FIELD_HELP.get(fname), key=f"{key}_{target}_{fname}")
        if choice != NONE:
            columns[fname] = str(choice)
    if st.button("Use this mapping", key=f"{key}_use"):
        missing = [f for f in required if f not in columns]
        if missing:
            st.error(f"Choose a column for {', '.join(missing)}.")
            return
        mapping = {"kind": target, "source": suggest.clean_source(source), "columns": columns}
        try:
            guarded(prepare_file, ctx.engine, FileInput(first.name, first.getvalue()), ctx.settings,
                    mapping=mapping)
        except IngestError as exc:
            st.error(safe(str(exc)))
            return
        _state(MAPPINGS_KEY)[check.signature] = mapping
        st.rerun()


def unmapped_groups(checks: list[FileCheck],
                    uploaded: list[Any]) -> list[tuple[FileCheck, list[str], Any]]:
    """Files that need a mapping, one entry per header row: (the first file's check, the
    names of every file with that header row, the first uploaded file)."""
    groups: dict[str, tuple[FileCheck, list[str], Any]] = {}
    for check, up in zip(checks, uploaded, strict=True):
        if check.status != UNMAPPED:
            continue
        if check.signature in groups:
            groups[check.signature][1].append(check.name)
        else:
            groups[check.signature] = (check, [check.name], up)
    return list(groups.values())


def mapping_notes(checks: list[FileCheck]) -> None:
    """Files imported with a mapping confirmed on this page, and a way to change it."""
    seen: set[str] = set()
    for check in checks:
        if check.mapping is None or check.signature in seen:
            continue
        seen.add(check.signature)
        mapping = check.mapping
        st.caption(safe(f"{check.name}: your mapping ({mapping['kind']}, source "
                        f"'{mapping['source']}'), saved with the import."))
        if st.button("Change mapping", key=f"{mapping_key(check.signature)}_change"):
            _state(MAPPINGS_KEY).pop(check.signature, None)
            st.rerun()


def import_button(ctx: Context, checks: list[FileCheck], uploaded: list[Any]) -> None:
    """The Import button: blocked while a file cannot be imported or still needs a mapping,
    because an import takes all its files or none."""
    fatal = [c.name for c in checks if c.status == FATAL]
    unmapped = [c.name for c in checks if c.status == UNMAPPED]
    if fatal:
        st.warning(safe(f"Remove or fix {', '.join(fatal)} to import: an import takes all its "
                        "files or none."))
    elif unmapped:
        st.warning(safe(f"Map the columns of {', '.join(unmapped)} (above) to import."))
    elif any(c.status == MAPPED for c in checks) and len(checks) > 1:
        st.caption("Files imported with your mapping are recorded as an upload of their own.")
    done = st.session_state.get(REPORT_KEY, {}).get("file_ids", [])
    if done and {c.file_id for c in checks} <= set(done):
        st.caption("These files have just been imported (report below); importing them again "
                   "changes nothing unless the files changed.")
    if st.button("Import", key="import_button", type="primary", disabled=bool(fatal or unmapped)):
        run_import(ctx, checks, uploaded)


# --- importing ----------------------------------------------------------------------------


def _groups(checks: list[FileCheck], uploaded: list[Any]) -> list[tuple[dict[str, Any] | None,
                                                                        list[FileInput], int]]:
    """Files recognised on their own go in one upload; each confirmed mapping, whose files
    share one header row, in an upload of its own (an upload has one mapping)."""
    groups: dict[str, tuple[dict[str, Any] | None, list[FileInput], int]] = {}
    for check, up in zip(checks, uploaded, strict=True):
        key = check.signature if check.status == MAPPED else ""
        mapping, items, rows = groups.get(key, (check.mapping, [], 0))
        groups[key] = (mapping, [*items, FileInput(up.name, up.getvalue())], rows + check.rows)
    # the files recognised on their own first, then one upload per mapping
    return [groups[k] for k in sorted(groups, key=lambda k: k != "")]


def run_import(ctx: Context, checks: list[FileCheck], uploaded: list[Any]) -> None:
    """Import every file with a progress bar, keep the report for the next run, rerun."""
    if not access.require_editor("import data"):
        return
    groups = _groups(checks, uploaded)
    total = max(sum(rows for _, _, rows in groups), 1)
    bar = st.progress(0.0, text="Importing…")
    results: list[IngestResult] = []
    error = ""
    offset = 0
    try:
        for mapping, items, rows in groups:
            result = ingest(ctx.engine, items, ctx.settings, mapping=mapping, user=viewer_name(),
                            origin="app", progress=_progress(bar, offset, total))
            results.append(result)
            offset += rows
    except (IngestError, DatabaseError) as exc:
        error = str(exc)
    except SQLAlchemyError as exc:
        error = f"The database cannot be reached: {describe_error(exc)}"
    bar.empty()
    st.session_state[REPORT_KEY] = {"results": [r.to_json() for r in results], "error": error,
                                    "file_ids": [up.file_id for up in uploaded] if results else []}
    if results:
        # saved mappings changed what the next check recognises
        st.session_state[CHECKS_KEY] = {}
        st.session_state[MAPPINGS_KEY] = {}
        # the undo choice starts again from the newest upload
        st.session_state.pop("undo_select", None)
        st.session_state.pop("undo_confirm", None)
    st.rerun()


def _progress(bar: Any, offset: int, total: int) -> Callable[[int, int], None]:
    def update(done: int, _of: int) -> None:
        rows = min(offset + done, total)
        bar.progress(rows / total, text=f"Importing… {rows:,} of {total:,} rows")

    return update


def report_table(results: list[dict[str, Any]]) -> pd.DataFrame:
    """The import report: one row per file with what happened to its rows."""
    rows = [
        {"Upload": r["upload_id"], "File": f["file"],
         "Format": FORMAT_LABELS.get(f["format"], f["format"]), "Kind": f["kind"],
         "Read": f["rows"], "Inserted": f["inserted"], "Updated": f["updated"],
         "Unchanged": f["unchanged"], "Rejected": f["rejected"]}
        for r in results for f in r["files"]
    ]
    columns = ["Upload", "File", "Format", "Kind", "Read", "Inserted", "Updated", "Unchanged",
               "Rejected"]
    return pd.DataFrame(rows, columns=columns)


def rejects_download(ctx: Context, upload_id: int, key: str) -> None:
    """The upload's rejected rows as a table and as a CSV to fix and upload again."""
    table = rejects_table(metric(ctx, "rejected_rows", upload_id=upload_id))
    st.dataframe(table, hide_index=True)
    st.download_button("Download rejected rows (CSV)", to_csv_bytes(table),
                       file_name=f"upload-{upload_id}-rejected-rows.csv", mime="text/csv",
                       key=key)


def show_report(ctx: Context) -> None:
    report = st.session_state.get(REPORT_KEY)
    if not report:
        return
    st.subheader("Import report")
    results = report["results"]
    if report["error"]:
        done = " The uploads listed below were imported." if results else " Nothing was written."
        st.error(safe(report["error"]) + done)
    if not results:
        return
    ids = ", ".join(str(r["upload_id"]) for r in results)
    totals = {k: sum(f[k] for r in results for f in r["files"])
              for k in ("rows", "inserted", "updated", "unchanged", "rejected")}
    st.success(f"Imported as upload {ids}: {totals['rows']:,} rows read, "
               f"{totals['inserted']:,} inserted, {totals['updated']:,} updated, "
               f"{totals['unchanged']:,} unchanged, {totals['rejected']:,} rejected.")
    st.dataframe(report_table(results), hide_index=True)
    for r in results:
        for f in r["files"]:
            for note in f["notes"]:
                st.caption(safe(f"{f['file']}: {note}"))
    for r in results:
        if any(f["rejected"] for f in r["files"]):
            st.markdown(f"**Rejected rows of upload {r['upload_id']}**")
            rejects_download(ctx, r["upload_id"], key=f"rejects_download_{r['upload_id']}")


# --- history, undo, sample ----------------------------------------------------------------


def uploads(ctx: Context) -> pd.DataFrame:
    # Read fresh, not through the cache: an upload that changes nothing leaves the data
    # version alone, yet it is in the history.
    return guarded(list_uploads, ctx.engine)


def _when(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def history_table(files: pd.DataFrame) -> pd.DataFrame:
    """One row per upload, newest first, from ``list_uploads`` (one row per file)."""
    columns = ["Upload", "When", "Who", "Files", "Format / kind", "Read", "Inserted", "Updated",
               "Unchanged", "Rejected", "Status"]
    rows = []
    for upload_id, group in files.groupby("upload_id", sort=False):
        named = group[group["file_name"].notna()]
        kinds = dict.fromkeys(f"{FORMAT_LABELS.get(f, f)} · {k}"
                              for f, k in zip(named["format"], named["kind"], strict=True))
        first = group.iloc[0]
        undone = f"undone {_when(first['undone_at'])}".strip()
        status = "applied" if first["status"] == "applied" else undone
        counts = {
            label: int(named[col].fillna(0).sum())
            for label, col in (("Read", "rows"), ("Inserted", "inserted"),
                               ("Updated", "updated"), ("Unchanged", "unchanged"),
                               ("Rejected", "rejected"))
        }
        rows.append({
            "Upload": int(upload_id), "When": _when(first["created_at"]),
            "Who": "" if pd.isna(first["user_name"]) else str(first["user_name"]),
            "Files": ", ".join(named["file_name"]),
            "Format / kind": "; ".join(kinds), **counts, "Status": status,
        })
    return pd.DataFrame(rows, columns=columns)


def _say(kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (kind, text)


def show_message() -> None:
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(safe(text))


def _undo(engine: Engine, upload_id: int) -> None:
    if not access.can_edit():
        _say("error", "Only editors can undo an upload.")
        return
    try:
        result = undo_upload(engine, upload_id)
    except (UndoError, DatabaseError) as exc:
        _say("error", f"Upload {upload_id} was not undone: {exc}")
    except SQLAlchemyError as exc:
        _say("error", f"Upload {upload_id} was not undone: {describe_error(exc)}")
    else:
        _say("success", f"Upload {upload_id} undone: {result.removed:,} records removed, "
                        f"{result.restored:,} restored.")
        st.session_state.pop("undo_select", None)
    st.session_state["undo_confirm"] = False


def _reset_confirm() -> None:
    st.session_state["undo_confirm"] = False


def undo_controls(ctx: Context, history: pd.DataFrame) -> None:
    applied = history[history["Status"] == "applied"]
    if applied.empty:
        st.caption("No upload to undo.")
        return
    labels = {int(r.Upload): f"Upload {r.Upload} · {r.When} · {r.Files}"
              for r in applied.itertuples()}
    choice = st.selectbox("Upload to undo", list(labels), format_func=labels.get,
                          key="undo_select", on_change=_reset_confirm,
                          help="Undo removes what the upload inserted and restores what it "
                               "replaced. Later uploads that changed the same records must be "
                               "undone first.")
    confirm = st.checkbox(f"Yes, undo upload {choice}", key="undo_confirm")
    st.button("Undo upload", key="undo_button", disabled=not confirm, on_click=_undo,
              args=(ctx.engine, int(choice)))


def history_rejects(ctx: Context, history: pd.DataFrame) -> None:
    with_rejects = history[history["Rejected"] > 0]
    if with_rejects.empty:
        return
    labels = {int(r.Upload): f"Upload {r.Upload} · {r.Rejected:,} rejected · {r.Files}"
              for r in with_rejects.itertuples()}
    choice = st.selectbox("Rejected rows of", list(labels), format_func=labels.get,
                          key="rejects_select")
    rejects_download(ctx, int(choice), key="history_rejects_download")


def _clear(engine: Engine) -> None:
    if not access.can_edit():
        _say("error", "Only editors can clear the sample data.")
        return
    try:
        count = clear_sample(engine)
    except (UndoError, DatabaseError) as exc:
        _say("error", f"The sample data was not cleared: {exc}")
    except SQLAlchemyError as exc:
        _say("error", f"The sample data was not cleared: {describe_error(exc)}")
    else:
        _say("success", f"Sample data cleared ({count} sample upload(s) undone).")
    st.session_state["clear_sample_confirm"] = False


def sample_controls(ctx: Context) -> None:
    ids = metric(ctx, "sample_ids")
    if not ids:
        return
    listed = ", ".join(str(i) for i in ids)
    st.info(f"The dashboard is showing **sample data** (upload {listed}, a generated Salesforce "
            "export). Clear it before the QBR so only your own exports count.",
            icon=":material/science:")
    confirm = st.checkbox("Yes, remove the sample data", key="clear_sample_confirm")
    st.button("Clear sample data", key="clear_sample", disabled=not confirm, on_click=_clear,
              args=(ctx.engine,))


def template_download() -> None:
    kinds = list(suggest.MAPPABLE_TARGETS)
    target = st.selectbox("Template for", kinds, format_func=suggest.TARGET_LABELS.get,
                          key="template_kind")
    name = "journeys" if target == "leads" else target
    st.download_button("Download the template (CSV)", suggest.template_csv(target),
                       file_name=f"smarketing-{name}-template.csv", mime="text/csv",
                       key="template_download")
