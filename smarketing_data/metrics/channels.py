"""The channel roll-up of the Campaigns page: campaign activity and spend summed by channel."""

from __future__ import annotations

import pandas as pd

COUNTS = ["mql", "sql", "opp", "won"]


def channel_rollup(counts: pd.DataFrame, spend: pd.DataFrame) -> pd.DataFrame:
    """Per channel: eligible campaigns, activity counts, bookings, spend and cost per SQL.

    ``counts`` is ReportSet.campaign_counts, ``spend`` campaign_spend(). Columns: channel,
    campaigns, mql, sql, opp, won, bookings, spend, cost_per_sql.
    """
    if counts.empty:
        return pd.DataFrame(
            columns=["channel", "campaigns", *COUNTS, "bookings", "spend", "cost_per_sql"]
        )
    frame = counts.assign(channel=counts["channel"].fillna("(no channel)"))
    costs = spend.set_index("campaign_id")["cost"] if not spend.empty else pd.Series(dtype=float)
    frame["spend"] = frame["id"].map(costs).astype("float64").fillna(0.0)
    out = (
        frame.groupby("channel", sort=False)
        .agg(
            campaigns=("id", "count"),
            mql=("mql", "sum"),
            sql=("sql", "sum"),
            opp=("opp", "sum"),
            won=("won", "sum"),
            bookings=("bookings", "sum"),
            spend=("spend", "sum"),
        )
        .reset_index()
    )
    out["cost_per_sql"] = [
        s / n if n else None for s, n in zip(out["spend"], out["sql"], strict=True)
    ]
    return out.sort_values(["sql", "channel"], ascending=[False, True]).reset_index(drop=True)
