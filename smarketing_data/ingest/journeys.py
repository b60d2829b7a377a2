"""The journey rules of SPEC §3: derive each journey's funnel columns from its lead record,
its linked opportunities and its campaign memberships.

Derivation is recomputed for a whole source from the raw records, so the result never
depends on the order in which the files of one export set arrived.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, DateTime, Double, Table, bindparam, delete, select, update

from smarketing_data import schema
from smarketing_data.db import bulk_insert, read_frame
from smarketing_data.ids import opp_journey_key
from smarketing_data.rollups import NEEDED_COLUMNS, JourneyChanges
from smarketing_data.stages import REACHED_COLUMNS, reached_dates

J = schema.journeys
OPP = schema.opportunities
M = schema.campaign_members
FUNNEL = ("campaign_id", "opp_at", "won_at", "lost_at", "amount", "won_amount")
DERIVED = (*FUNNEL, *REACHED_COLUMNS.values())
_LEAD_COLUMNS = (
    "journey_id",
    "entry_stage",
    "created_at",
    "mql_at",
    "sal_at",
    "sql_at",
    "rep_id",
    "channel",
    "lead_campaign_id",
    "lead_opp_at",
    "lead_won_at",
    "lead_lost_at",
    "lead_amount",
    "lead_won_amount",
    "converted_opportunity_id",
    "converted_contact_id",
    "associated_opp_ids",
    *DERIVED,
)
_OPP_COLUMNS = (
    "opp_key",
    "record_id",
    "created_at",
    "close_date",
    "is_closed",
    "is_won",
    "amount",
    "campaign_id",
    "rep_id",
    "channel",
    "associated_lead_ids",
    "journey_id",
)


def _read(
    conn: Connection, columns: Iterable[str], table: Table, *conditions: object
) -> pd.DataFrame:
    cols = [table.c[c] for c in columns]
    frame = read_frame(conn, select(*cols).where(*conditions))  # type: ignore[arg-type]
    for c in cols:
        if isinstance(c.type, DateTime):
            frame[c.name] = pd.to_datetime(frame[c.name]).astype("datetime64[us]")
        elif isinstance(c.type, Double):
            frame[c.name] = pd.to_numeric(frame[c.name]).astype("float64")
    return frame


def _explode(frame: pd.DataFrame, left: str, right: str) -> pd.DataFrame:
    """Pairs (left, one key of right) from a ';'-joined list column."""
    sub = frame[[left, right]].dropna()
    if sub.empty:
        return pd.DataFrame(columns=[left, right])
    sub = sub.assign(**{right: sub[right].astype(str).str.split(";")}).explode(right)
    return sub[sub[right] != ""]


def link_opportunities(leads: pd.DataFrame, opps: pd.DataFrame) -> pd.Series:
    """For each opportunity, the lead journey it belongs to (NaN when linked to none).

    Links come from either side (a lead's converted opportunity or associated deals, an
    opportunity's associated contacts); an opportunity linked to several leads belongs to
    the earliest-created one, so that it is counted once.
    """
    pairs = pd.concat(
        [
            leads[["journey_id", "converted_opportunity_id"]]
            .dropna()
            .rename(columns={"converted_opportunity_id": "opp_key"}),
            _explode(leads, "journey_id", "associated_opp_ids").rename(
                columns={"associated_opp_ids": "opp_key"}
            ),
            _explode(opps, "opp_key", "associated_lead_ids").rename(
                columns={"associated_lead_ids": "journey_id"}
            ),
        ],
        ignore_index=True,
    )
    pairs = pairs[
        pairs["opp_key"].isin(opps["opp_key"]) & pairs["journey_id"].isin(leads["journey_id"])
    ]
    pairs = pairs.merge(leads[["journey_id", "created_at"]], on="journey_id")
    pairs = pairs.sort_values(["opp_key", "created_at", "journey_id"]).drop_duplicates("opp_key")
    return opps["opp_key"].map(pairs.set_index("opp_key")["journey_id"])


def _membership_campaigns(leads: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """Each lead's earliest campaign membership (by created date), indexed by journey_id."""
    if members.empty:
        return pd.Series(dtype=object)
    by_contact = leads.dropna(subset=["converted_contact_id"]).set_index("converted_contact_id")[
        "journey_id"
    ]
    lead = members["lead_key"].astype(object).where(members["lead_key"].isin(leads["journey_id"]))
    by_contact_key = members["contact_key"].map(by_contact).astype(object)
    lead = lead.where(lead.notna(), by_contact_key)
    m = members.assign(journey_id=lead).dropna(subset=["journey_id"])
    m = m.sort_values(["journey_id", "created_at", "campaign_id", "member_key"], na_position="last")
    return m.drop_duplicates("journey_id").set_index("journey_id")["campaign_id"]


def _opportunity_rollup(linked: pd.DataFrame) -> pd.DataFrame:
    """Per lead journey: the funnel columns its linked opportunities give it (SPEC §3.3)."""
    won = linked["is_won"] == 1
    closed = linked["is_closed"] == 1
    g = linked.assign(
        won_close=linked["close_date"].where(won),
        won_amount=linked["amount"].where(won),
        all_closed=closed,
        any_won=won,
    ).sort_values(["created_at", "opp_key"])
    grouped = g.groupby("journey_id", sort=False)
    out = pd.DataFrame(
        {
            "opp_at": grouped["created_at"].min(),
            "won_at": grouped["won_close"].min(),
            "last_close": grouped["close_date"].max(),
            "all_closed": grouped["all_closed"].all(),
            "any_won": grouped["any_won"].any(),
            "amount": grouped["amount"].sum(min_count=1),
            "won_amount": grouped["won_amount"].sum(min_count=1),
            "opp_campaign": grouped["campaign_id"].first(),
        }
    )
    # first() skips nulls; the rule takes the earliest opportunity's campaign as it is.
    out["opp_campaign"] = g.drop_duplicates("journey_id").set_index("journey_id")["campaign_id"]
    out["lost_at"] = out["last_close"].where(out["all_closed"] & ~out["any_won"])
    return out


def derive_lead_columns(
    leads: pd.DataFrame, opps: pd.DataFrame, members: pd.DataFrame
) -> pd.DataFrame:
    """The derived columns (DERIVED) of every lead journey, indexed like ``leads``."""
    idx = leads["journey_id"]
    linked = opps[opps["journey_id"].notna()]
    roll = (
        _opportunity_rollup(linked)
        if not linked.empty
        else pd.DataFrame(
            columns=["opp_at", "won_at", "lost_at", "amount", "won_amount", "opp_campaign"]
        )
    )
    has_opps = idx.isin(roll.index).to_numpy()
    r = roll.reindex(idx)
    r.index = leads.index
    out = pd.DataFrame(index=leads.index)
    for col in ("opp_at", "won_at", "lost_at", "amount", "won_amount"):
        out[col] = r[col].where(has_opps, leads[f"lead_{col}"])
    member_campaign = idx.map(_membership_campaigns(leads, members))
    campaign = member_campaign.where(member_campaign.notna(), leads["lead_campaign_id"])
    campaign = campaign.where(campaign.notna(), r["opp_campaign"])
    out["campaign_id"] = campaign.astype(object).where(campaign.notna(), None)
    for col in ("opp_at", "won_at", "lost_at"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[us]")
    for col in ("amount", "won_amount"):
        out[col] = pd.to_numeric(out[col]).astype("float64")
    stage_dates = leads[["entry_stage", "created_at", "mql_at", "sal_at", "sql_at"]].join(
        out[["opp_at", "won_at"]]
    )
    return out.join(reached_dates(stage_dates))


def opportunity_journeys(source: str, opps: pd.DataFrame) -> pd.DataFrame:
    """Journeys of the opportunities linked to no lead (SPEC §3.4)."""
    o = opps[opps["journey_id"].isna()]
    won = o["is_won"] == 1
    closed = o["is_closed"] == 1
    frame = pd.DataFrame(
        {
            "journey_id": [opp_journey_key(source, r) for r in o["record_id"]],
            "source": source,
            "record_id": o["record_id"],
            "kind": "opp",
            "entry_stage": "opp",
            "created_at": o["created_at"],
            "campaign_id": o["campaign_id"],
            "rep_id": o["rep_id"],
            "channel": o["channel"],
            "opp_at": o["created_at"],
            "won_at": o["close_date"].where(won),
            "lost_at": o["close_date"].where(closed & ~won),
            "amount": o["amount"],
            "won_amount": o["amount"].where(won),
            "mql_at": pd.NaT,
            "sal_at": pd.NaT,
            "sql_at": pd.NaT,
        }
    )
    return frame.join(reached_dates(frame)).drop(columns=["mql_at", "sal_at", "sql_at"])


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    both_null = a.isna().to_numpy() & b.isna().to_numpy()
    equal = a.astype(object).to_numpy() == b.astype(object).to_numpy()
    return ~(both_null | equal)


# The lead's own dates against which the dates other files give (Opp, Won) are checked.
_OWN_DATES = (("created_at", "created"), ("mql_at", "MQL"), ("sal_at", "SAL"), ("sql_at", "SQL"))
_LINKED_DATES = (("opp_at", "opportunity"), ("won_at", "won"))
# Exports round times differently; only inversions of more than a day are conflicts.
_TOLERANCE = pd.Timedelta(days=1)
WARNINGS_LISTED = 200


def cross_file_conflicts(leads: pd.DataFrame, derived: pd.DataFrame) -> list[str]:
    """Journeys whose Opp or Won date, given by linked opportunities, comes before a stage
    date of the lead itself (SPEC §5.3): kept, and listed once per journey (the earliest
    linked date against the latest own date it precedes)."""
    found: dict[object, str] = {}
    for late, late_name in _LINKED_DATES:
        later = pd.to_datetime(derived[late])
        for early, early_name in reversed(_OWN_DATES):
            sooner = pd.to_datetime(leads[early])
            bad = (later < sooner - _TOLERANCE).fillna(False).to_numpy(bool)
            for jid, a, b in zip(leads["journey_id"][bad], later[bad], sooner[bad], strict=True):
                found.setdefault(
                    jid,
                    f"{jid}: {late_name} date {a:%Y-%m-%d} is before its "
                    f"{early_name} date {b:%Y-%m-%d}",
                )
    return [found[j] for j in sorted(found, key=str)]


def resolve_source(conn: Connection, source: str, changes: JourneyChanges) -> list[str]:
    """Recompute every derived journey column of one source from its raw records; returns
    the cross-file conflicts of the journeys that changed."""
    leads = _read(conn, _LEAD_COLUMNS, J, J.c.source == source, J.c.kind == "lead")
    opps = _read(conn, _OPP_COLUMNS, OPP, OPP.c.source == source)
    members = _read(
        conn,
        ("member_key", "campaign_id", "lead_key", "contact_key", "created_at"),
        M,
        M.c.source == source,
    )
    new_link = link_opportunities(leads, opps)
    changed_link = _differs(opps["journey_id"], new_link)
    if changed_link.any():
        rows = [
            {"k": k, "j": j if isinstance(j, str) else None}
            for k, j in zip(opps["opp_key"][changed_link], new_link[changed_link], strict=True)
        ]
        conn.execute(
            update(OPP).where(OPP.c.opp_key == bindparam("k")).values(journey_id=bindparam("j")),
            rows,
        )
    opps = opps.assign(journey_id=new_link)
    derived = derive_lead_columns(leads, opps, members)
    changed = np.zeros(len(leads), dtype=bool)
    for col in DERIVED:
        changed |= _differs(leads[col], derived[col])
    if changed.any():
        sub = derived[changed].astype(object).where(derived[changed].notna(), None)
        rows = [
            {"k": k, **{f"v_{c}": _py(v) for c, v in zip(DERIVED, vals, strict=True)}}
            for k, vals in zip(
                leads["journey_id"][changed],
                sub[list(DERIVED)].itertuples(index=False, name=None),
                strict=True,
            )
        ]
        stmt = (
            update(J)
            .where(J.c.journey_id == bindparam("k"))
            .values(**{c: bindparam(f"v_{c}") for c in DERIVED})
        )
        conn.execute(stmt, rows)
        changes.removed(leads[changed])
        changes.added(leads[changed].assign(**{c: derived.loc[changed, c] for c in DERIVED}))
    _replace_opportunity_journeys(conn, source, opportunity_journeys(source, opps), changes)
    return cross_file_conflicts(leads[changed], derived[changed]) if changed.any() else []


def _replace_opportunity_journeys(
    conn: Connection, source: str, new: pd.DataFrame, changes: JourneyChanges
) -> None:
    current = _read(conn, NEEDED_COLUMNS, J, J.c.source == source, J.c.kind == "opp")
    changes.removed(current)
    conn.execute(delete(J).where(J.c.source == source, J.c.kind == "opp"))
    bulk_insert(conn, J, new)
    changes.added(new)


def _py(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.floating):
        return float(value)
    return value


def resolve(conn: Connection, sources: Iterable[str], changes: JourneyChanges) -> list[str]:
    """Resolve every source; the cross-file conflicts found, at most WARNINGS_LISTED."""
    warnings: list[str] = []
    for source in sorted(set(sources)):
        warnings += resolve_source(conn, source, changes)
    if len(warnings) > WARNINGS_LISTED:
        more = len(warnings) - WARNINGS_LISTED
        warnings = [*warnings[:WARNINGS_LISTED], f"… and {more:,} more journeys like these"]
    return warnings
