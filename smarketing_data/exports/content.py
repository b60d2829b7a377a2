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
from smarketing_data.metrics import catalog
from smarketing_data.metrics.catalog import ReportRef
from smarketing_data.metrics.goals import ADJACENT, DEFAULT_GOALS, Goals
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.report_model import (
    COUNT_NOUNS,
    ContributionReport,
    FunnelReport,
    RankedList,
    Table,
    arrow,
    quarter_words,
    rate_text,
)
from smarketing_data.metrics.report_set import ReportSet, build_report_set
from smarketing_data.metrics.reports import ReportOptions
from smarketing_data.metrics.stats import r6
from smarketing_data.stages import STAGE_LABELS
from smarketing_data.uploads import list_uploads

SIDES = {"sales": "Sales", "marketing": "Marketing"}


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
    report: RankedList | FunnelReport | ContributionReport  # the model the section renders
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
    def title(self) -> str:
        return self.report.title

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
        as_of = (
            f"data as of {self.data_as_of:%Y-%m-%d %H:%M} UTC"
            if self.data_as_of
            else "no data imported yet"
        )
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
    return MeetingRecord(
        notes=notes_for(engine, quarter=label),
        decisions=decisions_for(engine, quarter=label),
        carried=with_headlines(carried, report_set),
    )


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
            Comment(side=_text(r.side), author=_text(r.author) or "—", text=_text(r.text))
        )
    return out


def _decisions(frame: pd.DataFrame) -> list[Decision]:
    columns = set(frame.columns)
    return [
        Decision(
            report=_text(r["report"]) or None,
            report_title=_title_of(r["report"]),
            what=_text(r["what"]),
            owner=_text(r["owner"]),
            due_quarter=_text(r["due_quarter"]),
            status=_text(r["status"]),
            decided_in=_text(r["quarter"]),
            now=_text(r["now"]) if "now" in columns else "",
            overdue=bool(r["overdue"]) if "overdue" in columns else False,
        )
        for r in frame.to_dict("records")
    ]


def _commentary_frame(notes: pd.DataFrame) -> pd.DataFrame:
    out = notes[["report", "side", "author", "text", "created_at", "updated_at"]].copy()
    out.insert(1, "report_title", [_title_of(r) for r in notes["report"].tolist()])
    return out.reset_index(drop=True)


DECISIONS_CSV = [
    "decision_id",
    "decided_in",
    "carried",
    "report",
    "report_title",
    "what",
    "owner",
    "due_quarter",
    "status",
    "overdue",
    "now",
    "created_at",
    "updated_at",
]


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
        return Table(
            ["Decision", "Decided", "Owner", "Due", "Status", "This quarter"],
            [
                [
                    d.what,
                    f"{d.decided_in} · {d.report_title}",
                    d.owner or "—",
                    d.due_quarter or "—",
                    f"{d.status}, overdue" if d.overdue else d.status,
                    d.now,
                ]
                for d in decisions
            ],
            [False] * 6,
        )
    return Table(
        ["Decision", "Report", "Owner", "Due", "Status"],
        [
            [d.what, d.report_title, d.owner or "—", d.due_quarter or "—", d.status]
            for d in decisions
        ],
        [False] * 5,
    )


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


def _funnel_section(rs: ReportSet) -> Section:
    """The funnel's table says "not tracked" for a stage the data never records; its chart
    and step facts hold only tracked stages, each step from the last tracked stage before."""
    model = rs.reports.funnel
    shown = [s for s in model.steps if s.tracked]
    facts = [f"{s.step_text} ({'met' if s.met else 'missed'})" for s in model.judged]
    if model.untracked:
        facts.append(f"Not tracked in this data: {', '.join(model.untracked)}")
    facts.append(f"Pipeline {fmt.money(model.pipeline)} · bookings {fmt.money(model.bookings)}")
    frame = rs.funnel.copy()
    frame.insert(
        int(frame.columns.get_loc("count")) + 1, "expected", [s.expected for s in model.steps]
    )
    frame["verdict"] = [s.verdict for s in model.steps]
    return Section(
        ref=catalog.FUNNEL,
        report=model,
        basis=model.basis,
        chart=ChartData(
            [s.label for s in shown],
            [
                Series("Count", [s.count for s in shown], "0"),
                Series("Expected at goal", [s.expected for s in shown], "0.0#", is_goal=True),
            ],
            value_format="0",
        ),
        table=model.table(),
        empty_text="",
        frame=frame,
        facts=facts,
    )


def _ranked_section(model: RankedList) -> Section:
    """One of the twelve lists, as its model has it; a list on a stage the data does not
    record (or a base it does not apply to) says why and its CSV keeps the columns, no rows."""
    table = model.table()
    if not model.tracked:
        return Section(
            ref=model.ref,
            report=model,
            basis=model.basis,
            chart=None,
            table=table,
            empty_text=model.empty_text,
            frame=model.frame(),
            untracked=model.untracked,
        )
    names = [r.name for r in model.rows]
    if model.is_rates:
        series = [
            Series(model.value_noun, [r.rate for r in model.rows], "0%"),
            Series("Goal", [r.goal for r in model.rows], "0%", is_goal=True),
        ]
        chart = ChartData(names, series, value_format="0%", value_max=1.0)
    else:
        series = [Series(model.value_noun, [r.value for r in model.rows], "0")]
        if any(r.expected is not None for r in model.rows):
            series.append(
                Series("Expected at goal", [r.expected for r in model.rows], "0.0#", is_goal=True)
            )
        chart = ChartData(names, series, value_format="0")
    return Section(
        ref=model.ref,
        report=model,
        basis=model.basis,
        chart=chart if names else None,
        table=table,
        empty_text=model.empty_text,
        frame=model.frame(),
        left_out=[model.left_out_text] if model.left_out_text else [],
    )


def _contribution_section(rs: ReportSet) -> Section:
    model = rs.reports.contribution
    metrics = [line.metric.capitalize() for line in model.lines]
    series = [
        Series("Marketing-sourced", [line.sourced for line in model.lines], "$#,##0"),
        Series("Total", [line.total for line in model.lines], "$#,##0"),
    ]
    targets = [line.target for line in model.lines]
    if any(t is not None for t in targets):
        series.append(Series("Target", targets, "$#,##0", is_goal=True))
    frame = rs.contribution.copy()
    frame["verdict"] = model.verdicts
    return Section(
        ref=catalog.CONTRIBUTION,
        report=model,
        basis=model.basis,
        chart=ChartData(metrics, series, value_format="$#,##0"),
        table=model.table(),
        empty_text="",
        frame=frame,
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
                f"campaigns by {COUNT_NOUNS[stage]} (expected at goal)"
            )
    for stage, report in rs.reps.items():
        if report.tracked:
            uses.setdefault((base, stage), []).append(
                f"reps by conversion to {STAGE_LABELS[stage]}"
            )
    records = [
        (a, b, r6(goals.rate(a, b)), _goal_source(goals, a, b), "; ".join(used) or "—")
        for (a, b), used in uses.items()
    ]
    frame = pd.DataFrame(records, columns=["from_stage", "to_stage", "goal", "source", "used_by"])
    table = Table(
        ["Transition", "Goal", "Set by", "Used by"],
        [[arrow(a, b), rate_text(goal), source, used] for a, b, goal, source, used in records],
        [False, True, False, False],
    )
    return table, frame


def _tracking(rs: ReportSet) -> list[str]:
    """Which stages the data does not record, and the base that follows from it."""
    missing = [STAGE_LABELS[s] for s, on in rs.tracked.to_json().items() if not on]
    if not missing:
        return []
    return [
        f"Not tracked in this data: {', '.join(missing)}. These stages are shown as "
        '"not tracked", never as counts inferred from later stages; a funnel step '
        "over them runs from the tracked stage before to the one after, against the goal "
        "between the two."
    ]


def _bases(rs: ReportSet) -> list[str]:
    opts, q = rs.options, rs.quarter
    base_stage = opts.cohort_base
    base = COUNT_NOUNS[base_stage]
    ranking = (
        "the 95% interval's low end (confidence-adjusted)"
        if opts.ranking == "confidence"
        else "count or rate"
    )
    return [
        f"Quarter: {quarter_words(q)}, start inclusive, end exclusive.",
        *_tracking(rs),
        "Funnel, campaign reports and contribution: activity basis — a stage counts in the "
        "quarter when its date falls in it.",
        f"Rep reports: cohort basis — the {base} of the quarter (base stage "
        f"{STAGE_LABELS[base_stage]}) and how far they got as of the data loaded.",
        f"Top and bottom lists of {opts.top}, ranked by {ranking}; the bottom list holds no "
        "one from the top list.",
        f"Minimum volume: reps need at least {opts.min_volume} {base} in the cohort to be ranked.",
        "Rep verdicts: above or below the goal only when the whole Wilson 95% interval is.",
    ]


def _targets(rs: ReportSet) -> list[str]:
    out = []
    for r in rs.contribution.itertuples(index=False):
        target = _num(r.target)
        out.append(
            f"Marketing-sourced {r.metric}: target {fmt.money(target)}"
            if target is not None
            else f"Marketing-sourced {r.metric}: no target set"
        )
    return out


# --- assembly ---------------------------------------------------------------------------------


def build_content(
    engine: Engine,
    *,
    quarter: Quarter,
    options: ReportOptions | None = None,
    prepared_at: dt.datetime | None = None,
) -> ExportContent:
    """Everything an export of the quarter says, computed once."""
    rs = build_report_set(engine, quarter=quarter, options=options or ReportOptions())
    record = _commentary(engine, quarter, rs)
    by_report = _comments(record.notes)
    decisions = _decisions(record.decisions)
    sections = [
        _funnel_section(rs),
        *(_ranked_section(rs.reports.lists[ref.key]) for ref in catalog.RANKED),
        _contribution_section(rs),
    ]
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
