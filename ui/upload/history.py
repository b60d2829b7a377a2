"""The Data page's record of what went in: the upload history with undo (who imported and who
undid each upload), the rejected rows of any upload, the sample-data notice with a way to
clear it, the uploads' change history, and the canonical templates."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from smarketing_data.audit import undone_by
from smarketing_data.db import DatabaseError
from smarketing_data.demo import clear_sample
from smarketing_data.exports.csv_safe import rejects_table, to_csv_bytes
from smarketing_data.ingest import UndoError, suggest, undo_upload
from smarketing_data.uploads import list_uploads
from ui import access, data
from ui import audit as who_ui
from ui.components import safe
from ui.data import Context, guarded
from ui.upload.check import FORMAT_LABELS

MESSAGE_KEY = "data_message"


def uploads(ctx: Context) -> pd.DataFrame:
    # Read fresh, not through the cache: an upload that changes nothing leaves the data
    # version alone, yet it is in the history.
    return guarded(list_uploads, ctx.engine)


def _when(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def history_table(files: pd.DataFrame, undoers: dict[int, str] | None = None) -> pd.DataFrame:
    """One row per upload, newest first, from ``list_uploads`` (one row per file); an undone
    upload's status names who undid it when ``undoers`` (``audit.undone_by``) knows."""
    columns = [
        "Upload",
        "When",
        "Who",
        "Files",
        "Format / kind",
        "Read",
        "Inserted",
        "Updated",
        "Unchanged",
        "Rejected",
        "Status",
    ]
    rows = []
    for upload_id, group in files.groupby("upload_id", sort=False):
        named = group[group["file_name"].notna()]
        kinds = dict.fromkeys(
            f"{FORMAT_LABELS.get(f, f)} · {k}"
            for f, k in zip(named["format"], named["kind"], strict=True)
        )
        first = group.iloc[0]
        undoer = (undoers or {}).get(int(upload_id))
        undone = f"undone {_when(first['undone_at'])}".strip() + (f" by {undoer}" if undoer else "")
        status = "applied" if first["status"] == "applied" else undone
        counts = {
            label: int(named[col].fillna(0).sum())
            for label, col in (
                ("Read", "rows"),
                ("Inserted", "inserted"),
                ("Updated", "updated"),
                ("Unchanged", "unchanged"),
                ("Rejected", "rejected"),
            )
        }
        rows.append(
            {
                "Upload": int(upload_id),
                "When": _when(first["created_at"]),
                "Who": "" if pd.isna(first["user_name"]) else str(first["user_name"]),
                "Files": ", ".join(named["file_name"]),
                "Format / kind": "; ".join(kinds),
                **counts,
                "Status": status,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def section(ctx: Context) -> None:
    """Every upload, newest first, with undo for editors and the rejected rows of any."""
    st.header("Upload history")
    history = history_table(uploads(ctx), guarded(undone_by, ctx.engine))
    if history.empty:
        st.text("No uploads yet.")
        return
    st.dataframe(history, hide_index=True)
    if access.can_edit():
        undo_controls(ctx, history)
    history_rejects(ctx, history)
    who_ui.change_history(ctx, ("upload",), key="upload_changes")


def _say(kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (kind, text)


def show_message() -> None:
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(safe(text))


def _acting_editor(refusal: str, doing: str) -> str | None:
    """Who undoes or clears: an editor this session identifies; None (and says why) else."""
    if not access.can_edit():
        _say("error", refusal)
        return None
    who = who_ui.acting()
    if who is None:
        _say("error", who_ui.nameless(doing))
    return who


def _undo(engine: Engine, upload_id: int) -> None:
    who = _acting_editor("Only editors can undo an upload.", "Undoing an upload")
    if who is None:
        return
    try:
        result = undo_upload(engine, upload_id, who=who)
    except (UndoError, DatabaseError) as exc:
        _say("error", f"Upload {upload_id} was not undone: {exc}")
    else:
        _say(
            "success",
            f"Upload {upload_id} undone: {result.removed:,} records removed, "
            f"{result.restored:,} restored.",
        )
        st.session_state.pop("undo_select", None)
    st.session_state["undo_confirm"] = False


def _reset_confirm() -> None:
    st.session_state["undo_confirm"] = False


def undo_controls(ctx: Context, history: pd.DataFrame) -> None:
    applied = history[history["Status"] == "applied"]
    if applied.empty:
        st.caption("No upload to undo.")
        return
    labels = {
        int(r.Upload): f"Upload {r.Upload} · {r.When} · {r.Files}" for r in applied.itertuples()
    }
    choice = st.selectbox(
        "Upload to undo",
        list(labels),
        format_func=lambda u: labels[u],
        key="undo_select",
        on_change=_reset_confirm,
        help="Undo removes what the upload inserted and restores what it "
        "replaced. Later uploads that changed the same records must be "
        "undone first.",
    )
    if choice is None:
        return
    confirm = st.checkbox(f"Yes, undo upload {choice}", key="undo_confirm")
    st.button(
        "Undo upload",
        key="undo_button",
        disabled=not confirm,
        on_click=_undo,
        args=(ctx.engine, int(choice)),
    )


def rejects_download(ctx: Context, upload_id: int, key: str) -> None:
    """The upload's rejected rows as a table and as a CSV to fix and upload again."""
    table = rejects_table(data.rejected_rows(ctx, upload_id))
    st.dataframe(table, hide_index=True)
    st.download_button(
        "Download rejected rows (CSV)",
        to_csv_bytes(table),
        file_name=f"upload-{upload_id}-rejected-rows.csv",
        mime="text/csv",
        key=key,
    )


def history_rejects(ctx: Context, history: pd.DataFrame) -> None:
    # an undone upload's rejected rows went with it (only its counts stay in the history)
    with_rejects = history[(history["Rejected"] > 0) & (history["Status"] == "applied")]
    if with_rejects.empty:
        return
    labels = {
        int(r.Upload): f"Upload {r.Upload} · {r.Rejected:,} rejected · {r.Files}"
        for r in with_rejects.itertuples()
    }
    choice = st.selectbox(
        "Rejected rows of", list(labels), format_func=lambda u: labels[u], key="rejects_select"
    )
    if choice is not None:
        rejects_download(ctx, int(choice), key="history_rejects_download")


def _clear(engine: Engine) -> None:
    who = _acting_editor("Only editors can clear the sample data.", "Clearing the sample")
    if who is None:
        return
    try:
        count = clear_sample(engine, who=who)
    except (UndoError, DatabaseError) as exc:
        _say("error", f"The sample data was not cleared: {exc}")
    else:
        _say("success", f"Sample data cleared ({count} sample upload(s) undone).")
    st.session_state["clear_sample_confirm"] = False


def sample_controls(ctx: Context) -> None:
    ids = data.sample_ids(ctx)
    if not ids:
        return
    listed = ", ".join(str(i) for i in ids)
    st.info(
        f"The dashboard is showing **sample data** (upload {listed}, a generated Salesforce "
        "export). Clear it before the QBR so only your own exports count.",
        icon=":material/science:",
    )
    confirm = st.checkbox("Yes, remove the sample data", key="clear_sample_confirm")
    st.button(
        "Clear sample data",
        key="clear_sample",
        disabled=not confirm,
        on_click=_clear,
        args=(ctx.engine,),
    )


def template_section() -> None:
    """The canonical template of each kind, for exports from any other system."""
    st.header("Canonical template")
    st.caption(
        "For exports from any other system: put the data in these columns and upload "
        "the file as it is, no mapping needed. Dates as 2026-04-02 or 2026-04-02 09:15."
    )
    kinds = list(suggest.MAPPABLE_TARGETS)
    target = (
        st.selectbox(
            "Template for",
            kinds,
            format_func=lambda t: suggest.TARGET_LABELS[t],
            key="template_kind",
        )
        or kinds[0]
    )
    name = "journeys" if target == "leads" else target
    st.download_button(
        "Download the template (CSV)",
        suggest.template_csv(target),
        file_name=f"smarketing-{name}-template.csv",
        mime="text/csv",
        key="template_download",
    )
