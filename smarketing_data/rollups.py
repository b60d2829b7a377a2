"""Per-month rollups of the journeys, kept current as journeys change (SPEC §7).

Every write to ``journeys`` reports the rows it removed and added to a ``JourneyChanges``;
the rollups get the signed difference appended, so an import costs time in proportion to
what it changed, not to the size of the table. Readers always SUM the rollups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, delete, func, select

from smarketing_data import schema
from smarketing_data.db import bulk_insert, read_frame
from smarketing_data.stages import REACHED_COLUMNS, STAGES, CohortBase

ACTIVITY: dict[str, tuple[str, ...]] = {
    "agg_activity_campaign": ("campaign_id", "channel"),
    "agg_activity_rep": ("rep_id",),
}
COHORT: dict[str, tuple[str, ...]] = {
    "agg_cohort_campaign": ("campaign_id", "channel"),
    "agg_cohort_rep": ("rep_id",),
}
COHORT_BASES = tuple(CohortBase)
# Pipeline is the amount of journeys whose Opp date is in the period, bookings the won amount
# of those whose Won date is (SPEC §4.1).
AMOUNT_OF_STAGE = {"opp": "amount", "won": "won_amount"}
# A journey's own stage dates (not inferred), for the tracked-stage counts.
OWN_DATE_COLUMNS = ("mql_at", "sal_at", "sql_at", "opp_at", "won_at")
NEEDED_COLUMNS = (
    *REACHED_COLUMNS.values(),
    "amount",
    "won_amount",
    "campaign_id",
    "rep_id",
    "channel",
    "entry_stage",
    *OWN_DATE_COLUMNS,
)


@dataclass
class JourneyChanges:
    """Journey rows removed and added by one transaction, for the rollups."""

    frames: list[tuple[int, pd.DataFrame]] = field(default_factory=list)

    def removed(self, frame: pd.DataFrame | Iterable[dict[str, Any]]) -> None:
        self._add(-1, frame)

    def added(self, frame: pd.DataFrame | Iterable[dict[str, Any]]) -> None:
        self._add(1, frame)

    def _add(self, sign: int, frame: pd.DataFrame | Iterable[dict[str, Any]]) -> None:
        data = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(list(frame))
        if data.empty:
            return
        self.frames.append((sign, normalise(data)))


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for col in REACHED_COLUMNS.values():
        out[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    for col in ("amount", "won_amount"):
        out[col] = pd.to_numeric(frame[col]).astype("float64")
    for col in ("campaign_id", "rep_id", "channel"):
        out[col] = frame[col].astype(object).where(frame[col].notna(), None)
    # Own dates may be missing from a frame (an opportunity journey has no MQL date column).
    for col in OWN_DATE_COLUMNS:
        own = frame[col] if col in frame else pd.Series(pd.NaT, index=frame.index)
        out[col] = pd.to_datetime(own).astype("datetime64[us]")
    entry = frame["entry_stage"] if "entry_stage" in frame else pd.Series(None, index=frame.index)
    out["entry_stage"] = entry.astype(object)
    return out.reset_index(drop=True)


def _codes(frame: pd.DataFrame, dims: tuple[str, ...]) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """Integer codes for the dimension columns (fast grouping), and the values they stand for."""
    codes = pd.DataFrame(index=frame.index)
    uniques = []
    for d in dims:
        code, values = pd.factorize(frame[d], use_na_sentinel=True)
        codes[d] = code
        uniques.append(np.asarray(values, dtype=object))
    return codes, uniques


def _decode(grouped: pd.DataFrame, dims: tuple[str, ...], uniques: list[np.ndarray]) -> None:
    for d, values in zip(dims, uniques, strict=True):
        code = grouped[d].to_numpy()
        decoded = np.empty(len(code), dtype=object)
        known = code >= 0
        decoded[known] = values[code[known]]
        decoded[~known] = None
        grouped[d] = decoded


def _months(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[us]").astype("datetime64[M]")


def activity_delta(frame: pd.DataFrame, dims: tuple[str, ...], sign: int) -> pd.DataFrame:
    """Signed activity counts (and pipeline/bookings amounts) per month, stage and dims."""
    codes, uniques = _codes(frame, dims)
    parts = []
    for stage in STAGES:
        col = REACHED_COLUMNS[stage]
        mask = frame[col].notna().to_numpy()
        if not mask.any():
            continue
        amount = (
            frame[AMOUNT_OF_STAGE[stage]].fillna(0.0).to_numpy()[mask]
            if stage in AMOUNT_OF_STAGE
            else np.zeros(int(mask.sum()))
        )
        part = codes[mask].assign(month=_months(frame.loc[mask, col]), amount=amount)
        g = (
            part.groupby(["month", *dims], sort=False)
            .agg(n=("amount", "size"), amount=("amount", "sum"))
            .reset_index()
        )
        g["stage"] = stage
        parts.append(g)
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    _decode(out, dims, uniques)
    out["n"] *= sign
    out["amount"] *= sign
    return out


def cohort_delta(frame: pd.DataFrame, dims: tuple[str, ...], sign: int) -> pd.DataFrame:
    """Signed counts, per base-stage month and dims, of cohort journeys that reached each stage."""
    codes, uniques = _codes(frame, dims)
    parts = []
    for base in COHORT_BASES:
        base_col = REACHED_COLUMNS[base]
        mask = frame[base_col].notna().to_numpy()
        if not mask.any():
            continue
        later = STAGES[STAGES.index(base) :]
        reached = {s: frame.loc[mask, REACHED_COLUMNS[s]].notna().to_numpy(np.int64) for s in later}
        part = codes[mask].assign(month=_months(frame.loc[mask, base_col]), **reached)
        g = part.groupby(["month", *dims], sort=False)[list(later)].sum().reset_index()
        long = g.melt(
            id_vars=["month", *dims], value_vars=list(later), var_name="stage", value_name="n"
        )
        long = long[long["n"] != 0]
        long["base"] = base
        parts.append(long)
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    _decode(out, dims, uniques)
    out["n"] = out["n"].astype(np.int64) * sign
    return out


def stage_dates_delta(frame: pd.DataFrame, sign: int) -> pd.DataFrame:
    """Signed counts of journeys entering as leads and of those with each own stage date."""
    counts = {"lead": int((frame["entry_stage"] == "lead").sum())}
    for col in OWN_DATE_COLUMNS:
        counts[col.removesuffix("_at")] = int(frame[col].notna().sum())
    return pd.DataFrame({"stage": list(counts), "n": [sign * n for n in counts.values()]})


def _net(frames: list[pd.DataFrame], keys: list[str], values: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    data = pd.concat(frames, ignore_index=True)
    if len(frames) > 1:
        data = data.groupby(keys, dropna=False, sort=False)[values].sum().reset_index()
    nonzero = np.zeros(len(data), dtype=bool)
    for v in values:
        nonzero |= data[v].to_numpy() != 0
    return data[nonzero]


def deltas(changes: JourneyChanges) -> dict[str, pd.DataFrame]:
    """The net rows to append to each rollup table."""
    out: dict[str, pd.DataFrame] = {}
    for name, dims in ACTIVITY.items():
        frames = [activity_delta(f, dims, s) for s, f in changes.frames]
        out[name] = _net(frames, ["month", "stage", *dims], ["n", "amount"])
    for name, dims in COHORT.items():
        frames = [cohort_delta(f, dims, s) for s, f in changes.frames]
        out[name] = _net(frames, ["month", "base", "stage", *dims], ["n"])
    stage_frames = [stage_dates_delta(f, s) for s, f in changes.frames]
    out["agg_stage_dates"] = _net(stage_frames, ["stage"], ["n"])
    return out


def _table(name: str) -> Table:
    return schema.metadata.tables[name]


def _compact(conn: Connection, table: Table) -> None:
    """Fold the appended deltas into one row per key, dropping keys that net to zero."""
    keys = [c for c in table.c if c.name not in ("n", "amount")]
    sums = [func.sum(table.c[v]).label(v) for v in ("n", "amount") if v in table.c]
    frame = read_frame(conn, select(*keys, *sums).group_by(*keys))
    conn.execute(delete(table))
    nonzero = np.zeros(len(frame), dtype=bool)
    for s in sums:
        nonzero |= frame[s.name].to_numpy() != 0
    bulk_insert(conn, table, frame[nonzero])


def apply_changes(conn: Connection, changes: JourneyChanges) -> None:
    """Append the net effect of the changes to every rollup, compacting when it had rows."""
    if not changes.frames:
        return
    for name, frame in deltas(changes).items():
        if frame.empty:
            continue
        table = _table(name)
        had_rows = bool(conn.execute(select(func.count()).select_from(table)).scalar_one())
        bulk_insert(conn, table, frame)
        if had_rows:
            _compact(conn, table)
    changes.frames.clear()


REBUILD_CHUNK = 200_000


def rebuild_rollups(conn: Connection) -> None:
    """Every rollup recomputed from the journeys (a schema upgrade that adds a rollup)."""
    for name in schema.ROLLUP_TABLES:
        conn.execute(delete(_table(name)))
    j = schema.journeys
    stmt = select(*[j.c[c] for c in NEEDED_COLUMNS])
    result = conn.execution_options(stream_results=True).execute(stmt)
    while rows := result.fetchmany(REBUILD_CHUNK):
        changes = JourneyChanges()
        changes.added(pd.DataFrame(rows, columns=list(NEEDED_COLUMNS)))
        for name, frame in deltas(changes).items():
            if not frame.empty:
                bulk_insert(conn, _table(name), frame)
    for name in schema.ROLLUP_TABLES:
        _compact(conn, _table(name))
