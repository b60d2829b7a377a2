"""The plain-text form of a quarter's report set, for ``report`` without ``--json``."""

from __future__ import annotations

import pandas as pd

from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.stages import STAGE_LABELS

TITLES = {"sql": "SQLs", "opp": "Opportunities", "won": "Closed Won"}


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _campaign_lines(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return ["    (none)"]
    return [f"    {i + 1:>2}. {r.name[:40]:<40} {int(r.value):>6}  upstream {int(r.upstream):>6}"
            f"  expected at goal {r.expected:>9.1f}"
            for i, r in enumerate(frame.itertuples(index=False))]


def _rep_lines(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return ["    (none)"]
    return [f"    {i + 1:>2}. {r.name[:30]:<30} {_pct(r.rate):>7}  {int(r.numerator):>5}/"
            f"{int(r.denominator):<5} 95% CI {_pct(r.ci_low)}–{_pct(r.ci_high)}"
            f"  goal {_pct(r.goal)}  {r.verdict}"
            for i, r in enumerate(frame.itertuples(index=False))]


def render_text(report: ReportSet) -> str:
    q = report.quarter
    a = report.activity
    if not report.has_data:
        return f"{q.label}: no data in this quarter ({q.start} to {q.end}, end exclusive)."
    lines = [f"Quarter {q.label}  ({q.start} to {q.end}, end exclusive)  base: "
             f"{STAGE_LABELS[report.options.base]}", "", "Funnel (activity in the quarter)"]
    for r in report.funnel.itertuples(index=False):
        step = f"  step {_pct(r.step_rate)} vs goal {_pct(r.step_goal)}" if r.step_goal else ""
        lines.append(f"  {r.label:<12} {int(r.count):>8}{step}")
    lines.append(f"  Pipeline {_money(a.pipeline)}   Bookings {_money(a.bookings)}")
    lines.append("")
    goals = report.goals.adjacent_goals()
    lines.append("Goals: " + ", ".join(f"{k} {_pct(v)}" for k, v in goals.items()))
    for stage, rep in report.campaigns.items():
        lines += ["", f"Campaigns by {TITLES[stage]} (activity count in the quarter)",
                  "  Top", *_campaign_lines(rep.top), "  Bottom", *_campaign_lines(rep.bottom)]
    base = STAGE_LABELS[report.options.base]
    for stage, rep in report.reps.items():
        lines += ["", f"Reps by conversion {base} → {STAGE_LABELS[stage]} (cohort, min volume "
                      f"{report.options.min_volume})",
                  "  Top", *_rep_lines(rep.top), "  Bottom", *_rep_lines(rep.bottom)]
        if not rep.left_out.empty:
            lines.append("  Left out for low volume: " + ", ".join(rep.left_out["name"]))
    return "\n".join(lines)
