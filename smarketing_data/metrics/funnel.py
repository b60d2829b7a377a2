"""The funnel (activity basis), the cohort view and marketing's contribution (SPEC §4.1, §4.4)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from smarketing_data.metrics import rollup_queries as rq
from smarketing_data.metrics.goals import Goals
from smarketing_data.metrics.judgement import step_verdict
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.stats import rate
from smarketing_data.metrics.tracking import Tracked
from smarketing_data.stages import STAGE_LABELS, STAGES


@dataclass(frozen=True)
class Activity:
    """Stage counts, pipeline and bookings of one quarter, split by having a campaign."""

    counts: dict[str, int]
    pipeline: float
    bookings: float
    sourced_pipeline: float
    sourced_bookings: float


def activity(engine: Engine, quarter: Quarter, frame: pd.DataFrame | None = None) -> Activity:
    """The quarter's activity; ``frame`` is its activity_by_campaign when already read."""
    if frame is None:
        frame = rq.activity_by_campaign(engine, quarter.start, quarter.end)
    counts = frame.groupby("stage")["n"].sum()
    sourced = frame[frame["campaign_id"].notna()]

    def amount(f: pd.DataFrame, stage: str) -> float:
        return float(f.loc[f["stage"] == stage, "amount"].sum())

    return Activity(
        counts={s: int(counts.get(s, 0)) for s in STAGES},
        pipeline=amount(frame, "opp"),
        bookings=amount(frame, "won"),
        sourced_pipeline=amount(sourced, "opp"),
        sourced_bookings=amount(sourced, "won"),
    )


def _change(now: float, before: float) -> float | None:
    return (now - before) / before if before else None


def funnel_table(
    current: Activity, previous: Activity, goals: Goals, tracked: Tracked | None = None
) -> pd.DataFrame:
    """One row per stage (activity basis).

    Columns: stage, label, tracked, count, previous, change (fraction), step_from (the
    stage the step starts from: the last tracked one before), step_rate, step_goal,
    cumulative_rate (from the first tracked stage), cumulative_goal, verdict (the step rate
    against its goal: 'at_or_above', 'below' or None). An untracked stage has
    no count, change or rates (SPEC §3.10); a step over it joins the tracked stages around
    it, against the goal between them.
    """
    tracked = tracked or Tracked.everything()
    first = tracked.first()
    rows = []
    for stage in STAGES:
        on = stage in tracked
        count = current.counts[stage] if on else None
        step_from = tracked.previous(stage) if on else None
        cumulative = on and first is not None and stage != first
        rows.append(
            {
                "stage": stage,
                "label": STAGE_LABELS[stage],
                "tracked": on,
                "count": count,
                "previous": previous.counts[stage] if on else None,
                "change": _change(current.counts[stage], previous.counts[stage]) if on else None,
                "step_from": step_from,
                "step_rate": rate(current.counts[stage], current.counts[step_from])
                if step_from
                else None,
                "step_goal": goals.rate(step_from, stage) if step_from else None,
                "cumulative_rate": rate(current.counts[stage], current.counts[first])
                if cumulative and first
                else None,
                "cumulative_goal": goals.rate(first, stage) if cumulative and first else None,
            }
        )
        step_rate = rate(current.counts[stage], current.counts[step_from]) if step_from else None
        rows[-1]["verdict"] = (
            step_verdict(step_rate, goals.rate(step_from, stage)) if step_from else None
        )
    return pd.DataFrame(rows)


def contribution(current: Activity, targets: dict[str, float | None]) -> pd.DataFrame:
    """Marketing-sourced (journeys with a campaign) pipeline and bookings against targets.

    Columns: metric, sourced, total, share, target, attainment, verdict (sourced against the
    target: 'at_or_above', 'below', or None without a target).
    """
    rows = []
    for metric, sourced, total in (
        ("pipeline", current.sourced_pipeline, current.pipeline),
        ("bookings", current.sourced_bookings, current.bookings),
    ):
        target = targets.get(f"sourced_{metric}")
        rows.append(
            {
                "metric": metric,
                "sourced": sourced,
                "total": total,
                "share": rate(sourced, total),
                "target": target,
                "attainment": rate(sourced, target) if target else None,
                "verdict": step_verdict(sourced, target),
            }
        )
    return pd.DataFrame(rows)


KPI_TILES = (
    ("Leads", "lead"),
    ("MQLs", "mql"),
    ("SQLs", "sql"),
    ("Opportunities", "opp"),
    ("Closed Won", "won"),
)


@dataclass(frozen=True)
class Kpi:
    label: str
    kind: str  # 'count' or 'money'
    value: float
    previous: float
    change: float | None  # relative change; None when the previous quarter had none


def kpis(current: Activity, previous: Activity) -> list[Kpi]:
    """The KPI tiles: stage counts, pipeline and bookings against the previous quarter."""
    rows: list[tuple[str, str, float, float]] = [
        (label, "count", current.counts[s], previous.counts[s]) for label, s in KPI_TILES
    ]
    rows += [
        ("Pipeline", "money", current.pipeline, previous.pipeline),
        ("Bookings", "money", current.bookings, previous.bookings),
    ]
    return [
        Kpi(label, kind, value, before, _change(value, before))
        for label, kind, value, before in rows
    ]
