"""Velocity: days between adjacent stages over a cohort, and what the fastest-won customers of a
quarter have in common (SPEC §4.4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from smarketing_data import schema
from smarketing_data.metrics.common import (
    NO_CAMPAIGN,
    UNASSIGNED,
    fetch,
    in_quarter,
    name_order,
    with_none,
)
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.stats import r6
from smarketing_data.stages import REACHED_COLUMNS, STAGE_DATE_COLUMNS, STAGES

J = schema.journeys
C = schema.campaigns
R = schema.reps
BASES = ("lead", "mql")
TRANSITIONS = tuple(zip(STAGES[:-1], STAGES[1:], strict=True))
VELOCITY_COLUMNS = ["from_stage", "to_stage", "journeys", "median_days", "p75_days"]
FASTEST_COLUMNS = ["journey_id", "company", "channel", "campaign_id", "campaign_name", "segment",
                   "region", "rep_id", "rep_name", "created_at", "won_at", "days_to_win",
                   "won_amount"]
NULLABLE_TEXT = ["company", "channel", "campaign_id", "campaign_name", "segment", "region",
                 "rep_id", "rep_name"]
TRAIT_COLUMNS = ["dimension", "value", "fastest_share", "all_share", "lift", "fastest_count",
                 "all_count"]
# Trait dimension -> the column holding its value's display name; listed in the order shown.
TRAIT_DIMENSIONS = {"channel": "channel", "campaign": "campaign_name", "segment": "segment",
                    "region": "region", "rep": "rep_name"}
TRAIT_KEYS = {"campaign": "campaign_id", "rep": "rep_id"}
NO_VALUE = "(none)"
SECONDS_PER_DAY = 86_400


def _days(start: pd.Series, end: pd.Series) -> pd.Series:
    return (pd.to_datetime(end) - pd.to_datetime(start)).dt.total_seconds() / SECONDS_PER_DAY


def stage_velocity(engine: Engine, *, quarter: Quarter, base: str = "mql") -> pd.DataFrame:
    """Days between each pair of adjacent stages over the quarter's cohort (base-stage date in
    the quarter), counting only journeys where both stages' own dates are known: a date
    inferred from a later stage is not a date the journey was seen at that stage.

    Columns: from_stage, to_stage (stage keys), journeys, median_days, p75_days (linear
    interpolation; None when no journey has both dates).
    """
    if base not in BASES:
        raise ValueError(f"base must be one of {BASES}, got {base!r}")
    own = [J.c[STAGE_DATE_COLUMNS[s]] for s in STAGES]
    stmt = select(*own).where(in_quarter(J.c[REACHED_COLUMNS[base]], quarter))
    dates = fetch(engine, stmt)
    rows = []
    for first, second in TRANSITIONS:
        days = _days(dates[STAGE_DATE_COLUMNS[first]], dates[STAGE_DATE_COLUMNS[second]])
        days = days.dropna().to_numpy()
        median, p75 = (np.percentile(days, [50, 75]) if len(days) else (None, None))
        rows.append((first, second, len(days), r6(median), r6(p75)))
    return with_none(pd.DataFrame(rows, columns=VELOCITY_COLUMNS), ["median_days", "p75_days"])


@dataclass(frozen=True)
class FastestCustomers:
    journeys: pd.DataFrame  # every journey won in the quarter, fastest first
    fastest: pd.DataFrame  # the fastest quartile of them (rounded up)
    traits: pd.DataFrame  # what the fastest quartile has in common, against all of them


def fastest_customers(engine: Engine, *, quarter: Quarter) -> FastestCustomers:
    """Journeys won in the quarter by days from creation to won, and the traits (channel,
    campaign, segment, region, rep) over-represented in the fastest quartile.

    journeys / fastest columns: journey_id, company, channel, campaign_id, campaign_name,
    segment, region, rep_id, rep_name, created_at, won_at, days_to_win, won_amount.
    traits columns: dimension, value, fastest_share, all_share, lift (fastest over all share),
    fastest_count, all_count; only values present in the fastest quartile.
    """
    won = won_journeys(engine, quarter=quarter)
    fastest = won.head(math.ceil(len(won) / 4)).reset_index(drop=True)
    return FastestCustomers(journeys=won, fastest=fastest, traits=traits(fastest, won))


def won_journeys(engine: Engine, *, quarter: Quarter) -> pd.DataFrame:
    """Journeys whose Won date is in the quarter, fastest first (ties by journey_id).

    Columns: as FastestCustomers.journeys.
    """
    stmt = (
        select(J.c.journey_id, J.c.company, J.c.channel, J.c.campaign_id,
               C.c.name.label("campaign_name"), J.c.segment, J.c.region, J.c.rep_id,
               R.c.name.label("rep_name"), J.c.created_at, J.c.won_at, J.c.won_amount)
        .select_from(J.outerjoin(C, C.c.campaign_id == J.c.campaign_id)
                     .outerjoin(R, R.c.rep_id == J.c.rep_id))
        .where(in_quarter(J.c.reach_won_at, quarter))
    )
    won = fetch(engine, stmt)
    won["campaign_name"] = won["campaign_name"].where(won["campaign_name"].notna(),
                                                      won["campaign_id"])
    won["rep_name"] = won["rep_name"].where(won["rep_name"].notna(), won["rep_id"])
    # Won is the last stage, so a Won date in the quarter is always the journey's own won_at.
    won["days_to_win"] = _days(won["created_at"], won["won_at"]).round(6)
    won = won.sort_values(["days_to_win", "journey_id"], kind="mergesort")
    return with_none(won[FASTEST_COLUMNS].reset_index(drop=True), NULLABLE_TEXT)


def traits(fastest: pd.DataFrame, everyone: pd.DataFrame) -> pd.DataFrame:
    """Share of each value in the fastest group against its share among everyone (lift)."""
    parts = [_trait(fastest, everyone, dimension) for dimension in TRAIT_DIMENSIONS]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return out.reindex(columns=TRAIT_COLUMNS)


def _trait(fastest: pd.DataFrame, everyone: pd.DataFrame, dimension: str) -> pd.DataFrame:
    if fastest.empty:
        return pd.DataFrame(columns=TRAIT_COLUMNS)
    keys, labels = _keys_and_labels(everyone, dimension)
    all_counts = keys.value_counts()
    fastest_counts = keys[everyone["journey_id"].isin(fastest["journey_id"])].value_counts()
    rows = []
    for key, count in fastest_counts.items():
        total = int(all_counts[key])
        fastest_share, all_share = count / len(fastest), total / len(everyone)
        rows.append((dimension, labels[key], r6(fastest_share), r6(all_share),
                     r6(fastest_share / all_share), int(count), total))
    out = pd.DataFrame(rows, columns=TRAIT_COLUMNS)
    out = out.assign(_name=name_order(out["value"]))
    return out.sort_values(["lift", "_name"], ascending=[False, True], kind="mergesort").drop(
        columns="_name")


def _keys_and_labels(frame: pd.DataFrame, dimension: str) -> tuple[pd.Series, dict[str, str]]:
    """Each journey's value of the dimension (ids for campaign and rep, so namesakes stay
    apart), with a display label per value; missing values become a label of their own."""
    label_column = TRAIT_DIMENSIONS[dimension]
    missing = {"campaign": NO_CAMPAIGN, "rep": UNASSIGNED}.get(dimension, NO_VALUE)
    raw = frame[TRAIT_KEYS.get(dimension, label_column)]
    keys = raw.astype(object).where(raw.notna(), "").astype(str)
    names = frame[label_column].astype(object).where(raw.notna(), missing).astype(str)
    return keys, dict(zip(keys, names, strict=True))
