"""C1 (SPEC §7): the command line answering ``--help``, ``quarters`` and ``uploads`` against a
bare ``python -c "import sqlalchemy"``.

Each command runs in a fresh interpreter (as a person or a cron job runs it) on a SQLite
database holding one upload of ``--journeys`` generated journeys. Each repetition runs the
baseline and the three commands one after the other, so drifting load hits all four; a first
untimed round warms the file cache. The figure is each command's median over the baseline's.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import PROJECT_ROOT, log, median, remove_sqlite, time_call
from benchmarks.dataset import SEED, journeys_csv

TARGET = 1.5
BASELINE = ("-c", "import sqlalchemy")


def commands(db_url: str) -> dict[str, tuple[str, ...]]:
    """The timed command lines (arguments after the interpreter), by name."""
    cli = ("-m", "smarketing_data")
    return {
        "help": (*cli, "--help"),
        "quarters": (*cli, "quarters", "--db", db_url),
        "uploads": (*cli, "uploads", "--db", db_url),
    }


def run_python(args: tuple[str, ...]) -> str:
    """Run the interpreter with ``args`` from the project root; its stdout. A failing command
    fails the figure rather than timing an error message."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def load_database(db_path: Path, journeys: int, seed: int) -> str:
    """A fresh SQLite database with one upload of the generated journeys; its URL."""
    from smarketing_data.config import Settings
    from smarketing_data.db import init_schema, make_engine
    from smarketing_data.ingest import FileInput, ingest

    remove_sqlite(db_path)
    csv_path = journeys_csv(journeys, seed)
    url = f"sqlite:///{db_path}"
    engine = make_engine(url)
    try:
        init_schema(engine)
        ingest(engine, [FileInput(csv_path.name, csv_path.read_bytes())], Settings())
    finally:
        engine.dispose()
    return url


def check_outputs(db_url: str) -> None:
    """The commands answer from data: quarters are listed and the upload is there."""
    timed = commands(db_url)
    if "no data yet" in run_python(timed["quarters"]):
        raise AssertionError("quarters found no data in the benchmark database")
    if "no uploads yet" in run_python(timed["uploads"]):
        raise AssertionError("uploads found no upload in the benchmark database")


def measure(db_url: str, repeat: int) -> dict[str, list[float]]:
    """Seconds of every run of the baseline and of each command."""
    timed = {"baseline": BASELINE, **commands(db_url)}
    for args in timed.values():  # warm-up, untimed
        run_python(args)
    samples: dict[str, list[float]] = {name: [] for name in timed}
    for i in range(repeat):
        for name, args in timed.items():
            samples[name].append(time_call(lambda args=args: run_python(args)))
        shown = ", ".join(f"{name} {s[-1] * 1000:.0f} ms" for name, s in samples.items())
        log(f"C1 run {i + 1}/{repeat}: {shown}")
    return samples


def summarize(journeys: int, samples: dict[str, list[float]]) -> dict[str, Any]:
    medians = {name: median(values) for name, values in samples.items()}
    ratios = {
        f"{name}_ratio": medians[name] / medians["baseline"]
        for name in medians
        if name != "baseline"
    }
    return {
        "figure": "C1",
        "journeys": journeys,
        "repeat": len(samples["baseline"]),
        **{f"{name}_ms": round(value * 1000, 1) for name, value in medians.items()},
        **{name: round(value, 3) for name, value in ratios.items()},
        "target": TARGET,
        "met": {name: value <= TARGET for name, value in ratios.items()},
        "samples_ms": {
            name: [round(s * 1000, 1) for s in values] for name, values in samples.items()
        },
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--journeys", type=int, default=10_000, help="journeys in the database's one upload"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="generator seed")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The C1 figure as a JSON-ready dict."""
    csv_dir = journeys_csv(args.journeys, args.seed).parent
    with tempfile.TemporaryDirectory(prefix="c1-", dir=csv_dir) as tmp:
        db_url = load_database(Path(tmp) / "c1.db", args.journeys, args.seed)
        check_outputs(db_url)
        samples = measure(db_url, args.repeat)
    return summarize(args.journeys, samples)
