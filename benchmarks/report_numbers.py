"""The numbers of a quarter's report set, computed three ways so the figures compare like with like.

- from the product: ``build_report_set`` (monthly rollups), turned into ``Numbers``;
- by hand-written SQL over the raw ``journeys`` table (``RawQueries``: a few ``GROUP BY``
  statements with ``FILTER`` clauses, valid in DuckDB and PostgreSQL);
- by the pandas approach (``benchmarks.pandas_approach``).

``Numbers`` holds every count and amount the report set shows: the activity funnel of the
quarter and of the one before, pipeline and bookings (total and marketing-sourced), activity
per campaign and the MQL cohort per rep; optionally the Lead cohort per rep as well.
``differences`` lists where two sets of numbers disagree, so a figure can refuse to report a
comparison of computations that do not agree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

STAGES = ("lead", "mql", "sal", "sql", "opp", "won")
AMOUNTS = ("pipeline", "bookings", "sourced_pipeline", "sourced_bookings")
COHORT_STAGES = {"mql": STAGES[1:], "lead": STAGES}


@dataclass
class Numbers:
    current: dict[str, int]
    previous: dict[str, int]
    amounts: dict[str, float]
    campaigns: dict[str, dict[str, float]]
    reps: dict[str, dict[str, int]]
    reps_lead: dict[str, dict[str, int]] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, Any]) -> Numbers:
        return Numbers(**data)

    def summary(self) -> dict[str, Any]:
        """A few headline values for the JSON output."""
        return {
            "funnel": self.current,
            "pipeline": round(self.amounts["pipeline"], 2),
            "bookings": round(self.amounts["bookings"], 2),
            "campaigns": len(self.campaigns),
            "reps": len(self.reps),
        }


@dataclass(frozen=True)
class Bounds:
    """A quarter [start, end) and the quarter before it [previous, start)."""

    previous: dt.date
    start: dt.date
    end: dt.date


# --- from the product ------------------------------------------------------------------------


def from_report_set(report: Any, lead_cohorts: Any = None) -> Numbers:
    """Numbers of a ``ReportSet`` (and of ``rep_cohorts(..., 'lead')`` when given)."""
    a, p = report.activity, report.previous
    campaigns = {}
    for row in report.campaign_counts.itertuples(index=False):
        values: dict[str, float] = {s: int(getattr(row, s)) for s in STAGES}
        values |= {"pipeline": float(row.pipeline), "bookings": float(row.bookings)}
        if any(values.values()):
            campaigns[str(row.id)] = values
    return Numbers(
        current={s: int(a.counts[s]) for s in STAGES},
        previous={s: int(p.counts[s]) for s in STAGES},
        amounts={
            "pipeline": a.pipeline,
            "bookings": a.bookings,
            "sourced_pipeline": a.sourced_pipeline,
            "sourced_bookings": a.sourced_bookings,
        },
        campaigns=campaigns,
        reps=_cohort_rows(report.rep_cohorts, "mql"),
        reps_lead=None if lead_cohorts is None else _cohort_rows(lead_cohorts, "lead"),
    )


def _cohort_rows(frame: Any, base: str) -> dict[str, dict[str, int]]:
    out = {}
    for row in frame.itertuples(index=False):
        values = {s: int(getattr(row, s)) for s in COHORT_STAGES[base]}
        if values[base]:
            out[str(row.id)] = values
    return out


# --- hand-written SQL over the raw journeys --------------------------------------------------


def _ts(day: dt.date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00'"


def _in(column: str, start: dt.date, end: dt.date) -> str:
    return f"({column} >= {_ts(start)} AND {column} < {_ts(end)})"


def _any_in(start: dt.date, end: dt.date, stages: Iterable[str] = STAGES) -> str:
    return " OR ".join(_in(f"reach_{s}_at", start, end) for s in stages)


def activity_sql(b: Bounds) -> str:
    """Activity of the quarter per campaign, plus the total row (GROUPING SETS)."""
    counts = ",\n  ".join(
        f"count(*) FILTER (WHERE {_in(f'reach_{s}_at', b.start, b.end)}) AS {s}" for s in STAGES
    )
    return (
        f"SELECT GROUPING(campaign_id) AS is_total, campaign_id,\n  {counts},\n"
        f"  sum(amount) FILTER (WHERE {_in('reach_opp_at', b.start, b.end)}) AS pipeline,\n"
        f"  sum(won_amount) FILTER (WHERE {_in('reach_won_at', b.start, b.end)}) AS bookings\n"
        f"FROM journeys\nWHERE {_any_in(b.start, b.end)}\n"
        "GROUP BY GROUPING SETS ((campaign_id), ())"
    )


def previous_sql(b: Bounds) -> str:
    """Activity counts of the quarter before (the funnel's change column)."""
    counts = ", ".join(
        f"count(*) FILTER (WHERE {_in(f'reach_{s}_at', b.previous, b.start)}) AS {s}"
        for s in STAGES
    )
    return f"SELECT {counts}\nFROM journeys\nWHERE {_any_in(b.previous, b.start)}"


def cohort_sql(b: Bounds, bases: Sequence[str]) -> str:
    """Per rep: the cohort of each base stage in the quarter and how many reached each stage."""
    columns = []
    for base in bases:
        in_q = _in(f"reach_{base}_at", b.start, b.end)
        for s in COHORT_STAGES[base]:
            reached = in_q if s == base else f"{in_q} AND reach_{s}_at IS NOT NULL"
            columns.append(f"count(*) FILTER (WHERE {reached}) AS {base}_{s}")
    listed = ",\n  ".join(columns)
    return (
        f"SELECT rep_id,\n  {listed}\nFROM journeys\n"
        f"WHERE rep_id IS NOT NULL AND ({_any_in(b.start, b.end, bases)})\n"
        "GROUP BY rep_id"
    )


@dataclass(frozen=True)
class RawQueries:
    """The statements of the raw computation for one quarter."""

    bounds: Bounds
    bases: tuple[str, ...] = ("mql", "lead")
    statements: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "statements",
            {
                "activity": activity_sql(self.bounds),
                "previous": previous_sql(self.bounds),
                "cohorts": cohort_sql(self.bounds, self.bases),
            },
        )

    def numbers(self, results: dict[str, list[tuple[Any, ...]]]) -> Numbers:
        """Numbers from each statement's rows."""
        return numbers_from_rows(
            results["activity"], results["previous"][0], results["cohorts"], self.bases
        )


def _f(value: Any) -> float:
    return 0.0 if value is None else float(value)


def numbers_from_rows(
    activity: list[tuple[Any, ...]],
    previous: tuple[Any, ...],
    cohorts: list[tuple[Any, ...]],
    bases: Sequence[str],
) -> Numbers:
    total = next(r for r in activity if r[0])
    campaigns = {}
    for row in activity:
        if row[0] or row[1] is None:
            continue
        values: dict[str, float] = {s: int(v) for s, v in zip(STAGES, row[2:8], strict=True)}
        values |= {"pipeline": _f(row[8]), "bookings": _f(row[9])}
        campaigns[str(row[1])] = values
    amounts = {
        "pipeline": _f(total[8]),
        "bookings": _f(total[9]),
        "sourced_pipeline": sum(c["pipeline"] for c in campaigns.values()),
        "sourced_bookings": sum(c["bookings"] for c in campaigns.values()),
    }
    per_base = _cohorts_from_rows(cohorts, bases)
    return Numbers(
        current={s: int(v) for s, v in zip(STAGES, total[2:8], strict=True)},
        previous={s: int(v) for s, v in zip(STAGES, previous, strict=True)},
        amounts=amounts,
        campaigns=campaigns,
        reps=per_base["mql"],
        reps_lead=per_base.get("lead"),
    )


def _cohorts_from_rows(
    rows: list[tuple[Any, ...]], bases: Sequence[str]
) -> dict[str, dict[str, dict[str, int]]]:
    out: dict[str, dict[str, dict[str, int]]] = {base: {} for base in bases}
    for row in rows:
        position = 1
        for base in bases:
            stages = COHORT_STAGES[base]
            values = {s: int(v) for s, v in zip(stages, row[position:], strict=False)}
            position += len(stages)
            if values[base]:
                out[base][str(row[0])] = values
    return out


# --- comparing -------------------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _diff_maps(name: str, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            out.append(f"{name}[{key}]: only in {'first' if key in a else 'second'}")
        elif isinstance(a[key], dict):
            out.extend(_diff_maps(f"{name}[{key}]", a[key], b[key]))
        elif not _close(float(a[key]), float(b[key])):
            out.append(f"{name}[{key}]: {a[key]} != {b[key]}")
    return out


def differences(a: Numbers, b: Numbers) -> list[str]:
    """Where two computations disagree (empty when every number matches)."""
    out = []
    for name in ("current", "previous", "amounts", "campaigns", "reps"):
        out.extend(_diff_maps(name, getattr(a, name), getattr(b, name)))
    if a.reps_lead is not None and b.reps_lead is not None:
        out.extend(_diff_maps("reps_lead", a.reps_lead, b.reps_lead))
    return out


def check_same(a: Numbers, b: Numbers, what: str) -> None:
    """Fail loudly when the compared computations do not give the same numbers."""
    found = differences(a, b)
    if found:
        shown = "; ".join(found[:10])
        raise AssertionError(f"{what}: {len(found)} numbers differ: {shown}")
