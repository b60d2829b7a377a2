"""Recognising a file's format and kind from its header row, and applying saved mappings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from smarketing_data.ingest.formats import (
    KIND_ALIASES,
    Profile,
    is_disqualified_reason_column,
    is_first_touch_column,
    normalize_header,
    profiles_for,
    stage_of_column,
)

# A file must share at least this many identifying headers with a profile to be taken as it
# (unless the user named the format and kind), so a stray "id" column identifies nothing.
MIN_SIGNATURE_HITS = 2


class RecognitionError(ValueError):
    """The file is of no kind we can take; str(exc) is a one-paragraph message."""


@dataclass
class Match:
    """How one file's columns feed the canonical fields."""

    profile: Profile
    columns: dict[str, str]  # canonical field -> the file's header
    first_touch_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # From a user's mapping (SPEC §5.1): fixed values for fields no column holds, per-field
    # value maps, the part order of ambiguous date columns (by header), and the write mode.
    constants: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    mode: str = "upsert"


def header_signature(headers: list[str]) -> str:
    """A stable fingerprint of a header row: same columns, same order, any case or spacing."""
    joined = "\x1f".join(normalize_header(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _resolve_columns(profile: Profile, headers: list[str]) -> dict[str, str]:
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalize_header(h), h)
    columns: dict[str, str] = {}
    for fname, candidates in profile.fields.items():
        for cand in candidates:
            if cand in by_norm:
                columns[fname] = by_norm[cand]
                break
    return columns


def missing_required(profile: Profile, columns: dict[str, str]) -> list[str]:
    missing = [f for f in profile.required if f not in columns]
    for group in profile.required_any:
        if not any(f in columns for f in group):
            missing.append(" or ".join(group))
    return missing


def _accepted_names(profile: Profile, missing: list[str]) -> str:
    parts = []
    for item in missing:
        names: list[str] = []
        for fname in item.split(" or "):
            names.extend(f'"{n}"' for n in profile.fields.get(fname, (fname,)))
        parts.append(" / ".join(names))
    return "; ".join(parts)


def _add_dynamic_columns(match: Match, headers: list[str]) -> None:
    """Stage dates, first touch and disqualification reason found by the words of a name."""
    used = set(match.columns.values())
    if match.profile.target != "leads" or not match.profile.dynamic_stage_dates:
        return
    for h in headers:
        if h in used:
            continue
        stage = stage_of_column(h)
        if stage and stage not in match.columns:
            match.columns[stage] = h
            used.add(h)
        elif is_first_touch_column(h):
            match.first_touch_columns.append(h)
        elif is_disqualified_reason_column(h) and "disqualified_reason" not in match.columns:
            match.columns["disqualified_reason"] = h


def recognize(headers: list[str], *, format_name: str = "auto", kind: str = "auto") -> Match:
    """The profile that best fits ``headers``; raises RecognitionError when none does."""
    target = None if kind in ("auto", "", None) else KIND_ALIASES.get(kind.casefold())
    if kind not in ("auto", "", None) and target is None:
        raise RecognitionError(f"unknown kind {kind!r}; use one of {', '.join(KIND_ALIASES)}")
    forced = format_name not in ("auto", "", None) and target is not None
    normalized = {normalize_header(h) for h in headers}
    best: tuple[float, Match, int] | None = None
    near_miss: tuple[int, Profile, list[str]] | None = None
    for profile in profiles_for(format_name, target):
        hits = sum(1 for s in profile.signature if s in normalized)
        columns = _resolve_columns(profile, headers)
        missing = missing_required(profile, columns)
        if missing:
            if hits >= 3 and (near_miss is None or hits > near_miss[0]):
                near_miss = (hits, profile, missing)
            continue
        if hits < MIN_SIGNATURE_HITS and not forced:
            continue
        score = hits / len(profile.signature) + hits / 1000
        if best is None or score > best[0]:
            best = (score, Match(profile=profile, columns=columns), hits)
    # A file that shares more identifying columns with a kind it cannot be (a required column
    # is missing) than with the kind it could be is the former with a column missing: a
    # journeys file without created_at is never taken for campaigns (SPEC §5.3).
    if best is not None and not _outweighs(near_miss, best[1], best[2], normalized):
        match = best[1]
        _add_dynamic_columns(match, headers)
        return match
    if near_miss is not None:
        _, profile, missing = near_miss
        raise RecognitionError(
            f"This looks like a {profile.format} {profile.kind} export, but it lacks the "
            f"required column(s) {', '.join(missing)}. Accepted names: "
            f"{_accepted_names(profile, missing)}. Add the column to the export and try again."
        )
    shown = ", ".join(f'"{_short(h)}"' for h in headers[:8]) + (" …" if len(headers) > 8 else "")
    raise RecognitionError(
        f"The columns ({shown}) do not match any export we know (Salesforce, HubSpot, "
        "Pipedrive, Zoho or the canonical template). Map its columns once (in the app's "
        "mapping step, or with --mapping FILE.json) and the mapping is reused next time."
    )


def _outweighs(
    near_miss: tuple[int, Profile, list[str]] | None, match: Match, hits: int, normalized: set[str]
) -> bool:
    """Whether the near miss's identifying columns that the match leaves unused outnumber
    the match's own identifying columns."""
    if near_miss is None:
        return False
    used = {normalize_header(h) for h in match.columns.values()}
    extra = sum(1 for s in near_miss[1].signature if s in normalized and s not in used)
    return extra > hits


def _short(header: str, limit: int = 60) -> str:
    return header if len(header) <= limit else header[: limit - 1] + "…"
