"""The loaded databases the report figures (R1, R2, M1) read, one per engine and journey count.

Each is loaded once with the product's import (``ingest`` of the canonical journeys CSV of
``benchmarks.dataset``) in a subprocess, and kept between runs:

- SQLite and DuckDB: ``benchmarks/work/reports/app_<N>.db`` / ``app_<N>.duckdb``, written
  under a temporary name and renamed once complete;
- PostgreSQL: schema ``bench_r_<N>``, dropped and reloaded only when its journey count is
  not N;
- the raw DuckDB copy for R1's hand-written GROUP BY: ``raw_<N>.duckdb`` (the journeys'
  stage dates, campaign, rep and amounts, copied from the SQLite database).

How long each load took (and its peak RSS) is kept in ``benchmarks/work/reports/loads.json``
so that later runs can report it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import PROJECT_ROOT, WORK_DIR, log, remove_sqlite
from benchmarks.dataset import TODAY, journeys_csv

REPORT_WORK = WORK_DIR / "reports"
LOADS_FILE = REPORT_WORK / "loads.json"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ENGINES = ("sqlite", "duckdb", "postgresql")
# Larger datasets are loaded as several uploads of this many rows: a 1M-row canonical CSV is
# about 160 MB, under the app's default upload limit (200 MB), which a 5M-row file is not.
UPLOAD_ROWS = 1_000_000


def run_worker(*args: str) -> dict[str, Any]:
    """Run ``benchmarks.worker`` in a fresh interpreter and return its JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {args[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- load records ----------------------------------------------------------------------------


def load_records() -> dict[str, Any]:
    if not LOADS_FILE.exists():
        return {}
    records: dict[str, Any] = json.loads(LOADS_FILE.read_text(encoding="utf-8"))
    return records


def record_load(key: str, result: dict[str, Any]) -> None:
    records = load_records()
    records[key] = {**result, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    REPORT_WORK.mkdir(parents=True, exist_ok=True)
    LOADS_FILE.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")


def load_info(key: str) -> dict[str, Any] | None:
    """What the load of a cached database took when it was made (None if unknown)."""
    info: dict[str, Any] | None = load_records().get(key)
    return info


# --- engines and their URLs ------------------------------------------------------------------


def sqlite_path(rows: int) -> Path:
    return REPORT_WORK / f"app_{rows}.db"


def duckdb_path(rows: int) -> Path:
    return REPORT_WORK / f"app_{rows}.duckdb"


def raw_duckdb_path(rows: int) -> Path:
    return REPORT_WORK / f"raw_{rows}.duckdb"


def pg_schema(rows: int) -> str:
    return f"bench_r_{rows}"


def url(engine: str, rows: int, path: Path | None = None) -> str:
    if engine == "sqlite":
        return f"sqlite:///{path or sqlite_path(rows)}"
    if engine == "duckdb":
        return f"duckdb:///{path or duckdb_path(rows)}"
    return f"{PG_URL}?options=-csearch_path%3D{pg_schema(rows)}"


def journey_count(engine_url: str) -> int | None:
    """Rows in ``journeys`` (None when the database or table is not there)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(engine_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM journeys")).scalar_one())
    except Exception:  # a missing table or schema means "not loaded"
        return None
    finally:
        engine.dispose()


# --- loading ---------------------------------------------------------------------------------


def _load(engine: str, rows: int, target_url: str) -> dict[str, Any]:
    csv_path = journeys_csv(rows)
    chunk = UPLOAD_ROWS if rows > UPLOAD_ROWS else 0
    log(
        f"loading {rows:,} journeys into {engine} (ingest in a subprocess"
        + (f", uploads of {chunk:,} rows)" if chunk else ")")
    )
    result = run_worker("load", target_url, str(csv_path), str(chunk))
    if result["inserted"] != rows or result["rejected"]:
        raise AssertionError(f"{engine} load of {rows:,}: {result}")
    log(
        f"{engine} {rows:,}: loaded in {result['seconds']:.1f}s, "
        f"peak RSS {result['maxrss_mb']:.0f} MB"
    )
    record_load(f"{engine}-{rows}", result)
    return result


def _file_database(engine: str, rows: int, final: Path) -> Path:
    if final.exists() and journey_count(url(engine, rows, final)) == rows:
        return final
    tmp = final.with_name(final.name + ".loading")
    remove_sqlite(tmp)
    Path(f"{tmp}.wal").unlink(missing_ok=True)
    _load(engine, rows, url(engine, rows, tmp))
    remove_sqlite(final)
    tmp.replace(final)
    for suffix in ("-wal", "-shm", ".wal"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return final


def _pg_admin(statement: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def _pg_database(rows: int) -> None:
    if journey_count(url("postgresql", rows)) == rows:
        return
    schema = pg_schema(rows)
    _pg_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    _pg_admin(f'CREATE SCHEMA "{schema}"')
    _load("postgresql", rows, url("postgresql", rows))
    if journey_count(url("postgresql", rows)) != rows:
        raise AssertionError(f"PostgreSQL schema {schema} does not hold {rows:,} journeys")


def ensure_loaded(engine: str, rows: int) -> str:
    """The URL of a database of ``engine`` holding the N-journey dataset (loaded if needed)."""
    REPORT_WORK.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        _file_database(engine, rows, sqlite_path(rows))
    elif engine == "duckdb":
        _file_database(engine, rows, duckdb_path(rows))
    elif engine == "postgresql":
        _pg_database(rows)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    return url(engine, rows)


def ensure_raw_duckdb(rows: int) -> Path:
    """The DuckDB copy of the journeys' report columns (made from the SQLite database)."""
    final = raw_duckdb_path(rows)
    if final.exists() and journey_count(f"duckdb:///{final}") == rows:
        return final
    ensure_loaded("sqlite", rows)
    tmp = final.with_name(final.name + ".loading")
    tmp.unlink(missing_ok=True)
    log(f"copying {rows:,} journeys into {final.name}")
    result = run_worker("rawcopy", str(sqlite_path(rows)), str(tmp))
    if result["rows"] != rows:
        raise AssertionError(f"raw copy: {result}")
    tmp.replace(final)
    record_load(f"raw-duckdb-{rows}", result)
    return final


def busiest_quarter(engine_url: str) -> str:
    """The complete quarter (ended by the data's "today") with the most MQLs, by the rollups."""
    from sqlalchemy import create_engine, text

    from smarketing_data.metrics.quarters import quarter_of

    sql = "SELECT month, sum(n) FROM agg_activity_campaign WHERE stage = 'mql' GROUP BY month"
    engine = create_engine(engine_url)
    try:
        with engine.connect() as conn:
            months = conn.execute(text(sql)).all()
    finally:
        engine.dispose()
    totals: dict[Any, int] = {}
    for month, n in months:
        q = quarter_of(dt.date.fromisoformat(str(month)[:10]))
        totals[q] = totals.get(q, 0) + int(n)
    complete = {q: n for q, n in totals.items() if q.end <= TODAY}
    return max(complete, key=lambda q: (complete[q], q)).label
