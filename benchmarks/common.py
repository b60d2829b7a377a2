"""Shared pieces of every figure: median timing, machine description, JSON output."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / "work"
RESULTS_DIR = BENCH_DIR / "results"
PACKAGES = ("pandas", "numpy", "pyarrow", "sqlalchemy", "duckdb")


@dataclass
class Timer:
    """Wall-clock seconds of one block: ``with Timer() as t: ...`` then ``t.seconds``."""

    seconds: float = 0.0
    _start: float = 0.0

    def __enter__(self) -> Timer:
        gc.collect()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def time_call(func: Callable[[], object]) -> float:
    """Seconds one call of ``func`` takes (a full collection first, so garbage is not billed)."""
    with Timer() as timer:
        func()
    return timer.seconds


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def median_of(func: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """Median and every sample of ``repeat`` timed calls of ``func``."""
    samples = [time_call(func) for _ in range(repeat)]
    return median(samples), samples


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the JSON."""
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def write_json(result: dict[str, Any], out: Path) -> None:
    """Write ``result`` with the machine description, atomically (a .tmp file renamed)."""
    payload = {**result, "machine": machine_info()}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)


def remove_sqlite(path: Path) -> None:
    """Delete a SQLite database file and its WAL/journal companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
