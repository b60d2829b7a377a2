"""The Data page's import section: the uploader, the check and mapping of each file, the
Import button with its progress bar, and the report of what the import did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from smarketing_data.db import DatabaseError
from smarketing_data.ingest import FileInput, IngestError, IngestResult, ingest
from ui import access, audit
from ui.components import safe
from ui.data import Context
from ui.upload.check import (
    CHECKS_KEY,
    FATAL,
    FORMAT_LABELS,
    IMPORTED_KEY,
    MAPPINGS_KEY,
    UNMAPPED,
    FileCheck,
    check_files,
    check_table,
    imported_check,
    is_skipped,
    needs_confirmation,
    own_mapping,
    show_check,
    show_table,
)
from ui.upload.history import rejects_download
from ui.upload.mapping import mapping_notes, mapping_step, unmapped_groups

REPORT_KEY = "import_report"


def viewer_name() -> str:
    """Who is importing, as every other change records it (the sign-in e-mail, the passcode's
    name, or "local user" on an open install)."""
    return audit.acting() or audit.LOCAL_USER


def section(ctx: Context) -> None:
    """Upload, check, map and import CRM exports, then the report of the last import."""
    st.header("Import CRM exports")
    st.caption(
        "Drop one or several exports (Salesforce, HubSpot, Pipedrive, Zoho or the "
        "canonical template). Each file is checked first; nothing is written until you "
        "press Import, and then the files go in as one upload, all or nothing. Any "
        "upload can be undone below."
    )
    if not access.can_edit():
        st.info(
            "Only editors import data, undo uploads and clear the sample. You can read the "
            "upload history below.",
            icon=":material/lock:",
        )
    files = st.file_uploader(
        "CRM exports",
        accept_multiple_files=True,
        type=["csv", "xlsx", "txt", "tsv"],
        key="upload_files",
        disabled=not access.can_edit(),
    )
    uploaded = files or []
    checks = check_files(ctx, uploaded)
    if checks:
        skipped = {c.file_id for c in checks if is_skipped(c)}
        st.subheader("Check before import", anchor=False)
        show_table(
            check_table(checks, skipped),
            blank="—",
            widths={"Format": 120, "Kind": 130, "Status": 190},
        )
        for check in checks:
            show_check(check)
        for check, group in unmapped_groups(checks, uploaded, skipped):
            mapping_step(ctx, check, group)
        mapping_notes(checks, skipped)
        import_button(ctx, checks, uploaded, skipped)
    show_report(ctx)


def import_button(
    ctx: Context, checks: list[FileCheck], uploaded: list[Any], skipped: set[str]
) -> None:
    """The Import button: blocked while a file that is not skipped cannot be imported or still
    needs a mapping, because an import takes all its files or none."""
    taken = [c for c in checks if c.file_id not in skipped]
    fatal = [c.name for c in taken if c.status == FATAL]
    unmapped = [c.name for c in taken if c.status == UNMAPPED]
    unconfirmed = [c.name for c in taken if needs_confirmation(c)]
    if not taken:
        st.info("Every file is skipped: there is nothing to import.")
    elif fatal:
        st.warning(
            safe(
                f"Skip or fix {', '.join(fatal)} to import: an import takes all its files or none."
            )
        )
    elif unmapped:
        them = "it" if len(unmapped) == 1 else "them"
        st.warning(
            safe(f"Map the columns of {', '.join(unmapped)} (above), or skip {them}, to import.")
        )
    elif unconfirmed:
        st.warning(
            safe(
                f"Most rows of {', '.join(unconfirmed)} would be rejected: confirm the import "
                "above, or skip the file, to import."
            )
        )
    elif any(c.mapping is not None for c in taken) and len(taken) > 1:
        st.caption("Files read with your mapping are recorded as an upload of their own.")
    done = st.session_state.get(REPORT_KEY, {}).get("file_ids", [])
    if taken and done and {c.file_id for c in taken} <= set(done):
        st.caption(
            "These files have just been imported (report below); importing them again "
            "changes nothing unless the files changed."
        )
    blocked = not taken or bool(fatal or unmapped or unconfirmed)
    if st.button("Import", key="import_button", type="primary", disabled=blocked):
        run_import(ctx, taken, [up for up in uploaded if up.file_id not in skipped])


@dataclass
class _Group:
    """Files that go in as one upload, read with one mapping (None: as recognised)."""

    mapping: dict[str, Any] | None
    uploaded: list[Any] = field(default_factory=list)
    rows: int = 0

    def items(self) -> list[FileInput]:
        return [FileInput(up.name, up.getvalue()) for up in self.uploaded]


def _groups(checks: list[FileCheck], uploaded: list[Any]) -> list[_Group]:
    """Files recognised on their own go in one upload; each confirmed mapping, whose files
    share one header row, in an upload of its own (an upload has one mapping)."""
    groups: dict[str, _Group] = {}
    for check, up in zip(checks, uploaded, strict=True):
        key = check.signature if check.mapping is not None else ""
        group = groups.setdefault(key, _Group(check.mapping))
        group.uploaded.append(up)
        group.rows += check.rows or 0
    # the files recognised on their own first, then one upload per mapping
    return [groups[k] for k in sorted(groups, key=lambda k: k != "")]


def run_import(ctx: Context, checks: list[FileCheck], uploaded: list[Any]) -> None:
    """Import the files with a progress bar, keep the report for the next run, rerun."""
    if not access.require_editor("import data"):
        return
    groups = _groups(checks, uploaded)
    total = max(sum(group.rows for group in groups), 1)
    bar = st.progress(0.0, text="Importing…")
    results: list[IngestResult] = []
    error = ""
    offset = 0
    try:
        for group in groups:
            result = ingest(
                ctx.engine,
                group.items(),
                ctx.settings,
                mapping=group.mapping,
                user=viewer_name(),
                origin="app",
                progress=_progress(bar, offset, total),
            )
            results.append(result)
            _mark_imported(group, result)
            offset += group.rows
    except (IngestError, DatabaseError) as exc:
        error = str(exc)
    bar.empty()
    st.session_state[REPORT_KEY] = {
        "results": [r.to_json() for r in results],
        "error": error,
        "file_ids": [up.file_id for up in uploaded] if results else [],
    }
    if results:
        # saved mappings changed what the next check recognises; the checks of the files
        # just imported, previews and all, are dropped and not made again
        st.session_state[CHECKS_KEY] = {}
        st.session_state[MAPPINGS_KEY] = {}
        own_mapping().clear()
        # The undo choice moves to the newest upload: set, not dropped, so the browser shows
        # the choice the confirmation names.
        st.session_state["undo_select"] = max(r.upload_id for r in results)
        st.session_state["undo_confirm"] = False
    st.rerun()


def _mark_imported(group: _Group, result: IngestResult) -> None:
    """Remember the group's files as imported, so the next run does not read them again."""
    imported = st.session_state.setdefault(IMPORTED_KEY, {})
    for up, report in zip(group.uploaded, result.files, strict=True):
        imported[up.file_id] = imported_check(up, report)


def _progress(bar: Any, offset: int, total: int) -> Callable[[int, int], None]:
    def update(done: int, _of: int) -> None:
        rows = min(offset + done, total)
        bar.progress(rows / total, text=f"Importing… {rows:,} of {total:,} rows")

    return update


def report_table(results: list[dict[str, Any]]) -> pd.DataFrame:
    """The import report: one row per file with what happened to its rows."""
    rows = [
        {
            "Upload": r["upload_id"],
            "File": f["file"],
            "Format": FORMAT_LABELS.get(f["format"], f["format"]),
            "Kind": f["kind"],
            "Read": f["rows"],
            "Inserted": f["inserted"],
            "Updated": f["updated"],
            "Unchanged": f["unchanged"],
            "Rejected": f["rejected"],
        }
        for r in results
        for f in r["files"]
    ]
    columns = [
        "Upload",
        "File",
        "Format",
        "Kind",
        "Read",
        "Inserted",
        "Updated",
        "Unchanged",
        "Rejected",
    ]
    return pd.DataFrame(rows, columns=columns)


def show_report(ctx: Context) -> None:
    report = st.session_state.get(REPORT_KEY)
    if not report:
        return
    st.subheader("Import report", anchor=False)
    results = report["results"]
    if report["error"]:
        done = " The uploads listed below were imported." if results else " Nothing was written."
        st.error(safe(report["error"]) + done)
    if not results:
        return
    ids = ", ".join(str(r["upload_id"]) for r in results)
    totals = {
        k: sum(f[k] for r in results for f in r["files"])
        for k in ("rows", "inserted", "updated", "unchanged", "rejected")
    }
    st.success(
        f"Imported as upload {ids}: {totals['rows']:,} rows read, "
        f"{totals['inserted']:,} inserted, {totals['updated']:,} updated, "
        f"{totals['unchanged']:,} unchanged, {totals['rejected']:,} rejected."
    )
    st.dataframe(report_table(results), hide_index=True)
    for r in results:
        for f in r["files"]:
            for note in f["notes"]:
                st.caption(safe(f"{f['file']}: {note}"))
    warnings = [w for r in results for w in r.get("warnings", [])]
    if warnings:
        st.warning(
            "Conflicts that show only once the files are combined: the records are "
            "imported as they are; check these journeys in the CRM.",
            icon=":material/warning:",
        )
        st.dataframe(pd.DataFrame({"Conflict": warnings}), hide_index=True)
    for r in results:
        if any(f["rejected"] for f in r["files"]):
            st.markdown(f"**Rejected rows of upload {r['upload_id']}**")
            rejects_download(ctx, r["upload_id"], key=f"rejects_download_{r['upload_id']}")
