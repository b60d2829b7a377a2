"""Work the report figures run in a fresh process, so its time and peak memory are its own.

    python -m benchmarks.worker load URL CSV [ROWS]   import a journeys CSV into URL
    python -m benchmarks.worker rawcopy SQLITE DUCKDB copy the journeys' report columns
    python -m benchmarks.worker pandas SQLITE QUARTER the pandas approach
    python -m benchmarks.worker pages URL QUARTER     what the app's pages compute

Each prints one JSON object on stdout, with ``maxrss_mb`` (the process's RSS high-water
mark, ``getrusage``) and ``start_rss_mb`` (the same mark once the imports are done).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TODAY = dt.date(2026, 4, 1)


def maxrss_mb() -> float:
    """Peak RSS of this process in MiB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(steps: dict[str, float], name: str, func: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = func()
    steps[name] = round(time.perf_counter() - start, 4)
    return value


# --- load ------------------------------------------------------------------------------------


def _finish_load(engine: Any) -> None:
    """Make the database file self-contained (SQLite, DuckDB) or planned (PostgreSQL)."""
    from sqlalchemy import text

    statement = {
        "sqlite": "PRAGMA wal_checkpoint(TRUNCATE)",
        "duckdb": "CHECKPOINT",
        "postgresql": "ANALYZE",
    }[engine.dialect.name]
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("COMMIT"))
        conn.execute(text(statement))


def csv_chunks(data: bytes, rows: int) -> list[bytes]:
    """The CSV cut into files of at most ``rows`` data rows, each with the header."""
    header_end = data.index(b"\n") + 1
    header, chunks, start = data[:header_end], [], header_end
    while start < len(data):
        end = start
        for _ in range(rows):
            end = data.find(b"\n", end) + 1
            if end == 0:
                end = len(data)
                break
        chunks.append(header + data[start:end])
        start = end
    return chunks


def load(url: str, csv_path: str, chunk_rows: str = "0") -> dict[str, Any]:
    """Import the CSV into a new database with the product's schema; with ``chunk_rows``,
    as several uploads of at most that many rows each (the upload size limit)."""
    from smarketing_data.config import Settings
    from smarketing_data.db import init_schema, make_engine
    from smarketing_data.ingest import FileInput, ingest

    start_rss = maxrss_mb()
    engine = make_engine(url)
    init_schema(engine)
    start = time.perf_counter()
    data = Path(csv_path).read_bytes()
    files = csv_chunks(data, int(chunk_rows)) if int(chunk_rows) else [data]
    del data
    inserted = rejected = 0
    uploads_s: list[float] = []
    while files:
        began = time.perf_counter()
        name = f"{Path(csv_path).stem}_{len(uploads_s) + 1}.csv"
        report = ingest(engine, [FileInput(name, files.pop(0))], Settings()).files[0]
        inserted, rejected = inserted + report.inserted, rejected + report.rejected
        uploads_s.append(round(time.perf_counter() - began, 2))
    seconds = time.perf_counter() - start
    _finish_load(engine)
    engine.dispose()
    return {
        "seconds": round(seconds, 2),
        "uploads_s": uploads_s,
        "inserted": inserted,
        "rejected": rejected,
        "start_rss_mb": start_rss,
        "maxrss_mb": maxrss_mb(),
    }


# --- raw copy --------------------------------------------------------------------------------

RAW_COLUMNS = [
    *(f"reach_{s}_at" for s in ("lead", "mql", "sal", "sql", "opp", "won")),
    "campaign_id",
    "rep_id",
    "amount",
    "won_amount",
]


def rawcopy(sqlite_path: str, duckdb_path: str) -> dict[str, Any]:
    """The journeys' report columns from the SQLite database into a new DuckDB table."""
    import sqlite3

    import duckdb
    import pandas as pd

    start = time.perf_counter()
    source = sqlite3.connect(sqlite_path)
    target = duckdb.connect(duckdb_path)
    rows = 0
    query = f"SELECT {', '.join(RAW_COLUMNS)} FROM journeys"
    for chunk in pd.read_sql(query, source, chunksize=500_000):
        for col in RAW_COLUMNS[:6]:
            chunk[col] = pd.to_datetime(chunk[col], format="ISO8601").astype("datetime64[us]")
        target.register("chunk", chunk)
        if rows == 0:
            target.execute("CREATE TABLE journeys AS SELECT * FROM chunk")
        else:
            target.execute("INSERT INTO journeys SELECT * FROM chunk")
        target.unregister("chunk")
        rows += len(chunk)
    target.execute("CHECKPOINT")
    target.close()
    source.close()
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "rows": rows,
        "maxrss_mb": maxrss_mb(),
    }


# --- pandas approach -------------------------------------------------------------------------


def pandas_run(sqlite_path: str, quarter_label: str) -> dict[str, Any]:
    """Read the table into pandas and compute the report set's numbers; time both parts."""
    from benchmarks.pandas_approach import numbers, read_journeys
    from benchmarks.report_numbers import Bounds
    from smarketing_data.metrics.quarters import parse_quarter

    q = parse_quarter(quarter_label)
    bounds = Bounds(q.previous().start, q.start, q.end)
    start_rss = maxrss_mb()
    steps: dict[str, float] = {}
    frame = timed(steps, "read_s", lambda: read_journeys(Path(sqlite_path)))
    result = timed(steps, "group_s", lambda: numbers(frame, bounds))
    return {
        "seconds": round(steps["read_s"] + steps["group_s"], 4),
        **steps,
        "rows": len(frame),
        "start_rss_mb": start_rss,
        "maxrss_mb": maxrss_mb(),
        "numbers": result.to_json(),
    }


# --- the app's pages -------------------------------------------------------------------------


def _page_steps(engine: Any, q: Any) -> dict[str, Callable[[], Any]]:
    """What the app's pages compute for quarter ``q`` (``ui/data.py`` and ``app_pages/*.py``), in
    page order; each computation once, as the app caches it per server process."""
    from smarketing_data.config import Settings
    from smarketing_data.definitions import current_definitions, definition_history
    from smarketing_data.demo import sample_upload_ids
    from smarketing_data.metrics import drill, followup, referral, spend, velocity
    from smarketing_data.metrics.channels import channel_rollup
    from smarketing_data.metrics.funnel import kpis
    from smarketing_data.metrics.goals import goals_set, load_goals, load_targets
    from smarketing_data.metrics.highlights import highlights
    from smarketing_data.metrics.report_set import build_report_set
    from smarketing_data.metrics.reports import ReportOptions, default_quarter, quarters_with_data
    from smarketing_data.stages import STAGES
    from smarketing_data.uploads import list_uploads

    as_of = dt.datetime.combine(TODAY, dt.time())
    state: dict[str, Any] = {}

    def report() -> Any:
        state["report"] = build_report_set(engine, quarter=q, options=ReportOptions())
        return state["report"]

    def overview() -> Any:
        r = state["report"]
        return kpis(r.activity, r.previous), highlights(r)

    def campaign_spend() -> Any:
        state["spend"] = spend.campaign_spend(engine, quarter=q, today=TODAY)
        return channel_rollup(state["report"].campaign_counts, state["spend"])

    def campaign() -> str:
        counts = state["report"].campaign_counts
        return str(counts.sort_values("mql", ascending=False)["id"].iloc[0])

    def rep() -> str:
        cohorts = state["report"].rep_cohorts
        return str(cohorts.sort_values("cohort", ascending=False)["id"].iloc[0])

    def journeys(**who: Any) -> Any:
        """The drill's two reads: the count (a one-row page), then the first page of 50."""
        return (
            drill.journeys_page(engine, quarter=q, offset=0, limit=1, **who),
            drill.journeys_page(engine, quarter=q, offset=0, limit=50, **who),
        )

    return {
        "quarters_with_data": lambda: quarters_with_data(engine),
        "default_quarter": lambda: default_quarter(engine, today=TODAY),
        "sample_upload_ids": lambda: sample_upload_ids(engine),
        "build_report_set": report,
        "overview_kpis_highlights": overview,
        "campaign_spend_channels": campaign_spend,
        "campaign_funnel_by_quarter": lambda: drill.campaign_funnel_by_quarter(
            engine, campaign_id=campaign()
        ),
        "journeys_page_campaign": lambda: journeys(campaign_id=campaign()),
        "rep_funnel_by_quarter": lambda: drill.rep_funnel_by_quarter(engine, rep_id=rep()),
        "journeys_page_rep": lambda: journeys(rep_id=rep()),
        "stage_velocity": lambda: velocity.stage_velocity(engine, quarter=q, base="mql"),
        "fastest_customers": lambda: velocity.fastest_customers(engine, quarter=q),
        "followup_summary": lambda: followup.followup_summary(
            engine, quarter=q, sla_hours=Settings().followup_sla_hours, as_of=as_of
        ),
        "referral_comparison": lambda: referral.referral_comparison(engine, quarter=q),
        "goals_and_definitions": lambda: (
            load_goals(engine, quarter=q.label),
            goals_set(engine),
            load_targets(engine, quarter=q.label),
            current_definitions(engine),
            [definition_history(engine, stage=s) for s in STAGES],
        ),
        "list_uploads": lambda: list_uploads(engine),
    }


def pages(url: str, quarter_label: str) -> dict[str, Any]:
    """Compute every page's numbers once; the seconds of each and the peak RSS."""
    from smarketing_data.db import make_engine
    from smarketing_data.metrics.quarters import parse_quarter

    engine = make_engine(url)
    q = parse_quarter(quarter_label)
    todo = _page_steps(engine, q)
    start_rss = maxrss_mb()
    steps: dict[str, float] = {}
    after: dict[str, float] = {}
    for name, func in todo.items():
        timed(steps, name, func)
        after[name] = maxrss_mb()
    engine.dispose()
    return {
        "seconds": round(sum(steps.values()), 4),
        "steps_s": steps,
        "maxrss_after_mb": after,
        "start_rss_mb": start_rss,
        "maxrss_mb": maxrss_mb(),
    }


COMMANDS: dict[str, Callable[..., dict[str, Any]]] = {
    "load": load,
    "rawcopy": rawcopy,
    "pandas": pandas_run,
    "pages": pages,
}


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in COMMANDS:
        raise SystemExit(__doc__)
    print(json.dumps(COMMANDS[argv[0]](*argv[1:])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
