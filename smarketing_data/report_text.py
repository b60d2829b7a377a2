"""The plain-text form of a quarter's report set, for ``report`` without ``--json``: the
report model (``metrics/report_model.py``) laid out in lines, with the model's own titles,
number texts and verdicts."""

from __future__ import annotations

from smarketing_data import format as fmt
from smarketing_data.metrics.report_model import (
    COUNT_NOUNS,
    NOT_TRACKED,
    FunnelReport,
    RankedList,
    Row,
    rate_text,
    reason,
)
from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.stages import STAGE_LABELS

__all__ = ["COUNT_NOUNS", "NOT_TRACKED", "reason", "render_text"]

TITLES = {"sql": "SQLs", "opp": "Opportunities", "won": "Closed Won"}
COUNT_WIDTH = len(NOT_TRACKED)


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _campaign_line(r: Row) -> str:
    upstream = "—" if r.upstream is None else str(r.upstream)
    return (
        f"    {r.rank:>2}. {r.name[:40]:<40} {r.value_text:>6}  upstream {upstream:>6}  "
        f"expected at goal {r.expected_text:>9}  {r.verdict_text}"
    ).rstrip()


def _rep_line(r: Row) -> str:
    return (
        f"    {r.rank:>2}. {r.name[:30]:<30} {r.value_text:>7}  {r.of_text:<11} 95% CI "
        f"{r.interval_text}  goal {rate_text(r.goal)}  {r.verdict_text}"
    )


def _list_lines(lst: RankedList) -> list[str]:
    line = _rep_line if lst.is_rates else _campaign_line
    return [f"  {lst.side.title()}", *([line(r) for r in lst.rows] or ["    (none)"])]


def _funnel_lines(funnel: FunnelReport) -> list[str]:
    lines = []
    for s in funnel.steps:
        if not s.tracked:
            lines.append(f"  {s.label:<12} {NOT_TRACKED:>{COUNT_WIDTH}}")
            continue
        step = ""
        if s.step_from:  # a step over an untracked stage names where it starts: "from MQL"
            step = (
                f"  step from {STAGE_LABELS[s.step_from]} {s.rate_text} vs goal "
                f"{s.goal_text}{f'  {s.verdict_text}' if s.verdict_text else ''}"
            )
        lines.append(f"  {s.label:<12} {s.count_text:>{COUNT_WIDTH}}{step}")
    return lines


def render_text(report: ReportSet) -> str:
    q = report.quarter
    if not report.has_data:
        return f"{q.label}: no data in this quarter ({q.start} to {q.end}, end exclusive)."
    model = report.reports
    lines = [
        f"Quarter {q.label}  ({q.start} to {q.end}, end exclusive)  base: "
        f"{STAGE_LABELS[report.options.cohort_base]}",
        "",
        "Funnel (activity in the quarter)",
        *_funnel_lines(model.funnel),
        f"  Pipeline {_money(model.funnel.pipeline)}   Bookings {_money(model.funnel.bookings)}",
        "",
    ]
    goals = report.goals.adjacent_goals()
    lines.append("Goals: " + ", ".join(f"{k} {fmt.pct(v, 1)}" for k, v in goals.items()))
    for stage in report.campaigns:
        top, bottom = (
            model.lists[f"campaigns.{stage}.top"],
            model.lists[f"campaigns.{stage}.bottom"],
        )
        up = (
            f"; upstream: {top.upstream_noun}"
            if top.tracked and top.upstream_noun != "Upstream"
            else ""
        )
        lines += ["", f"Campaigns by {TITLES[stage]} (activity count in the quarter{up})"]
        lines += (
            [*_list_lines(top), *_list_lines(bottom)] if top.tracked else [f"  {top.untracked}"]
        )
    base = STAGE_LABELS[report.options.cohort_base]
    for stage in report.reps:
        top, bottom = model.lists[f"reps.{stage}.top"], model.lists[f"reps.{stage}.bottom"]
        # A report that does not apply to the base is not "Opportunity → SQL".
        title = f"{base} → {STAGE_LABELS[stage]}" if top.tracked else f"to {STAGE_LABELS[stage]}"
        lines += [
            "",
            f"Reps by conversion {title} (cohort, min volume {report.options.min_volume})",
        ]
        lines += (
            [*_list_lines(top), *_list_lines(bottom)] if top.tracked else [f"  {top.untracked}"]
        )
        if top.left_out:
            lines.append("  Left out for low volume: " + ", ".join(r.name for r in top.left_out))
    return "\n".join(lines)
