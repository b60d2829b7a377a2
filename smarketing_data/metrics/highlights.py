"""What to celebrate and what needs attention in a quarter's report set (SPEC §9 Overview)."""

from __future__ import annotations

import pandas as pd

from smarketing_data import format as fmt
from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.stages import STAGE_LABELS

COLUMNS = ["kind", "area", "text"]


def _funnel_items(report: ReportSet) -> list[dict[str, str]]:
    items = []
    for r in report.funnel.itertuples(index=False):
        if r.step_goal is None or r.step_rate is None or pd.isna(r.step_rate):
            continue
        prev = report.funnel["label"].iloc[list(report.funnel["stage"]).index(r.stage) - 1]
        kind = "win" if r.step_rate >= r.step_goal else "attention"
        items.append({"kind": kind, "area": "Funnel",
                      "text": f"{prev} → {r.label}: {fmt.pct(r.step_rate)} against a goal of "
                              f"{fmt.pct(r.step_goal)}"})
    return items


def _rep_items(report: ReportSet) -> list[dict[str, str]]:
    items = []
    seen: set[tuple[str, str]] = set()
    for stage, rep in report.reps.items():
        for r in pd.concat([rep.top, rep.bottom]).itertuples(index=False):
            if r.verdict == "on_par" or (r.id, stage) in seen:
                continue
            seen.add((r.id, stage))
            kind = "win" if r.verdict == "above" else "attention"
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
        for r in camp.top.itertuples(index=False):
            if r.value > 0 and r.value >= r.expected:
                items.append({"kind": "win", "area": "Campaigns",
                              "text": f"{r.name}: {fmt.count(r.value)} {label} against "
                                      f"{r.expected:.1f} expected at goal"})
        for r in camp.bottom.itertuples(index=False):
            if r.upstream > 0 and r.value < r.expected:
                items.append({"kind": "attention", "area": "Campaigns",
                              "text": f"{r.name}: {fmt.count(r.value)} {label} against "
                                      f"{r.expected:.1f} expected at goal"})
    return items


def highlights(report: ReportSet) -> pd.DataFrame:
    """Goals met ('win') and missed ('attention'). Columns: kind, area, text."""
    rows = _funnel_items(report) + _campaign_items(report) + _rep_items(report)
    return pd.DataFrame(rows, columns=COLUMNS)
