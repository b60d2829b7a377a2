"""CSV downloads that open safely in a spreadsheet (SPEC §8): a cell that starts like a
formula is prefixed with a single quote, so Excel shows it as text instead of running it."""

from __future__ import annotations

import json

import pandas as pd

# What spreadsheets treat as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that would start a formula, made inert; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
    """UTF-8 CSV with a byte-order mark (so Excel reads accents right), cells neutralized."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


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
