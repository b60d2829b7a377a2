"""Engine fixtures for SQLite, DuckDB and PostgreSQL, and small helpers shared by tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

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


def _pg_engine(base_url: str) -> Iterator[Engine]:
    schema_name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema_name}"'))
    sep = "&" if "?" in base_url else "?"
    engine = make_engine(f"{base_url}{sep}options=-csearch_path%3D{schema_name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema_name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A fresh SQLite database with the schema."""
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    init_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture(params=ENGINES)
def any_engine(request, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """The same test on SQLite, DuckDB and PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        init_schema(eng)
        yield eng
        eng.dispose()
    elif request.param == "duckdb":
        eng = make_engine(f"duckdb:///{tmp_path / 'test.duckdb'}")
        init_schema(eng)
        yield eng
        eng.dispose()
    else:
        url = request.getfixturevalue("pg_available")
        gen = _pg_engine(url)
        eng = next(gen)
        init_schema(eng)
        yield eng
        gen.close()


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
def qbr_url(tmp_path, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """An app database holding the hand-worked tests/data/qbr fixture, used by the app."""
    from helpers import DATA, load

    url = f"sqlite:///{tmp_path / 'qbr-app.db'}"
    engine = make_engine(url)
    init_schema(engine)
    qbr = DATA / "qbr"
    load(engine, qbr / "campaigns.csv", qbr / "reps.csv", qbr / "journeys.csv")
    engine.dispose()
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    return url
