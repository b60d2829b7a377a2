"""Quarters: calendar (``2026-Q2``) or fiscal (``FY2027-Q1``) labels and their bounds (SPEC §3.6).

A quarter is the half-open interval [start, next start). A fiscal year is named by the
calendar year in which it ends.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smarketing_data.metrics import rollup_queries as rq

if TYPE_CHECKING:
    from sqlalchemy import Engine

_CALENDAR = re.compile(r"^(\d{4})-Q([1-4])$")
_FISCAL = re.compile(r"^FY(\d{4})-Q([1-4])$")


class QuarterError(ValueError):
    """A quarter label that cannot be read."""


@dataclass(frozen=True, order=True)
class Quarter:
    start: dt.date
    fiscal_start_month: int = 1

    @property
    def end(self) -> dt.date:
        """The first day after the quarter (exclusive bound)."""
        return _add_months(self.start, 3)

    @property
    def label(self) -> str:
        if self.fiscal_start_month == 1:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        offset = (self.start.month - self.fiscal_start_month) % 12
        number = offset // 3 + 1
        fy_start_year = (
            self.start.year
            if self.start.month >= self.fiscal_start_month
            else (self.start.year - 1)
        )
        return f"FY{fy_start_year + 1}-Q{number}"

    @property
    def start_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time())

    def previous(self) -> Quarter:
        return Quarter(_add_months(self.start, -3), self.fiscal_start_month)

    def next(self) -> Quarter:
        return Quarter(self.end, self.fiscal_start_month)

    def __str__(self) -> str:
        return self.label


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_of(moment: dt.date | dt.datetime, fiscal_start_month: int = 1) -> Quarter:
    """The quarter containing a date or time."""
    offset = (moment.month - fiscal_start_month) % 3
    start = _add_months(dt.date(moment.year, moment.month, 1), -offset)
    return Quarter(start, fiscal_start_month)


def quarters_with_data(engine: Engine, *, fiscal_start_month: int = 1) -> list[Quarter]:
    """Quarters in which any journey was created or reached a stage, newest first."""
    found = {quarter_of(m, fiscal_start_month) for m in rq.activity_months(engine)}
    return sorted(found, reverse=True)


def parse_quarter(label: str, fiscal_start_month: int = 1) -> Quarter:
    """Read ``2026-Q2`` (calendar) or ``FY2027-Q1`` (fiscal) under the configured fiscal year."""
    text = label.strip().upper()
    if fiscal_start_month == 1:
        m = _CALENDAR.match(text)
        if not m:
            raise QuarterError(f"{label!r} is not a quarter like 2026-Q2")
        year, number = int(m.group(1)), int(m.group(2))
        return Quarter(dt.date(year, 3 * (number - 1) + 1, 1), 1)
    m = _FISCAL.match(text)
    if not m:
        raise QuarterError(f"{label!r} is not a fiscal quarter like FY2027-Q1")
    fiscal_year, number = int(m.group(1)), int(m.group(2))
    fy_start = dt.date(fiscal_year - 1, fiscal_start_month, 1)
    return Quarter(_add_months(fy_start, 3 * (number - 1)), fiscal_start_month)


def quarters_between(first: dt.date, last: dt.date, fiscal_start_month: int = 1) -> list[Quarter]:
    """Every quarter from the one containing ``first`` to the one containing ``last``."""
    q = quarter_of(first, fiscal_start_month)
    end = quarter_of(last, fiscal_start_month)
    out = []
    while q <= end:
        out.append(q)
        q = q.next()
    return out


def last_complete_quarter(today: dt.date, fiscal_start_month: int = 1) -> Quarter:
    return quarter_of(today, fiscal_start_month).previous()
