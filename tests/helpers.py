"""Small helpers shared by tests: loading fixture files and reading tables back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from smarketing_data import schema
from smarketing_data.config import Settings
from smarketing_data.ingest import FileInput, IngestResult, ingest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
QBR = DATA / "qbr"
JOURNEY_COLUMNS = [
    "journey_id",
    "entry_stage",
    "created_at",
    "campaign_id",
    "rep_id",
    "channel",
    "segment",
    "region",
    "company",
    "industry",
    "mql_at",
    "sal_at",
    "sql_at",
    "opp_at",
    "won_at",
    "lost_at",
    "first_touch_at",
    "amount",
    "won_amount",
    "disqualified_reason",
]


def files(*paths: Path) -> list[FileInput]:
    return [FileInput(p.name, p.read_bytes()) for p in paths]


def load(
    engine: Engine, *paths: Path, settings: Settings | None = None, **kwargs: object
) -> IngestResult:
    return ingest(engine, files(*paths), settings or Settings(), **kwargs)  # type: ignore[arg-type]


def journeys(engine: Engine, columns: list[str] | None = None) -> pd.DataFrame:
    """The journeys table's SPEC §3 columns, sorted by id, with plain Python values."""
    cols = columns or JOURNEY_COLUMNS
    t = schema.journeys
    with engine.connect() as conn:
        rows = conn.execute(select(*[t.c[c] for c in cols]).order_by(t.c.journey_id)).all()
    return pd.DataFrame(rows, columns=cols)


def table_dump(engine: Engine, name: str) -> list[tuple]:
    """Every row of a table, sorted, for exact before/after comparisons."""
    t = schema.metadata.tables[name]
    key = t.primary_key.columns.values()[0]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(t).order_by(key)).all()]


def state(engine: Engine) -> dict[str, list[tuple]]:
    """All the data tables an upload may change (not the upload log itself)."""
    return {name: table_dump(engine, name) for name in (*schema.RAW_TABLES, "mappings")}


def ts(text: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.fromisoformat(text)


def assert_journeys(engine: Engine, expected: dict[str, dict[str, object]]) -> None:
    """The journeys table holds exactly these keys, with these values (None = null)."""
    got = journeys(engine).set_index("journey_id")
    assert sorted(got.index) == sorted(expected)
    for key, fields in expected.items():
        for name, value in fields.items():
            actual = got.loc[key, name]
            if value is None:
                assert actual is None or actual != actual, (key, name, actual)
            else:
                assert actual == value, (key, name, actual, value)


# --- datasets for the template databases of conftest.py ---------------------------------------

Builder = Callable[[Engine], object]
DATASETS: dict[str, Builder] = {}


def dataset(name: str) -> Callable[[Builder], Builder]:
    """Register how to fill a template database (its schema is already in place): conftest's
    ``databases`` fixture builds it once per pytest worker and engine, and gives each test
    its own copy."""

    def register(build: Builder) -> Builder:
        known = DATASETS.setdefault(name, build)
        assert known is build or known.__code__ is build.__code__, f"two datasets named {name}"
        return build

    return register


@dataset("empty")
def _empty(engine: Engine) -> None:
    """The schema only, as init_schema leaves a new database."""


@dataset("qbr")
def _qbr(engine: Engine) -> None:
    """The hand-worked fixture of tests/data/qbr (see tests/test_reports.py)."""
    load(engine, QBR / "campaigns.csv", QBR / "reps.csv", QBR / "journeys.csv")


# --- the app under AppTest ---------------------------------------------------------------------


def open_app(page: str | None = None, *, quarter: str | None = None):  # type: ignore[no-untyped-def]
    """The app (on the database SMARKETING_DB_URL names, as a fixture set it): first run,
    then ``page`` (e.g. "app_pages/campaigns.py") if given, then ``quarter`` if given."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    if quarter:
        at.selectbox(key="quarter").set_value(quarter).run()
    assert not at.exception, at.exception
    return at
