"""What to celebrate and what needs attention in a quarter's report set (SPEC §9 Overview)."""

from __future__ import annotations

import pandas as pd

from smarketing_data import format as fmt
from smarketing_data.metrics import judgement
from smarketing_data.metrics.judgement import campaign_verdict, rep_verdict, step_verdict
from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.stages import STAGE_LABELS

COLUMNS = ["kind", "area", "text"]


def _funnel_items(report: ReportSet) -> list[dict[str, str]]:
    items = []
    for r in report.funnel.itertuples(index=False):
        # Untracked stages have no step; a step over one joins the tracked stages around it.
        if r.step_goal is None or r.step_rate is None or pd.isna(r.step_rate):
            continue
        prev = STAGE_LABELS[r.step_from]
        kind = "win" if judgement.met(step_verdict(r.step_rate, r.step_goal)) else "attention"
        items.append({"kind": kind, "area": "Funnel",
                      "text": f"{prev} → {r.label}: {fmt.pct(r.step_rate)} against a goal of "
                              f"{fmt.pct(r.step_goal)}"})
    return items


def _rep_items(report: ReportSet) -> list[dict[str, str]]:
    items = []
    seen: set[tuple[str, str]] = set()
    for stage, rep in report.reps.items():
        if not rep.tracked:
            continue
        for r in pd.concat([rep.top, rep.bottom]).itertuples(index=False):
            verdict = rep_verdict(r)
            if judgement.met(verdict) is None or (r.id, stage) in seen:
                continue
            seen.add((r.id, stage))
            kind = "win" if judgement.met(verdict) else "attention"
            items.append({"kind": kind, "area": "Reps",
                          "text": f"{r.name}: {fmt.pct(r.rate)} to {STAGE_LABELS[stage]} "
                                  f"({int(r.numerator)}/{int(r.denominator)}), clearly "
                                  f"{'above' if kind == 'win' else 'below'} the goal of "
                                  f"{fmt.pct(r.goal)}"})
    return items


def _campaign_items(report: ReportSet) -> list[dict[str, str]]:
    items = []
    for stage, camp in report.campaigns.items():
        label = STAGE_LABELS[stage]
        if not camp.tracked or camp.upstream_stage is None:
            continue
        # Wins come from the top list and worries from the bottom one; nothing is judged
        # against an expectation of zero (no upstream volume).
        for kind, frame in (("win", camp.top), ("attention", camp.bottom)):
            for r in frame.itertuples(index=False):
                if judgement.met(campaign_verdict(r.value, r.expected)) is not (kind == "win"):
                    continue
                items.append({"kind": kind, "area": "Campaigns",
                              "text": f"{r.name}: {fmt.count(r.value)} {label} against "
                                      f"{r.expected:.1f} expected at goal"})
    return items


def highlights(report: ReportSet) -> pd.DataFrame:
    """Goals met ('win') and missed ('attention'). Columns: kind, area, text."""
    rows = _funnel_items(report) + _campaign_items(report) + _rep_items(report)
    return pd.DataFrame(rows, columns=COLUMNS)
