"""The mapping step for a file the import does not recognise: which column holds which
field, confirmed once per header row and saved with the import that uses it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from smarketing_data.ingest import FileInput, IngestError, suggest
from smarketing_data.ingest.pipeline import prepare_file
from ui.components import safe
from ui.data import Context, guarded
from ui.upload_check import MAPPINGS_KEY, UNMAPPED, FileCheck, state

NONE = "(none)"
SUGGESTIONS_KEY = "upload_suggestions"  # header signature -> (guess, {target: suggestion})
FIELD_HELP = {
    "record_id": "The CRM's id of the record; with the source name it makes the record key.",
    "created_at": "When the record was created.",
    "campaign": "The campaign's id (or its name when the export has no id).",
    "rep": "The owner: the rep who works the lead (id or name).",
    "associated_lead_ids": "The lead(s) this deal belongs to, as record keys or ids.",
    "entry_stage": "'lead' (default) or 'opp' for a journey that starts as an opportunity.",
}


def _suggestions(check: FileCheck) -> tuple[str, dict[str, dict[str, str | None]]]:
    cache = state(SUGGESTIONS_KEY)
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
        state(MAPPINGS_KEY)[check.signature] = mapping
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
            state(MAPPINGS_KEY).pop(check.signature, None)
            st.rerun()
