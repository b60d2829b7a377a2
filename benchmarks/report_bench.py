"""R1 and R2 (SPEC §7): the full report set for one quarter against hand-written queries.

For each journey count N (its own dataset, loaded once per engine, see
``benchmarks.report_data``) and the data's busiest complete quarter (most MQLs):

- **ours**: ``build_report_set`` (twelve reports, funnel, contribution) from the rollups, on
  the engine's pooled connection as in the app, with no result cached between repetitions;
- **raw**: hand-written ``GROUP BY`` statements over the raw ``journeys`` table computing the
  same numbers (``benchmarks.report_numbers``). R1 runs them in DuckDB on a copy of the
  journeys' report columns; R2 runs them on the engine under test (PostgreSQL, DuckDB). Two
  variants: the exact numbers ``build_report_set`` returns (MQL-base rep cohorts), which the
  target is judged on, and the same plus the Lead-base cohorts;
- **pandas** (R1 only): ``pd.read_sql`` of the table and pandas grouping, in a fresh process
  each run (``benchmarks.pandas_runs``).

Before timing, every computation's numbers are checked equal to ``build_report_set``'s, so the
comparison is of like with like. The repetitions are interleaved (ours, raw, raw with Lead
base, ours, ...) after one untimed warm-up each, and medians are reported.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.common import log, median, time_call
from benchmarks.pandas_runs import DEFAULT_MAX_ROWS, PandasRuns
from benchmarks.report_data import (
    busiest_quarter,
    ensure_loaded,
    ensure_raw_duckdb,
    load_info,
)
from benchmarks.report_numbers import Bounds, Numbers, RawQueries, check_same, from_report_set

DEFAULT_SIZES = [100_000, 1_000_000]
R1_TARGETS = {"ours_vs_duckdb_raw": 1.0, "pandas_vs_ours": 50.0}
R2_TARGET = 2.0
Rows = dict[str, list[tuple[Any, ...]]]


@dataclass
class Ours:
    """``build_report_set`` on one engine for one quarter."""

    engine: Any
    quarter: Any

    def run(self) -> Any:
        from smarketing_data.metrics.report_set import build_report_set
        from smarketing_data.metrics.reports import ReportOptions

        return build_report_set(self.engine, quarter=self.quarter, options=ReportOptions())

    def numbers(self) -> Numbers:
        from smarketing_data.metrics.reports import rep_cohorts

        return from_report_set(self.run(), rep_cohorts(self.engine, self.quarter, "lead"))

    def parts(self) -> dict[str, float]:
        """Seconds of each rollup read inside build_report_set (one run, a diagnostic)."""
        from smarketing_data.metrics import funnel, goals, reports

        e, q = self.engine, self.quarter
        calls: dict[str, Callable[[], object]] = {
            "load_goals": lambda: goals.load_goals(e, quarter=q.label),
            "activity": lambda: funnel.activity(e, q),
            "activity_previous": lambda: funnel.activity(e, q.previous()),
            "campaign_counts": lambda: reports.campaign_counts(e, q),
            "rep_cohorts": lambda: reports.rep_cohorts(e, q, "mql"),
        }
        return {name: round(time_call(call), 4) for name, call in calls.items()}


def bounds_of(quarter: Any) -> Bounds:
    return Bounds(quarter.previous().start, quarter.start, quarter.end)


def duckdb_runner(path: Any) -> Callable[[RawQueries], Rows]:
    """Run raw queries on a DuckDB file with DuckDB's own client (read-only connection)."""
    import duckdb

    conn = duckdb.connect(str(path), read_only=True)
    return lambda raw: {k: conn.execute(sql).fetchall() for k, sql in raw.statements.items()}


def engine_runner(engine: Any) -> Callable[[RawQueries], Rows]:
    """Run raw queries through the engine's own driver connection."""

    def run(raw: RawQueries) -> Rows:
        with engine.connect() as conn:
            return {
                k: [tuple(r) for r in conn.exec_driver_sql(sql).all()]
                for k, sql in raw.statements.items()
            }

    return run


@dataclass
class Contest:
    """Ours against the raw queries on one dataset: checked, then timed."""

    ours: Ours
    runner: Callable[[RawQueries], Rows]
    label: str

    def __post_init__(self) -> None:
        bounds = bounds_of(self.ours.quarter)
        self.same = RawQueries(bounds, ("mql",))
        self.both = RawQueries(bounds, ("mql", "lead"))

    def check(self) -> Numbers:
        reference = self.ours.numbers()
        check_same(
            reference,
            self.both.numbers(self.runner(self.both)),
            f"{self.label} raw (MQL and Lead base) vs build_report_set",
        )
        check_same(
            reference,
            self.same.numbers(self.runner(self.same)),
            f"{self.label} raw (MQL base) vs build_report_set",
        )
        return reference

    def time(self, repeat: int) -> dict[str, list[float]]:
        calls: dict[str, Callable[[], object]] = {
            "ours_s": self.ours.run,
            "raw_s": lambda: self.runner(self.same),
            "raw_both_bases_s": lambda: self.runner(self.both),
        }
        for call in calls.values():
            call()
        samples: dict[str, list[float]] = {name: [] for name in calls}
        for i in range(repeat):
            for name, call in calls.items():
                samples[name].append(time_call(call))
            log(
                f"{self.label} run {i + 1}/{repeat}: "
                + ", ".join(f"{k} {v[-1] * 1000:.1f}ms" for k, v in samples.items())
            )
        return samples


def _medians(samples: dict[str, list[float]]) -> dict[str, float]:
    return {name: median(values) for name, values in samples.items()}


def _rounded(samples: dict[str, list[float]]) -> dict[str, list[float]]:
    return {name: [round(v, 5) for v in values] for name, values in samples.items()}


def _make_engine(url: str) -> Any:
    from smarketing_data.db import make_engine

    return make_engine(url)


def _quarter(url: str) -> Any:
    from smarketing_data.metrics.quarters import parse_quarter

    return parse_quarter(busiest_quarter(url))


# --- R1 --------------------------------------------------------------------------------------


def r1_size(rows: int, repeat: int, pandas: PandasRuns) -> dict[str, Any]:
    url = ensure_loaded("sqlite", rows)
    raw_path = ensure_raw_duckdb(rows)
    engine = _make_engine(url)
    ours = Ours(engine, _quarter(url))
    contest = Contest(ours, duckdb_runner(raw_path), f"R1 {rows:,}")
    reference = contest.check()
    m = _medians(samples := contest.time(repeat))
    parts = ours.parts()
    engine.dispose()
    panda = pandas.at(rows, ours.quarter.label)
    if panda.numbers is not None:
        check_same(reference, panda.numbers, f"R1 {rows:,} pandas vs build_report_set")
    ratios = {
        "ours_vs_duckdb_raw": m["ours_s"] / m["raw_s"],
        "ours_vs_duckdb_raw_both_bases": m["ours_s"] / m["raw_both_bases_s"],
        "pandas_vs_ours": panda.seconds / m["ours_s"],
    }
    return {
        "journeys": rows,
        "quarter": ours.quarter.label,
        "numbers": reference.summary(),
        "ours_s": round(m["ours_s"], 5),
        "duckdb_raw_s": round(m["raw_s"], 5),
        "duckdb_raw_both_bases_s": round(m["raw_both_bases_s"], 5),
        "pandas": panda.to_json(),
        **{k: round(v, 3) for k, v in ratios.items()},
        "met": {
            "ours_vs_duckdb_raw": ratios["ours_vs_duckdb_raw"] <= 1.0,
            "pandas_vs_ours": ratios["pandas_vs_ours"] >= 50.0,
        },
        "ours_parts_s": parts,
        "samples": _rounded(samples),
        "load": {
            "sqlite": load_info(f"sqlite-{rows}"),
            "raw_duckdb": load_info(f"raw-duckdb-{rows}"),
        },
    }


def run_r1(args: argparse.Namespace) -> dict[str, Any]:
    pandas = PandasRuns(args.pandas_max_rows, min(args.repeat, args.pandas_repeat))
    sizes = [r1_size(rows, args.repeat, pandas) for rows in args.journeys]
    return {
        "figure": "R1",
        "engine": "sqlite",
        "repeat": args.repeat,
        "targets": R1_TARGETS,
        "sizes": sizes,
    }


# --- R2 --------------------------------------------------------------------------------------


def r2_engine(engine_name: str, rows: int, repeat: int) -> dict[str, Any]:
    url = ensure_loaded(engine_name, rows)
    engine = _make_engine(url)
    ours = Ours(engine, _quarter(url))
    contest = Contest(ours, engine_runner(engine), f"R2 {engine_name} {rows:,}")
    reference = contest.check()
    m = _medians(samples := contest.time(repeat))
    parts = ours.parts()
    engine.dispose()
    ratio = m["ours_s"] / m["raw_s"]
    return {
        "engine": engine_name,
        "journeys": rows,
        "quarter": ours.quarter.label,
        "numbers": reference.summary(),
        "ours_s": round(m["ours_s"], 5),
        "raw_s": round(m["raw_s"], 5),
        "raw_both_bases_s": round(m["raw_both_bases_s"], 5),
        "ours_vs_raw": round(ratio, 3),
        "ours_vs_raw_both_bases": round(m["ours_s"] / m["raw_both_bases_s"], 3),
        "met": ratio <= R2_TARGET,
        "ours_parts_s": parts,
        "samples": _rounded(samples),
        "load": load_info(f"{engine_name}-{rows}"),
    }


def run_r2(args: argparse.Namespace) -> dict[str, Any]:
    results = [r2_engine(e, rows, args.repeat) for rows in args.journeys for e in args.engines]
    return {
        "figure": "R2",
        "repeat": args.repeat,
        "target_ours_vs_raw": R2_TARGET,
        "results": results,
    }


# --- command line ----------------------------------------------------------------------------


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--journeys",
        type=int,
        nargs="+",
        default=DEFAULT_SIZES,
        help="journey counts, each its own dataset (default 100000 1000000)",
    )


def add_r1_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument(
        "--pandas-max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help="above this, the pandas approach is estimated by per-row rate",
    )
    parser.add_argument(
        "--pandas-repeat",
        type=int,
        default=3,
        help="runs of the pandas approach (at most --repeat)",
    )


def add_r2_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument(
        "--engines", nargs="+", default=["postgresql", "duckdb"], choices=["postgresql", "duckdb"]
    )
