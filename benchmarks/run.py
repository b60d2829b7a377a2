"""Command line of the benchmarks: one subcommand per figure, each writing one JSON file.

    python -m benchmarks.run i1 [--rows 1000000] [--repeat 3] [--out benchmarks/results/i1.json]
    python -m benchmarks.run r1|r2|m1 [--journeys 100000 1000000 5000000] [--repeat 5]
    python -m benchmarks.run p1 [--journeys 1000000] [--repeat 5]
    python -m benchmarks.run c1 [--journeys 10000] [--repeat 5]

A figure is registered in FIGURES with the function that adds its own options and the one
that measures it; the runner adds ``--repeat`` and ``--out`` and writes the JSON with the
machine description.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import cli_bench, import_bench, memory_bench, page_bench, phases, report_bench
from benchmarks.common import RESULTS_DIR, log, write_json


@dataclass(frozen=True)
class Figure:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], dict[str, Any]]
    default_repeat: int = 3


FIGURES: dict[str, Figure] = {
    "i1": Figure(
        "I1: import of an N-row export into SQLite vs csv.reader + sqlite3.executemany",
        import_bench.add_arguments,
        import_bench.run,
    ),
    "i1-phases": Figure(
        "I1 import and re-import broken down by phase (one run, optional cProfile)",
        phases.add_arguments,
        phases.run,
        default_repeat=1,
    ),
    "r1": Figure(
        "R1: the report set on SQLite vs a raw DuckDB GROUP BY and the pandas approach",
        report_bench.add_r1_arguments,
        report_bench.run_r1,
        default_repeat=5,
    ),
    "r2": Figure(
        "R2: the report set on PostgreSQL and DuckDB vs each engine's own raw GROUP BY",
        report_bench.add_r2_arguments,
        report_bench.run_r2,
        default_repeat=5,
    ),
    "m1": Figure(
        "M1: peak RSS of a process computing every page's numbers vs the pandas approach",
        memory_bench.add_arguments,
        memory_bench.run,
    ),
    "p1": Figure(
        "P1: a page's first full render in Chromium at N journeys vs an empty page's",
        page_bench.add_arguments,
        page_bench.run,
        default_repeat=5,
    ),
    "c1": Figure(
        "C1: the CLI's --help, quarters and uploads vs a bare `python -c 'import sqlalchemy'`",
        cli_bench.add_arguments,
        cli_bench.run,
        default_repeat=5,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="figure", required=True, metavar="FIGURE")
    for name, figure in FIGURES.items():
        one = sub.add_parser(name, help=figure.help, description=figure.help)
        one.add_argument(
            "--repeat",
            type=int,
            default=figure.default_repeat,
            help="timed runs; the median is reported",
        )
        one.add_argument(
            "--out",
            type=Path,
            default=None,
            help=f"JSON output (default {RESULTS_DIR.name}/<figure>.json)",
        )
        figure.add_arguments(one)
    return parser


def default_out(name: str) -> Path:
    return RESULTS_DIR / f"{name.replace('-', '_')}.json"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.repeat < 1:
        raise SystemExit("--repeat must be at least 1")
    result = FIGURES[args.figure].run(args)
    out = args.out or default_out(args.figure)
    write_json(result, out)
    log(f"wrote {out}")
    print(
        json.dumps({k: v for k, v in result.items() if k not in ("import", "reimport")}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
