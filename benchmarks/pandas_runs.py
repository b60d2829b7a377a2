"""Running the pandas approach (``benchmarks.pandas_approach``) for R1 and M1: each run in a
fresh subprocess, measured where it fits, estimated by its per-row rate where it does not.

At 5M journeys the whole table in pandas takes several GB and minutes, so above
``--pandas-max-rows`` the figures measure it at that size and scale: time in proportion to
the rows, memory as the interpreter's RSS after imports plus the rest in proportion to rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.common import log, median
from benchmarks.report_data import ensure_loaded, run_worker, sqlite_path
from benchmarks.report_numbers import Numbers

DEFAULT_MAX_ROWS = 1_000_000


@dataclass
class PandasResult:
    """The pandas approach at one size: measured (``rows`` = the size) or estimated."""

    rows: int
    measured_rows: int
    seconds: float
    read_s: float
    group_s: float
    maxrss_mb: float
    start_rss_mb: float
    samples_s: list[float] = field(default_factory=list)
    numbers: Numbers | None = None

    @property
    def measured(self) -> bool:
        return self.rows == self.measured_rows

    def to_json(self) -> dict[str, Any]:
        return {
            "measured": self.measured,
            "measured_at_journeys": self.measured_rows,
            "seconds": round(self.seconds, 3),
            "read_s": round(self.read_s, 3),
            "group_s": round(self.group_s, 3),
            "maxrss_mb": round(self.maxrss_mb, 1),
            "start_rss_mb": self.start_rss_mb,
            "samples_s": [round(s, 3) for s in self.samples_s],
        }


def measure(rows: int, quarter: str, repeat: int) -> PandasResult:
    """The pandas approach on the N-journey SQLite database, ``repeat`` fresh processes."""
    ensure_loaded("sqlite", rows)
    runs = []
    for i in range(repeat):
        runs.append(run_worker("pandas", str(sqlite_path(rows)), quarter))
        log(
            f"pandas {rows:,} run {i + 1}/{repeat}: {runs[-1]['seconds']:.2f}s "
            f"(read {runs[-1]['read_s']:.2f}s), peak RSS {runs[-1]['maxrss_mb']:.0f} MB"
        )
    pick = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return PandasResult(
        rows=rows,
        measured_rows=rows,
        seconds=median([r["seconds"] for r in runs]),
        read_s=median([r["read_s"] for r in runs]),
        group_s=median([r["group_s"] for r in runs]),
        maxrss_mb=max(r["maxrss_mb"] for r in runs),
        start_rss_mb=pick["start_rss_mb"],
        samples_s=[r["seconds"] for r in runs],
        numbers=Numbers.from_json(pick["numbers"]),
    )


def estimate(rows: int, reference: PandasResult) -> PandasResult:
    """The pandas approach at ``rows`` from a measurement at fewer rows, by per-row rate."""
    scale = rows / reference.measured_rows
    grown = (reference.maxrss_mb - reference.start_rss_mb) * scale
    return PandasResult(
        rows=rows,
        measured_rows=reference.measured_rows,
        seconds=reference.seconds * scale,
        read_s=reference.read_s * scale,
        group_s=reference.group_s * scale,
        maxrss_mb=reference.start_rss_mb + grown,
        start_rss_mb=reference.start_rss_mb,
    )


class PandasRuns:
    """Measurements of one figure run, reused for the estimates at larger sizes."""

    def __init__(self, max_rows: int, repeat: int) -> None:
        self.max_rows = max_rows
        self.repeat = repeat
        self.measured: dict[int, PandasResult] = {}

    def at(self, rows: int, quarter: str) -> PandasResult:
        if rows <= self.max_rows:
            if rows not in self.measured:
                self.measured[rows] = measure(rows, quarter, self.repeat)
            return self.measured[rows]
        below = [n for n in self.measured if n <= self.max_rows]
        if not below:
            from benchmarks.report_data import busiest_quarter

            reference_quarter = busiest_quarter(ensure_loaded("sqlite", self.max_rows))
            self.measured[self.max_rows] = measure(self.max_rows, reference_quarter, 1)
            below = [self.max_rows]
        reference = self.measured[max(below)]
        log(f"pandas at {rows:,}: estimated from {reference.rows:,} journeys")
        return estimate(rows, reference)
