"""The mapping step for a file the import does not recognise (or that the person maps
themselves): the kind of records, the source name, insert or update, which column holds which
field, what every row is, how channel values and dates read, and a preview of the records as
they will be counted before the mapping is used.

The step starts from the suggestion (``smarketing_data.ingest.suggest``) or from how the file
was read so far; headers and values reach the screen as plain text.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from smarketing_data.ingest import suggest
from smarketing_data.ingest.mapping import normalize_channel
from smarketing_data.ingest.read import FileError, read_table
from smarketing_data.ingest.user_mapping import DATE_ORDERS, MODES, accepted_fields
from ui.components import safe
from ui.data import Context
from ui.upload.check import (
    FATAL,
    MAPPINGS_KEY,
    UNMAPPED,
    FileCheck,
    checked,
    own_mapping,
    plural,
    show_table,
    state,
)

NONE = "(none)"
KEEP = "(keep as written)"
BLANK = "(blank)"
AUTO = "auto"
SUGGESTIONS_KEY = "upload_suggestions"  # (header signature, target) -> Suggestion
DRAFTS_KEY = "upload_drafts"  # header signature -> the mapping last used, to start from again
VALUES_KEY = "upload_values"  # (file ids, header) -> (value counts, suggested channel map)
# Channel values offered for a decision, most frequent first; the rest follow the suggestion.
SHOWN_VALUES = 50
REJECTS_SHOWN = 5
MODE_LABELS = {
    "upsert": "Insert or replace whole records",
    "update": "Update existing records only",
}
DATE_LABELS = {
    AUTO: "Automatic (from the values)",
    "D-M-Y": "Day first (D-M-Y)",
    "M-D-Y": "Month first (M-D-Y)",
    "Y-M-D": "Year first (Y-M-D)",
}
MORE_LABELS = {
    "status": "status",
    "converted_opportunity_id": "converted opportunity id",
    "converted_contact_id": "converted contact id",
    "associated_opp_ids": "linked opportunity ids",
    "is_deleted": "deleted flag",
    "first_name": "first name",
    "last_name": "last name",
}
FIELD_HELP = {
    "record_id": "The CRM's id of the record; with the source name it makes the record key.",
    "entry_stage": "Where the journey enters the funnel: lead (the default), mql or opp.",
    "created_at": "When the record was created.",
    "campaign": "The campaign's id (or its name when the export has no id).",
    "rep": "The owner: the rep who works the lead (id or name).",
    "channel": "The lead source; its values are matched to channels below.",
    "associated_lead_ids": "The lead(s) this deal belongs to, as record keys or ids.",
    "stage": "The deal stage; Won and Lost (or Closed Won / Closed Lost) close the deal.",
    "close_date": "When the deal was won or lost: its won date when it is won.",
    "is_deleted": "Rows flagged true remove the record.",
}


def mapping_key(signature: str) -> str:
    """The widget-key prefix of one header row's mapping step."""
    return f"map_{signature[:12]}"


def _digest(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()[:10]


def value_key(key: str, header: str, value: str) -> str:
    """The key of the selectbox saying what one channel value means."""
    return f"{key}_channel_{_digest(header, value)}"


def date_key(key: str, header: str) -> str:
    """The key of the selectbox giving one date column's part order."""
    return f"{key}_dates_{_digest(header)}"


def field_label(fname: str) -> str:
    text = suggest.FIELD_LABELS.get(fname) or MORE_LABELS.get(fname, fname.replace("_", " "))
    return text[0].upper() + text[1:]


# --- where the step starts from -------------------------------------------------------------


def _suggestion(check: FileCheck, target: str | None, file_name: str) -> suggest.Suggestion:
    cache = state(SUGGESTIONS_KEY)
    if (check.signature, target) not in cache:
        sample = check.sample if check.sample is not None else pd.DataFrame()
        cache[check.signature, target] = suggest.suggest(
            check.headers, sample, file_name=file_name, target=target
        )
    return cache[check.signature, target]


def _start(check: FileCheck) -> dict[str, Any] | None:
    """The mapping last used for these columns in this session, else how the file is read."""
    return state(DRAFTS_KEY).get(check.signature) or check.read_as


def _defaults(
    check: FileCheck, target: str, mode: str, file_name: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The mapping the widgets start from for this kind and mode, and the reasons to show.

    An update changes only what it maps, so it starts from the record id alone."""
    start = _start(check)
    if start and start.get("kind") == target and start.get("mode", "upsert") == mode:
        return start, {}
    s = _suggestion(check, target, file_name)
    mapping = s.to_mapping("")
    if mode == "update":
        record_id = s.columns.get("record_id")
        return {"columns": {"record_id": record_id} if record_id else {}}, {
            "record_id": s.reasons.get("record_id", "")
        }
    return mapping, s.reasons


# --- the widgets ----------------------------------------------------------------------------


def _default_source(file_name: str) -> str:
    """The source of a file mapped earlier in this session, so that files from one CRM
    brought in together (a lead list and its won deals) link up; else one from the name."""
    chosen = [m.get("source") for m in state(MAPPINGS_KEY).values() if m.get("source")]
    return str(chosen[-1]) if chosen else suggest.default_source(file_name)


def _head(ctx_key: str, check: FileCheck, names: list[str]) -> tuple[str, str, str]:
    """Kind, source name and mode."""
    start = _start(check)
    guess = start["kind"] if start else _suggestion(check, None, names[0]).target
    kinds = list(suggest.MAPPABLE_TARGETS)
    left, middle, right = st.columns([3, 2, 3])
    with left:
        target = st.selectbox(
            "The file holds",
            kinds,
            index=kinds.index(guess),
            format_func=lambda t: suggest.TARGET_LABELS[t],
            key=f"{ctx_key}_kind",
        )
    with middle:
        source = st.text_input(
            "Source name",
            value=start["source"] if start else _default_source(names[0]),
            max_chars=32,
            key=f"{ctx_key}_source",
            help="Prefix of the record keys (e.g. 'mycrm' makes 'mycrm:1001'). Use the same "
            "name for every file from one CRM so leads and deals link up.",
        )
    with right:
        modes = list(MODES)
        mode = st.radio(
            "Records",
            modes,
            format_func=lambda m: MODE_LABELS[m],
            index=modes.index(start.get("mode", "upsert")) if start else 0,
            key=f"{ctx_key}_mode",
        )
    if mode == "update":
        st.caption(
            "Update mode changes only the fields you map below on records already "
            "imported (found by source name and record id); rows whose record was "
            "never imported are rejected."
        )
    return str(target), str(source), str(mode)


def _every_row(key: str, target: str, defaults: dict[str, Any]) -> dict[str, str]:
    """What every row is: an MQL, or a won deal."""
    constants = defaults.get("constants") or {}
    out: dict[str, str] = {}
    if target == "leads":
        if st.checkbox(
            "Every row is already an MQL",
            key=f"{key}_mql",
            value=str(constants.get("entry_stage", "")).casefold() == "mql",
            help="A list of marketing-qualified leads: they enter the funnel at MQL "
            "and are never counted as leads. Their MQL date is the MQL date "
            "column below, or else their created date.",
        ):
            out["entry_stage"] = "mql"
    if target == "opportunities":
        if st.checkbox(
            "Every row is a won deal",
            key=f"{key}_won",
            value=str(constants.get("stage", "")).casefold() == "won",
            help="A list of won deals: every row gets the stage Won. Its won date "
            "is the close date column below, or else its created date.",
        ):
            out["stage"] = "Won"
    return out


def _field_box(
    key: str,
    check: FileCheck,
    fname: str,
    defaults: dict[str, Any],
    reasons: dict[str, str],
    *,
    required: bool,
    fixed: bool,
) -> str | None:
    options = [NONE, *check.headers]
    start = (defaults.get("columns") or {}).get(fname)
    label = field_label(fname) + (" (required)" if required else "")
    help_text = FIELD_HELP.get(fname, "")
    if reasons.get(fname):
        help_text = f"{help_text}\n\nSuggested: {safe(reasons[fname])}".strip()
    if fixed:
        help_text = "Set for every row by the box above."
    choice = st.selectbox(
        label,
        options,
        index=options.index(start) if start in options else 0,
        key=f"{key}_{fname}",
        help=help_text or None,
        disabled=fixed,
    )
    return None if fixed or choice == NONE else str(choice)


def _columns(
    key: str,
    check: FileCheck,
    target: str,
    mode: str,
    defaults: dict[str, Any],
    reasons: dict[str, str],
    fixed: dict[str, str],
) -> dict[str, str]:
    """One selectbox per field the kind accepts; the rarely used ones folded away."""
    required = ["record_id"] if mode == "update" else suggest.required_fields(target)
    main = suggest.mapping_fields(target)
    more = [f for f in accepted_fields(target) if f not in main]
    columns: dict[str, str] = {}
    grid = st.columns(3)
    for i, fname in enumerate(main):
        with grid[i % 3]:
            choice = _field_box(
                key,
                check,
                fname,
                defaults,
                reasons,
                required=fname in required,
                fixed=fname in fixed,
            )
        if choice:
            columns[fname] = choice
    started = set(defaults.get("columns") or {}) & set(more)
    with st.expander(
        "More fields: " + ", ".join(field_label(f).lower() for f in more), expanded=bool(started)
    ):
        grid = st.columns(3)
        for i, fname in enumerate(more):
            with grid[i % 3]:
                choice = _field_box(
                    key, check, fname, defaults, reasons, required=False, fixed=False
                )
            if choice:
                columns[fname] = choice
    return columns


def _fixed_value(
    key: str, target: str, taken: set[str], defaults: dict[str, Any]
) -> dict[str, str]:
    """A value for every row of a field no column holds (e.g. a region or a segment)."""
    constants = defaults.get("constants") or {}
    options = [NONE, *[f for f in accepted_fields(target) if f not in taken and f != "is_deleted"]]
    start = next((f for f in constants if f in options and f not in ("entry_stage", "stage")), NONE)
    left, right = st.columns([1, 2])
    with left:
        fname = st.selectbox(
            "Same value in every row for",
            options,
            index=options.index(start),
            key=f"{key}_fixed_field",
            format_func=lambda f: f if f == NONE else field_label(f),
            help="For a field no column holds: every row gets this value.",
        )
    with right:
        value = st.text_input(
            "Value",
            value=str(constants.get(start, "")),
            key=f"{key}_fixed_value",
            disabled=fname == NONE,
        )
    return {fname: value.strip()} if fname != NONE and value.strip() else {}


def _value_counts(
    ctx: Context, files: list[Any], header: str
) -> tuple[list[tuple[str, int]], dict[str, str | None]]:
    """The column's values by frequency (most frequent first, then by text) and the
    suggested channel of every value, over every file with these columns."""
    cache = state(VALUES_KEY)
    cache_key = (tuple(f.file_id for f in files), header)
    if cache_key not in cache:
        parts = []
        for up in files:
            try:
                raw = read_table(
                    up.getvalue(),
                    file_name=up.name,
                    max_bytes=ctx.settings.max_upload_bytes,
                    max_rows=ctx.settings.max_rows,
                )
            except FileError:
                continue
            if header in raw.frame:
                parts.append(raw.frame[header].astype(str).str.strip())
        values = pd.concat(parts) if parts else pd.Series([], dtype=object)
        counts = values[values != ""].value_counts()
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        cache[cache_key] = (
            [(str(v), int(n)) for v, n in ranked],
            suggest.channel_value_map([v for v, _ in ranked]),
        )
    return cache[cache_key]


def _channel_values(
    ctx: Context, key: str, files: list[Any], header: str, defaults: dict[str, Any]
) -> dict[str, str | None]:
    """One row per value of the channel column: the channel it is counted as."""
    counts, suggested = _value_counts(ctx, files, header)
    if not counts:
        return {}
    start = {**suggested, **((defaults.get("values") or {}).get("channel") or {})}
    shown = counts[:SHOWN_VALUES]
    as_imported = dict(
        zip(
            [v for v, _ in shown],
            normalize_channel(pd.Series([v for v, _ in shown], dtype=object)),
            strict=True,
        )
    )
    extra = sorted({str(c) for c in start.values() if c and c not in suggest.KNOWN_CHANNELS})
    options = [KEEP, *suggest.KNOWN_CHANNELS, *extra, BLANK]
    st.markdown(f"**Channel values in {safe(header)}**")
    more = (
        f" Showing the {SHOWN_VALUES} most frequent of {len(counts):,} values; the others "
        "follow the suggestion."
        if len(counts) > SHOWN_VALUES
        else ""
    )
    st.caption(
        "What each value is counted as. (blank) stores no channel; (keep as written) "
        "stores the value as it is." + more
    )
    table = {v: c for v, c in suggested.items() if v not in as_imported}
    grid = st.columns(3)
    for i, (value, n) in enumerate(shown):
        if value in start:
            first = BLANK if start[value] is None else str(start[value])
        else:
            imported = as_imported[value]
            first = imported if imported in suggest.KNOWN_CHANNELS else KEEP
        with grid[i % 3]:
            choice = st.selectbox(
                safe(f"{value} · {plural(n, 'row')}"),
                options,
                index=options.index(first) if first in options else 0,
                key=value_key(key, header, value),
            )
        if choice == BLANK:
            table[value] = None
        elif choice != KEEP and choice != as_imported[value]:
            table[value] = str(choice)
    return table


def _date_orders(
    key: str, check: FileCheck, columns: dict[str, str], defaults: dict[str, Any]
) -> dict[str, str]:
    """The part order of each mapped date column: automatic, or stated."""
    headers = list(dict.fromkeys(h for f, h in columns.items() if f in suggest.DATE_LIKE_FIELDS))
    if not headers:
        return {}
    start = defaults.get("dates") or {}
    sample = check.sample if check.sample is not None else pd.DataFrame()
    st.markdown("**Dates**")
    st.caption(
        "Automatic reads the order from the values (31-12-2025 can only be day "
        "first); say the order when the values leave it open, like 03-04-2025."
    )
    options = [AUTO, *DATE_ORDERS]
    orders: dict[str, str] = {}
    grid = st.columns(3)
    for i, header in enumerate(headers):
        seen = [v for v in dict.fromkeys(sample.get(header, pd.Series(dtype=object))) if v][:3]
        first = start.get(header, AUTO)
        with grid[i % 3]:
            order = st.selectbox(
                safe(f"Dates in {header}"),
                options,
                format_func=lambda o: DATE_LABELS[o],
                index=options.index(first) if first in options else 0,
                key=date_key(key, header),
                help=safe("For example " + ", ".join(seen)) if seen else None,
            )
        if order != AUTO:
            orders[header] = str(order)
    return orders


# --- the step -------------------------------------------------------------------------------


def _draft(ctx: Context, check: FileCheck, files: list[Any]) -> tuple[dict[str, Any], list[str]]:
    """The mapping the widgets say, and the required fields still without a column."""
    key = mapping_key(check.signature)
    names = [f.name for f in files]
    target, source, mode = _head(key, check, names)
    defaults, reasons = _defaults(check, target, mode, names[0])
    fkey = f"{key}_{target}" + ("_update" if mode == "update" else "")
    constants = _every_row(fkey, target, defaults)
    columns = _columns(fkey, check, target, mode, defaults, reasons, constants)
    created = columns.get("created_at")
    if constants.get("entry_stage") == "mql" and created and "mql_at" not in columns:
        columns["mql_at"] = created  # an MQL list became MQLs when they came in
        st.caption(safe(f"MQL date: the created date ({created})."))
    if constants.get("stage") == "Won" and created and "close_date" not in columns:
        columns["close_date"] = created  # a won-deals list with one date: won when created
        st.caption(safe(f"Won date: the created date ({created})."))
    constants.update(_fixed_value(fkey, target, set(columns) | set(constants), defaults))
    values: dict[str, Any] = {}
    if "channel" in columns:
        table = _channel_values(ctx, fkey, files, columns["channel"], defaults)
        if table:
            values["channel"] = table
    dates = _date_orders(fkey, check, columns, defaults)
    mapping: dict[str, Any] = {
        "kind": target,
        "source": suggest.clean_source(source),
        "mode": mode,
        "columns": columns,
    }
    for name, part in (("constants", constants), ("values", values), ("dates", dates)):
        if part:
            mapping[name] = part
    required = ["record_id"] if mode == "update" else suggest.required_fields(target)
    missing = [f for f in required if f not in columns and f not in constants]
    return mapping, missing


def mapping_step(ctx: Context, check: FileCheck, files: list[Any]) -> None:
    """Say what the columns of these files (one header row) hold, see the records as they
    will be counted, and use the mapping; it is saved with the import and reused for the next
    file with the same header row."""
    key = mapping_key(check.signature)
    names = [f.name for f in files]
    with st.container(border=True, key=f"{key}_step"):
        st.subheader(safe(f"Map the columns of {', '.join(names)}"), anchor=False)
        st.caption(
            "Suggested from the column names and values; check each one. The mapping "
            "is saved with the import, and next time a file with these columns is "
            "recognised."
        )
        mapping, missing = _draft(ctx, check, files)
        st.markdown("**Preview**")
        usable = _preview(ctx, files[0], mapping, missing)
        if st.button("Use this mapping", key=f"{key}_use", type="primary", disabled=not usable):
            state(MAPPINGS_KEY)[check.signature] = mapping
            state(DRAFTS_KEY)[check.signature] = mapping
            st.rerun()


def _preview(ctx: Context, first: Any, mapping: dict[str, Any], missing: list[str]) -> bool:
    """The first file read with the mapping, nothing written; whether it can be used."""
    if missing:
        st.warning("Choose a column for " + ", ".join(field_label(f) for f in missing) + ".")
        return False
    trial = checked(ctx, first, mapping)
    if trial.status == FATAL:
        st.error(safe(trial.error))
        return False
    st.text(
        f"{first.name}: {plural(trial.rows or 0, 'row')}; {trial.rejected or 0:,} would "
        "be rejected."
    )
    if trial.rejected and trial.rejections is not None:
        st.caption("First rejected rows")
        st.dataframe(trial.rejections.head(REJECTS_SHOWN), hide_index=True)
    shown = len(trial.preview) if trial.preview is not None else 0
    st.caption(f"First {plural(shown, 'record')} as they will be counted")
    show_table(trial.preview)
    return True


def unmapped_groups(
    checks: list[FileCheck], uploaded: list[Any], skipped: set[str]
) -> list[tuple[FileCheck, list[Any]]]:
    """Files that need a mapping and are not skipped, one entry per header row: (the first
    file's check, every uploaded file with that header row)."""
    groups: dict[str, tuple[FileCheck, list[Any]]] = {}
    for check, up in zip(checks, uploaded, strict=True):
        if check.status != UNMAPPED or check.file_id in skipped or not check.signature:
            continue
        groups.setdefault(check.signature, (check, []))[1].append(up)
    return list(groups.values())


def mapping_notes(checks: list[FileCheck], skipped: set[str]) -> None:
    """Files read with a mapping confirmed on this page, and a way to change it."""
    seen: set[str] = set()
    for check in checks:
        if check.mapping is None or check.signature in seen or check.file_id in skipped:
            continue
        seen.add(check.signature)
        mapping = check.mapping
        how = "update" if mapping.get("mode") == "update" else "insert or replace"
        text, button = st.columns([3, 1], vertical_alignment="center")
        with text:
            st.caption(
                safe(
                    f"{check.name}: read with your mapping ({mapping['kind']}, {how}, "
                    f"source '{mapping['source']}'), saved with the import."
                )
            )
        with button:
            if st.button("Change mapping", key=f"{mapping_key(check.signature)}_change"):
                state(MAPPINGS_KEY).pop(check.signature, None)
                own_mapping().add(check.signature)
                st.rerun()
