"""The common approach the product is compared with: read the whole ``journeys`` table into
pandas (``pd.read_sql``) and compute the report set's numbers with boolean masks and
``groupby``. Used by R1 (time) and M1 (peak memory), always in a fresh subprocess.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from benchmarks.report_numbers import COHORT_STAGES, STAGES, Bounds, Numbers

REACHED = [f"reach_{s}_at" for s in STAGES]


def read_journeys(db_path: Path) -> pd.DataFrame:
    """The journeys table as a DataFrame, stage dates parsed (SQLite stores them as text)."""
    conn = sqlite3.connect(db_path)
    try:
        frame = pd.read_sql("SELECT * FROM journeys", conn)
    finally:
        conn.close()
    for col in REACHED:
        frame[col] = pd.to_datetime(frame[col], format="ISO8601")
    for col in ("amount", "won_amount"):
        frame[col] = pd.to_numeric(frame[col])
    return frame


def _between(frame: pd.DataFrame, stage: str, start: object, end: object) -> pd.Series:
    col = frame[f"reach_{stage}_at"]
    return (col >= start) & (col < end)


def _activity(frame: pd.DataFrame, b: Bounds) -> pd.DataFrame:
    """One int column per stage (in the quarter or not) plus pipeline and bookings."""
    start, end = pd.Timestamp(b.start), pd.Timestamp(b.end)
    flags = pd.DataFrame({s: _between(frame, s, start, end).astype("int64") for s in STAGES})
    flags["pipeline"] = frame["amount"].where(flags["opp"] == 1, 0.0).fillna(0.0)
    flags["bookings"] = frame["won_amount"].where(flags["won"] == 1, 0.0).fillna(0.0)
    flags["campaign_id"] = frame["campaign_id"]
    return flags


def _cohorts(frame: pd.DataFrame, b: Bounds, base: str) -> dict[str, dict[str, int]]:
    start, end = pd.Timestamp(b.start), pd.Timestamp(b.end)
    cohort = frame[_between(frame, base, start, end) & frame["rep_id"].notna()]
    reached = pd.DataFrame(
        {s: cohort[f"reach_{s}_at"].notna().astype("int64") for s in COHORT_STAGES[base]}
    )
    grouped = reached.groupby(cohort["rep_id"]).sum()
    return {
        str(rid): {s: int(v) for s, v in row.items()}
        for rid, row in grouped.to_dict("index").items()
    }


def numbers(frame: pd.DataFrame, b: Bounds) -> Numbers:
    """Every number of the report set, by pandas."""
    flags = _activity(frame, b)
    totals = flags[[*STAGES, "pipeline", "bookings"]].sum()
    sourced = flags[flags["campaign_id"].notna()]
    per_campaign = sourced.groupby("campaign_id")[[*STAGES, "pipeline", "bookings"]].sum()
    per_campaign = per_campaign[(per_campaign != 0).any(axis=1)]
    previous = {
        s: int(_between(frame, s, pd.Timestamp(b.previous), pd.Timestamp(b.start)).sum())
        for s in STAGES
    }
    return Numbers(
        current={s: int(totals[s]) for s in STAGES},
        previous=previous,
        amounts={
            "pipeline": float(totals["pipeline"]),
            "bookings": float(totals["bookings"]),
            "sourced_pipeline": float(sourced["pipeline"].sum()),
            "sourced_bookings": float(sourced["bookings"].sum()),
        },
        campaigns={
            str(cid): {
                k: (float(v) if k in ("pipeline", "bookings") else int(v)) for k, v in row.items()
            }
            for cid, row in per_campaign.to_dict("index").items()
        },
        reps=_cohorts(frame, b, "mql"),
        reps_lead=_cohorts(frame, b, "lead"),
    )
