"""Faults (SPEC §8): an import killed mid-way leaves the database as it was; two imports and
readers at once lose nothing and never see "database is locked"; an unreachable database gives
one clear line from the CLI (exit 1) and an error page in the app, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, case, create_engine, func, select, text
from streamlit.testing.v1 import AppTest
from test_rollups import assert_rollups_match

from helpers import DATA, files
from smarketing_data import schema
from smarketing_data.config import Settings
from smarketing_data.db import init_schema, make_engine
from smarketing_data.ingest import ingest
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.report_set import build_report_set
from smarketing_data.metrics.reports import quarters_with_data
from smarketing_data.sample import (
    canonical_csv,
    canonical_journeys,
    generate,
    hubspot_files,
    salesforce_files,
)
from smarketing_data.uploads import list_uploads

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
MARKED_CLI = Path(__file__).parent / "faults" / "marked_cli.py"
TODAY = dt.date(2026, 5, 1)
# Big enough that reading and writing each take a second or more, small enough to stay quick.
BIG_ROWS = {"sqlite": 40_000, "postgresql": 25_000}
PROBLEMS = ("database is locked", "Traceback", "deadlock")


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARKETING_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# --- databases and commands ------------------------------------------------------------------


@dataclass
class Target:
    kind: str
    url: str
    engine: Engine
    pg_schema: str | None = None


@contextmanager
def _pg_target(base: str) -> Iterator[Target]:
    """A private schema; its URL names the schema and an application name for pg_stat_activity."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{name}&application_name=faults_{name}"
    eng = make_engine(url)
    init_schema(eng)
    try:
        yield Target("postgresql", url, eng, name)
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> Iterator[Target]:  # type: ignore[no-untyped-def]
    """A database file or a private PostgreSQL schema, reachable by URL from other processes."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'faults.db'}"
        eng = make_engine(url)
        init_schema(eng)
        yield Target("sqlite", url, eng)
        eng.dispose()
        return
    with _pg_target(request.getfixturevalue("pg_available")) as pg:
        yield pg


class Command:
    """`python -m smarketing_data ARGS` in a child process, its output collected as it comes."""

    def __init__(self, *args: str, marked: bool = False) -> None:
        entry = [str(MARKED_CLI)] if marked else ["-m", "smarketing_data"]
        self.args = args
        self.proc = subprocess.Popen(
            [sys.executable, *entry, *args],
            cwd=ROOT,
            env=_child_env(),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._out: list[str] = []
        self._err: list[str] = []
        self._pumps = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for t in self._pumps:
            t.start()

    @staticmethod
    def _pump(stream: Any, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def marks(self) -> list[str]:
        return [line[3:].strip() for line in list(self._err) if line.startswith("@@ ")]

    @property
    def stdout(self) -> str:
        return "".join(self._out)

    @property
    def stderr(self) -> str:
        """What the command itself wrote on stderr (the test's progress marks left out)."""
        return "".join(line for line in self._err if not line.startswith("@@ "))

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                self.finish()
                raise AssertionError(
                    f"the command ended (exit {self.proc.returncode}) before "
                    f"{what}:\n{self.stdout}\n{self.stderr}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s: {self.marks}")
            time.sleep(0.01)

    def finish(self, timeout: float = 120) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(
                f"{' '.join(self.args[:2])} still running after {timeout} s:\n{self.stderr}"
            ) from None
        for t in self._pumps:
            t.join(timeout=10)
        return code

    def problems(self) -> list[str]:
        text = self.stdout + self.stderr
        return [p for p in PROBLEMS if p in text]


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table (raw data, rollups, uploads, history, meta), sorted."""
    out = {}
    with engine.connect() as conn:
        for name, table in schema.metadata.tables.items():
            rows = [tuple(r) for r in conn.execute(select(table)).all()]
            out[name] = sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))
    return out


def journey_ids(engine: Engine) -> set[str]:
    j = schema.journeys
    with engine.connect() as conn:
        return set(conn.execute(select(j.c.journey_id)).scalars())


def upload_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.uploads)).scalar_one())


def _pg_locks(target: Target, relation: str | None = None, mode: str | None = None) -> int:
    """Locks other sessions hold on the tables of the target's schema."""
    sql = (
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = :schema AND l.pid <> pg_backend_pid() AND l.granted"
    )
    params: dict[str, Any] = {"schema": target.pg_schema}
    if relation:
        sql += " AND c.relname = :relation"
        params["relation"] = relation
    if mode:
        sql += " AND l.mode = :mode"
        params["mode"] = mode
    with target.engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def _wal_bytes(target: Target) -> int:
    wal = Path(f"{target.url.removeprefix('sqlite:///')}-wal")
    return wal.stat().st_size if wal.exists() else 0


def _wait(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout} s")
        time.sleep(0.05)


# --- exports ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("exports")

    def canonical(name: str, leads: int, seed: int) -> Path:
        path = folder / name
        path.write_bytes(canonical_csv(generate(leads, seed=seed, today=TODAY)))
        return path

    return {
        "first": canonical("first.csv", 1_500, 11),
        "later": canonical("later.csv", 800, 13),
        "big_sqlite": canonical("big.csv", BIG_ROWS["sqlite"], 12),
        "big_postgresql": canonical("big-pg.csv", BIG_ROWS["postgresql"], 12),
    }


# --- 1. an import killed mid-way ---------------------------------------------------------------


def _in_write_transaction(target: Target, wal_before: int) -> Callable[[], bool]:
    if target.kind == "sqlite":
        # Journeys being inserted: the uncommitted pages pile up in the write-ahead log.
        return lambda: _wal_bytes(target) > wal_before + 3 * 2**20
    return lambda: _pg_locks(target, "journeys", "RowExclusiveLock") > 0


def _kill_at(target: Target, big: Path, moment: str) -> None:
    """Starts importing ``big`` and kills the command with SIGKILL at the given moment."""
    if target.kind == "sqlite":
        with target.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    wal_before = _wal_bytes(target) if target.kind == "sqlite" else 0
    # "writing" watches the real command from outside; the other moments need its progress.
    cmd = Command("ingest", str(big), "--db", target.url, marked=moment != "writing")
    try:
        if moment == "reading":
            cmd.wait_until(
                lambda: any(m.startswith("reading ") for m in cmd.marks), "start of reading"
            )
        elif moment == "writing":
            cmd.wait_until(_in_write_transaction(target, wal_before), "journeys being written")
            time.sleep(0.3)
        else:

            def all_written() -> bool:
                done = [m.split()[1:] for m in cmd.marks if m.startswith("progress ")]
                return any(d == t and d != "0" for d, t in done)

            cmd.wait_until(all_written, "every record written")
        os.kill(cmd.pid, signal.SIGKILL)
    finally:
        cmd.finish()
    assert cmd.proc.returncode == -signal.SIGKILL, (
        f"the import finished before it could be killed {moment}:\n{cmd.stdout}"
    )
    if target.kind == "postgresql":
        # The server notices the lost client and rolls back; nothing may stay locked.
        _wait(lambda: _pg_locks(target) == 0, "end of the killed import's session")


def test_import_killed_midway_leaves_the_database_as_before(target, exports):
    ingest(target.engine, files(exports["first"]), Settings())
    before = dump(target.engine)
    # Early (reading the file, before the transaction), while the journeys are being inserted,
    # and late (every record written; links, rollups and commit still to come).
    for moment in ("reading", "writing", "finishing"):
        _kill_at(target, exports[f"big_{target.kind}"], moment)
        after = dump(target.engine)
        changed = [name for name in before if after[name] != before[name]]
        assert not changed, f"killed while {moment}, these tables changed: {changed}"

    # No stale lock or half-applied state: the next import runs at once and adds up.
    started = time.monotonic()
    ingest(target.engine, files(exports["later"]), Settings())
    assert time.monotonic() - started < 20
    later_ids = set(pd.read_csv(exports["later"], usecols=["journey_id"])["journey_id"])
    before_ids = {row[0] for row in before["journeys"]}
    assert journey_ids(target.engine) == before_ids | later_ids
    assert upload_count(target.engine) == len(before["uploads"]) + 1
    assert_rollups_match(target.engine)


# --- 2. two imports and readers at once --------------------------------------------------------


def _hubspot_ids(exports: dict[str, bytes]) -> set[str]:
    """HubSpot journeys: one per contact, plus one per deal with no contact (SPEC §3 rule 4)."""
    contacts = pd.read_csv(io.BytesIO(exports["hubspot-contacts.csv"]), dtype=str)
    deals = pd.read_csv(io.BytesIO(exports["hubspot-deals.csv"]), dtype=str)
    lone = deals.loc[deals["Associated Contact IDs"].isna(), "Record ID"]
    return {f"hubspot:{i}" for i in contacts["Record ID"]} | {f"hubspot:opp:{i}" for i in lone}


def _write(folder: Path, exports: dict[str, bytes]) -> list[str]:
    folder.mkdir()
    for name, data in exports.items():
        (folder / name).write_bytes(data)
    return [str(folder / name) for name in exports]


def test_two_imports_and_readers_at_once_lose_nothing(target, tmp_path):
    first = generate(500, seed=23, today=TODAY)
    sf_business = generate(3_000, seed=21, today=TODAY)
    hs_business = generate(2_000, seed=22, today=TODAY)
    (tmp_path / "first.csv").write_bytes(canonical_csv(first))
    sf_exports, hs_exports = salesforce_files(sf_business), hubspot_files(hs_business)
    sf_paths, hs_paths = _write(tmp_path / "sf", sf_exports), _write(tmp_path / "hs", hs_exports)
    first_ids = set(canonical_journeys(first)["journey_id"])
    sf_ids = set(canonical_journeys(sf_business)["journey_id"])
    hs_ids = _hubspot_ids(hs_exports)
    assert not first_ids & sf_ids  # the generator's orgs never share ids
    # An upload before, so the imports fold their rollups into existing rows.
    ingest(target.engine, files(tmp_path / "first.csv"), Settings())
    quarter = parse_quarter(sf_business.quarters[-1])
    j = schema.journeys

    stop = threading.Event()
    errors: list[str] = []
    runs: Counter[str] = Counter()

    def uploads_seen() -> None:
        frame = list_uploads(target.engine)
        sizes = sorted(frame.groupby("upload_id").size().tolist())
        # An upload is seen with all its files or not at all.
        assert sizes in ([1], [1, 2], [1, 5], [1, 2, 5]), sizes
        sfdc = func.sum(case((j.c.journey_id.like("sfdc:%"), 1), else_=0))
        hubspot = func.sum(case((j.c.journey_id.like("hubspot:%"), 1), else_=0))
        with target.engine.connect() as conn:
            n_sfdc, n_hubspot = conn.execute(select(sfdc, hubspot)).one()
        # ... and its journeys likewise: all of them or none.
        assert n_sfdc in (len(first_ids), len(first_ids) + len(sf_ids)), n_sfdc
        assert n_hubspot in (0, len(hs_ids)), n_hubspot

    readers: dict[str, Callable[[], object]] = {
        "report": lambda: build_report_set(target.engine, quarter=quarter),
        "quarters": lambda: quarters_with_data(target.engine),
        "uploads": uploads_seen,
    }

    def loop(name: str, read: Callable[[], object]) -> None:
        while True:
            last = stop.is_set()  # one more full pass after the imports have ended
            try:
                read()
            except Exception as exc:  # every failure of a reader is a finding
                errors.append(f"{name}: {type(exc).__name__}: {exc}")
            runs[name] += 1
            if last:
                return

    threads = [threading.Thread(target=loop, args=item, daemon=True) for item in readers.items()]
    for t in threads:
        t.start()
    try:
        imports = [
            Command("ingest", *sf_paths, "--db", target.url),
            Command("ingest", *hs_paths, "--db", target.url),
        ]
        codes = [cmd.finish() for cmd in imports]
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)

    for cmd, code in zip(imports, codes, strict=True):
        assert code == 0, (cmd.args[1], cmd.stderr)
        assert not cmd.problems(), (cmd.args[1], cmd.problems(), cmd.stderr)
    assert not errors, errors[:5]
    assert all(runs[name] >= 2 for name in readers), runs
    got = journey_ids(target.engine)
    assert Counter(i.split(":")[0] for i in got) == {
        "sfdc": len(first_ids) + len(sf_ids),
        "hubspot": len(hs_ids),
    }
    assert got == first_ids | sf_ids | hs_ids
    assert upload_count(target.engine) == 3
    assert_rollups_match(target.engine)


ROLLUPS = ("agg_activity_campaign", "agg_activity_rep", "agg_cohort_campaign", "agg_cohort_rep")


def _data_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == "data_version")
            ).scalar_one()
        )


def test_postgres_imports_reaching_the_rollups_together_lose_nothing(pg_available, tmp_path):
    """Two imports whose writes end at the same moment (lined up by holding the rollup tables
    until both wait) still give rollups equal to a recomputation and one data version each."""
    first, one, two = (
        generate(n, seed=s, today=TODAY) for n, s in ((400, 31), (600, 32), (600, 33))
    )
    paths = {}
    for name, business in (("first", first), ("one", one), ("two", two)):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_bytes(canonical_csv(business))
    expected = set().union(*(set(canonical_journeys(b)["journey_id"]) for b in (first, one, two)))
    with _pg_target(pg_available) as pg:
        ingest(pg.engine, files(paths["first"]), Settings())  # the rollups have rows to fold into
        version = _data_version(pg.engine)
        app_name = f"faults_{pg.pg_schema}"
        waiting = text(
            "SELECT count(DISTINCT l.pid) FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.application_name = :app "
            "AND l.pid <> pg_backend_pid()"
        )

        def both_waiting() -> bool:
            # a fresh transaction each time: pg_stat_activity is a snapshot within one
            with pg.engine.connect() as probe:
                return probe.execute(waiting, {"app": app_name}).scalar_one() >= 2

        imports: list[Command] = []
        try:
            with pg.engine.connect() as conn:
                conn.execute(text(f"LOCK TABLE {', '.join(ROLLUPS)} IN ACCESS EXCLUSIVE MODE"))
                imports = [Command("ingest", str(paths[n]), "--db", pg.url) for n in ("one", "two")]
                # Both wait: on the rollups, or (if imports are serialised) one on the other.
                imports[0].wait_until(both_waiting, "two imports waiting")
                conn.rollback()
            codes = [cmd.finish() for cmd in imports]
        finally:
            for cmd in imports:
                if cmd.proc.poll() is None:
                    cmd.proc.kill()
                    cmd.finish()
        for cmd, code in zip(imports, codes, strict=True):
            assert code == 0 and not cmd.problems(), (cmd.args[1], cmd.stderr)
        assert journey_ids(pg.engine) == expected
        assert upload_count(pg.engine) == 3
        assert _data_version(pg.engine) == version + 2
        assert_rollups_match(pg.engine)


# --- 3. an unreachable database ----------------------------------------------------------------

PG_CLOSED_PORT = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def _unreachable(kind: str, tmp_path: Path) -> str:
    if kind == "postgresql-closed-port":
        return PG_CLOSED_PORT
    if kind == "sqlite-under-a-file":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the database's folder should be\n")
        return f"sqlite:///{blocker / 'data' / 'qbr.db'}"
    folder = tmp_path / "a-folder.db"  # "sqlite-folder": the path is a directory
    folder.mkdir()
    return f"sqlite:///{folder}"


QBR_JOURNEYS = str(DATA / "qbr" / "journeys.csv")
CLI_CASES = [
    # the existing CLI test covers `uploads` on a closed PostgreSQL port
    ("postgresql-closed-port", ["quarters"]),
    ("postgresql-closed-port", ["report", "--quarter", "2026-Q1"]),
    ("sqlite-under-a-file", ["ingest", QBR_JOURNEYS]),
    ("sqlite-under-a-file", ["quarters", "--json"]),
    ("sqlite-under-a-file", ["report", "--quarter", "2026-Q1", "--json"]),
    ("sqlite-under-a-file", ["uploads"]),
    ("sqlite-folder", ["quarters"]),
    ("sqlite-folder", ["report", "--quarter", "2026-Q1"]),
]


def test_cli_with_an_unreachable_database_is_one_line_and_exit_1(tmp_path):
    urls = {kind: _unreachable(kind, tmp_path) for kind in dict(CLI_CASES)}
    # all at once: each is a separate `python -m smarketing_data` start
    commands = [(kind, Command(*args, "--db", urls[kind])) for kind, args in CLI_CASES]
    failures = []
    for kind, cmd in commands:
        code = cmd.finish(timeout=60)
        lines = cmd.stderr.strip().splitlines()
        if (
            code != 1
            or "Traceback" in cmd.stderr
            or len(lines) != 1
            or not lines[0].startswith("error: ")
            or cmd.stdout
        ):
            failures.append((kind, cmd.args[0], code, cmd.stdout, cmd.stderr))
    assert not failures, failures


PAGES = re.findall(r'st\.Page\("([^"]+)"', APP.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "kind",
    [
        "postgresql-closed-port",
        pytest.param("sqlite-under-a-file"),
    ],
)
def test_app_with_an_unreachable_database_shows_the_error_on_every_page(
    kind, tmp_path, monkeypatch
):
    assert len(PAGES) >= 7, PAGES
    monkeypatch.setenv("SMARKETING_DB_URL", _unreachable(kind, tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    seen = {}
    for page in PAGES:
        at.switch_page(page).run()
        seen[page] = (
            [str(e.value) for e in at.exception],
            [e.value for e in at.error],
        )
    failures = {
        page: s
        for page, s in seen.items()
        if s[0] or not any("cannot be reached" in e for e in s[1])
    }
    assert not failures, failures
