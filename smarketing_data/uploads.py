"""The upload history: what was imported, when, by whom, with what result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Row, select

from smarketing_data import schema
from smarketing_data.db import read_frame

if TYPE_CHECKING:
    import pandas as pd

U = schema.uploads
F = schema.upload_files
R = schema.rejected_rows


def _uploads_select() -> Any:
    return (
        select(
            U.c.upload_id,
            U.c.created_at,
            U.c.user_name,
            U.c.origin,
            U.c.status,
            U.c.undone_at,
            F.c.position,
            F.c.file_name,
            F.c.sha256,
            F.c.format,
            F.c.kind,
            F.c.rows,
            F.c.inserted,
            F.c.updated,
            F.c.unchanged,
            F.c.rejected,
        )
        .join(F, F.c.upload_id == U.c.upload_id, isouter=True)
        .order_by(U.c.upload_id.desc(), F.c.position)
    )


def list_uploads(engine: Engine) -> pd.DataFrame:
    """One row per file of every upload, newest upload first.

    Columns: upload_id, created_at, user_name, origin, status, undone_at, position, file_name,
    sha256, format, kind, rows, inserted, updated, unchanged, rejected.
    """
    return read_frame(engine, _uploads_select())


def upload_rows(engine: Engine) -> list[Row[Any]]:
    """The rows of ``list_uploads`` as the driver returns them (a missing file's fields are
    None), for the command line, which lists them without loading pandas.

    Columns: as ``list_uploads``.
    """
    with engine.connect() as conn:
        return list(conn.execute(_uploads_select()).all())


def rejected_rows(engine: Engine, upload_id: int) -> pd.DataFrame:
    """The rows an upload rejected. Columns: file_name, row_number, reason, data (JSON)."""
    stmt = (
        select(F.c.file_name, R.c.row_number, R.c.reason, R.c.data)
        .join(F, F.c.upload_file_id == R.c.upload_file_id)
        .where(F.c.upload_id == upload_id)
        .order_by(F.c.position, R.c.row_number)
    )
    return read_frame(engine, stmt)
