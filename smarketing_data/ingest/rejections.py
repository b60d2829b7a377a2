"""What to tell a user whose file had no usable row (SPEC §5.3): the most common reasons with
example rows, and for dates the format seen and how to state it in a mapping."""

from __future__ import annotations

import json
from collections import Counter

from smarketing_data.ingest.mapping import Rejection
from smarketing_data.ingest.read import RawTable
from smarketing_data.ingest.recognize import Match
from smarketing_data.ingest.values import date_shape

# Reasons name the offending value after ": '"; the part before it is the reason's kind.
_VALUE_MARK = ": '"
REASONS_SHOWN = 3
EXAMPLE_ROWS = 3


def _kind(reason: str) -> str:
    return reason.split(_VALUE_MARK, 1)[0]


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
        by_kind.setdefault(_kind(r.reason), []).append(r)
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
