"""The report model (SPEC §9 "One report, one judgement"): each of the twelve ranked lists, the
funnel and the contribution of a quarter, built once from the report set with its title, the
sentence that says what its numbers are (basis), its nouns, its goal and its rows — value,
upstream, expected at goal, goal, rate, interval, verdict and rank, each also as the text
people read.

The page, presenter mode, deck, pre-read, CSV, CLI text, meeting headlines and the Overview
highlights all render these objects. None of them compares a number with a goal or words a
number itself, so no two views can disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from smarketing_data import format as fmt
from smarketing_data.metrics import catalog, judgement
from smarketing_data.metrics.catalog import ReportRef
from smarketing_data.metrics.judgement import words
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.reports import Report
from smarketing_data.metrics.stats import r6
from smarketing_data.stages import STAGE_LABELS

if TYPE_CHECKING:
    from smarketing_data.metrics.report_set import ReportSet

# What a count of each stage is called ("12 Opportunities"); the rep reports name their base
# with it, so an Opportunity base never reads as "Opportunitys".
COUNT_NOUNS = {
    "lead": "Leads",
    "mql": "MQLs",
    "sal": "SALs",
    "sql": "SQLs",
    "opp": "Opportunities",
    "won": "Closed Won",
}
NOT_TRACKED = "not tracked"
# The basis of a report that ranks nothing: the rule it follows (its reason is its empty text).
UNTRACKED_BASIS = {
    "campaigns": "Activity basis: campaigns are ranked only by a stage the data records; "
    "counts inferred from later stages are never shown.",
    "reps": "Cohort basis: reps are ranked by conversion from the cohort base to a later "
    "stage, when the data records both.",
}
# The columns of a list's CSV, in order; 'rank' comes first.
CAMPAIGN_CSV = ["id", "name", "channel", "value", "upstream", "goal", "expected", "verdict"]
REP_CSV = [
    "id",
    "name",
    "team",
    "rate",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "goal",
    "verdict",
]


# --- how numbers read -------------------------------------------------------------------------


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value: object) -> float | None:
    """A float, or None for None / NaN / NA (report frames use all three for "none")."""
    return None if _missing(value) else float(value)  # type: ignore[arg-type]


def text(value: object) -> str:
    return "" if _missing(value) else str(value)


def rate_text(value: float | None) -> str:
    """34% — with one decimal under 10%, where whole percents hide real differences."""
    if value is None or not 0 < abs(value) < 0.1:
        return fmt.pct(value)
    return fmt.pct(value, 1).replace(".0%", "%")


def rate_and_goal_text(value: float | None, goal: float | None) -> tuple[str, str]:
    """A rate and its goal as text, with one more decimal when rounding would make a miss look
    like a hit or a hit like a miss (59.8% against a 60% goal, not "60% against 60%")."""
    text, goal_text = rate_text(value), rate_text(goal)
    if (
        value is not None
        and goal is not None
        and text == goal_text
        and abs(value - goal) > judgement.TOLERANCE
    ):
        return fmt.pct(value, 1), fmt.pct(goal, 1)
    return text, goal_text


def expected_text(value: float | None) -> str:
    """A count expected at goal: two decimals while small (1.44, 0.36), where one would
    round a quarter of a deal away; like any count beyond that."""
    if value is None or abs(value) >= 10:
        return fmt.count(value)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def count_noun(stage: str, n: float) -> str:
    """'1 SQL', '2 SQLs', '3 Closed Won'."""
    return STAGE_LABELS[stage] if n == 1 else catalog.PLURAL[stage]


def arrow(a: str, b: str) -> str:
    """'MQL→SQL'."""
    return f"{STAGE_LABELS[a]}→{STAGE_LABELS[b]}"


def quarter_words(q: Quarter) -> str:
    """'2026-Q2 (2026-04-01 to 2026-06-30)'."""
    last = q.end - dt.timedelta(days=1)
    return f"{q.label} ({q.start:%Y-%m-%d} to {last:%Y-%m-%d})"


def reason(report: Report) -> str:
    """Why a report ranks nothing, as a sentence: 'SAL is not tracked in this data.'"""
    said = report.untracked or "this report does not apply to this data"
    return f"{said[:1].upper()}{said[1:]}."


# --- the pieces -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table as people read it: headers and rows of formatted text; ``numeric`` marks the
    columns to right-align."""

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]


@dataclass(frozen=True)
class Row:
    """One campaign or rep of a ranked list.

    ``value`` is a campaign's count of the stage or a rep's conversion rate. ``upstream`` is a
    campaign's count of the stage its expectation starts from, or a rep's cohort size;
    ``reached`` is the count that reached the report's stage (a campaign's value, a rep's
    numerator). ``verdict`` is one of judgement's constants, or None when nothing is judged.
    """

    rank: int
    id: str
    name: str
    group: str  # a campaign's channel or a rep's team; '' when none
    value: float
    reached: int
    upstream: int | None
    expected: float | None
    goal: float | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: str | None
    value_text: str  # '28' or '34%'
    expected_text: str  # '18.7', '—' when nothing is expected
    interval_text: str  # '21%–49%', '' for campaigns
    verdict_text: str  # 'below expected', 'on par with goal', '' when nothing is judged

    @property
    def met(self) -> bool | None:
        """True when the row meets its goal, False when not, None when on par or not judged."""
        return judgement.met(self.verdict)

    @property
    def of_text(self) -> str:
        """A rep's '12/30'; a campaign's count."""
        return f"{self.reached}/{self.upstream}" if self.rate is not None else self.value_text


@dataclass(frozen=True)
class RankedList:
    """A top or bottom list of one of the twelve reports, as every view shows it."""

    ref: ReportRef
    heading: str  # the report's: 'Campaigns by SQLs', 'Reps by conversion MQL → Closed Won'
    about: str  # what the numbers are and the goal, in sentences; the same for both lists
    rule: str  # how this list is ranked: 'Top 5 by SQLs, ties by name.'
    value_noun: str  # 'SQLs', 'Conversion to Closed Won'
    upstream_noun: str  # 'MQLs' ('Upstream' when no stage before is tracked), or the base's
    goal: float | None
    goal_text: str  # 'MQL→SQL 36%', '' when there is no goal
    rows: tuple[Row, ...]
    tracked: bool  # False: the report ranks nothing, and ``untracked`` says why
    untracked: str
    empty_text: str  # what to say instead of a chart when there are no rows
    eligible: int  # how many campaigns or reps were eligible for either list
    left_out: tuple[Row, ...] = ()  # reps under the minimum volume, by name
    left_out_text: str = ""  # the one line naming them ('' when none)

    @property
    def key(self) -> str:
        return self.ref.key

    @property
    def title(self) -> str:
        """The list's stable title, as commentary and decisions name it: 'Top campaigns by
        SQLs', 'Bottom reps by conversion to Closed Won'."""
        return self.ref.title

    @property
    def basis(self) -> str:
        """Everything a reader of this one list needs: what, the goal, how it is ranked."""
        return f"{self.about} {self.rule}".strip()

    @property
    def entity(self) -> str:
        return str(self.ref.entity)

    @property
    def stage(self) -> str:
        return str(self.ref.stage)

    @property
    def side(self) -> str:
        return str(self.ref.side)

    @property
    def is_rates(self) -> bool:
        return self.entity == "reps"

    @property
    def verdicts(self) -> list[str | None]:
        return [r.verdict for r in self.rows]

    def frame(self) -> pd.DataFrame:
        """The rows as data, for the CSV: rank, then the columns of CAMPAIGN_CSV / REP_CSV."""
        columns = ["rank", *(REP_CSV if self.is_rates else CAMPAIGN_CSV)]
        return pd.DataFrame([_csv_row(r, self.is_rates) for r in self.rows], columns=columns)

    def table(self) -> Table:
        """The rows as people read them (page, deck, pre-read)."""
        if self.is_rates:
            return Table(
                ["Rep", "Rate", "n/N", "95% interval", "Goal", "Verdict"],
                [
                    [
                        r.name,
                        r.value_text,
                        r.of_text,
                        r.interval_text,
                        rate_text(r.goal),
                        r.verdict_text,
                    ]
                    for r in self.rows
                ],
                [False, True, True, True, True, False],
            )
        return Table(
            ["Campaign", self.value_noun, self.upstream_noun, "Expected at goal", "Verdict"],
            [
                [r.name, r.value_text, fmt.count(r.upstream), r.expected_text, r.verdict_text]
                for r in self.rows
            ],
            [False, True, True, True, False],
        )


def _csv_row(r: Row, rates: bool) -> list[Any]:
    if rates:
        return [
            r.rank,
            r.id,
            r.name,
            r.group or None,
            r.rate,
            r.reached,
            r.upstream,
            r.ci_low,
            r.ci_high,
            r.goal,
            r.verdict,
        ]
    return [
        r.rank,
        r.id,
        r.name,
        r.group or None,
        int(r.value),
        r.upstream,
        r.goal,
        r.expected,
        r.verdict or "",
    ]


@dataclass(frozen=True)
class FunnelStep:
    """One stage of the funnel against goals (activity basis)."""

    stage: str
    label: str
    tracked: bool
    count: int | None  # None: not tracked
    expected: float | None  # the tracked stage before × the goal between the two
    step_from: str | None  # the last tracked stage before; None for the first
    rate: float | None  # the step conversion
    goal: float | None
    verdict: str | None
    change: float | None  # against the previous quarter
    count_text: str
    expected_text: str
    rate_text: str
    goal_text: str
    change_text: str
    verdict_text: str

    @property
    def met(self) -> bool | None:
        return judgement.met(self.verdict)

    @property
    def step_text(self) -> str:
        """'MQL → SQL: 40% against a goal of 36%'; '' for the first tracked stage."""
        if not self.step_from or self.rate is None:
            return ""
        return (
            f"{STAGE_LABELS[self.step_from]} → {self.label}: {self.rate_text} against a "
            f"goal of {self.goal_text}"
        )


@dataclass(frozen=True)
class FunnelReport:
    ref: ReportRef
    title: str
    basis: str
    steps: tuple[FunnelStep, ...]
    untracked: tuple[str, ...]  # labels of the stages the data does not record
    pipeline: float
    bookings: float

    @property
    def key(self) -> str:
        return self.ref.key

    @property
    def judged(self) -> list[FunnelStep]:
        """The tracked steps with a rate and a goal, in stage order."""
        return [s for s in self.steps if s.tracked and s.verdict is not None]

    @property
    def verdicts(self) -> list[str | None]:
        return [s.verdict for s in self.judged]

    def table(self) -> Table:
        return Table(
            ["Stage", "Count", "Expected at goal", "Step conversion", "Goal", "vs last quarter"],
            [
                [s.label, s.count_text, s.expected_text, s.rate_text, s.goal_text, s.change_text]
                for s in self.steps
            ],
            [False, True, True, True, True, True],
        )


@dataclass(frozen=True)
class ContributionLine:
    metric: str  # 'pipeline' | 'bookings'
    sourced: float
    total: float
    share: float | None
    target: float | None
    attainment: float | None
    verdict: str | None  # sourced against target; None without a target

    @property
    def met(self) -> bool | None:
        return judgement.met(self.verdict)


@dataclass(frozen=True)
class ContributionReport:
    ref: ReportRef
    title: str
    basis: str
    lines: tuple[ContributionLine, ...]

    @property
    def key(self) -> str:
        return self.ref.key

    @property
    def verdicts(self) -> list[str | None]:
        return [line.verdict for line in self.lines]

    def table(self) -> Table:
        return Table(
            ["Metric", "Marketing-sourced", "Total", "Share", "Target", "Attainment"],
            [
                [
                    line.metric.capitalize(),
                    fmt.money(line.sourced),
                    fmt.money(line.total),
                    fmt.pct(line.share),
                    fmt.money(line.target),
                    fmt.pct(line.attainment),
                ]
                for line in self.lines
            ],
            [False, True, True, True, True, True],
        )


@dataclass(frozen=True)
class Highlight:
    kind: str  # 'win' | 'attention'
    area: str  # 'Funnel' | 'Campaigns' | 'Reps'
    text: str
    report: str  # the key of the report it comes from


@dataclass(frozen=True)
class QuarterReports:
    """Every report of a quarter's QBR in the meeting's order, built once per report set."""

    funnel: FunnelReport
    lists: dict[str, RankedList]  # by key: 'campaigns.sql.top' … 'reps.won.bottom'
    contribution: ContributionReport
    highlights: tuple[Highlight, ...] = field(default=())

    def ranked(self, key: str) -> RankedList:
        return self.lists[key]


# --- building ---------------------------------------------------------------------------------


def _campaign_rows(frame: pd.DataFrame) -> tuple[Row, ...]:
    rows = []
    for rank, r in enumerate(frame.itertuples(index=False), start=1):
        value, expected = float(r.value), r6(number(r.expected))
        upstream = number(r.upstream)
        verdict = text(r.verdict) or None
        rows.append(
            Row(
                rank=rank,
                id=str(r.id),
                name=text(r.name),
                group=text(r.channel),
                value=value,
                reached=int(value),
                upstream=None if upstream is None else int(upstream),
                expected=expected,
                goal=r6(number(r.goal)),
                rate=None,
                ci_low=None,
                ci_high=None,
                verdict=verdict,
                value_text=fmt.count(value),
                expected_text=expected_text(expected),
                interval_text="",
                verdict_text=words("campaigns", verdict),
            )
        )
    return tuple(rows)


def _rep_rows(frame: pd.DataFrame) -> tuple[Row, ...]:
    rows = []
    for rank, r in enumerate(frame.itertuples(index=False), start=1):
        rate, low, high = r6(number(r.rate)), r6(number(r.ci_low)), r6(number(r.ci_high))
        verdict = judgement.rep_verdict(r) if "verdict" in frame.columns else None
        rows.append(
            Row(
                rank=rank,
                id=str(r.id),
                name=text(r.name),
                group=text(r.team),
                value=rate or 0.0,
                reached=int(r.numerator),
                upstream=int(r.denominator),
                expected=None,
                goal=r6(number(r.goal)),
                rate=rate,
                ci_low=low,
                ci_high=high,
                verdict=verdict,
                value_text=rate_text(rate),
                expected_text="—",
                interval_text=f"{rate_text(low)}–{rate_text(high)}",
                verdict_text=words("reps", verdict),
            )
        )
    return tuple(rows)


def _untracked_list(common: dict[str, Any], entity: str, report: Report) -> RankedList:
    """A list the data cannot rank (SPEC §3.10): no rows, and the reason where they would be."""
    return RankedList(
        **common,
        about=UNTRACKED_BASIS[entity],
        rule="",
        goal=None,
        goal_text="",
        rows=(),
        tracked=False,
        untracked=reason(report),
        empty_text=reason(report),
        eligible=0,
    )


def _campaign_list(rs: ReportSet, ref: ReportRef, report: Report) -> RankedList:
    stage, n = str(ref.stage), rs.options.top
    noun = COUNT_NOUNS[stage]
    up = report.upstream_stage
    common: dict[str, Any] = {
        "ref": ref,
        "heading": f"Campaigns by {catalog.PLURAL[stage]}",
        "value_noun": noun,
        "upstream_noun": COUNT_NOUNS[up] if up else "Upstream",
    }
    if not report.tracked:
        return _untracked_list(common, "campaigns", report)
    if up is None or report.goal is None:
        expectation = (
            f"No expected-at-goal count: the data tracks no stage before {STAGE_LABELS[stage]}."
        )
        goal_text = ""
    else:
        goal_text = f"{arrow(up, stage)} {rate_text(report.goal)}"
        expectation = f"Expected at goal = {COUNT_NOUNS[up]} in the quarter × goal {goal_text}."
    rule = (
        f"Top {n} by {noun}, ties by name."
        if ref.side == "top"
        else f"Bottom {n} by {noun} among campaigns not in the top list (zeros included)."
    )
    about = (
        f"Activity basis: {noun} whose {STAGE_LABELS[stage]} date falls in "
        f"{quarter_words(rs.quarter)}, by first-touch campaign. {expectation}"
    )
    eligible = len(report.eligible)
    empty = (
        f"No campaign had activity or ran in {rs.quarter.label}."
        if not eligible
        else f"No campaigns left for a bottom list: all {eligible} eligible campaigns are in "
        f"the top {n}."
    )
    frame = report.top if ref.side == "top" else report.bottom
    return RankedList(
        **common,
        about=about,
        rule=rule,
        goal=r6(report.goal),
        goal_text=goal_text,
        rows=_campaign_rows(frame),
        tracked=True,
        untracked="",
        empty_text=empty,
        eligible=eligible,
    )


def _left_out_text(rows: tuple[Row, ...], base_noun: str, min_volume: int, shown: int = 10) -> str:
    if not rows:
        return ""
    names = [f"{r.name} ({r.upstream})" for r in rows]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return (
        f"Left out for low volume (fewer than {min_volume} {base_noun}): "
        f"{', '.join(names[:shown])}{more}"
    )


def _rep_list(rs: ReportSet, ref: ReportRef, report: Report) -> RankedList:
    stage, base, opts = str(ref.stage), rs.options.cohort_base, rs.options
    base_noun = COUNT_NOUNS[base]
    common: dict[str, Any] = {
        "ref": ref,
        "upstream_noun": base_noun,
        "value_noun": f"Conversion to {STAGE_LABELS[stage]}",
    }
    if not report.tracked:
        common["heading"] = f"Reps by conversion to {STAGE_LABELS[stage]}"
        return _untracked_list(common, "reps", report)
    heading = f"Reps by conversion {STAGE_LABELS[base]} → {STAGE_LABELS[stage]}"
    ranked = "the 95% interval's low end" if opts.ranking == "confidence" else "rate"
    rule = (
        f"Top {opts.top} by {ranked}, then cohort size, then name."
        if ref.side == "top"
        else f"Bottom {opts.top} by {ranked} among reps not in the top list, then cohort "
        f"size, then name."
    )
    goal_text = f"{arrow(base, stage)} {rate_text(report.goal)}" if report.goal is not None else ""
    about = (
        f"Cohort basis: the {base_noun} of {quarter_words(rs.quarter)} per rep (lead "
        f"owner) and how many reached {STAGE_LABELS[stage]} as of the data loaded."
        f"{f' Goal {goal_text}.' if goal_text else ''} Only reps with at least "
        f"{opts.min_volume} {base_noun} are ranked. Verdict from the Wilson 95% "
        f"interval: above or below the goal only when the whole interval is."
    )
    eligible = len(report.eligible)
    if eligible:
        empty = (
            f"No reps left for a bottom list: all {eligible} eligible reps are in the "
            f"top {opts.top}."
        )
    elif report.left_out.empty:  # no rep has a cohort at all: no minimum would help
        empty = f"No rep has {base_noun} in {rs.quarter.label}."
    else:
        empty = f"No rep has {opts.min_volume} or more {base_noun} in {rs.quarter.label}."
    left_out = _rep_rows(report.left_out) if not report.left_out.empty else ()
    frame = report.top if ref.side == "top" else report.bottom
    return RankedList(
        **common,
        heading=heading,
        about=about,
        rule=rule,
        goal=r6(report.goal),
        goal_text=goal_text,
        rows=_rep_rows(frame),
        tracked=True,
        untracked="",
        empty_text=empty,
        eligible=eligible,
        left_out=left_out,
        left_out_text=_left_out_text(left_out, base_noun, opts.min_volume),
    )


def _funnel(rs: ReportSet) -> FunnelReport:
    f = rs.funnel
    by_stage = dict(zip(f["stage"].tolist(), f["count"].tolist(), strict=True))
    steps = []
    for r in f.itertuples(index=False):
        step_from = text(r.step_from) or None
        goal, rate = number(r.step_goal), number(r.step_rate)
        before = number(by_stage[step_from]) if step_from else None
        expected = None if before is None or goal is None else r6(before * goal)
        count = None if not r.tracked else int(r.count)
        verdict = text(r.verdict) or None
        shown = rate_and_goal_text(rate, goal) if r.tracked else ("—", "—")
        steps.append(
            FunnelStep(
                stage=str(r.stage),
                label=str(r.label),
                tracked=bool(r.tracked),
                count=count,
                expected=expected,
                step_from=step_from,
                rate=rate,
                goal=goal,
                verdict=verdict,
                change=number(r.change),
                count_text=fmt.count(count) if r.tracked else NOT_TRACKED,
                expected_text=expected_text(expected) if r.tracked else "—",
                rate_text=shown[0],
                goal_text=shown[1],
                change_text=fmt.change(number(r.change)) if r.tracked else "—",
                verdict_text=words("steps", verdict),
            )
        )
    return FunnelReport(
        ref=catalog.FUNNEL,
        title=catalog.FUNNEL.title,
        basis=(
            f"Activity basis: each stage counts the journeys whose date for that stage "
            f"falls in {quarter_words(rs.quarter)}. Expected at goal = the tracked stage "
            f"before × the goal between the two."
        ),
        steps=tuple(steps),
        untracked=tuple(s.label for s in steps if not s.tracked),
        pipeline=rs.activity.pipeline,
        bookings=rs.activity.bookings,
    )


def _contribution(rs: ReportSet) -> ContributionReport:
    lines = []
    for r in rs.contribution.itertuples(index=False):
        target = number(r.target)
        lines.append(
            ContributionLine(
                metric=str(r.metric),
                sourced=float(r.sourced),
                total=float(r.total),
                share=number(r.share),
                target=target,
                attainment=number(r.attainment),
                verdict=text(r.verdict) or None,
            )
        )
    return ContributionReport(
        ref=catalog.CONTRIBUTION,
        title=catalog.CONTRIBUTION.title,
        basis=(
            f"Activity basis: pipeline = amounts of the journeys whose Opportunity date "
            f"falls in {quarter_words(rs.quarter)}; bookings = won amounts of those whose "
            f"Closed Won date does. Marketing-sourced = journeys with a campaign. Targets "
            f"are the quarter's marketing-sourced targets."
        ),
        lines=tuple(lines),
    )


def _highlights(funnel: FunnelReport, lists: dict[str, RankedList]) -> tuple[Highlight, ...]:
    """Goals met ('win') and missed ('attention'), by the reports' own verdicts: each judged
    funnel step; a campaign of a top list at or above expected (a win) and of a bottom list
    below it (attention); a rep whose whole interval is above or below the goal, once per
    report, never an on-par one."""
    items = [
        Highlight("win" if s.met else "attention", "Funnel", s.step_text, funnel.key)
        for s in funnel.judged
    ]
    for key, lst in lists.items():  # the catalog's order: each stage's top, then its bottom
        if lst.entity != "campaigns":
            continue
        want = lst.side == "top"
        items += [
            Highlight(
                "win" if want else "attention",
                "Campaigns",
                f"{r.name}: {r.value_text} {count_noun(lst.stage, r.value)} "
                f"against {r.expected_text} expected at goal",
                key,
            )
            for r in lst.rows
            if r.met is want
        ]
    seen: set[tuple[str, str]] = set()
    for key, lst in lists.items():
        if lst.entity != "reps":
            continue
        for r in lst.rows:
            if r.met is None or (r.id, lst.stage) in seen:
                continue
            seen.add((r.id, lst.stage))
            items.append(
                Highlight(
                    "win" if r.met else "attention",
                    "Reps",
                    f"{r.name}: {r.value_text} to {STAGE_LABELS[lst.stage]} ({r.of_text}), "
                    f"clearly {'above' if r.met else 'below'} the goal of {rate_text(r.goal)}",
                    key,
                )
            )
    return tuple(items)


def build_reports(rs: ReportSet) -> QuarterReports:
    """Every report of the report set, in the meeting's order."""
    lists: dict[str, RankedList] = {}
    for ref in catalog.RANKED:
        stage = str(ref.stage)
        if ref.entity == "campaigns":
            lists[ref.key] = _campaign_list(rs, ref, rs.campaigns[stage])
        else:
            lists[ref.key] = _rep_list(rs, ref, rs.reps[stage])
    funnel = _funnel(rs)
    return QuarterReports(
        funnel=funnel,
        lists=lists,
        contribution=_contribution(rs),
        highlights=_highlights(funnel, lists),
    )
