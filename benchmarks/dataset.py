"""The export files the figures load, made once with the package's generator and cached."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from benchmarks.common import WORK_DIR, log

SEED = 42
# A fixed "today" keeps the cached file identical from one run to the next.
TODAY = dt.date(2026, 4, 1)


def journeys_csv_path(rows: int, seed: int = SEED) -> Path:
    return WORK_DIR / f"journeys_{rows}_seed{seed}_{TODAY.isoformat()}.csv"


def first_rows(data: bytes, rows: int) -> bytes:
    """The header and the first ``rows`` data rows of a CSV whose rows hold no line breaks."""
    end = -1
    for _ in range(rows + 1):
        end = data.find(b"\n", end + 1)
        if end < 0:
            raise ValueError(f"the CSV has fewer than {rows} data rows")
    return data[: end + 1]


def journeys_csv(rows: int, seed: int = SEED) -> Path:
    """Path of a canonical journeys CSV with exactly ``rows`` data rows (generated if absent)."""
    path = journeys_csv_path(rows, seed)
    if path.exists():
        return path
    from smarketing_data.sample import canonical_csv, generate

    log(f"generating {rows:,} journeys (seed {seed}) into {path.name}")
    data = first_rows(canonical_csv(generate(rows, seed=seed, today=TODAY)), rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
