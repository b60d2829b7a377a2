"""Small pieces every metric module shares: labels, name ordering, fetching, quarter filters."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, and_
from sqlalchemy.sql.elements import ColumnElement

from smarketing_data.db import read_frame
from smarketing_data.metrics.quarters import Quarter

NO_CAMPAIGN = "(no campaign)"
UNASSIGNED = "(unassigned)"


def fetch(engine: Engine, stmt: Select[Any]) -> pd.DataFrame:
    """Run a select and return its rows, with the select's column names."""
    return read_frame(engine, stmt)


def name_order(names: pd.Series) -> pd.Series:
    """A sort key for names: Unicode case folding, then code point (SPEC §3.9)."""
    return names.map(lambda n: (n.casefold(), n))


def with_none(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Undefined values as None rather than NaN, so "not defined" is not mistaken for a number."""
    for col in columns:
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def in_quarter(column: ColumnElement[Any], quarter: Quarter) -> ColumnElement[bool]:
    return and_(column >= quarter.start_dt, column < quarter.end_dt)
