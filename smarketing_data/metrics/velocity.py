"""Velocity: days between adjacent stages over a cohort, and what the fastest-won customers of a
quarter have in common (SPEC §4.4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from smarketing_data import format as fmt
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
from smarketing_data.metrics.stats import r6, wilson
from smarketing_data.stages import REACHED_COLUMNS, STAGE_DATE_COLUMNS, STAGES, CohortBase

J = schema.journeys
C = schema.campaigns
R = schema.reps
BASES = (CohortBase.LEAD, CohortBase.MQL)
TRANSITIONS = tuple(zip(STAGES[:-1], STAGES[1:], strict=True))
VELOCITY_COLUMNS = ["from_stage", "to_stage", "journeys", "median_days", "p75_days"]
FASTEST_COLUMNS = [
    "journey_id",
    "company",
    "channel",
    "campaign_id",
    "campaign_name",
    "segment",
    "region",
    "rep_id",
    "rep_name",
    "created_at",
    "won_at",
    "days_to_win",
    "won_amount",
]
NULLABLE_TEXT = [
    "company",
    "channel",
    "campaign_id",
    "campaign_name",
    "segment",
    "region",
    "rep_id",
    "rep_name",
]
TRAIT_COLUMNS = [
    "dimension",
    "value",
    "fastest_share",
    "all_share",
    "lift",
    "fastest_count",
    "all_count",
    "fastest_size",
    "all_size",
    "fastest_ci_low",
    "fastest_ci_high",
]
# With fewer fastest wins a single deal moves a share by more than 12 points, and a 3.7× lift
# can rest on three deals: too few to say what the fastest have in common.
MIN_FASTEST = 8
# A trait held by one or two of the fastest is an anecdote, not something they share.
MIN_TRAIT = 3
# Trait dimension -> the column holding its value's display name; listed in the order shown.
TRAIT_DIMENSIONS = {
    "channel": "channel",
    "campaign": "campaign_name",
    "segment": "segment",
    "region": "region",
    "rep": "rep_name",
}
TRAIT_KEYS = {"campaign": "campaign_id", "rep": "rep_id"}
NO_VALUE = "(none)"
SECONDS_PER_DAY = 86_400


def _days(start: pd.Series, end: pd.Series) -> pd.Series:
    return (pd.to_datetime(end) - pd.to_datetime(start)).dt.total_seconds() / SECONDS_PER_DAY


def stage_velocity(
    engine: Engine, *, quarter: Quarter, base: CohortBase = CohortBase.MQL
) -> pd.DataFrame:
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
        median, p75 = np.percentile(days, [50, 75]) if len(days) else (None, None)
        rows.append((first, second, len(days), r6(median), r6(p75)))
    return with_none(pd.DataFrame(rows, columns=VELOCITY_COLUMNS), ["median_days", "p75_days"])


@dataclass(frozen=True)
class FastestCustomers:
    journeys: pd.DataFrame  # every journey won in the quarter, fastest first
    fastest: pd.DataFrame  # the fastest quartile of them (rounded up)
    # What the fastest quartile has in common, against all of them: only with at least
    # MIN_FASTEST in the quartile, and only traits at least MIN_TRAIT of them hold.
    traits: pd.DataFrame
    note: str = ""  # why no trait is shown; "" when some are


def fastest_customers(engine: Engine, *, quarter: Quarter) -> FastestCustomers:
    """Journeys won in the quarter by days from creation to won, and the traits (channel,
    campaign, segment, region, rep) of the fastest quartile against all wins.

    journeys / fastest columns: journey_id, company, channel, campaign_id, campaign_name,
    segment, region, rep_id, rep_name, created_at, won_at, days_to_win, won_amount.
    traits columns: as ``traits``, limited by MIN_FASTEST and MIN_TRAIT (``note`` says why
    when that leaves none).
    """
    won = won_journeys(engine, quarter=quarter)
    fastest = won.head(math.ceil(len(won) / 4)).reset_index(drop=True)
    found = traits(fastest, won)
    if len(fastest) < MIN_FASTEST:
        needed = 4 * (MIN_FASTEST - 1) + 1  # the fewest wins whose quartile holds MIN_FASTEST
        return FastestCustomers(
            journeys=won,
            fastest=fastest,
            traits=found.iloc[0:0],
            note=f"Too few won deals this quarter to say what the fastest share (at least "
            f"{needed} are needed, for {MIN_FASTEST} in the fastest quartile; "
            f"{len(won)} were won).",
        )
    shown = found[found["fastest_count"] >= MIN_TRAIT].reset_index(drop=True)
    note = (
        ""
        if len(shown)
        else (
            f"No trait is shared by {MIN_TRAIT} or more of the "
            f"{len(fastest)} fastest-won customers this quarter."
        )
    )
    return FastestCustomers(journeys=won, fastest=fastest, traits=shown, note=note)


def won_journeys(engine: Engine, *, quarter: Quarter) -> pd.DataFrame:
    """Journeys whose Won date is in the quarter, fastest first (ties by journey_id).

    Columns: as FastestCustomers.journeys.
    """
    stmt = (
        select(
            J.c.journey_id,
            J.c.company,
            J.c.channel,
            J.c.campaign_id,
            C.c.name.label("campaign_name"),
            J.c.segment,
            J.c.region,
            J.c.rep_id,
            R.c.name.label("rep_name"),
            J.c.created_at,
            J.c.won_at,
            J.c.won_amount,
        )
        .select_from(
            J.outerjoin(C, C.c.campaign_id == J.c.campaign_id).outerjoin(
                R, R.c.rep_id == J.c.rep_id
            )
        )
        .where(in_quarter(J.c.reach_won_at, quarter))
    )
    won = fetch(engine, stmt)
    won["campaign_name"] = won["campaign_name"].where(
        won["campaign_name"].notna(), won["campaign_id"]
    )
    won["rep_name"] = won["rep_name"].where(won["rep_name"].notna(), won["rep_id"])
    # Won is the last stage, so a Won date in the quarter is always the journey's own won_at.
    won["days_to_win"] = _days(won["created_at"], won["won_at"]).round(6)
    won = won.sort_values(["days_to_win", "journey_id"], kind="mergesort")
    return with_none(won[FASTEST_COLUMNS].reset_index(drop=True), NULLABLE_TEXT)


def traits(fastest: pd.DataFrame, everyone: pd.DataFrame) -> pd.DataFrame:
    """Share of each value in the fastest group against its share among everyone (lift),
    with the counts behind both shares, for every value present in the fastest group.

    Columns: dimension, value, fastest_share, all_share, lift, fastest_count (fastest with
    the value), all_count (everyone with it), fastest_size, all_size, fastest_ci_low,
    fastest_ci_high (Wilson 95% interval of fastest_share).
    """
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
        low, high = wilson(int(count), len(fastest))
        rows.append(
            (
                dimension,
                labels[key],
                r6(fastest_share),
                r6(all_share),
                r6(fastest_share / all_share),
                int(count),
                total,
                len(fastest),
                len(everyone),
                r6(low),
                r6(high),
            )
        )
    out = pd.DataFrame(rows, columns=TRAIT_COLUMNS)
    out = out.assign(_name=name_order(out["value"]))
    return out.sort_values(["lift", "_name"], ascending=[False, True], kind="mergesort").drop(
        columns="_name"
    )


def _keys_and_labels(frame: pd.DataFrame, dimension: str) -> tuple[pd.Series, dict[str, str]]:
    """Each journey's value of the dimension (ids for campaign and rep, so namesakes stay
    apart), with a display label per value; missing values become a label of their own."""
    label_column = TRAIT_DIMENSIONS[dimension]
    missing = {"campaign": NO_CAMPAIGN, "rep": UNASSIGNED}.get(dimension, NO_VALUE)
    raw = frame[TRAIT_KEYS.get(dimension, label_column)]
    keys = raw.astype(object).where(raw.notna(), "").astype(str)
    names = frame[label_column].astype(object).where(raw.notna(), missing).astype(str)
    return keys, dict(zip(keys, names, strict=True))


def trait_table(found: pd.DataFrame) -> pd.DataFrame:
    """The traits as people read them, the counts and interval beside every share.

    Columns: Trait, Fastest with it ("5 of 8"), Share of fastest (95% interval), All wins
    with it ("10 of 32"), Share of all wins, Lift.
    """
    rows = [
        (
            f"{str(r.dimension).capitalize()}: {r.value}",
            f"{int(r.fastest_count)} of {int(r.fastest_size)}",
            f"{fmt.pct(r.fastest_share)} ({fmt.pct(r.fastest_ci_low)}–"
            f"{fmt.pct(r.fastest_ci_high)})",
            f"{int(r.all_count)} of {int(r.all_size)}",
            fmt.pct(r.all_share),
            f"{r.lift:.1f}×",
        )
        for r in found.itertuples(index=False)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "Trait",
            "Fastest with it",
            "Share of fastest (95% interval)",
            "All wins with it",
            "Share of all wins",
            "Lift",
        ],
    )
