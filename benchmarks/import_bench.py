"""I1 (SPEC §7): importing a 1M-row export into SQLite against a bare csv + executemany.

Each repetition measures, on fresh database files:

- baseline: ``csv.reader`` over the file, ``sqlite3.executemany`` of its rows into a new
  unindexed table with the same column count, commit;
- import: ``ingest`` of the file's bytes into a new database (read, recognise, validate,
  upsert, journey rules), the bytes read inside the timed block;
- re-import: the same file again into that database (every row unchanged).

The figure is the ratio of the medians: import / baseline and re-import / import.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import log, median, remove_sqlite, time_call
from benchmarks.dataset import SEED, journeys_csv

TARGETS = {"import_ratio": 2.5, "reimport_ratio": 1.0}


@dataclass
class Samples:
    baseline: list[float]
    imports: list[float]
    reimports: list[float]


def baseline_load(csv_path: Path, db_path: Path) -> int:
    """csv.reader + executemany into a fresh unindexed table; returns the rows inserted."""
    conn = sqlite3.connect(db_path)
    try:
        with csv_path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            width = len(next(reader))
            columns = ", ".join(f"c{i}" for i in range(width))
            conn.execute(f"CREATE TABLE rows ({columns})")
            marks = ", ".join("?" * width)
            cursor = conn.executemany(f"INSERT INTO rows VALUES ({marks})", reader)
            conn.commit()
            return cursor.rowcount
    finally:
        conn.close()


def fresh_engine(db_path: Path) -> Any:
    """An engine on a new, empty database file with the product's schema."""
    from smarketing_data.db import init_schema, make_engine

    remove_sqlite(db_path)
    engine = make_engine(f"sqlite:///{db_path}")
    init_schema(engine)
    return engine


def import_file(engine: Any, csv_path: Path) -> Any:
    """The product's import of one file, its bytes read from disk first; returns its report."""
    from smarketing_data.config import Settings
    from smarketing_data.ingest import FileInput, ingest

    data = csv_path.read_bytes()
    result = ingest(engine, [FileInput(csv_path.name, data)], Settings())
    return result.files[0]


def check_import(report: Any, rows: int, *, first: bool) -> None:
    """Fail loudly when the import did not do what is being timed."""
    expected = (rows, 0, 0, 0) if first else (0, 0, rows, 0)
    got = (report.inserted, report.updated, report.unchanged, report.rejected)
    if got != expected:
        what = "import" if first else "re-import"
        raise AssertionError(
            f"{what}: inserted/updated/unchanged/rejected {got}, expected {expected}"
        )


def time_baseline(csv_path: Path, db_path: Path, rows: int) -> float:
    remove_sqlite(db_path)
    counted: list[int] = []
    seconds = time_call(lambda: counted.append(baseline_load(csv_path, db_path)))
    if counted != [rows]:
        raise AssertionError(f"baseline inserted {counted}, expected {rows}")
    remove_sqlite(db_path)
    return seconds


def time_import_pair(csv_path: Path, db_path: Path, rows: int) -> tuple[float, float]:
    """Seconds of the first import and of the re-import, on one fresh database."""
    engine = fresh_engine(db_path)
    try:
        reports: list[Any] = []
        first = time_call(lambda: reports.append(import_file(engine, csv_path)))
        check_import(reports[-1], rows, first=True)
        again = time_call(lambda: reports.append(import_file(engine, csv_path)))
        check_import(reports[-1], rows, first=False)
    finally:
        engine.dispose()
        remove_sqlite(db_path)
    return first, again


def measure(csv_path: Path, rows: int, repeat: int, work: Path) -> Samples:
    """Baseline, import and re-import, interleaved so that drifting load hits all three."""
    samples = Samples([], [], [])
    for i in range(repeat):
        samples.baseline.append(time_baseline(csv_path, work / "baseline.db", rows))
        first, again = time_import_pair(csv_path, work / "import.db", rows)
        samples.imports.append(first)
        samples.reimports.append(again)
        log(
            f"I1 run {i + 1}/{repeat}: baseline {samples.baseline[-1]:.2f}s, "
            f"import {first:.2f}s, re-import {again:.2f}s"
        )
    return samples


def summarize(rows: int, samples: Samples) -> dict[str, Any]:
    baseline, first, again = (
        median(samples.baseline),
        median(samples.imports),
        median(samples.reimports),
    )
    ratios = {"import_ratio": first / baseline, "reimport_ratio": again / first}
    return {
        "figure": "I1",
        "rows": rows,
        "repeat": len(samples.imports),
        "baseline_s": round(baseline, 3),
        "import_s": round(first, 3),
        "reimport_s": round(again, 3),
        **{name: round(value, 3) for name, value in ratios.items()},
        "targets": TARGETS,
        "met": {name: ratios[name] <= TARGETS[name] for name in TARGETS},
        "samples": {
            "baseline_s": [round(s, 3) for s in samples.baseline],
            "import_s": [round(s, 3) for s in samples.imports],
            "reimport_s": [round(s, 3) for s in samples.reimports],
        },
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows in the file")
    parser.add_argument("--seed", type=int, default=SEED, help="generator seed")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The I1 figure as a JSON-ready dict."""
    csv_path = journeys_csv(args.rows, args.seed)
    with tempfile.TemporaryDirectory(prefix="i1-", dir=csv_path.parent) as tmp:
        samples = measure(csv_path, args.rows, args.repeat, Path(tmp))
    return summarize(args.rows, samples)
