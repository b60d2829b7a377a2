"""The twelve reports of SPEC §4.2: campaigns by SQLs, Opps and Closed Won (activity), reps by
conversion to SQL, Opp and Won (cohort), each with a top and a bottom list.

Counts come from the monthly rollups only; nothing here scans the journeys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from smarketing_data import schema
from smarketing_data.db import read_frame
from smarketing_data.metrics import rollup_queries as rq
from smarketing_data.metrics.goals import Goals
from smarketing_data.metrics.judgement import campaign_verdict
from smarketing_data.metrics.quarters import Quarter, quarters_with_data
from smarketing_data.metrics.stats import verdict, wilson
from smarketing_data.metrics.tracking import Tracked
from smarketing_data.stages import STAGE_LABELS, STAGES, CohortBase

REPORT_STAGES = ("sql", "opp", "won")
# The upstream stage whose count times the goal gives the count expected at goal (SPEC §4.2).
UPSTREAM = {"sql": "mql", "opp": "sql", "won": "opp"}
COUNT_STAGES = ("lead", "mql", "sal", "sql", "opp", "won")
# Rollup amounts of these stages: pipeline (Opp date in the period), bookings (Won date).
AMOUNT_COLUMN = {"opp": "pipeline", "won": "bookings"}


@dataclass(frozen=True)
class ReportOptions:
    top: int = 5
    min_volume: int = 10
    # The cohort base; None: the first of MQL, Lead, Opp that the data tracks (SPEC §4.1).
    base: CohortBase | None = None
    ranking: str = "value"  # 'value' (count or rate) or 'confidence' (interval's low end)

    def __post_init__(self) -> None:
        # a base given as its key ("mql") at an edge becomes the value object, or fails here
        if self.base is not None and not isinstance(self.base, CohortBase):
            object.__setattr__(self, "base", CohortBase(self.base))

    @property
    def cohort_base(self) -> CohortBase:
        """The base once resolved against the data (report sets always hold a resolved one)."""
        return self.base or CohortBase.MQL


@dataclass
class Report:
    """One of the twelve: the ranked top and bottom lists and every eligible entity."""

    key: str  # e.g. 'campaigns.sql', 'reps.won'
    top: pd.DataFrame
    bottom: pd.DataFrame
    eligible: pd.DataFrame
    goal: float | None
    left_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    # False when the report's stage is not tracked, or (reps) does not apply to the base:
    # the report then says so instead of ranking (SPEC §3.10, §4.1); ``untracked`` says why.
    tracked: bool = True
    untracked: str = ""
    # The stage the goal and the expected-at-goal count start from (campaigns: the upstream
    # stage, or the last tracked one before it; reps: the base). None: no tracked upstream.
    upstream_stage: str | None = None


def not_tracked(key: str, reason: str) -> Report:
    """A report that ranks nothing, saying why."""
    empty = pd.DataFrame()
    return Report(
        key=key, top=empty, bottom=empty, eligible=empty, goal=None, tracked=False, untracked=reason
    )


def _sorted(frame: pd.DataFrame, keys: list[tuple[str, bool]]) -> pd.DataFrame:
    """Sort by numeric (column, ascending) pairs, then by name (SPEC §3.9), then id.

    Plain Python: these frames hold tens of rows, where pandas' sort costs more than it saves.
    """
    if frame.empty:
        return frame
    records = frame.to_dict("records")

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        ranks = tuple(r[c] if ascending else -r[c] for c, ascending in keys)
        return (*ranks, str(r["name"]).casefold(), str(r["name"]), str(r["id"]))

    return pd.DataFrame(sorted(records, key=key), columns=frame.columns)


def top_and_bottom(
    frame: pd.DataFrame,
    *,
    n: int,
    top_keys: list[tuple[str, bool]],
    bottom_keys: list[tuple[str, bool]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The top n, then the bottom n among the rest, so no entity is in both (SPEC §4.2)."""
    top = _sorted(frame, top_keys).head(n)
    rest = frame[~frame["id"].isin(top["id"])] if not frame.empty else frame
    bottom = _sorted(rest, bottom_keys).head(n)
    return top, bottom


# --- campaigns --------------------------------------------------------------------------------


def campaign_directory(engine: Engine) -> pd.DataFrame:
    """Every campaign record. Columns: id, name, channel, start_date, end_date, budget,
    actual_cost."""
    c = schema.campaigns
    stmt = select(
        c.c.campaign_id.label("id"),
        c.c.name,
        c.c.channel,
        c.c.start_date,
        c.c.end_date,
        c.c.budget,
        c.c.actual_cost,
    )
    frame = read_frame(engine, stmt)
    for col in ("start_date", "end_date"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def overlaps(start: object, end: object, quarter: Quarter) -> bool:
    """Whether inclusive campaign dates overlap the quarter; no start date overlaps nothing."""
    if start is None or pd.isna(start):
        return False
    if start >= quarter.end:  # type: ignore[operator]
        return False
    return end is None or pd.isna(end) or end >= quarter.start  # type: ignore[operator]


def campaign_counts(
    engine: Engine,
    quarter: Quarter,
    directory: pd.DataFrame | None = None,
    activity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Activity per eligible campaign in the quarter.

    Columns: id, name, channel (the campaign's, else its journeys'), lead, mql, sal, sql, opp,
    won (counts), pipeline, bookings.
    """
    directory = campaign_directory(engine) if directory is None else directory
    if activity is None:
        activity = rq.activity_by_campaign(engine, quarter.start, quarter.end)
    counts: dict[str, dict[str, float]] = {}
    seen_channel: dict[str, tuple[int, object]] = {}
    for cid, channel, stage, n, amount in activity.itertuples(index=False):
        if cid is None or pd.isna(cid):
            continue
        row = counts.setdefault(cid, dict.fromkeys((*COUNT_STAGES, "pipeline", "bookings"), 0))
        row[stage] += n
        if stage in AMOUNT_COLUMN:
            row[AMOUNT_COLUMN[stage]] += amount
        if n > seen_channel.get(cid, (-1, None))[0]:
            seen_channel[cid] = (n, channel)
    info = {r.id: r for r in directory.itertuples(index=False)}
    by_dates = {r.id for r in info.values() if overlaps(r.start_date, r.end_date, quarter)}
    rows = []
    for cid in sorted(set(counts) | by_dates):
        record = info.get(cid)
        name = record.name if record is not None and pd.notna(record.name) else cid
        channel = (
            record.channel
            if record is not None and pd.notna(record.channel)
            else (seen_channel.get(cid, (0, None))[1])
        )
        values = counts.get(cid, dict.fromkeys((*COUNT_STAGES, "pipeline", "bookings"), 0))
        rows.append(
            {
                "id": cid,
                "name": str(name),
                "channel": channel,
                **{s: int(values[s]) for s in COUNT_STAGES},
                "pipeline": float(values["pipeline"]),
                "bookings": float(values["bookings"]),
            }
        )
    columns = ["id", "name", "channel", *COUNT_STAGES, "pipeline", "bookings"]
    return pd.DataFrame(rows, columns=columns)


def campaign_report(
    counts: pd.DataFrame,
    stage: str,
    goals: Goals,
    options: ReportOptions,
    tracked: Tracked | None = None,
) -> Report:
    """Campaigns ranked by the stage's activity count, with upstream and expected at goal.

    An untracked upstream stage gives way to the last tracked one before it, with the goal
    between the two; with none, the rows carry no upstream or expectation (SPEC §3.10).
    """
    tracked = tracked or Tracked.everything()
    key = f"campaigns.{stage}"
    if stage not in tracked:
        return not_tracked(key, f"{STAGE_LABELS[stage]} is not tracked in this data")
    upstream = UPSTREAM[stage] if UPSTREAM[stage] in tracked else tracked.previous(stage)
    goal = goals.rate(upstream, stage) if upstream else None
    frame = pd.DataFrame(
        {
            "id": counts["id"],
            "name": counts["name"],
            "channel": counts["channel"],
            "value": counts[stage].astype("int64"),
            "upstream": counts[upstream].astype("int64") if upstream else pd.NA,
        }
    )
    frame["goal"] = goal
    frame["expected"] = frame["upstream"] * goal if upstream else None
    frame["vs_expected"] = frame["value"] - frame["expected"] if upstream else None
    frame["verdict"] = (
        [campaign_verdict(v, e) for v, e in zip(frame["value"], frame["expected"], strict=True)]
        if upstream
        else None
    )
    top, bottom = top_and_bottom(
        frame, n=options.top, top_keys=[("value", False)], bottom_keys=[("value", True)]
    )
    return Report(
        key=key, top=top, bottom=bottom, eligible=frame, goal=goal, upstream_stage=upstream
    )


# --- reps ------------------------------------------------------------------------------------


def rep_directory(engine: Engine) -> pd.DataFrame:
    """Every rep record. Columns: id, name, team, region."""
    r = schema.reps
    stmt = select(r.c.rep_id.label("id"), r.c.name, r.c.team, r.c.region)
    return read_frame(engine, stmt)


def rep_cohorts(
    engine: Engine, quarter: Quarter, base: str, directory: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per rep: the quarter's cohort size and how many of it reached each later stage.

    Columns: id, name, team, cohort, lead, mql, sal, sql, opp, won.
    """
    directory = rep_directory(engine) if directory is None else directory
    cohort = rq.cohort_by_rep(engine, quarter.start, quarter.end, base)
    reached: dict[str, dict[str, int]] = {}
    for rid, stage, n in cohort.itertuples(index=False):
        if rid is None or pd.isna(rid):
            continue
        reached.setdefault(rid, dict.fromkeys(COUNT_STAGES, 0))[stage] += int(n)
    info = {r.id: r for r in directory.itertuples(index=False)}
    rows = []
    for rid, stages in reached.items():
        record = info.get(rid)
        name = record.name if record is not None and pd.notna(record.name) else rid
        rows.append(
            {
                "id": rid,
                "name": str(name),
                "team": record.team if record is not None else None,
                "cohort": stages[base],
                **stages,
            }
        )
    columns = ["id", "name", "team", "cohort", *COUNT_STAGES]
    return pd.DataFrame(rows, columns=columns)


def rep_report(
    cohorts: pd.DataFrame,
    stage: str,
    goals: Goals,
    options: ReportOptions,
    tracked: Tracked | None = None,
) -> Report:
    """Reps ranked by cohort conversion from the base stage to ``stage``."""
    tracked = tracked or Tracked.everything()
    base = options.cohort_base
    key = f"reps.{stage}"
    if base not in tracked:
        return not_tracked(key, f"the {STAGE_LABELS[base]} base is not tracked in this data")
    if STAGES.index(stage) <= STAGES.index(base):
        return not_tracked(
            key,
            f"conversion to {STAGE_LABELS[stage]} does not apply to the {STAGE_LABELS[base]} base",
        )
    if stage not in tracked:
        return not_tracked(key, f"{STAGE_LABELS[stage]} is not tracked in this data")
    goal = goals.rate(base, stage)
    frame = pd.DataFrame(
        {
            "id": cohorts["id"],
            "name": cohorts["name"],
            "team": cohorts["team"],
            "numerator": cohorts[stage].astype("int64"),
            "denominator": cohorts["cohort"].astype("int64"),
        }
    )
    frame = frame[frame["denominator"] > 0]
    frame["rate"] = frame["numerator"] / frame["denominator"]
    bounds = [
        wilson(int(x), int(n))
        for x, n in zip(frame["numerator"], frame["denominator"], strict=True)
    ]
    frame["ci_low"] = [b[0] for b in bounds]
    frame["ci_high"] = [b[1] for b in bounds]
    frame["goal"] = goal
    frame["verdict"] = [
        verdict(lo, hi, goal) for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)
    ]
    eligible = frame[frame["denominator"] >= options.min_volume].reset_index(drop=True)
    left_out = _sorted(frame[frame["denominator"] < options.min_volume], [])
    by = "ci_low" if options.ranking == "confidence" else "rate"
    top, bottom = top_and_bottom(
        eligible,
        n=options.top,
        top_keys=[(by, False), ("denominator", False)],
        bottom_keys=[(by, True), ("denominator", False)],
    )
    return Report(
        key=key,
        top=top,
        bottom=bottom,
        eligible=eligible,
        goal=goal,
        left_out=left_out,
        upstream_stage=base,
    )


def default_quarter(
    engine: Engine,
    *,
    today: dt.date,
    fiscal_start_month: int = 1,
    base: CohortBase | None = None,
) -> Quarter | None:
    """The last complete quarter in which the base stage has a cohort (default base: the one
    the data's tracked stages give), else the last complete quarter with data, else the
    newest quarter with data."""
    from smarketing_data.metrics.quarters import quarter_of
    from smarketing_data.metrics.tracking import tracked_stages

    base = base or tracked_stages(engine).default_base()
    cohorts = sorted(
        {quarter_of(m, fiscal_start_month) for m in rq.cohort_months(engine, base)}, reverse=True
    )
    quarters = quarters_with_data(engine, fiscal_start_month=fiscal_start_month)
    for candidates in (cohorts, quarters):
        complete = [q for q in candidates if q.end <= today]
        if complete:
            return complete[0]
    return quarters[0] if quarters else None
