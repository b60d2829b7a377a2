"""The referral program against everything else: Lead→Won conversion of the quarter's Lead
cohort, with Wilson intervals (SPEC §4.4).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from smarketing_data import schema
from smarketing_data.metrics import rollup_queries as rq
from smarketing_data.metrics.common import fetch, with_none
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.stats import r6, rate, wilson

REFERRAL = "Referral"  # the channel name every CRM's referral sources are normalised to
GROUPS = ("Referral", "All other")
COLUMNS = ["group", "cohort", "won", "rate", "ci_low", "ci_high", "lift"]
# A lift ("3.7× the others") is given only when both groups have at least this many leads:
# with fewer, one won deal moves the ratio by more than the comparison is worth, and the two
# rates' intervals (always shown) say all there is to say.
MIN_LIFT_COHORT = 30


def referral_campaign_ids(engine: Engine) -> set[str]:
    """Ids of the campaigns whose own channel is Referral."""
    c = schema.campaigns
    stmt = select(c.c.campaign_id).where(c.c.channel == REFERRAL)
    return set(fetch(engine, stmt)["campaign_id"])


def referral_comparison(engine: Engine, *, quarter: Quarter) -> pd.DataFrame:
    """Lead→Won conversion of the quarter's Lead cohort: referral journeys (channel Referral,
    or a campaign whose channel is) against all other journeys.

    Columns: group ('Referral', 'All other'), cohort (denominator), won (numerator), rate,
    ci_low, ci_high (Wilson 95%), lift (Referral row only: its rate over the others' rate;
    None when undefined or when either group has fewer than MIN_LIFT_COHORT leads).
    """
    cohort = rq.cohort_by_campaign(engine, quarter.start, quarter.end, "lead")
    referral_ids = referral_campaign_ids(engine)
    is_referral = (cohort["channel"] == REFERRAL) | cohort["campaign_id"].isin(referral_ids)
    counts = [_counts(cohort[is_referral]), _counts(cohort[~is_referral])]
    rates = [rate(won, size) for size, won in counts]
    big_enough = all(size >= MIN_LIFT_COHORT for size, _ in counts)
    lift = rates[0] / rates[1] if big_enough and rates[0] is not None and rates[1] else None
    rows = []
    for group, (size, won), group_rate, group_lift in zip(
        GROUPS, counts, rates, (lift, None), strict=True
    ):
        low, high = wilson(won, size)
        rows.append((group, size, won, r6(group_rate), r6(low), r6(high), r6(group_lift)))
    return with_none(pd.DataFrame(rows, columns=COLUMNS), ["rate", "lift"])


def _counts(cohort: pd.DataFrame) -> tuple[int, int]:
    """(cohort size, journeys of it that reached Won) from cohort rollup rows."""
    size = int(cohort.loc[cohort["stage"] == "lead", "n"].sum())
    won = int(cohort.loc[cohort["stage"] == "won", "n"].sum())
    return size, won
