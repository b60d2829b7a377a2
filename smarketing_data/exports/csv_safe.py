"""CSV downloads that open safely in a spreadsheet (SPEC §8): a cell that starts like a
formula is prefixed with a single quote, so Excel shows it as text instead of running it."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd

# What spreadsheets treat as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula may also start after a list separator: a spreadsheet whose separator is ';' splits
# an unquoted "x;=1+1" into two cells and runs the second. Spaces before it are skipped.
_PART_START = re.compile(r"(^|[,;\t])( *)(?=[=+\-@\t\r])")


def neutralise(value: object) -> object:
    """A text cell made inert: a quote before every part that would start a formula, the cell
    itself or any part after a ',', ';' or tab; other values unchanged."""
    if not isinstance(value, str):
        return value
    return _PART_START.sub(_quote_part, value)


def _quote_part(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2)}'"


# The spelling the rejects download and its tests were written with.
neutralize = neutralise


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and every header) neutralized."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype(object).map(neutralise)
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads accents right), cells neutralized and
    every text cell quoted, so a ';' inside one does not split it where ';' separates."""
    text = safe_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)
    return text.encode("utf-8-sig")


def rejects_table(rejected: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows as a person fixes them: file, row, reason, then the row's own values.

    ``rejected`` has the columns of ``uploads.rejected_rows``: file_name, row_number, reason,
    data (the original row as a JSON object, or null). The value columns are the union of
    the files' headers, in the order they first appear.
    """
    base = pd.DataFrame(
        {
            "file": rejected["file_name"].astype(object),
            "row": rejected["row_number"].astype("int64"),
            "reason": rejected["reason"].astype(object),
        }
    )
    records = [json.loads(d) if isinstance(d, str) and d else {} for d in rejected["data"]]
    columns: dict[str, None] = {}
    for rec in records:
        columns.update(dict.fromkeys(str(k) for k in rec))
    for name in columns:
        header = name if name not in base.columns else f"{name} (in file)"
        base[header] = [rec.get(name) for rec in records]
    return base.reset_index(drop=True)
