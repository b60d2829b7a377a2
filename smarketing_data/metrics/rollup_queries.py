"""Reading the monthly rollups for a range of months: the only place reports get counts from."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, func, select

from smarketing_data import schema
from smarketing_data.db import read_frame

if TYPE_CHECKING:
    import pandas as pd

AC = schema.agg_activity_campaign
AR = schema.agg_activity_rep
CC = schema.agg_cohort_campaign
CR = schema.agg_cohort_rep


def activity_by_campaign(conn: Connection | Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Activity in [start, end) per campaign and stage.

    Columns: campaign_id (None = no campaign), channel, stage, n, amount.
    """
    stmt = (
        select(
            AC.c.campaign_id,
            AC.c.channel,
            AC.c.stage,
            func.sum(AC.c.n).label("n"),
            func.sum(AC.c.amount).label("amount"),
        )
        .where(AC.c.month >= start, AC.c.month < end)
        .group_by(AC.c.campaign_id, AC.c.channel, AC.c.stage)
    )
    return _numeric(read_frame(conn, stmt))


def activity_by_rep(conn: Connection | Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Activity in [start, end) per rep and stage. Columns: rep_id, stage, n, amount."""
    stmt = (
        select(
            AR.c.rep_id,
            AR.c.stage,
            func.sum(AR.c.n).label("n"),
            func.sum(AR.c.amount).label("amount"),
        )
        .where(AR.c.month >= start, AR.c.month < end)
        .group_by(AR.c.rep_id, AR.c.stage)
    )
    return _numeric(read_frame(conn, stmt))


def cohort_by_rep(
    conn: Connection | Engine, start: dt.date, end: dt.date, base: str
) -> pd.DataFrame:
    """Journeys whose base-stage date is in [start, end), per rep and stage reached.

    Columns: rep_id, stage, n (stage == base gives the cohort size).
    """
    stmt = (
        select(CR.c.rep_id, CR.c.stage, func.sum(CR.c.n).label("n"))
        .where(CR.c.month >= start, CR.c.month < end, CR.c.base == base)
        .group_by(CR.c.rep_id, CR.c.stage)
    )
    return _numeric(read_frame(conn, stmt))


def cohort_by_campaign(
    conn: Connection | Engine, start: dt.date, end: dt.date, base: str
) -> pd.DataFrame:
    """Cohort counts per campaign, journey channel and stage reached.

    Columns: campaign_id, channel, stage, n.
    """
    stmt = (
        select(CC.c.campaign_id, CC.c.channel, CC.c.stage, func.sum(CC.c.n).label("n"))
        .where(CC.c.month >= start, CC.c.month < end, CC.c.base == base)
        .group_by(CC.c.campaign_id, CC.c.channel, CC.c.stage)
    )
    return _numeric(read_frame(conn, stmt))


def activity_months(conn: Connection | Engine) -> list[dt.date]:
    """Months in which any journey was created or reached a stage."""
    stmt = select(AC.c.month).group_by(AC.c.month).having(func.sum(AC.c.n) != 0)
    return _months(conn, stmt)


def _months(conn: Connection | Engine, stmt: Any) -> list[dt.date]:
    """The selected months as dates, sorted. Read without pandas: ``quarters`` on the command
    line needs only these."""
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return _months(c, stmt)
    return sorted(_as_date(m) for m in conn.execute(stmt).scalars())


def _as_date(value: dt.date | str) -> dt.date:
    """A month as the driver returns it: a date, a datetime or (when a driver does not convert
    it) ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    frame["n"] = pd.to_numeric(frame["n"]).fillna(0).astype("int64")
    if "amount" in frame:
        frame["amount"] = pd.to_numeric(frame["amount"]).fillna(0.0).astype("float64")
    frame = frame[(frame["n"] != 0) | (frame.get("amount", 0) != 0)]
    return frame.reset_index(drop=True)


def stage_date_counts(conn: Connection | Engine) -> dict[str, int]:
    """Per stage, journeys with their own date for it (lead: entering as leads)."""
    t = schema.agg_stage_dates
    frame = read_frame(conn, select(t.c.stage, func.sum(t.c.n).label("n")).group_by(t.c.stage))
    return {str(s): int(n or 0) for s, n in frame.itertuples(index=False)}


def cohort_months(conn: Connection | Engine, base: str) -> list[dt.date]:
    """Months in which the base stage has a cohort (journeys whose base-stage date is in it)."""
    stmt = (
        select(CR.c.month)
        .where(CR.c.base == base, CR.c.stage == base)
        .group_by(CR.c.month)
        .having(func.sum(CR.c.n) != 0)
    )
    return _months(conn, stmt)
