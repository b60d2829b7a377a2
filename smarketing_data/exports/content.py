"""What an export says, assembled once for the deck, the HTML pre-read and the CSV bundle:
the quarter, the basis of every number, the goals in force, the data's freshness, whether it
is sample data, each report's rows, chart series and table, and the meeting's commentary and
decisions. The renderers only lay this out; none of them computes or words a number itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from smarketing_data import format as fmt
from smarketing_data.demo import sample_upload_ids
from smarketing_data.metrics import catalog, judgement
from smarketing_data.metrics.catalog import ReportRef
from smarketing_data.metrics.goals import ADJACENT, DEFAULT_GOALS, Goals
from smarketing_data.metrics.judgement import rep_verdict, step_verdict, words
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.report_set import ReportSet, build_report_set
from smarketing_data.metrics.reports import Report, ReportOptions
from smarketing_data.metrics.stats import r6
from smarketing_data.report_text import COUNT_NOUNS, NOT_TRACKED, reason
from smarketing_data.stages import STAGE_LABELS
from smarketing_data.uploads import list_uploads

SIDES = {"sales": "Sales", "marketing": "Marketing"}
# Names listed in a "left out for low volume" line before it says "and N more".
LEFT_OUT_SHOWN = 10


# --- the pieces -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    """One chart series; ``number_format`` is an Excel format ("0", "0%", "0.0", "$#,##0")."""

    name: str
    values: list[float | None]
    number_format: str
    is_goal: bool = False


@dataclass(frozen=True)
class ChartData:
    categories: list[str]
    series: list[Series]
    value_format: str  # the value axis's number format
    value_max: float | None = None  # a fixed axis end (rates stop at 100%)


@dataclass(frozen=True)
class Table:
    """A table as people read it: headers and rows of formatted text; ``numeric`` marks the
    columns to right-align."""

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]


@dataclass(frozen=True)
class Comment:
    side: str  # 'sales' | 'marketing' | anything the meeting module adds
    author: str
    text: str

    @property
    def side_label(self) -> str:
        return SIDES.get(self.side, self.side.title())

    def line(self) -> str:
        """'Sales — Ann: we followed up late.'"""
        return f"{self.side_label} — {self.author}: {self.text}"


@dataclass(frozen=True)
class Decision:
    report: str | None
    report_title: str
    what: str
    owner: str
    due_quarter: str
    status: str
    decided_in: str = ""
    now: str = ""  # for a decision carried from an earlier quarter: the report's number now
    overdue: bool = False

    def line(self) -> str:
        """'Move budget to Alpha (owner Ann, due 2026-Q3, open)'."""
        details = [f"owner {self.owner}" if self.owner else "no owner"]
        if self.due_quarter:
            details.append(f"due {self.due_quarter}")
        details.append(f"{self.status}, overdue" if self.overdue else self.status)
        return f"{self.what} ({', '.join(details)})"


@dataclass
class Section:
    """One report of the meeting: the funnel, one of the twelve, or the contribution."""

    ref: ReportRef
    basis: str
    chart: ChartData | None  # None when the list is empty
    table: Table
    empty_text: str  # what to say instead of a chart and table when there is nothing
    frame: pd.DataFrame  # the numbers as data, for the CSV
    facts: list[str] = field(default_factory=list)  # the funnel's step conversions, totals
    left_out: list[str] = field(default_factory=list)  # reps too small to rank
    comments: list[Comment] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    # Why the report ranks nothing ("SQL is not tracked in this data."); "" when it ranks.
    untracked: str = ""

    @property
    def file_stem(self) -> str:
        """'campaigns.sql.top' → 'campaigns_sql_top'."""
        return self.ref.key.replace(".", "_")

    @property
    def anchor(self) -> str:
        return self.ref.key.replace(".", "-")

    @property
    def is_empty(self) -> bool:
        return not self.table.rows


@dataclass
class ExportContent:
    quarter: Quarter
    report_set: ReportSet
    prepared_at: dt.datetime  # UTC, naive like every stored time
    data_as_of: dt.datetime | None  # the latest applied upload, UTC
    sample: bool
    bases: list[str]  # how each kind of number is computed, in one sentence each
    goals: Table  # the adjacent goals in force and the goals each report uses
    goals_frame: pd.DataFrame
    targets: list[str]
    sections: list[Section]  # funnel, the twelve, contribution: the meeting's order
    decisions: list[Decision]  # taken in this quarter's meeting
    carried: list[Decision]  # taken earlier, looked back on in this one
    decisions_frame: pd.DataFrame
    general_comments: list[Comment]  # commentary not tied to one report
    commentary_frame: pd.DataFrame

    @property
    def title(self) -> str:
        return f"Smarketing QBR · {self.quarter.label}"

    @property
    def period(self) -> str:
        last = self.quarter.end - dt.timedelta(days=1)
        first = self.quarter.start
        return f"{first:%b} {first.day}, {first.year} – {last:%b} {last.day}, {last.year}"

    @property
    def freshness(self) -> str:
        """'Prepared 2026-07-03 · data as of 2026-07-02 14:05 UTC · sample data'."""
        as_of = (f"data as of {self.data_as_of:%Y-%m-%d %H:%M} UTC" if self.data_as_of
                 else "no data imported yet")
        parts = [f"Prepared {self.prepared_at:%Y-%m-%d}", as_of]
        if self.sample:
            parts.append("sample data")
        return " · ".join(parts)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.ref.key == key)


# --- small helpers ----------------------------------------------------------------------------

def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def _num(value: object) -> float | None:
    return None if _missing(value) else float(value)  # type: ignore[arg-type]


def rate_text(value: float | None) -> str:
    """34% — with one decimal under 10%, where whole percents hide real differences."""
    if value is None or not 0 < abs(value) < 0.1:
        return fmt.pct(value)
    return fmt.pct(value, 1).replace(".0%", "%")


def expected_text(value: float | None) -> str:
    """A count expected at goal: two decimals while small (1.44, 0.36), where one would
    round a quarter of a deal away; like any count beyond that."""
    if value is None or abs(value) >= 10:
        return fmt.count(value)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _arrow(a: str, b: str) -> str:
    return f"{STAGE_LABELS[a]}→{STAGE_LABELS[b]}"


def _goal_source(goals: Goals, a: str, b: str) -> str:
    pair = (a, b)
    if pair in goals.set_for_quarter:
        return f"set for {goals.quarter}"
    if pair in goals.set_for_all:
        return "set for every quarter"
    if pair in DEFAULT_GOALS:
        return "default (published B2B benchmark)"
    return "product of the adjacent goals"


# --- commentary and decisions -----------------------------------------------------------------

@dataclass(frozen=True)
class MeetingRecord:
    notes: pd.DataFrame  # meeting.notes_for's columns
    decisions: pd.DataFrame  # meeting.decisions_for's columns
    carried: pd.DataFrame  # the same, plus overdue, now, now_met


def _commentary(engine: Engine, quarter: Quarter, report_set: ReportSet) -> MeetingRecord:
    """The meeting's record for the quarter, from the meeting module: its notes, its
    decisions, and the earlier decisions it looks back on next to this quarter's numbers."""
    from smarketing_data.meeting import (
        carried_decisions,
        decisions_for,
        notes_for,
        with_headlines,
    )

    label, fiscal = quarter.label, quarter.fiscal_start_month
    carried = carried_decisions(engine, quarter=label, fiscal_start_month=fiscal)
    return MeetingRecord(notes=notes_for(engine, quarter=label),
                         decisions=decisions_for(engine, quarter=label),
                         carried=with_headlines(carried, report_set))


def _title_of(report: object) -> str:
    key = _text(report)
    ref = catalog.BY_KEY.get(key)
    return ref.title if ref else (key or "General")


def _comments(notes: pd.DataFrame) -> dict[str, list[Comment]]:
    """Comments per report key ('' for those tied to no known report), in the order
    ``notes_for`` gives: Sales before Marketing, oldest first."""
    out: dict[str, list[Comment]] = {}
    for r in notes.itertuples(index=False):
        key = _text(r.report)
        key = key if key in catalog.BY_KEY else ""
        out.setdefault(key, []).append(
            Comment(side=_text(r.side), author=_text(r.author) or "—", text=_text(r.text)))
    return out


def _decisions(frame: pd.DataFrame) -> list[Decision]:
    columns = set(frame.columns)
    return [Decision(report=_text(r["report"]) or None, report_title=_title_of(r["report"]),
                     what=_text(r["what"]), owner=_text(r["owner"]),
                     due_quarter=_text(r["due_quarter"]), status=_text(r["status"]),
                     decided_in=_text(r["quarter"]),
                     now=_text(r["now"]) if "now" in columns else "",
                     overdue=bool(r["overdue"]) if "overdue" in columns else False)
            for r in frame.to_dict("records")]


def _commentary_frame(notes: pd.DataFrame) -> pd.DataFrame:
    out = notes[["report", "side", "author", "text", "created_at", "updated_at"]].copy()
    out.insert(1, "report_title", [_title_of(r) for r in notes["report"].tolist()])
    return out.reset_index(drop=True)


DECISIONS_CSV = ["decision_id", "decided_in", "carried", "report", "report_title", "what",
                 "owner", "due_quarter", "status", "overdue", "now", "created_at",
                 "updated_at"]


def _decisions_frame(record: MeetingRecord) -> pd.DataFrame:
    """This quarter's decisions, then the earlier ones carried into it."""
    frames = []
    for frame, carried in ((record.decisions, False), (record.carried, True)):
        out = frame.rename(columns={"quarter": "decided_in"}).assign(carried=carried)
        out["report_title"] = [_title_of(r) for r in frame["report"].tolist()]
        for column in ("overdue", "now"):
            if column not in out.columns:
                out[column] = None
        frames.append(out[DECISIONS_CSV])
    nonempty = [f for f in frames if not f.empty]
    if not nonempty:
        return pd.DataFrame(columns=DECISIONS_CSV)
    return pd.concat(nonempty, ignore_index=True)


def decision_table(decisions: Sequence[Decision], *, carried: bool) -> Table:
    """Decisions as a table; carried ones say when they were taken and where the report
    they were about stands now."""
    if carried:
        return Table(["Decision", "Decided", "Owner", "Due", "Status", "This quarter"],
                     [[d.what, f"{d.decided_in} · {d.report_title}", d.owner or "—",
                       d.due_quarter or "—", f"{d.status}, overdue" if d.overdue else d.status,
                       d.now] for d in decisions], [False] * 6)
    return Table(["Decision", "Report", "Owner", "Due", "Status"],
                 [[d.what, d.report_title, d.owner or "—", d.due_quarter or "—", d.status]
                  for d in decisions], [False] * 5)


# --- freshness --------------------------------------------------------------------------------

def data_as_of(engine: Engine) -> dt.datetime | None:
    """When the latest upload still applied was made (UTC), or None before any import."""
    uploads = list_uploads(engine)
    applied = uploads[uploads["status"] == "applied"]
    if applied.empty:
        return None
    latest = pd.to_datetime(applied["created_at"]).max()
    return None if pd.isna(latest) else latest.to_pydatetime()


# --- the sections -----------------------------------------------------------------------------

def _quarter_words(q: Quarter) -> str:
    last = q.end - dt.timedelta(days=1)
    return f"{q.label} ({q.start:%Y-%m-%d} to {last:%Y-%m-%d})"


def _funnel_section(rs: ReportSet) -> Section:
    """The funnel's table says "not tracked" for a stage the data never records; its chart
    and step facts hold only tracked stages, each step from the last tracked stage before."""
    f = rs.funnel
    labels = [str(v) for v in f["label"].tolist()]
    by_stage = dict(zip(f["stage"].tolist(), f["count"].tolist(), strict=True))
    rows, facts, expected = [], [], []
    for r in f.itertuples(index=False):
        step_from, goal = _text(r.step_from) or None, _num(r.step_goal)
        before = _num(by_stage[step_from]) if step_from else None
        expected.append(None if before is None or goal is None else r6(before * goal))
        if not r.tracked:
            rows.append([str(r.label), NOT_TRACKED, "—", "—", "—", "—"])
            continue
        rows.append([str(r.label), fmt.count(_num(r.count)), expected_text(expected[-1]),
                     rate_text(_num(r.step_rate)), rate_text(goal), fmt.change(_num(r.change))])
        if step_from:
            step = _num(r.step_rate)
            verdict = step_verdict(step, goal)
            judged = "" if verdict is None else (
                " (met)" if judgement.met(verdict) else " (missed)")
            facts.append(f"{_arrow(step_from, r.stage)}: {rate_text(step)} against a goal of "
                         f"{rate_text(goal)}{judged}")
    untracked = [label for label, on in zip(labels, f["tracked"].tolist(), strict=True)
                 if not on]
    if untracked:
        facts.append(f"Not tracked in this data: {', '.join(untracked)}")
    a = rs.activity
    facts.append(f"Pipeline {fmt.money(a.pipeline)} · bookings {fmt.money(a.bookings)}")
    frame = f.copy()
    frame.insert(int(frame.columns.get_loc("count")) + 1, "expected", expected)
    shown = [i for i, on in enumerate(f["tracked"].tolist()) if on]
    return Section(
        ref=catalog.FUNNEL,
        basis=(f"Activity basis: each stage counts the journeys whose date for that stage "
               f"falls in {_quarter_words(rs.quarter)}. Expected at goal = the tracked stage "
               f"before × the goal between the two."),
        chart=ChartData([labels[i] for i in shown],
                        [Series("Count", [_num(f["count"].iloc[i]) for i in shown], "0"),
                         Series("Expected at goal", [expected[i] for i in shown], "0.0#",
                                is_goal=True)],
                        value_format="0"),
        table=Table(["Stage", "Count", "Expected at goal", "Step conversion", "Goal",
                     "vs last quarter"], rows, [False, True, True, True, True, True]),
        empty_text="",
        frame=frame,
        facts=facts,
    )


# The basis of a report that ranks nothing: the rule it follows (the reason is its empty text).
UNTRACKED_BASIS = {
    "campaigns": "Activity basis: campaigns are ranked only by a stage the data records; "
                 "counts inferred from later stages are never shown.",
    "reps": "Cohort basis: reps are ranked by conversion from the cohort base to a later "
            "stage, when the data records both.",
}
CAMPAIGN_CSV = ["id", "name", "channel", "value", "upstream", "goal", "expected"]
REP_CSV = ["id", "name", "team", "rate", "numerator", "denominator", "ci_low", "ci_high",
           "goal", "verdict"]


def _untracked_section(ref: ReportRef, report: Report, columns: list[str],
                       numeric: list[bool], csv_columns: list[str]) -> Section:
    """A report on a stage the data does not record, or that does not apply to the base:
    it says why instead of ranking (SPEC §3.10); its CSV keeps the columns, with no rows."""
    return Section(ref=ref, basis=UNTRACKED_BASIS[str(ref.entity)], chart=None,
                   table=Table(columns, [], numeric), empty_text=reason(report),
                   frame=pd.DataFrame(columns=["rank", *csv_columns]), untracked=reason(report))


def _expectation(rs: ReportSet, stage: str, report: Report) -> str:
    """How the expected-at-goal count is made, or that there is none to make."""
    up = report.upstream_stage
    if up is None or report.goal is None:
        return (f"No expected-at-goal count: the data tracks no stage before "
                f"{STAGE_LABELS[stage]}.")
    return (f"Expected at goal = {COUNT_NOUNS[up]} in the quarter × goal {_arrow(up, stage)} "
            f"{rate_text(report.goal)}.")


def _campaign_section(rs: ReportSet, ref: ReportRef, report: Report) -> Section:
    stage = str(ref.stage)
    up = report.upstream_stage
    noun = COUNT_NOUNS[stage]
    up_noun = COUNT_NOUNS[up] if up else "Upstream"
    columns = ["Campaign", noun, up_noun, "Expected at goal"]
    numeric = [False, True, True, True]
    if not report.tracked:
        return _untracked_section(ref, report, columns, numeric, CAMPAIGN_CSV)
    rows = report.top if ref.side == "top" else report.bottom
    names = [_text(n) for n in rows["name"].tolist()]
    values: list[float | None] = [float(v) for v in rows["value"].tolist()]
    expected = [r6(_num(e)) for e in rows["expected"].tolist()]
    side = (f"Top {rs.options.top} by {noun}, ties by name" if ref.side == "top" else
            f"Bottom {rs.options.top} by {noun} among campaigns not in the top list "
            f"(zeros included)")
    basis = (f"Activity basis: {noun} whose {STAGE_LABELS[stage]} date falls in "
             f"{_quarter_words(rs.quarter)}, by first-touch campaign. "
             f"{_expectation(rs, stage, report)} {side}.")
    table = Table(columns,
                  [[n, fmt.count(v), fmt.count(_num(u)), expected_text(e)]
                   for n, v, u, e in zip(names, values, rows["upstream"].tolist(), expected,
                                         strict=True)],
                  numeric)
    eligible = len(report.eligible)
    empty = (f"No campaign had activity or ran in {rs.quarter.label}." if not eligible else
             f"No campaigns left for a bottom list: all {eligible} eligible campaigns are in "
             f"the top {rs.options.top}.")
    frame = rows[CAMPAIGN_CSV].copy()
    frame.insert(0, "rank", list(range(1, len(frame) + 1)))
    series = [Series(noun, values, "0")]
    if any(e is not None for e in expected):
        series.append(Series("Expected at goal", list(expected), "0.0#", is_goal=True))
    chart = ChartData(names, series, value_format="0") if names else None
    return Section(ref=ref, basis=basis, chart=chart, table=table, empty_text=empty,
                   frame=frame)


def _left_out(report: Report, base_noun: str, min_volume: int) -> list[str]:
    if report.left_out.empty:
        return []
    names = [f"{_text(r.name)} ({int(r.denominator)})"
             for r in report.left_out.itertuples(index=False)]
    shown = ", ".join(names[:LEFT_OUT_SHOWN])
    more = f" and {len(names) - LEFT_OUT_SHOWN} more" if len(names) > LEFT_OUT_SHOWN else ""
    return [f"Left out for low volume (fewer than {min_volume} {base_noun}): {shown}{more}"]


def _rep_section(rs: ReportSet, ref: ReportRef, report: Report) -> Section:
    stage, base, opts = str(ref.stage), rs.options.cohort_base, rs.options
    columns = ["Rep", "Rate", "n/N", "95% interval", "Goal", "Verdict"]
    numeric = [False, True, True, True, True, False]
    if not report.tracked:
        return _untracked_section(ref, report, columns, numeric, REP_CSV)
    rows = report.top if ref.side == "top" else report.bottom
    names = [_text(n) for n in rows["name"].tolist()]
    rates = [r6(_num(v)) for v in rows["rate"].tolist()]
    label = f"Conversion to {STAGE_LABELS[stage]}"
    ranked = "the 95% interval's low end" if opts.ranking == "confidence" else "rate"
    side = (f"top {opts.top} by {ranked}" if ref.side == "top" else
            f"bottom {opts.top} by {ranked} among reps not in the top list")
    goal_words = (f" Goal {_arrow(base, stage)} {rate_text(report.goal)}."
                  if report.goal is not None else "")
    basis = (f"Cohort basis: the {COUNT_NOUNS[base]} of {_quarter_words(rs.quarter)} per rep "
             f"(lead owner) and how many reached {STAGE_LABELS[stage]} as of the data loaded."
             f"{goal_words} Reps with at least {opts.min_volume} {COUNT_NOUNS[base]}; {side}, "
             f"then cohort size, then name; verdict from the Wilson 95% interval.")
    table = Table(
        columns,
        [[n, rate_text(rate), f"{int(x)}/{int(d)}",
          f"{rate_text(_num(lo))}–{rate_text(_num(hi))}", rate_text(_num(g)),
          words("reps", rep_verdict(r))]
         for n, rate, x, d, lo, hi, g, r in zip(
             names, rates, rows["numerator"].tolist(), rows["denominator"].tolist(),
             rows["ci_low"].tolist(), rows["ci_high"].tolist(), rows["goal"].tolist(),
             rows.itertuples(index=False), strict=True)],
        numeric)
    eligible = len(report.eligible)
    if eligible:
        empty = (f"No reps left for a bottom list: all {eligible} eligible reps are in the top "
                 f"{opts.top}.")
    elif report.left_out.empty:  # no rep has a cohort at all: no minimum would help
        empty = f"No rep has {COUNT_NOUNS[base]} in {rs.quarter.label}."
    else:
        empty = (f"No rep had {opts.min_volume} or more {COUNT_NOUNS[base]} in "
                 f"{rs.quarter.label}.")
    frame = rows[REP_CSV].copy()
    frame.insert(0, "rank", list(range(1, len(frame) + 1)))
    goal = r6(report.goal)
    chart = ChartData(names, [Series(label, list(rates), "0%"),
                              Series("Goal", [goal for _ in names], "0%", is_goal=True)],
                      value_format="0%", value_max=1.0) if names else None
    return Section(ref=ref, basis=basis, chart=chart, table=table, empty_text=empty,
                   frame=frame,
                   left_out=_left_out(report, COUNT_NOUNS[base], opts.min_volume))


def _contribution_section(rs: ReportSet) -> Section:
    c = rs.contribution
    metrics = [str(m).capitalize() for m in c["metric"].tolist()]
    sourced, totals = [_num(v) for v in c["sourced"].tolist()], [_num(v) for v in
                                                                  c["total"].tolist()]
    targets = [_num(v) for v in c["target"].tolist()]
    series = [Series("Marketing-sourced", sourced, "$#,##0"),
              Series("Total", totals, "$#,##0")]
    if any(t is not None for t in targets):
        series.append(Series("Target", targets, "$#,##0", is_goal=True))
    rows = [[m, fmt.money(s), fmt.money(t), fmt.pct(_num(sh)), fmt.money(tg),
             fmt.pct(_num(at))]
            for m, s, t, sh, tg, at in zip(metrics, sourced, totals, c["share"].tolist(),
                                           targets, c["attainment"].tolist(), strict=True)]
    return Section(
        ref=catalog.CONTRIBUTION,
        basis=(f"Activity basis: pipeline = amounts of the journeys whose Opportunity date "
               f"falls in {_quarter_words(rs.quarter)}; bookings = won amounts of those whose "
               f"Closed Won date does. Marketing-sourced = journeys with a campaign. Targets "
               f"are the quarter's marketing-sourced targets."),
        chart=ChartData(metrics, series, value_format="$#,##0"),
        table=Table(["Metric", "Marketing-sourced", "Total", "Share", "Target", "Attainment"],
                    rows, [False, True, True, True, True, True]),
        empty_text="",
        frame=c.copy(),
    )


# --- goals and bases --------------------------------------------------------------------------

def _goals(rs: ReportSet) -> tuple[Table, pd.DataFrame]:
    """The adjacent goals, then every other goal a report uses, each with its source and the
    reports that use it. A step over an untracked stage uses the goal between the tracked
    stages around it, so an adjacent goal may be used by nothing ("—")."""
    goals, base = rs.goals, rs.options.cohort_base
    uses: dict[tuple[str, str], list[str]] = {pair: [] for pair in ADJACENT}
    for r in rs.funnel.itertuples(index=False):
        if r.tracked and _text(r.step_from):
            uses.setdefault((str(r.step_from), str(r.stage)), []).append("funnel step")
    for stage, report in rs.campaigns.items():
        if report.tracked and report.upstream_stage and report.goal is not None:
            uses.setdefault((report.upstream_stage, stage), []).append(
                f"campaigns by {COUNT_NOUNS[stage]} (expected at goal)")
    for stage, report in rs.reps.items():
        if report.tracked:
            uses.setdefault((base, stage), []).append(
                f"reps by conversion to {STAGE_LABELS[stage]}")
    records = [(a, b, r6(goals.rate(a, b)), _goal_source(goals, a, b),
                "; ".join(used) or "—")
               for (a, b), used in uses.items()]
    frame = pd.DataFrame(records, columns=["from_stage", "to_stage", "goal", "source",
                                           "used_by"])
    table = Table(["Transition", "Goal", "Set by", "Used by"],
                  [[_arrow(a, b), rate_text(goal), source, used]
                   for a, b, goal, source, used in records],
                  [False, True, False, False])
    return table, frame


def _tracking(rs: ReportSet) -> list[str]:
    """Which stages the data does not record, and the base that follows from it."""
    missing = [STAGE_LABELS[s] for s, on in rs.tracked.to_json().items() if not on]
    if not missing:
        return []
    return [f"Not tracked in this data: {', '.join(missing)}. These stages are shown as "
            "\"not tracked\", never as counts inferred from later stages; a funnel step "
            "over them runs from the tracked stage before to the one after, against the goal "
            "between the two."]


def _bases(rs: ReportSet) -> list[str]:
    opts, q = rs.options, rs.quarter
    base_stage = opts.cohort_base
    base = COUNT_NOUNS[base_stage]
    ranking = ("the 95% interval's low end (confidence-adjusted)" if opts.ranking ==
               "confidence" else "count or rate")
    return [
        f"Quarter: {_quarter_words(q)}, start inclusive, end exclusive.",
        *_tracking(rs),
        "Funnel, campaign reports and contribution: activity basis — a stage counts in the "
        "quarter when its date falls in it.",
        f"Rep reports: cohort basis — the {base} of the quarter (base stage "
        f"{STAGE_LABELS[base_stage]}) and how far they got as of the data loaded.",
        f"Top and bottom lists of {opts.top}, ranked by {ranking}; the bottom list holds no "
        "one from the top list.",
        f"Minimum volume: reps need at least {opts.min_volume} {base} in the cohort to be "
        "ranked.",
        "Rep verdicts: above or below the goal only when the whole Wilson 95% interval is.",
    ]


def _targets(rs: ReportSet) -> list[str]:
    out = []
    for r in rs.contribution.itertuples(index=False):
        target = _num(r.target)
        out.append(f"Marketing-sourced {r.metric}: target {fmt.money(target)}" if target
                   is not None else f"Marketing-sourced {r.metric}: no target set")
    return out


# --- assembly ---------------------------------------------------------------------------------

def build_content(engine: Engine, *, quarter: Quarter, options: ReportOptions | None = None,
                  prepared_at: dt.datetime | None = None) -> ExportContent:
    """Everything an export of the quarter says, computed once."""
    rs = build_report_set(engine, quarter=quarter, options=options or ReportOptions())
    record = _commentary(engine, quarter, rs)
    by_report = _comments(record.notes)
    decisions = _decisions(record.decisions)
    sections = [_funnel_section(rs)]
    for ref in catalog.RANKED:
        if ref.entity == "campaigns":
            sections.append(_campaign_section(rs, ref, rs.campaigns[str(ref.stage)]))
        else:
            sections.append(_rep_section(rs, ref, rs.reps[str(ref.stage)]))
    sections.append(_contribution_section(rs))
    for s in sections:
        s.comments = by_report.get(s.ref.key, [])
        s.decisions = [d for d in decisions if d.report == s.ref.key]
    goals_table, goals_frame = _goals(rs)
    return ExportContent(
        quarter=quarter,
        report_set=rs,
        prepared_at=prepared_at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
        data_as_of=data_as_of(engine),
        sample=bool(sample_upload_ids(engine)),
        bases=_bases(rs),
        goals=goals_table,
        goals_frame=goals_frame,
        targets=_targets(rs),
        sections=sections,
        decisions=decisions,
        carried=_decisions(record.carried),
        decisions_frame=_decisions_frame(record),
        general_comments=by_report.get("", []),
        commentary_frame=_commentary_frame(record.notes),
    )
