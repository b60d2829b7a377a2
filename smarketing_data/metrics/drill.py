"""Drilling into one campaign or rep: its funnel quarter by quarter and its journeys, page by
page (SPEC §4.4)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine, Table, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from smarketing_data import schema
from smarketing_data.metrics.common import fetch, in_quarter
from smarketing_data.metrics.quarters import Quarter, quarter_of, quarters_between
from smarketing_data.stages import REACHED_COLUMNS, STAGES

J = schema.journeys
FUNNEL_COLUMNS = ["quarter", "leads", "mql", "sal", "sql", "opp", "won", "pipeline", "bookings"]
PAGE_COLUMNS = [
    "journey_id",
    "company",
    "channel",
    "created_at",
    "mql_at",
    "sal_at",
    "sql_at",
    "opp_at",
    "won_at",
    "lost_at",
    "amount",
    "won_amount",
    "disqualified_reason",
]
# Guards the database and the page from a caller asking for everything in one go.
MAX_PAGE = 1000


# --- funnel by quarter ------------------------------------------------------------------------


def campaign_funnel_by_quarter(
    engine: Engine, *, campaign_id: str | None, fiscal_start_month: int = 1
) -> pd.DataFrame:
    """Activity of one campaign per quarter, newest first; ``campaign_id=None`` is the journeys
    with no campaign.

    Columns: quarter (label), leads, mql, sal, sql, opp, won (counts), pipeline, bookings.
    """
    table = schema.agg_activity_campaign
    return _funnel(engine, table, table.c.campaign_id, campaign_id, fiscal_start_month)


def rep_funnel_by_quarter(
    engine: Engine, *, rep_id: str | None, fiscal_start_month: int = 1
) -> pd.DataFrame:
    """Activity of one rep per quarter, newest first; ``rep_id=None`` is the unassigned
    journeys.

    Columns: quarter (label), leads, mql, sal, sql, opp, won (counts), pipeline, bookings.
    """
    table = schema.agg_activity_rep
    return _funnel(engine, table, table.c.rep_id, rep_id, fiscal_start_month)


def _funnel(
    engine: Engine,
    table: Table,
    key: ColumnElement[Any],
    value: str | None,
    fiscal_start_month: int,
) -> pd.DataFrame:
    match = key.is_(None) if value is None else key == value
    stmt = (
        select(
            table.c.month,
            table.c.stage,
            func.sum(table.c.n).label("n"),
            func.sum(table.c.amount).label("amount"),
        )
        .where(match)
        .group_by(table.c.month, table.c.stage)
    )
    rows = fetch(engine, stmt)
    rows["n"] = pd.to_numeric(rows["n"]).fillna(0).astype("int64")
    rows["amount"] = pd.to_numeric(rows["amount"]).fillna(0.0).astype("float64")
    rows = rows[(rows["n"] != 0) | (rows["amount"] != 0)]
    if rows.empty:
        return pd.DataFrame(columns=FUNNEL_COLUMNS)
    months = pd.to_datetime(rows["month"]).dt.date
    rows = rows.assign(start=[quarter_of(m, fiscal_start_month).start for m in months])
    counts = rows.pivot_table(index="start", columns="stage", values="n", aggfunc="sum")
    amounts = rows.pivot_table(index="start", columns="stage", values="amount", aggfunc="sum")
    # Quarters without activity in between stay in the table, as zeros, so trends read right.
    quarters = quarters_between(min(counts.index), max(counts.index), fiscal_start_month)
    starts = [q.start for q in quarters]
    counts = counts.reindex(index=starts, columns=list(STAGES)).fillna(0).astype("int64")
    amounts = amounts.reindex(index=starts, columns=["opp", "won"]).fillna(0.0)
    out = counts.rename(columns={"lead": "leads"})
    out["pipeline"] = amounts["opp"].astype("float64")
    out["bookings"] = amounts["won"].astype("float64")
    out.columns.name = None
    out.insert(0, "quarter", [q.label for q in quarters])
    return out.iloc[::-1][FUNNEL_COLUMNS].reset_index(drop=True)


# --- journeys, page by page -------------------------------------------------------------------


def journeys_page(
    engine: Engine,
    *,
    campaign_id: str | None = None,
    rep_id: str | None = None,
    no_campaign: bool = False,
    unassigned: bool = False,
    quarter: Quarter | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[pd.DataFrame, int]:
    """One page of a campaign's or rep's journeys, newest first, and how many there are.

    ``no_campaign`` selects the journeys without a campaign, ``unassigned`` those without a
    rep; filters combine with AND. With ``quarter``, only journeys created or reaching any
    stage in it. At least one campaign or rep filter is required.

    Columns: journey_id, company, channel, created_at, mql_at, sal_at, sql_at, opp_at, won_at
    (the reached-stage dates), lost_at, amount, won_amount, disqualified_reason.
    """
    if offset < 0 or not 0 < limit <= MAX_PAGE:
        raise ValueError(f"offset must be >= 0 and limit between 1 and {MAX_PAGE}")
    where = _entity_filter(campaign_id, rep_id, no_campaign, unassigned)
    if quarter is not None:
        dates = [J.c.created_at, *(J.c[REACHED_COLUMNS[s]] for s in STAGES)]
        where.append(or_(*(in_quarter(d, quarter) for d in dates)))
    total_stmt = select(func.count().label("n")).select_from(J).where(*where)
    with engine.connect() as conn:
        total = int(conn.execute(total_stmt).scalar_one())
    stmt = (
        select(*_page_columns())
        .where(*where)
        .order_by(J.c.created_at.desc(), J.c.journey_id)
        .offset(offset)
        .limit(limit)
    )
    page = fetch(engine, stmt)
    # One dtype per column whatever the page holds: an all-empty column would stay object.
    for col in ("created_at", "mql_at", "sal_at", "sql_at", "opp_at", "won_at", "lost_at"):
        page[col] = pd.to_datetime(page[col])
    for col in ("amount", "won_amount"):
        page[col] = pd.to_numeric(page[col]).astype("float64")
    return page, total


def _entity_filter(
    campaign_id: str | None, rep_id: str | None, no_campaign: bool, unassigned: bool
) -> list[ColumnElement[bool]]:
    if campaign_id is not None and no_campaign:
        raise ValueError("give either a campaign_id or no_campaign, not both")
    if rep_id is not None and unassigned:
        raise ValueError("give either a rep_id or unassigned, not both")
    where: list[ColumnElement[bool]] = []
    if campaign_id is not None:
        where.append(J.c.campaign_id == campaign_id)
    if no_campaign:
        where.append(J.c.campaign_id.is_(None))
    if rep_id is not None:
        where.append(J.c.rep_id == rep_id)
    if unassigned:
        where.append(J.c.rep_id.is_(None))
    if not where:
        raise ValueError("journeys_page needs a campaign or a rep (or no_campaign/unassigned)")
    return where


def _page_columns() -> list[ColumnElement[Any]]:
    reached = {f"{s}_at": J.c[REACHED_COLUMNS[s]] for s in STAGES[1:]}
    return [J.c[c] if c not in reached else reached[c].label(c) for c in PAGE_COLUMNS]
