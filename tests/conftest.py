"""Engine fixtures for SQLite, DuckDB and PostgreSQL, and small helpers shared by tests.

Databases come from templates: each dataset of helpers.DATASETS ("empty" is the schema
alone, "qbr" the hand-worked fixture) is imported once per pytest worker and engine, on
first use, and every test gets its own copy (a copied file, or a PostgreSQL schema filled
from the template's schema), so a test may write to its database freely.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from helpers import DATASETS
from smarketing_data import schema
from smarketing_data.config import Settings
from smarketing_data.db import init_schema, make_engine

PG_DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ENGINES = ("sqlite", "duckdb", "postgresql")


def pg_url() -> str:
    return os.environ.get("SMARKETING_TEST_PG_URL", PG_DEFAULT_URL)


def _pg_reachable(url: str) -> str | None:
    try:
        probe = create_engine(url)
        with probe.connect() as conn:
            conn.execute(text("select 1"))
        probe.dispose()
    except Exception as exc:  # any failure to connect means "not reachable"
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def pg_available() -> str:
    url = pg_url()
    problem = _pg_reachable(url)
    if problem is not None:
        if os.environ.get("SMARKETING_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required but unreachable at {url}: {problem}")
        pytest.skip(f"PostgreSQL unreachable at {url}: {problem}")
    return url


def pg_schema_url(base_url: str, schema_name: str, **options: str) -> str:
    """The URL of one schema (first on the search path), with more query options if given."""
    sep = "&" if "?" in base_url else "?"
    extra = "".join(f"&{k}={v}" for k, v in options.items())
    return f"{base_url}{sep}options=-csearch_path%3D{schema_name}{extra}"


# --- template databases -------------------------------------------------------------------------

SUFFIX = {"sqlite": "db", "duckdb": "duckdb"}


class Templates:
    """The template databases of one pytest worker, built on first use, dropped at its end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[tuple[str, str], Path] = {}
        self._schemas: dict[tuple[str, str], str] = {}  # (PostgreSQL base URL, dataset)
        self._admins: dict[str, Engine] = {}

    def file(self, kind: str, name: str) -> Path:
        """The SQLite or DuckDB template file of a dataset."""
        key = (kind, name)
        if key not in self._files:
            path = self.folder / f"{name}.{SUFFIX[kind]}"
            engine = make_engine(f"{kind}:///{path}")
            try:
                init_schema(engine)
                DATASETS[name](engine)
                if kind == "duckdb":  # everything into the file itself, no write-ahead log
                    with engine.connect() as conn:
                        conn.exec_driver_sql("CHECKPOINT")
            finally:
                engine.dispose()
            assert not Path(f"{path}.wal").exists(), "a DuckDB template must be checkpointed"
            self._files[key] = path
        return self._files[key]

    def copy_file(self, kind: str, name: str, dest: Path) -> str:
        """A copy of the template at ``dest``; returns its URL."""
        template = self.file(kind, name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        assert not dest.exists(), dest
        if kind == "sqlite":
            # the backup API reads the template as SQLite does, write-ahead log included
            source, target = sqlite3.connect(template), sqlite3.connect(dest)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            shutil.copyfile(template, dest)
        return f"{kind}:///{dest}"

    def admin(self, base_url: str) -> Engine:
        if base_url not in self._admins:
            self._admins[base_url] = create_engine(base_url)
        return self._admins[base_url]

    def schema(self, base_url: str, name: str) -> str:
        """The PostgreSQL template schema of a dataset."""
        key = (base_url, name)
        if key not in self._schemas:
            schema_name = f"tpl_{re.sub(r'[^a-z0-9]', '_', name.lower())}_{uuid.uuid4().hex[:8]}"
            with self.admin(base_url).begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema_name}"'))
            self._schemas[key] = schema_name  # dropped at the end even if the build fails
            engine = make_engine(pg_schema_url(base_url, schema_name))
            try:
                init_schema(engine)
                DATASETS[name](engine)
            finally:
                engine.dispose()
        return self._schemas[key]

    def copy_schema(self, base_url: str, name: str) -> str:
        """A new schema holding what the template schema holds: the same tables and indexes
        (made as init_schema makes them), every row, and each sequence where the template's
        stands, so later inserts get the ids they would have got; returns its name."""
        template = self.schema(base_url, name)
        schema_name = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin(base_url).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema_name}"'))
            conn.execute(text(f'SET LOCAL search_path TO "{schema_name}"'))
            schema.metadata.create_all(conn, checkfirst=False)
            for table in schema.metadata.sorted_tables:
                conn.execute(
                    text(
                        f'INSERT INTO "{schema_name}"."{table.name}" '
                        f'SELECT * FROM "{template}"."{table.name}"'
                    )
                )
            sequences = (
                conn.execute(
                    text(
                        "SELECT sequence_name FROM information_schema.sequences "
                        "WHERE sequence_schema = :s"
                    ),
                    {"s": template},
                )
                .scalars()
                .all()
            )
            for seq in sequences:
                conn.execute(
                    text(
                        f'SELECT setval(\'"{schema_name}"."{seq}"\', last_value, '
                        f'is_called) FROM "{template}"."{seq}"'
                    )
                )
        return schema_name

    def drop_schema(self, base_url: str, schema_name: str) -> None:
        with self.admin(base_url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE'))

    def close(self) -> None:
        for (base_url, _), schema_name in self._schemas.items():
            self.drop_schema(base_url, schema_name)
        for admin in self._admins.values():
            admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Iterator[Templates]:  # type: ignore[no-untyped-def]
    """This worker's template databases (pytest-xdist: one set per worker)."""
    store = Templates(tmp_path_factory.mktemp("templates"))
    yield store
    store.close()


class Databases:
    """Copies of template databases for one test, each its own, removed after the test."""

    def __init__(self, templates: Templates, request: pytest.FixtureRequest, folder: Path) -> None:
        self.templates, self.request, self.folder = templates, request, folder
        self._engines: list[Engine] = []
        self._schemas: list[tuple[str, str]] = []

    def pg_copy(self, name: str = "empty") -> tuple[str, str]:
        """A PostgreSQL schema copied from the dataset's template: (base URL, schema name).
        Skips the test when PostgreSQL is unreachable, as ``any_engine`` does."""
        base_url = self.request.getfixturevalue("pg_available")
        schema_name = self.templates.copy_schema(base_url, name)
        self._schemas.append((base_url, schema_name))
        return base_url, schema_name

    def url(self, kind: str = "sqlite", name: str = "empty", file: str | None = None) -> str:
        """A copy of the dataset on this engine; ``file`` names the copied file (in tmp_path)."""
        if kind == "postgresql":
            return pg_schema_url(*self.pg_copy(name))
        return self.templates.copy_file(
            kind, name, self.folder / (file or f"{name}.{SUFFIX[kind]}")
        )

    def engine(self, kind: str = "sqlite", name: str = "empty", file: str | None = None) -> Engine:
        engine = make_engine(self.url(kind, name, file))
        self._engines.append(engine)
        return engine

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        for base_url, schema_name in self._schemas:
            self.templates.drop_schema(base_url, schema_name)


@pytest.fixture
def databases(templates, request, tmp_path) -> Iterator[Databases]:  # type: ignore[no-untyped-def]
    """Own copies of template databases: ``databases.engine("duckdb", "qbr")``."""
    dbs = Databases(templates, request, tmp_path)
    yield dbs
    dbs.close()


@pytest.fixture
def engine(databases) -> Engine:  # type: ignore[no-untyped-def]
    """A fresh SQLite database with the schema."""
    return databases.engine("sqlite", "empty", "test.db")


@pytest.fixture(params=ENGINES)
def any_kind(request) -> str:  # type: ignore[no-untyped-def]
    """The same test on SQLite, DuckDB and PostgreSQL: ``databases.engine(any_kind, name)``."""
    return request.param


@pytest.fixture
def any_engine(any_kind, databases) -> Engine:  # type: ignore[no-untyped-def]
    """The same test on SQLite, DuckDB and PostgreSQL."""
    return databases.engine(any_kind, "empty", f"test.{SUFFIX.get(any_kind, '')}")


@pytest.fixture
def settings() -> Settings:
    return Settings()


ACCESS_VARIABLES = ("SMARKETING_PASSCODE", "SMARKETING_EDITOR_PASSCODE", "SMARKETING_EDITORS")


@pytest.fixture(autouse=True)
def _app_isolation(monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Streamlit's caches outlive a test, and access settings from the developer's shell must
    not leak into the app under test."""
    import streamlit as st

    for name in ACCESS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def qbr_url(databases, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """An app database holding the hand-worked tests/data/qbr fixture, used by the app."""
    url = databases.url("sqlite", "qbr", "qbr-app.db")
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    return url
