"""The full report set for a quarter (twelve reports, funnel, contribution) and its JSON form,
exactly the shape of SPEC §6 ``report --json``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from smarketing_data.metrics import rollup_queries as rq
from smarketing_data.metrics.funnel import Activity, activity, contribution, funnel_table
from smarketing_data.metrics.goals import Goals, load_goals, load_targets
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.report_model import QuarterReports, build_reports
from smarketing_data.metrics.reports import (
    REPORT_STAGES,
    Report,
    ReportOptions,
    campaign_counts,
    campaign_report,
    rep_cohorts,
    rep_report,
)
from smarketing_data.metrics.stats import r6
from smarketing_data.metrics.tracking import Tracked, tracked_stages
from smarketing_data.stages import STAGES


@dataclass
class ReportSet:
    quarter: Quarter
    options: ReportOptions
    goals: Goals
    activity: Activity
    previous: Activity
    funnel: pd.DataFrame
    contribution: pd.DataFrame
    campaigns: dict[str, Report]
    reps: dict[str, Report]
    campaign_counts: pd.DataFrame
    rep_cohorts: pd.DataFrame
    tracked: Tracked
    # Every report as the views show it (title, basis, rows, verdicts), built once with the set.
    reports: QuarterReports = field(init=False)

    def __post_init__(self) -> None:
        self.reports = build_reports(self)

    @property
    def has_data(self) -> bool:
        return any(self.activity.counts.values())


def build_report_set(
    engine: Engine, *, quarter: Quarter, options: ReportOptions | None = None
) -> ReportSet:
    """Every number of the quarter's QBR, from the rollups."""
    options = options or ReportOptions()
    tracked = tracked_stages(engine)
    options = replace(options, base=options.base or tracked.default_base())
    goals = load_goals(engine, quarter=quarter.label)
    by_campaign = rq.activity_by_campaign(engine, quarter.start, quarter.end)
    current = activity(engine, quarter, by_campaign)
    previous = activity(engine, quarter.previous())
    counts = campaign_counts(engine, quarter, activity=by_campaign)
    cohorts = rep_cohorts(engine, quarter, options.cohort_base)
    return ReportSet(
        quarter=quarter,
        options=options,
        goals=goals,
        activity=current,
        previous=previous,
        funnel=funnel_table(current, previous, goals, tracked),
        contribution=contribution(current, load_targets(engine, quarter=quarter.label)),
        campaigns={s: campaign_report(counts, s, goals, options, tracked) for s in REPORT_STAGES},
        reps={s: rep_report(cohorts, s, goals, options, tracked) for s in REPORT_STAGES},
        campaign_counts=counts,
        rep_cohorts=cohorts,
        tracked=tracked,
    )


def _campaign_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "name": r.name,
            "value": int(r.value),
            "upstream": None if pd.isna(r.upstream) else int(r.upstream),
            "expected": None if pd.isna(r.expected) else r6(r.expected),
        }
        for r in frame.itertuples(index=False)
    ]


def _lists(report: Report, rows: Any) -> dict[str, Any]:
    if not report.tracked:
        return {"top": [], "bottom": [], "tracked": False}
    return {"top": rows(report.top), "bottom": rows(report.bottom)}


def _rep_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "name": r.name,
            "rate": r6(r.rate),
            "numerator": int(r.numerator),
            "denominator": int(r.denominator),
            "ci_low": r6(r.ci_low),
            "ci_high": r6(r.ci_high),
            "goal": r6(r.goal),
            "verdict": r.verdict,
        }
        for r in frame.itertuples(index=False)
    ]


def to_json(report: ReportSet) -> dict[str, Any]:
    """The SPEC §6 ``report --json`` document."""
    a = report.activity
    names = {"lead": "leads"}
    funnel: dict[str, Any] = {
        names.get(s, s): a.counts[s] if s in report.tracked else None for s in STAGES
    }
    return {
        "quarter": report.quarter.label,
        "start": report.quarter.start.isoformat(),
        "end": report.quarter.end.isoformat(),
        "base": report.options.base,
        "funnel": {**funnel, "pipeline": r6(a.pipeline), "bookings": r6(a.bookings)},
        "tracked": report.tracked.to_json(),
        "campaigns": {s: _lists(r, _campaign_rows) for s, r in report.campaigns.items()},
        "reps": {s: _lists(r, _rep_rows) for s, r in report.reps.items()},
        "goals": {k: r6(v) for k, v in report.goals.adjacent_goals().items()},
    }
