"""Small helpers shared by tests: loading fixture files and reading tables back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from smarketing_data import schema
from smarketing_data.config import Settings
from smarketing_data.ingest import FileInput, IngestResult, ingest

DATA = Path(__file__).parent / "data"
JOURNEY_COLUMNS = [
    "journey_id", "entry_stage", "created_at", "campaign_id", "rep_id", "channel", "segment",
    "region", "company", "industry", "mql_at", "sal_at", "sql_at", "opp_at", "won_at",
    "lost_at", "first_touch_at", "amount", "won_amount", "disqualified_reason",
]


def files(*paths: Path) -> list[FileInput]:
    return [FileInput(p.name, p.read_bytes()) for p in paths]


def load(engine: Engine, *paths: Path, settings: Settings | None = None,
         **kwargs: object) -> IngestResult:
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
