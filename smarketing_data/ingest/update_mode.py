"""A mapping's update mode (SPEC §5.1): change only the mapped fields of records that exist.

Enriching leads already loaded with a column from another file (a rep, a won date, a segment)
must not blank what the other file does not carry. Each record is read back, the columns the
mapped fields feed are replaced, and the merged record goes through the ordinary write, so
history, undo and the journey rules apply unchanged. Unknown ids are rejected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Date, DateTime, Double

from smarketing_data import schema
from smarketing_data.ingest.mapping import ORDER_TOLERANCE, Rejection, row_hashes
from smarketing_data.ingest.store import Counts, apply_records, fetch_rows, table_for
from smarketing_data.rollups import JourneyChanges

# The stored columns each mapped field feeds, per kind of record.
FIELD_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": {
        "entry_stage": ("entry_stage",),
        "created_at": ("created_at",),
        "campaign": ("lead_campaign_id",),
        "rep": ("rep_id",),
        "channel": ("channel",),
        "segment": ("segment",),
        "region": ("region",),
        "company": ("company",),
        "industry": ("industry",),
        "mql_at": ("mql_at",),
        "sal_at": ("sal_at",),
        "sql_at": ("sql_at",),
        "opp_at": ("lead_opp_at",),
        "won_at": ("lead_won_at",),
        "lost_at": ("lead_lost_at",),
        "first_touch_at": ("first_touch_at",),
        "amount": ("lead_amount",),
        "won_amount": ("lead_won_amount",),
        "disqualified_reason": ("disqualified_reason",),
        "status": ("disqualified_reason",),
        "converted_opportunity_id": ("converted_opportunity_id",),
        "converted_contact_id": ("converted_contact_id",),
        "associated_opp_ids": ("associated_opp_ids",),
    },
    "opportunities": {
        "name": ("name",),
        "stage": ("stage", "is_won", "is_closed"),
        "status": ("is_won", "is_closed"),
        "is_won": ("is_won", "is_closed"),
        "is_closed": ("is_closed",),
        "created_at": ("created_at",),
        "close_date": ("close_date",),
        "won_at": ("close_date",),
        "lost_at": ("close_date",),
        "amount": ("amount",),
        "campaign": ("campaign_id",),
        "rep": ("rep_id",),
        "channel": ("channel",),
        "associated_lead_ids": ("associated_lead_ids",),
    },
    "members": {
        "campaign": ("campaign_id",),
        "lead_id": ("lead_key",),
        "contact_id": ("contact_key",),
        "created_at": ("created_at",),
        "first_responded_at": ("first_responded_at",),
    },
    "campaigns": {
        "name": ("name",),
        "channel": ("channel",),
        "start_date": ("start_date",),
        "end_date": ("end_date",),
        "budget": ("budget",),
        "actual_cost": ("actual_cost",),
    },
    "reps": {
        "name": ("name",),
        "first_name": ("name",),
        "last_name": ("name",),
        "team": ("team",),
        "region": ("region",),
    },
}
# The lead's own stage dates, in funnel order, as stored.
_LEAD_STAGE_COLUMNS = ("created_at", "mql_at", "sal_at", "sql_at", "lead_opp_at", "lead_won_at")


@dataclass
class UpdateResult:
    counts: Counts
    rejections: list[Rejection] = field(default_factory=list)


def updated_columns(target: str, mapped_fields: set[str]) -> list[str]:
    """The stored columns an update with these mapped fields may change."""
    by_field = FIELD_COLUMNS[target]
    return sorted({c for f in mapped_fields for c in by_field.get(f, ())})


def _same(a: object, b: object) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    if isinstance(a, dt.date | pd.Timestamp | np.datetime64) or isinstance(
        b, dt.date | pd.Timestamp | np.datetime64
    ):
        return bool(pd.Timestamp(a) == pd.Timestamp(b))  # type: ignore[arg-type]
    if isinstance(a, int | float | np.number) and isinstance(b, int | float | np.number):
        return float(a) == float(b)
    return a == b


def _blank(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _typed(frame: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """Columns of merged rows in the dtypes the mapped records use."""
    table = table_for(table_name)
    for col in frame.columns:
        if col not in table.c:
            continue
        kind = table.c[col].type
        if isinstance(kind, DateTime | Date):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
        elif isinstance(kind, Double):
            frame[col] = pd.to_numeric(frame[col]).astype("float64")
    return frame


def _order_problem(row: dict[str, object]) -> str | None:
    """Why a merged lead's own stage dates are out of order by more than a day, if they are."""
    known = [(c, row.get(c)) for c in _LEAD_STAGE_COLUMNS if not _blank(row.get(c))]
    for i, (early, a) in enumerate(known):
        for late, b in known[i + 1 :]:
            if pd.Timestamp(b) < pd.Timestamp(a) - ORDER_TOLERANCE:  # type: ignore[arg-type]
                return (
                    f"stage dates out of order after the update: {late.removeprefix('lead_')} "
                    f"({pd.Timestamp(b):%Y-%m-%d}) before {early.removeprefix('lead_')} "  # type: ignore[arg-type]
                    f"({pd.Timestamp(a):%Y-%m-%d})"
                )  # type: ignore[arg-type]
    return None


def _merge_problem(target: str, row: dict[str, object]) -> str | None:
    if target == "leads":
        return _order_problem(row)
    if target == "opportunities" and row.get("is_won") and _blank(row.get("close_date")):
        return "closed won without a close date"
    return None


def apply_updates(
    conn: Connection,
    target: str,
    records: pd.DataFrame,
    mapped_fields: set[str],
    upload_id: int,
    changes: JourneyChanges,
) -> UpdateResult:
    """Change the mapped columns of existing records; reject rows whose id is unknown."""
    table_name = {"leads": "journeys", "members": "campaign_members"}.get(target, target)
    key = schema.RAW_TABLES[table_name]
    columns = updated_columns(target, mapped_fields)
    stored = {r[key]: r for r in fetch_rows(conn, table_for(table_name), records[key].tolist())}
    result = UpdateResult(Counts())
    merged_rows: list[dict[str, object]] = []
    for rec in records.to_dict("records"):
        old = stored.get(rec[key])
        if old is None:
            result.rejections.append(
                Rejection(
                    int(rec["row_number"]),  # type: ignore[call-overload]
                    f"unknown id {rec[key]}: update mode changes only records already imported",
                )
            )
            continue
        if rec["is_deleted"]:
            merged_rows.append(rec)
            continue
        if all(_same(rec[c], old[c]) for c in columns):
            result.counts.unchanged += 1
            continue
        merged = {c: (rec[c] if c in columns else old.get(c, rec[c])) for c in records.columns}
        problem = _merge_problem(target, merged)
        if problem:
            result.rejections.append(Rejection(int(rec["row_number"]), problem))  # type: ignore[call-overload]
            continue
        merged_rows.append(merged)
    if merged_rows:
        frame = _typed(pd.DataFrame(merged_rows, columns=records.columns), table_name)
        data_columns = [
            c for c in frame.columns if c not in ("is_deleted", "row_hash", "row_number")
        ]
        frame["row_hash"] = row_hashes(frame[data_columns])
        written = apply_records(conn, table_name, frame, upload_id, changes)
        result.counts.inserted += written.inserted
        result.counts.updated += written.updated
        result.counts.unchanged += written.unchanged
    return result
