"""Follow-up of the quarter's MQLs: first sales touch within the SLA, late or never, and the
MQLs still open, overall and per rep (SPEC §4.4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from smarketing_data import schema
from smarketing_data.metrics.common import UNASSIGNED, fetch, in_quarter, name_order, with_none
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.stats import r6, rate, wilson

J = schema.journeys
R = schema.reps
STATUSES = ("within_sla", "late", "never")
NO_FIRST_TOUCH_MESSAGE = (
    "No first-touch dates are loaded, so follow-up cannot be measured. Map the column that "
    "holds the first sales call or email when importing: in Salesforce e.g. "
    '"First_Touch_Date__c" or "FirstCallDateTime", in HubSpot "Time of First Engagement", '
    'in the canonical template "first_touch_at".'
)
TOTAL_COLUMNS = ["status", "count", "mqls", "share"]
REP_COLUMNS = [
    "rep_id",
    "rep_name",
    "mqls",
    "within_sla",
    "late",
    "never",
    "within_share",
    "within_ci_low",
    "within_ci_high",
    "open_mqls",
    "median_open_age_days",
]
OPEN_COLUMNS = ["journey_id", "company", "rep_id", "rep_name", "campaign_id", "mql_at", "age_days"]
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class FollowUp:
    has_first_touch: bool  # False: the page shows NO_FIRST_TOUCH_MESSAGE instead
    totals: pd.DataFrame
    by_rep: pd.DataFrame
    open_mqls: pd.DataFrame


def has_first_touch(engine: Engine) -> bool:
    """Whether any journey has a first-touch date."""
    stmt = select(J.c.journey_id).where(J.c.first_touch_at.is_not(None)).limit(1)
    return not fetch(engine, stmt).empty


def followup_summary(
    engine: Engine, *, quarter: Quarter, sla_hours: float, as_of: dt.datetime
) -> FollowUp:
    """Follow-up of the MQLs of the quarter (MQL date in it) as of a moment.

    totals columns: status (within_sla, late, never), count, mqls (denominator), share.
    by_rep columns: rep_id, rep_name ("(unassigned)" for no rep), mqls, within_sla, late,
    never, within_share, within_ci_low, within_ci_high (Wilson 95%), open_mqls,
    median_open_age_days.
    open_mqls columns: journey_id, company, rep_id, rep_name, campaign_id, mql_at (the MQL
    date), age_days (as_of minus the MQL date), oldest first.
    """
    mqls = quarter_mqls(engine, quarter=quarter, sla_hours=sla_hours, as_of=as_of)
    open_ = mqls[mqls["is_open"]].sort_values(
        ["age_days", "journey_id"], ascending=[False, True], kind="mergesort"
    )
    return FollowUp(
        has_first_touch=has_first_touch(engine),
        totals=_totals(mqls),
        by_rep=_by_rep(mqls),
        open_mqls=open_[OPEN_COLUMNS].reset_index(drop=True),
    )


def quarter_mqls(
    engine: Engine, *, quarter: Quarter, sla_hours: float, as_of: dt.datetime
) -> pd.DataFrame:
    """The quarter's MQLs with their follow-up status.

    Columns: journey_id, company, rep_id, rep_name, campaign_id, mql_at, status, is_open,
    age_days.
    """
    stmt = (
        select(
            J.c.journey_id,
            J.c.company,
            J.c.rep_id,
            R.c.name.label("rep_name"),
            J.c.campaign_id,
            J.c.reach_mql_at.label("mql_at"),
            J.c.first_touch_at,
            J.c.reach_sal_at,
            J.c.disqualified_reason,
            J.c.lost_at,
        )
        .select_from(J.outerjoin(R, R.c.rep_id == J.c.rep_id))
        .where(in_quarter(J.c.reach_mql_at, quarter))
    )
    mqls = fetch(engine, stmt)
    mql_at = pd.to_datetime(mqls["mql_at"])
    hours = (pd.to_datetime(mqls["first_touch_at"]) - mql_at).dt.total_seconds() / 3600
    # A touch before the MQL date (hours < 0) was a follow-up already: within the SLA.
    mqls["status"] = "never"
    mqls.loc[hours.notna(), "status"] = "late"
    mqls.loc[hours <= sla_hours, "status"] = "within_sla"
    mqls["is_open"] = (
        mqls["reach_sal_at"].isna() & mqls["disqualified_reason"].isna() & mqls["lost_at"].isna()
    )
    age = (pd.Timestamp(as_of) - mql_at).dt.total_seconds() / SECONDS_PER_DAY
    mqls["age_days"] = age.round(6)
    known = mqls["rep_name"].notna()
    mqls["rep_name"] = mqls["rep_name"].where(known, mqls["rep_id"]).fillna(UNASSIGNED)
    return mqls.drop(columns=["first_touch_at", "reach_sal_at", "disqualified_reason", "lost_at"])


def _totals(mqls: pd.DataFrame) -> pd.DataFrame:
    total = len(mqls)
    counts = mqls["status"].value_counts()
    rows = [
        (s, int(counts.get(s, 0)), total, r6(rate(int(counts.get(s, 0)), total))) for s in STATUSES
    ]
    return with_none(pd.DataFrame(rows, columns=TOTAL_COLUMNS), ["share"])


def _by_rep(mqls: pd.DataFrame) -> pd.DataFrame:
    if mqls.empty:
        return pd.DataFrame(columns=REP_COLUMNS)
    rep_key = mqls["rep_id"].astype(object).where(mqls["rep_id"].notna(), "")
    rows = [_rep_row(group) for _, group in mqls.groupby(rep_key, sort=False)]
    out = with_none(pd.DataFrame(rows, columns=REP_COLUMNS), ["rep_id", "median_open_age_days"])
    # Named reps by name (SPEC §3.9); the unassigned MQLs come last.
    out = out.assign(_unassigned=out["rep_id"].isna(), _name=name_order(out["rep_name"]))
    return (
        out.sort_values(["_unassigned", "_name", "rep_id"], kind="mergesort")
        .drop(columns=["_unassigned", "_name"])
        .reset_index(drop=True)
    )


def _rep_row(group: pd.DataFrame) -> tuple[object, ...]:
    counts = group["status"].value_counts()
    within, late, never = (int(counts.get(s, 0)) for s in STATUSES)
    low, high = wilson(within, len(group))
    ages = group.loc[group["is_open"], "age_days"]
    median_age = r6(float(ages.median())) if len(ages) else None
    first = group.iloc[0]
    return (
        first["rep_id"],
        first["rep_name"],
        len(group),
        within,
        late,
        never,
        r6(rate(within, len(group))),
        r6(low),
        r6(high),
        len(ages),
        median_age,
    )
