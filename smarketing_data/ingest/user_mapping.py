"""A user's column mapping (SPEC §5.1): checking the JSON and turning it into a ``Match``.

A mapping names the kind of records, the source prefix of their keys, the write mode, which
column feeds which field, fixed values for fields no column holds, per-field value maps and
the part order of ambiguous date columns. It names no file paths and runs no code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from smarketing_data.ingest.formats import (
    KIND_ALIASES,
    PROFILES,
    TARGET_FIELDS,
    Profile,
    normalize_header,
)
from smarketing_data.ingest.recognize import Match, RecognitionError, missing_required

MAPPING_KEYS = ("kind", "source", "mode", "columns", "constants", "values", "dates", "day_first")
MODES = ("upsert", "update")
DATE_ORDERS = ("D-M-Y", "M-D-Y", "Y-M-D")
# The kinds as the SPEC names them, in the order messages list them.
KINDS = {
    "leads": "leads",
    "opportunities": "opportunities",
    "campaigns": "campaigns",
    "campaign_members": "members",
    "reps": "reps",
}
# Record keys are "<source>:<id>" in a String(255) column next to a String(32) source.
_SOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
# Fields the import itself sets; a mapping never names them.
_INTERNAL = frozenset({"is_deleted"})
_ENTRY_STAGES = ("lead", "mql", "opp")


def accepted_fields(target: str) -> list[str]:
    """The fields a mapping of ``target`` records may fill, in the template's order."""
    return [f for f in TARGET_FIELDS[target] if f not in _INTERNAL] + ["is_deleted"]


def fields_help() -> str:
    """One line per kind: the fields its mapping accepts (README, --help, messages)."""
    return "\n".join(
        f"{kind}: {', '.join(accepted_fields(target))}" for kind, target in KINDS.items()
    )


def _base_profile(target: str) -> Profile:
    candidates = [p for p in PROFILES if p.target == target]
    return next((p for p in candidates if p.format == "canonical"), candidates[0])


def _aliases(target: str) -> dict[str, str]:
    """Canonical column names accepted as field names ("journey_id" for "record_id")."""
    base = _base_profile(target)
    return {cand: f for f, cands in base.fields.items() for cand in cands}


def _kind_of(mapping: Mapping[str, Any]) -> tuple[str, str]:
    raw_kind = str(mapping.get("kind", "leads"))
    target = KIND_ALIASES.get(raw_kind.casefold())
    if target is None:
        raise RecognitionError(
            f"the mapping's kind {_shown(raw_kind)} is not one we know; use one of "
            f"{', '.join(KINDS)}"
        )
    return raw_kind, target


def _source_of(mapping: Mapping[str, Any]) -> str:
    source = str(mapping.get("source") or "custom").strip()
    if not _SOURCE.match(source):
        raise RecognitionError(
            f"the mapping's source {_shown(source)} must be 1 to 32 letters, digits, '_', '-' "
            "or '.', starting with a letter or digit (it prefixes every record key)"
        )
    return source


def _field(raw_field: object, target: str) -> str:
    name = str(raw_field)
    fields = accepted_fields(target)
    fname = name if name in fields else _aliases(target).get(name, name)
    if fname not in fields:
        kind = next(k for k, t in KINDS.items() if t == target)
        raise RecognitionError(
            f"the mapping names an unknown field {_shown(name)}; fields accepted for {kind}: "
            f"{', '.join(fields)}"
        )
    return fname


def _object(mapping: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = mapping.get(key) or {}
    if not isinstance(value, dict):
        raise RecognitionError(f'the mapping\'s "{key}" must be a JSON object')
    return value


def _columns(headers: list[str], mapping: Mapping[str, Any], target: str) -> dict[str, str]:
    by_norm = {normalize_header(h): h for h in headers}
    columns: dict[str, str] = {}
    for raw_field, header in _object(mapping, "columns").items():
        fname = _field(raw_field, target)
        actual = by_norm.get(normalize_header(str(header)))
        if actual is None:
            raise RecognitionError(f"the mapping's column {_shown(header)} is not in the file")
        columns[fname] = actual
    return columns


def _constants(
    mapping: Mapping[str, Any], target: str, columns: dict[str, str]
) -> dict[str, object]:
    constants: dict[str, object] = {}
    for raw_field, value in _object(mapping, "constants").items():
        fname = _field(raw_field, target)
        if fname in columns:
            raise RecognitionError(
                f"the mapping gives {fname!r} both a column and a constant; keep one"
            )
        if value is not None and not isinstance(value, str | int | float | bool):
            raise RecognitionError(
                f"the constant for {fname!r} must be a text, number or true/false"
            )
        constants[fname] = value
    stage = constants.get("entry_stage")
    if stage is not None and str(stage).casefold() not in _ENTRY_STAGES:
        raise RecognitionError(
            f"the constant entry_stage must be one of {', '.join(_ENTRY_STAGES)}, not "
            f"{_shown(stage)}"
        )
    return constants


def _value_maps(
    mapping: Mapping[str, Any], target: str, mapped: set[str]
) -> dict[str, dict[str, object]]:
    maps: dict[str, dict[str, object]] = {}
    for raw_field, table in _object(mapping, "values").items():
        fname = _field(raw_field, target)
        if fname not in mapped:
            raise RecognitionError(
                f"the mapping has a value map for {fname!r}, but no column or constant feeds it"
            )
        if not isinstance(table, dict) or not all(
            v is None or isinstance(v, str | int | float | bool) for v in table.values()
        ):
            raise RecognitionError(
                f'the value map for {fname!r} must be {{"as written": "as meant" or null}}'
            )
        maps[fname] = {str(k): v for k, v in table.items()}
    return maps


def _date_orders(
    mapping: Mapping[str, Any], headers: list[str], columns: dict[str, str]
) -> dict[str, str]:
    """Part order per header; the mapping may name a column by its header or by its field."""
    by_norm = {normalize_header(h): h for h in headers}
    orders: dict[str, str] = {}
    for name, order in _object(mapping, "dates").items():
        header = by_norm.get(normalize_header(str(name))) or columns.get(str(name))
        if header is None:
            raise RecognitionError(f"the mapping's date column {_shown(name)} is not in the file")
        text = str(order).upper().replace("/", "-").replace(".", "-")
        if text not in DATE_ORDERS:
            raise RecognitionError(
                f"the date order {_shown(order)} for {_shown(name)} must be one of "
                f"{', '.join(DATE_ORDERS)}"
            )
        orders[header] = text
    return orders


def match_from_mapping(headers: list[str], mapping: Mapping[str, Any]) -> Match:
    """A Match from a user's mapping; raises RecognitionError with what to change."""
    if not isinstance(mapping, Mapping):
        raise RecognitionError("a mapping must be a JSON object")
    unknown = [k for k in mapping if k not in MAPPING_KEYS]
    if unknown:
        raise RecognitionError(
            f"the mapping has unknown key(s) {', '.join(_shown(k) for k in unknown)}; "
            f"a mapping may have {', '.join(MAPPING_KEYS[:-1])}"
        )
    raw_kind, target = _kind_of(mapping)
    source = _source_of(mapping)
    mode = str(mapping.get("mode") or "upsert").casefold()
    if mode not in MODES:
        raise RecognitionError(f"the mapping's mode {_shown(mode)} must be upsert or update")
    columns = _columns(headers, mapping, target)
    constants = _constants(mapping, target, columns)
    base = _base_profile(target)
    # An update changes records that exist: only their id is needed to find them.
    required = ("record_id",) if mode == "update" else base.required
    profile = Profile(
        name=f"mapping-{target}",
        format="custom",
        kind=raw_kind,
        target=target,
        source=source,
        fields={f: (f,) for f in accepted_fields(target)},
        required=required,
        signature=(),
        required_any=() if mode == "update" else base.required_any,
        names_as_ids=True,
        day_first=bool(mapping.get("day_first", False)),
        dynamic_stage_dates=False,
    )
    missing = missing_required(profile, {**columns, **dict.fromkeys(constants, "")})
    if missing:
        kind = next(k for k, t in KINDS.items() if t == target)
        raise RecognitionError(
            f"the mapping does not say which column holds {', '.join(missing)}; fields "
            f"accepted for {kind}: {', '.join(accepted_fields(target))}"
        )
    mapped = set(columns) | set(constants)
    return Match(
        profile=profile,
        columns=columns,
        constants=constants,
        values=_value_maps(mapping, target, mapped),
        dates=_date_orders(mapping, headers, columns),
        mode=mode,
    )


def mapping_to_store(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """What is saved under a header signature: everything but kind and source (own columns)."""
    keys = ("mode", "columns", "constants", "values", "dates", "day_first")
    return {k: mapping[k] for k in keys if k in mapping and mapping[k] not in (None, {}, "")}


def _shown(value: object, limit: int = 60) -> str:
    """A value for a message: quoted, control characters removed, shortened."""
    text = "".join(ch for ch in str(value) if ch.isprintable())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(text)
