"""Campaign spend in a quarter: cost prorated by days, cost per MQL/SQL/Opp/Won and ROI
(SPEC §4.4).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, or_, select

from smarketing_data import schema
from smarketing_data.metrics import rollup_queries as rq
from smarketing_data.metrics.common import fetch, name_order, with_none
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.stats import r6

C = schema.campaigns
RESULT_STAGES = ("mql", "sql", "opp", "won")
COLUMNS = [
    "campaign_id",
    "name",
    "channel",
    "cost_basis",
    "cost",
    "mql",
    "sql",
    "opp",
    "won",
    "bookings",
    "cost_per_mql",
    "cost_per_sql",
    "cost_per_opp",
    "cost_per_won",
    "roi",
]

NULLABLE = [
    "channel",
    "cost_basis",
    "cost",
    "cost_per_mql",
    "cost_per_sql",
    "cost_per_opp",
    "cost_per_won",
    "roi",
]


def day_span(first: dt.date, last: dt.date) -> int:
    """Days from first to last, both included; 0 when last is before first."""
    return max((last - first).days + 1, 0)


def prorated_cost(
    total: float, start: dt.date | None, end: dt.date | None, *, quarter: Quarter, today: dt.date
) -> float:
    """The part of a campaign's cost that falls in the quarter, in proportion to its days.

    Start and end are inclusive; no end means still running (until today, or its start if it
    has not begun); no start means it overlaps nothing.
    """
    if start is None:
        return 0.0
    last = end if end is not None else max(today, start)
    days = day_span(start, last)
    overlap = day_span(max(start, quarter.start), min(last, quarter.end - dt.timedelta(days=1)))
    return total * overlap / days if days else 0.0


def campaign_spend(engine: Engine, *, quarter: Quarter, today: dt.date) -> pd.DataFrame:
    """Spend and results of every campaign eligible in the quarter (activity in it, or start-end
    dates overlapping it), by name.

    Columns: campaign_id, name (else the id), channel (the campaign's, else its journeys'),
    cost_basis ('actual', 'budget', None when neither is known), cost (prorated; None when
    unknown), mql, sql, opp, won (activity counts), bookings, cost_per_mql, cost_per_sql,
    cost_per_opp, cost_per_won (None when the count is 0 or the cost unknown), roi
    ((bookings - cost) / cost; None when the cost is 0 or unknown).
    """
    activity = rq.activity_by_campaign(engine, quarter.start, quarter.end)
    activity = activity[activity["campaign_id"].notna()]
    campaigns = _eligible_campaigns(engine, quarter, set(activity["campaign_id"]))
    ids = sorted(set(activity["campaign_id"]) | set(campaigns.index))
    rows = [
        _row(
            cid,
            activity[activity["campaign_id"] == cid],
            campaigns.loc[cid] if cid in campaigns.index else None,
            quarter,
            today,
        )
        for cid in ids
    ]
    out = with_none(pd.DataFrame(rows, columns=COLUMNS), NULLABLE)
    out = out.assign(_name=name_order(out["name"]))
    return (
        out.sort_values(["_name", "campaign_id"], kind="mergesort")
        .drop(columns="_name")
        .reset_index(drop=True)
    )


def _eligible_campaigns(engine: Engine, quarter: Quarter, active: set[str]) -> pd.DataFrame:
    """Campaign records with activity in the quarter or dates overlapping it, by id."""
    overlapping = (C.c.start_date < quarter.end) & (
        C.c.end_date.is_(None) | (C.c.end_date >= quarter.start)
    )
    stmt = select(
        C.c.campaign_id,
        C.c.name,
        C.c.channel,
        C.c.start_date,
        C.c.end_date,
        C.c.budget,
        C.c.actual_cost,
    ).where(or_(overlapping, C.c.campaign_id.in_(sorted(active))))
    frame = fetch(engine, stmt)
    return frame.set_index("campaign_id")


def _row(
    campaign_id: str,
    activity: pd.DataFrame,
    record: pd.Series | None,
    quarter: Quarter,
    today: dt.date,
) -> tuple[object, ...]:
    counts = {s: int(activity.loc[activity["stage"] == s, "n"].sum()) for s in RESULT_STAGES}
    bookings = float(activity.loc[activity["stage"] == "won", "amount"].sum())
    basis, cost = _cost(record, quarter, today)
    per = [r6(cost / counts[s]) if cost is not None and counts[s] else None for s in RESULT_STAGES]
    roi = r6((bookings - cost) / cost) if cost else None
    return (
        campaign_id,
        _name(campaign_id, record),
        _channel(activity, record),
        basis,
        r6(cost),
        *counts.values(),
        bookings,
        *per,
        roi,
    )


def _cost(
    record: pd.Series | None, quarter: Quarter, today: dt.date
) -> tuple[str | None, float | None]:
    """The cost basis and the cost prorated to the quarter (actual cost, else budget)."""
    if record is None:
        return None, None
    for basis, column in (("actual", "actual_cost"), ("budget", "budget")):
        total = record[column]
        if total is not None and not pd.isna(total):
            cost = prorated_cost(
                float(total),
                _date(record["start_date"]),
                _date(record["end_date"]),
                quarter=quarter,
                today=today,
            )
            return basis, cost
    return None, None


def _date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _name(campaign_id: str, record: pd.Series | None) -> str:
    name = None if record is None else record["name"]
    return campaign_id if name is None or pd.isna(name) else str(name)


def _channel(activity: pd.DataFrame, record: pd.Series | None) -> str | None:
    channel = None if record is None else record["channel"]
    if channel is not None and not pd.isna(channel):
        return str(channel)
    # No channel on the campaign record: the one most of its journeys came through.
    seen = activity[activity["channel"].notna()].groupby("channel")["n"].sum()
    return str(seen.sort_values(ascending=False, kind="mergesort").index[0]) if len(seen) else None
