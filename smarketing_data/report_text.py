"""The plain-text form of a quarter's report set, for ``report`` without ``--json``, and the
words every view uses for a report that ranks nothing."""

from __future__ import annotations

import pandas as pd

from smarketing_data.metrics.judgement import campaign_verdict, rep_verdict, words
from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.metrics.reports import Report
from smarketing_data.stages import STAGE_LABELS

TITLES = {"sql": "SQLs", "opp": "Opportunities", "won": "Closed Won"}
# What a count of each stage is called ("12 Opportunities"); the rep reports name their base
# with it, so an Opportunity base never reads as "Opportunitys".
COUNT_NOUNS = {"lead": "Leads", "mql": "MQLs", "sal": "SALs", "sql": "SQLs",
               "opp": "Opportunities", "won": "Closed Won"}
NOT_TRACKED = "not tracked"
COUNT_WIDTH = len(NOT_TRACKED)


def reason(report: Report) -> str:
    """Why a report ranks nothing, as a sentence: 'SAL is not tracked in this data.'"""
    text = report.untracked or "this report does not apply to this data"
    return f"{text[:1].upper()}{text[1:]}."


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _whole(value: float | None) -> str:
    """A count, or "—" where the data has none (no tracked upstream stage)."""
    return "—" if value is None or pd.isna(value) else str(int(value))


def _expected(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.1f}"


def _campaign_lines(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return ["    (none)"]
    return [(f"    {i + 1:>2}. {r.name[:40]:<40} {int(r.value):>6}  upstream "
             f"{_whole(r.upstream):>6}  expected at goal {_expected(r.expected):>9}"
             f"  {words('campaigns', campaign_verdict(r.value, r.expected))}").rstrip()
            for i, r in enumerate(frame.itertuples(index=False))]


def _rep_lines(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return ["    (none)"]
    return [f"    {i + 1:>2}. {r.name[:30]:<30} {_pct(r.rate):>7}  {int(r.numerator):>5}/"
            f"{int(r.denominator):<5} 95% CI {_pct(r.ci_low)}–{_pct(r.ci_high)}"
            f"  goal {_pct(r.goal)}  {words('reps', rep_verdict(r))}"
            for i, r in enumerate(frame.itertuples(index=False))]


def _funnel_lines(report: ReportSet) -> list[str]:
    lines = []
    for r in report.funnel.itertuples(index=False):
        if not r.tracked:
            lines.append(f"  {r.label:<12} {NOT_TRACKED:>{COUNT_WIDTH}}")
            continue
        step = ""
        if isinstance(r.step_from, str):  # None or NaN for the first tracked stage
            # A step over an untracked stage names where it starts: "from MQL".
            step = (f"  step from {STAGE_LABELS[r.step_from]} {_pct(r.step_rate)} vs goal "
                    f"{_pct(r.step_goal)}")
        lines.append(f"  {r.label:<12} {int(r.count):>{COUNT_WIDTH}}{step}")
    return lines


def _ranked(rep: Report, lines: list[str]) -> list[str]:
    """The report's lists, or the one line saying why it has none."""
    if not rep.tracked:
        return [f"  {reason(rep)}"]
    return lines


def render_text(report: ReportSet) -> str:
    q = report.quarter
    a = report.activity
    if not report.has_data:
        return f"{q.label}: no data in this quarter ({q.start} to {q.end}, end exclusive)."
    lines = [f"Quarter {q.label}  ({q.start} to {q.end}, end exclusive)  base: "
             f"{STAGE_LABELS[report.options.cohort_base]}", "",
             "Funnel (activity in the quarter)", *_funnel_lines(report)]
    lines.append(f"  Pipeline {_money(a.pipeline)}   Bookings {_money(a.bookings)}")
    lines.append("")
    goals = report.goals.adjacent_goals()
    lines.append("Goals: " + ", ".join(f"{k} {_pct(v)}" for k, v in goals.items()))
    for stage, rep in report.campaigns.items():
        up = f"; upstream: {COUNT_NOUNS[rep.upstream_stage]}" if rep.upstream_stage else ""
        lines += ["", f"Campaigns by {TITLES[stage]} (activity count in the quarter{up})",
                  *_ranked(rep, ["  Top", *_campaign_lines(rep.top),
                                 "  Bottom", *_campaign_lines(rep.bottom)])]
    base = STAGE_LABELS[report.options.cohort_base]
    for stage, rep in report.reps.items():
        # A report that does not apply to the base is not "Opportunity → SQL".
        title = (f"{base} → {STAGE_LABELS[stage]}" if rep.tracked else
                 f"to {STAGE_LABELS[stage]}")
        lines += ["", f"Reps by conversion {title} (cohort, min volume "
                      f"{report.options.min_volume})",
                  *_ranked(rep, ["  Top", *_rep_lines(rep.top),
                                 "  Bottom", *_rep_lines(rep.bottom)])]
        if not rep.left_out.empty:
            lines.append("  Left out for low volume: " + ", ".join(rep.left_out["name"]))
    return "\n".join(lines)
