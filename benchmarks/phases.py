"""Where the import spends its time: I1's import and re-import, broken down by phase.

The package's functions are wrapped in place for the run (module attributes swapped and put
back afterwards), so the breakdown comes from a real ``ingest`` call. Times are inclusive
wall-clock seconds; a phase is listed under the phase that called it. ``--cprofile`` adds
the functions with the most own time (cProfile slows the run, so those seconds are larger).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import log
from benchmarks.dataset import SEED, journeys_csv
from benchmarks.import_bench import check_import, fresh_engine, import_file

# (module, attribute) pairs wrapped for the breakdown; labels are the attribute names. Pairs
# the package does not (or no longer) define are skipped.
WRAPPED = (
    ("smarketing_data.ingest.pipeline", "prepare_file"),
    ("smarketing_data.ingest.pipeline", "read_table"),
    ("smarketing_data.ingest.read", "_read_text"),
    ("smarketing_data.ingest.read", "_parse_csv"),
    ("smarketing_data.ingest.read", "_shape"),
    ("smarketing_data.ingest.pipeline", "_match"),
    ("smarketing_data.ingest.pipeline", "map_records"),
    ("smarketing_data.ingest.mapping", "parse_fields"),
    ("smarketing_data.ingest.mapping", "_parse_field"),
    ("smarketing_data.ingest.mapping", "_invalid_reason"),
    ("smarketing_data.ingest.mapping", "parse_datetimes"),
    ("smarketing_data.ingest.mapping", "parse_amounts"),
    ("smarketing_data.ingest.mapping", "parse_booleans"),
    ("smarketing_data.ingest.mapping", "clean_text"),
    ("smarketing_data.ingest.mapping", "_ids"),
    ("smarketing_data.ingest.mapping", "normalize_channel"),
    ("smarketing_data.ingest.mapping", "_lead_records"),
    ("smarketing_data.ingest.mapping", "_stage_order_errors"),
    ("smarketing_data.ingest.mapping", "_keys"),
    ("smarketing_data.ingest.mapping", "_key_list"),
    ("smarketing_data.ingest.mapping", "row_hashes"),
    ("smarketing_data.ingest.mapping", "_dedupe"),
    ("smarketing_data.ingest.pipeline", "_write"),
    ("smarketing_data.ingest.pipeline", "apply_records"),
    ("smarketing_data.ingest.store", "existing_hashes"),
    ("smarketing_data.ingest.store", "fetch_rows"),
    ("smarketing_data.ingest.store", "_save_history"),
    ("smarketing_data.ingest.store", "delete_keys"),
    ("smarketing_data.ingest.store", "reached_dates"),
    ("smarketing_data.ingest.store", "bulk_insert"),
    ("smarketing_data.db", "_sqlite_column"),
    ("smarketing_data.ingest.pipeline", "_record_upload"),
    ("smarketing_data.ingest.pipeline", "_record_file"),
    ("smarketing_data.ingest.pipeline", "_has_links"),
    ("smarketing_data.ingest.pipeline", "resolve"),
    ("smarketing_data.ingest.journeys", "resolve_source"),
    ("smarketing_data.ingest.journeys", "_read"),
    ("smarketing_data.ingest.journeys", "link_opportunities"),
    ("smarketing_data.ingest.journeys", "derive_lead_columns"),
    ("smarketing_data.ingest.journeys", "opportunity_journeys"),
    ("smarketing_data.ingest.journeys", "_replace_opportunity_journeys"),
    ("smarketing_data.ingest.journeys", "bulk_insert"),
    ("smarketing_data.rollups", "normalise"),
    ("smarketing_data.ingest.pipeline", "apply_changes"),
    ("smarketing_data.rollups", "deltas"),
    ("smarketing_data.rollups", "activity_delta"),
    ("smarketing_data.rollups", "cohort_delta"),
    ("smarketing_data.rollups", "_net"),
    ("smarketing_data.rollups", "bulk_insert"),
    ("smarketing_data.rollups", "_compact"),
    ("smarketing_data.ingest.pipeline", "bump_data_version"),
)


@dataclass
class Phases:
    """Inclusive seconds and call counts per call path (caller phases, then the phase)."""

    seconds: dict[tuple[str, ...], float] = field(default_factory=dict)
    calls: dict[tuple[str, ...], int] = field(default_factory=dict)
    stack: list[str] = field(default_factory=list)
    order: dict[tuple[str, ...], int] = field(default_factory=dict)

    def record(self, path: tuple[str, ...], seconds: float) -> None:
        self.seconds[path] = self.seconds.get(path, 0.0) + seconds
        self.calls[path] = self.calls.get(path, 0) + 1

    def wrap(self, func: Callable[..., Any], label: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.stack.append(label)
            path = tuple(self.stack)
            self.order.setdefault(path, len(self.order))
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.record(path, time.perf_counter() - start)
                self.stack.pop()

        return timed

    def rows(self, total: float) -> list[dict[str, Any]]:
        """One entry per call path in the order first entered, with its share of ``total``."""
        return [
            {
                "phase": "/".join(path),
                "depth": len(path) - 1,
                "calls": self.calls[path],
                "seconds": round(seconds, 3),
                "share": round(seconds / total, 3),
            }
            for path, seconds in sorted(
                self.seconds.items(), key=lambda item: self.order.get(item[0], -1)
            )
        ]


def _timed_transaction(phases: Phases, original: Callable[..., Any]) -> Callable[..., Any]:
    """write_transaction, with the time of its commit recorded as the phase 'commit'."""

    @contextmanager
    def transaction(engine: Any) -> Iterator[Any]:
        manager = original(engine)
        conn = manager.__enter__()
        try:
            yield conn
        except BaseException:
            if not manager.__exit__(*sys.exc_info()):
                raise
            return
        start = time.perf_counter()
        manager.__exit__(None, None, None)
        phases.record(("commit",), time.perf_counter() - start)

    return transaction


@contextmanager
def instrumented(phases: Phases) -> Iterator[None]:
    """Swap the WRAPPED functions (and write_transaction) for timed ones, then restore them."""
    import importlib

    swapped: list[tuple[Any, str, Any]] = []
    targets = [*WRAPPED, ("smarketing_data.ingest.pipeline", "write_transaction")]
    for module_name, attr in targets:
        module = importlib.import_module(module_name)
        original = getattr(module, attr, None)
        if callable(original):
            swapped.append((module, attr, original))
    try:
        for module, attr, original in swapped:
            wrapper = (
                _timed_transaction(phases, original)
                if attr == "write_transaction"
                else phases.wrap(original, attr)
            )
            setattr(module, attr, wrapper)
        yield
    finally:
        for module, attr, original in reversed(swapped):
            setattr(module, attr, original)


def _profile_top(profile: cProfile.Profile, limit: int) -> list[str]:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(limit)
    return [line for line in out.getvalue().splitlines() if line.strip()]


def breakdown(
    engine: Any, csv_path: Path, rows: int, *, first: bool, profile_limit: int
) -> dict[str, Any]:
    """One import of the file, timed by phase (and by function when profile_limit > 0)."""
    phases = Phases()
    profile = cProfile.Profile() if profile_limit else None
    with instrumented(phases):
        start = time.perf_counter()
        if profile:
            profile.enable()
        report = import_file(engine, csv_path)
        if profile:
            profile.disable()
        total = time.perf_counter() - start
    check_import(report, rows, first=first)
    result: dict[str, Any] = {"total_s": round(total, 3), "phases": phases.rows(total)}
    if profile:
        result["cprofile_top"] = _profile_top(profile, profile_limit)
    return result


def print_breakdown(name: str, result: dict[str, Any]) -> None:
    print(f"{name}: {result['total_s']:.2f}s", file=sys.stderr)
    for row in result["phases"]:
        indent = "  " * (row["depth"] + 1)
        label = row["phase"].rsplit("/", 1)[-1]
        print(
            f"{indent}{label:<28}{row['seconds']:>8.2f}s {row['share']:>6.1%} x{row['calls']}",
            file=sys.stderr,
        )
    for line in result.get("cprofile_top", []):
        print(f"    {line}", file=sys.stderr)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows in the file")
    parser.add_argument("--seed", type=int, default=SEED, help="generator seed")
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        metavar="N",
        help="also profile with cProfile and keep the N slowest functions",
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    """I1's import and re-import once each, broken down by phase (no repetition)."""
    csv_path = journeys_csv(args.rows, args.seed)
    result: dict[str, Any] = {"figure": "I1-phases", "rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="i1p-", dir=csv_path.parent) as tmp:
        engine = fresh_engine(Path(tmp) / "import.db")
        try:
            for name, first in (("import", True), ("reimport", False)):
                log(f"{name}: timing phases")
                result[name] = breakdown(
                    engine, csv_path, args.rows, first=first, profile_limit=args.cprofile
                )
                print_breakdown(name, result[name])
        finally:
            engine.dispose()
    return result
