"""Writing mapped records into their raw table, keeping what each upload replaced.

New rows carry the upload that created them; replaced or deleted rows go to
``record_history`` first, so undo can restore them exactly (SPEC §5.4).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Date, DateTime, Table, delete, func, select

from smarketing_data import schema
from smarketing_data.db import bulk_insert, read_frame
from smarketing_data.rollups import JourneyChanges
from smarketing_data.stages import reached_dates

# Bound parameters per IN (...) list: far below every backend's limit.
KEY_CHUNK = 5_000
# Read a whole table's keys rather than look them up when the file holds a good share of it.
WHOLE_TABLE_FACTOR = 4

LEAD_DERIVED = {
    "campaign_id": "lead_campaign_id",
    "opp_at": "lead_opp_at",
    "won_at": "lead_won_at",
    "lost_at": "lead_lost_at",
    "amount": "lead_amount",
    "won_amount": "lead_won_amount",
}


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def table_for(name: str) -> Table:
    return schema.metadata.tables[name]


def chunks(items: Sequence[Any], size: int = KEY_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_hashes(conn: Connection, table: Table, keys: pd.Series) -> pd.DataFrame:
    """Key and row_hash of the rows of ``table`` whose key is in ``keys``."""
    key_col = table.c[schema.RAW_TABLES[table.name]]
    cols = [key_col, table.c.row_hash, table.c.created_upload_id]
    total = conn.execute(select(func.count()).select_from(table)).scalar_one()
    if total == 0:
        return pd.DataFrame(columns=[key_col.name, "row_hash", "created_upload_id"])
    if total <= WHOLE_TABLE_FACTOR * len(keys):
        frame = read_frame(conn, select(*cols))
        return frame[frame[key_col.name].isin(keys)]
    parts = [
        read_frame(conn, select(*cols).where(key_col.in_(list(chunk))))
        for chunk in chunks(list(keys))
    ]
    return pd.concat(parts, ignore_index=True)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def encode_row(row: dict[str, Any]) -> str:
    return json.dumps({k: _encode(v) for k, v in row.items()}, sort_keys=True)


def decode_row(table: Table, text: str) -> dict[str, Any]:
    """A row as stored in record_history, with its dates turned back into dates."""
    row = json.loads(text)
    for name, value in row.items():
        if value is None:
            continue
        col_type = table.c[name].type
        if isinstance(col_type, DateTime):
            row[name] = dt.datetime.fromisoformat(value)
        elif isinstance(col_type, Date):
            row[name] = dt.date.fromisoformat(value)
    return row


def fetch_rows(conn: Connection, table: Table, keys: list[str]) -> list[dict[str, Any]]:
    key_col = table.c[schema.RAW_TABLES[table.name]]
    rows: list[dict[str, Any]] = []
    for chunk in chunks(keys):
        rows.extend(dict(r._mapping) for r in conn.execute(select(table).where(key_col.in_(chunk))))
    return rows


def delete_keys(conn: Connection, table: Table, keys: list[str]) -> None:
    key_col = table.c[schema.RAW_TABLES[table.name]]
    for chunk in chunks(keys):
        conn.execute(delete(table).where(key_col.in_(chunk)))


def _save_history(
    conn: Connection,
    table: Table,
    old_rows: list[dict[str, Any]],
    deleted: set[str],
    upload_id: int,
) -> None:
    key_name = schema.RAW_TABLES[table.name]
    frame = pd.DataFrame(
        {
            "upload_id": upload_id,
            "table_name": table.name,
            "record_key": [r[key_name] for r in old_rows],
            "action": ["delete" if r[key_name] in deleted else "update" for r in old_rows],
            "old_upload_id": [r["last_upload_id"] for r in old_rows],
            "old_values": [encode_row(r) for r in old_rows],
        }
    )
    if conn.dialect.name == "sqlite":
        bulk_insert(conn, schema.record_history, frame)
    else:
        conn.execute(schema.record_history.insert(), frame.to_dict("records"))


def apply_records(
    conn: Connection,
    table_name: str,
    records: pd.DataFrame,
    upload_id: int,
    changes: JourneyChanges,
) -> Counts:
    """Insert new rows, replace changed ones, delete rows flagged deleted; count each."""
    table = table_for(table_name)
    key = schema.RAW_TABLES[table_name]
    existing = existing_hashes(conn, table, records[key])
    merged = records.merge(existing, on=key, how="left", suffixes=("", "_old"))
    exists = merged["row_hash_old"].notna().to_numpy()
    deleted = merged["is_deleted"].to_numpy(bool)
    same = (merged["row_hash"] == merged["row_hash_old"]).to_numpy(bool)
    insert_mask = ~exists & ~deleted
    update_mask = exists & ~deleted & ~same
    delete_mask = exists & deleted
    counts = Counts(
        inserted=int(insert_mask.sum()),
        updated=int(update_mask.sum() + delete_mask.sum()),
        unchanged=int((exists & ~deleted & same).sum() + (~exists & deleted).sum()),
    )
    replaced = merged.loc[update_mask | delete_mask, key].tolist()
    if replaced:
        old_rows = fetch_rows(conn, table, replaced)
        if table_name == "journeys":
            changes.removed(old_rows)
        _save_history(conn, table, old_rows, set(merged.loc[delete_mask, key]), upload_id)
        delete_keys(conn, table, replaced)
    write = merged[insert_mask | update_mask].drop(
        columns=["is_deleted", "row_number", "row_hash_old"]
    )
    if not write.empty:
        created = write.pop("created_upload_id")
        write["created_upload_id"] = created.fillna(upload_id).astype("int64")
        write["last_upload_id"] = upload_id
        if table_name == "journeys":
            for derived, raw in LEAD_DERIVED.items():
                write[derived] = write[raw]
            write = write.join(reached_dates(write))
            changes.added(write)
        bulk_insert(conn, table, write)
    return counts
