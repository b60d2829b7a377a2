"""Rejected rows: what to tell a user whose file had no usable row (SPEC §5.3: the most common
reasons with example rows, and for dates the format seen and how to state it in a mapping),
how many rejects are kept per file, and when a file has too many of them to be ready."""

from __future__ import annotations

import json
from collections import Counter

from smarketing_data.ingest.mapping import Rejection
from smarketing_data.ingest.read import RawTable
from smarketing_data.ingest.recognize import Match
from smarketing_data.ingest.values import date_shape

# Reasons name the offending value after ": '"; the part before it is the reason's kind.
_VALUE_MARK = ": '"
# Reasons that name a record's id, by how they start, and their kind without the id.
_ID_REASONS = {
    "duplicate id ": "duplicate id with conflicting values",
    "unknown id ": "unknown id: update mode changes only records already imported",
}
REASONS_SHOWN = 3
EXAMPLE_ROWS = 3
# Rejected rows stored per file with their data, for the rejects download: enough to see and
# fix what went wrong, while a file of garbage cannot fill the database. The counts per reason
# are kept for every rejected row.
REJECTS_KEPT = 1_000
# Reasons listed by count in the note of a file with more rejects than are kept.
REASONS_NOTED = 10
# A file with more than half of its rows rejected is never shown as ready to import: it is
# more likely the wrong file, or a mapping that misreads a column, than a few bad rows.
MOSTLY_REJECTED = 0.5


def reason_kind(reason: str) -> str:
    """What a reason says without the row's own values: rows with the same kind of problem
    share it (the value after ": '", the id of a duplicate or unknown id, are left out)."""
    for start, kind in _ID_REASONS.items():
        if reason.startswith(start):
            return kind
    return reason.split(_VALUE_MARK, 1)[0]


def reason_counts(rejections: list[Rejection]) -> dict[str, int]:
    """Rejected rows per reason kind, the most common first."""
    return dict(Counter(reason_kind(r.reason) for r in rejections).most_common())


def kept_note(rejected: int, counts: dict[str, int]) -> str | None:
    """The import-report note of a file with more rejected rows than are stored."""
    if rejected <= REJECTS_KEPT:
        return None
    listed = list(counts.items())[:REASONS_NOTED]
    parts = [f"{kind} {count:,}" for kind, count in listed]
    others = rejected - sum(count for _, count in listed)
    if others:
        parts.append(f"other reasons {others:,}")
    return (
        f"{rejected:,} rows rejected; the first {REJECTS_KEPT:,} are kept with their data. "
        f"By reason: {'; '.join(parts)}"
    )


def mostly_rejected(rows: int, rejected: int) -> bool:
    """Whether so many rows are rejected that the file needs a confirmation to import."""
    return rows > 0 and rejected > MOSTLY_REJECTED * rows


def _date_header(kind: str, match: Match) -> str | None:
    """The column an "unparseable date in 'X'" reason is about, when X is a file column."""
    prefix = "unparseable date in '"
    if not kind.startswith(prefix) or not kind.endswith("'"):
        return None
    header = kind[len(prefix) : -1]
    return header if header in match.columns.values() else None


def _date_advice(header: str, raw: RawTable, match: Match) -> str:
    # judged as the import read the column, so only the values it could not read are shown
    shapes = date_shape(
        raw.frame[header],
        day_first=match.profile.day_first,
        excel=raw.excel,
        order=match.dates.get(header),
    )
    seen = f"The values of '{header}' look like {', '.join(shapes)}. " if shapes else ""
    example = json.dumps({"dates": {header: "D-M-Y"}})
    return (
        f"{seen}If they are dates with the day, month and year in another order, state it "
        f"in the mapping, e.g. {example} (D-M-Y, M-D-Y or Y-M-D)."
    )


def all_rejected_message(
    name: str, raw: RawTable, match: Match, rejections: list[Rejection]
) -> str:
    """One paragraph for a file in which every row was rejected: nothing was imported."""
    by_kind: dict[str, list[Rejection]] = {}
    for r in rejections:
        by_kind.setdefault(reason_kind(r.reason), []).append(r)
    common = Counter({k: len(v) for k, v in by_kind.items()}).most_common(REASONS_SHOWN)
    parts = []
    advice = []
    for kind, count in common:
        examples = by_kind[kind][:EXAMPLE_ROWS]
        rows = "; ".join(f"row {r.row}: {r.reason}" for r in examples)
        parts.append(f"{kind} ({count:,} rows, e.g. {rows})")
        header = _date_header(kind, match)
        if header:
            advice.append(_date_advice(header, raw, match))
    total = len(raw.frame)
    return (
        f"{name}: all {total:,} rows were rejected, so nothing was imported and no mapping "
        f"was saved. Most common reasons: {'; '.join(parts)}. "
        + (
            " ".join(advice)
            if advice
            else "Fix these rows in the export, or the mapping's columns, and import it again."
        )
    )


def unknown_ids_message(name: str, match: Match, rejections: list[Rejection]) -> str:
    """An update (SPEC §5.1 mode "update") that matched no stored record."""
    examples = "; ".join(f"row {r.row}: {r.reason}" for r in rejections[:EXAMPLE_ROWS])
    return (
        f"{name}: none of its rows matches a record already imported under the source "
        f"'{match.profile.source}' ({examples}), so nothing was changed. Update mode only "
        "changes existing records: import the records first, or check the mapping's "
        "source and id column."
    )
