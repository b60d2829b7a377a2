"""Sample data: loading the generated exports through the same import as a user's files."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, func, select

from smarketing_data import schema
from smarketing_data.config import PROJECT_ROOT, Settings
from smarketing_data.db import get_meta, set_meta, write_transaction
from smarketing_data.ingest import FileInput, IngestResult, ingest, undo_upload

SAMPLE_DIR = PROJECT_ROOT / "sample_data" / "salesforce"
SAMPLE_META_KEY = "sample_upload_ids"


def _remember(engine: Engine, upload_id: int) -> None:
    with write_transaction(engine) as conn:
        ids = json.loads(get_meta(conn, SAMPLE_META_KEY) or "[]")
        set_meta(conn, SAMPLE_META_KEY, json.dumps([*ids, upload_id]))


def load_sample(
    engine: Engine,
    settings: Settings,
    *,
    journeys: int | None = None,
    seed: int = 42,
    today: dt.date | None = None,
) -> IngestResult:
    """Import sample exports: the committed Salesforce set, or a freshly generated one."""
    if journeys is None:
        files = [FileInput(p.name, p.read_bytes()) for p in sorted(SAMPLE_DIR.glob("*.csv"))]
    else:
        from smarketing_data.sample import generate, salesforce_files

        business = generate(journeys, seed=seed, today=today)
        files = [FileInput(name, data) for name, data in salesforce_files(business).items()]
    result = ingest(engine, files, settings, user="sample data", origin="sample")
    _remember(engine, result.upload_id)
    return result


def sample_upload_ids(engine: Engine) -> list[int]:
    """Sample uploads still applied (the app says it shows sample data while there are any)."""
    with engine.connect() as conn:
        ids = json.loads(get_meta(conn, SAMPLE_META_KEY) or "[]")
        if not ids:
            return []
        u = schema.uploads
        rows = conn.execute(
            select(u.c.upload_id).where(u.c.upload_id.in_(ids), u.c.status == "applied")
        )
        return sorted(int(r) for r in rows.scalars())


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not conn.execute(select(func.count()).select_from(schema.uploads)).scalar_one()


def ensure_sample(engine: Engine, settings: Settings) -> bool:
    """On a database that has never had an upload, load the sample; True when it did."""
    if not is_empty(engine) or not SAMPLE_DIR.is_dir():
        return False
    load_sample(engine, settings)
    return True


def clear_sample(engine: Engine, *, who: str | None = None) -> int:
    """Undo every sample upload, newest first, as ``who``; returns how many were undone."""
    ids = sample_upload_ids(engine)
    for upload_id in reversed(ids):
        undo_upload(engine, upload_id, who=who)
    return len(ids)
