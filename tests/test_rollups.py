"""The rollups always equal what the journeys table gives when recomputed from scratch."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from sqlalchemy import Engine, func, select
from test_ingest_properties import SLOW, export_st, fresh_engine, sf_files

from helpers import DATA, load
from smarketing_data import schema
from smarketing_data.config import Settings
from smarketing_data.ingest import FileInput, ingest, undo_upload
from smarketing_data.rollups import NEEDED_COLUMNS, JourneyChanges, deltas
from smarketing_data.sample import generate, salesforce_files


def stored(engine: Engine) -> dict[str, pd.DataFrame]:
    out = {}
    with engine.connect() as conn:
        for name in schema.ROLLUP_TABLES:
            t = schema.metadata.tables[name]
            keys = [c for c in t.c if c.name not in ("n", "amount")]
            sums = [func.sum(t.c[v]).label(v) for v in ("n", "amount") if v in t.c]
            rows = conn.execute(select(*keys, *sums).group_by(*keys)).all()
            out[name] = _canon(
                pd.DataFrame(rows, columns=[c.name for c in keys] + [s.name for s in sums])
            )
    return out


def recomputed(engine: Engine) -> dict[str, pd.DataFrame]:
    j = schema.journeys
    with engine.connect() as conn:
        rows = conn.execute(select(*[j.c[c] for c in NEEDED_COLUMNS])).all()
    changes = JourneyChanges()
    changes.added(pd.DataFrame(rows, columns=list(NEEDED_COLUMNS)))
    return {k: _canon(v) for k, v in deltas(changes).items()}


def _canon(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    f = frame.copy()
    if "month" in f:
        f["month"] = pd.to_datetime(f["month"]).dt.strftime("%Y-%m")
    if "amount" in f:
        f["amount"] = f["amount"].astype(float).round(4)
    f["n"] = f["n"].astype(int)
    f = f[(f["n"] != 0) | (f["amount"].abs() > 1e-9 if "amount" in f else False)]
    keys = sorted(c for c in f.columns if c not in ("n", "amount"))
    f = f[keys + [c for c in ("n", "amount") if c in f]]
    f[keys] = f[keys].astype(object).where(f[keys].notna(), "")
    return f.sort_values(keys).reset_index(drop=True)


def assert_rollups_match(engine: Engine) -> None:
    got, want = stored(engine), recomputed(engine)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_dtype=False)


def test_rollups_follow_imports_updates_and_undo(any_engine):
    business = generate(1_200, seed=5, today=dt.date(2026, 11, 23))
    files = [FileInput(k, v) for k, v in salesforce_files(business).items()]
    first = ingest(any_engine, files[:2], Settings())
    assert_rollups_match(any_engine)
    ingest(any_engine, files[2:], Settings())
    assert_rollups_match(any_engine)
    undo_upload(any_engine, first.upload_id + 1)
    assert_rollups_match(any_engine)
    load(any_engine, DATA / "hubspot" / "hubspot-contacts.csv")
    assert_rollups_match(any_engine)


@SLOW
@given(export_st, export_st)
def test_rollups_equal_recomputation_after_any_uploads_and_undo(first, second):
    with fresh_engine() as eng:
        ingest(eng, sf_files(*first), Settings())
        assert_rollups_match(eng)
        result = ingest(eng, sf_files(*second)[::-1], Settings())
        assert_rollups_match(eng)
        undo_upload(eng, result.upload_id)
        assert_rollups_match(eng)


def test_an_upgrade_rebuilds_the_rollups_from_the_journeys(engine):
    """A version-1 database (no Opp cohort base, no tracked-stage counts) is brought up to
    date by init_schema, exactly as a recomputation would give."""
    from smarketing_data.db import init_schema, set_meta

    business = generate(300, seed=7, today=dt.date(2026, 11, 23))
    files = [FileInput(k, v) for k, v in salesforce_files(business).items()]
    ingest(engine, files, Settings())
    with engine.begin() as conn:
        for name in schema.ROLLUP_TABLES:
            conn.execute(schema.metadata.tables[name].delete())
        set_meta(conn, "schema_version", "1")
    init_schema(engine)
    assert_rollups_match(engine)
