"""M1 (SPEC §7): peak memory of the app's computations at N journeys, against the pandas
approach.

For each N, a fresh process (``benchmarks.worker pages``) opens the N-journey SQLite database
and computes, for the data's busiest complete quarter, what the app's pages compute
(``pages/*.py`` through ``ui/data.py``): the quarters with data and the default quarter, the
sample check, the report set (Overview, Campaigns, Reps) with the KPI tiles and highlights,
campaign spend and the channel rollup, the funnel by quarter and the first page of journeys of
the busiest campaign and rep (the drill-downs), stage velocity, the fastest customers,
follow-up and the referral comparison (Velocity & follow-up), goals, targets and definitions
(Goals & definitions) and the uploads (Data). Its RSS high-water mark
(``getrusage(RUSAGE_SELF).ru_maxrss``) is the figure; the process's RSS once its imports are
done is reported too, and the seconds of each computation. The pandas approach
(``benchmarks.pandas_runs``) is measured the same way, or estimated above
``--pandas-max-rows``.
"""

from __future__ import annotations

import argparse
from typing import Any

from benchmarks.common import log, median
from benchmarks.pandas_runs import DEFAULT_MAX_ROWS, PandasRuns
from benchmarks.report_data import busiest_quarter, ensure_loaded, load_info, run_worker

TARGET_MB = 400.0
DEFAULT_SIZES = [100_000, 1_000_000]


def pages_runs(url: str, quarter: str, repeat: int, rows: int) -> list[dict[str, Any]]:
    runs = []
    for i in range(repeat):
        runs.append(run_worker("pages", url, quarter))
        log(
            f"M1 {rows:,} run {i + 1}/{repeat}: peak RSS {runs[-1]['maxrss_mb']:.0f} MB "
            f"(after imports {runs[-1]['start_rss_mb']:.0f} MB), {runs[-1]['seconds']:.2f}s"
        )
    return runs


def m1_size(rows: int, repeat: int, pandas: PandasRuns) -> dict[str, Any]:
    url = ensure_loaded("sqlite", rows)
    quarter = busiest_quarter(url)
    runs = pages_runs(url, quarter, repeat, rows)
    peak = max(r["maxrss_mb"] for r in runs)
    panda = pandas.at(rows, quarter)
    steps = {
        name: round(median([r["steps_s"][name] for r in runs]), 4) for name in runs[0]["steps_s"]
    }
    return {
        "journeys": rows,
        "quarter": quarter,
        "ours_maxrss_mb": peak,
        "ours_maxrss_samples_mb": [r["maxrss_mb"] for r in runs],
        "ours_start_rss_mb": runs[0]["start_rss_mb"],
        "ours_maxrss_after_step_mb": runs[0]["maxrss_after_mb"],
        "ours_seconds": round(median([r["seconds"] for r in runs]), 3),
        "ours_steps_s": steps,
        "pandas": panda.to_json(),
        "pandas_vs_ours_memory": round(panda.maxrss_mb / peak, 2),
        "met": peak <= TARGET_MB,
        "load": load_info(f"sqlite-{rows}"),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    pandas = PandasRuns(args.pandas_max_rows, 1)
    sizes = [m1_size(rows, args.repeat, pandas) for rows in args.journeys]
    return {
        "figure": "M1",
        "engine": "sqlite",
        "repeat": args.repeat,
        "target_maxrss_mb": TARGET_MB,
        "sizes": sizes,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--journeys",
        type=int,
        nargs="+",
        default=DEFAULT_SIZES,
        help="journey counts, each its own dataset (default 100000 1000000)",
    )
    parser.add_argument(
        "--pandas-max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help="above this, the pandas approach is estimated by per-row rate",
    )
