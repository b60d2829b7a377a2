"""A deliberately plain, row-by-row reading of SPEC §3–§4 from raw journeys, used to check
the rollup-based reports (slow, obvious, independent of the package's own code paths)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pandas as pd
from sqlalchemy import Engine, select

from smarketing_data import schema

STAGES = ["lead", "mql", "sal", "sql", "opp", "won"]
OWN = {
    "lead": "created_at",
    "mql": "mql_at",
    "sal": "sal_at",
    "sql": "sql_at",
    "opp": "opp_at",
    "won": "won_at",
}


def raw_journeys(engine: Engine) -> list[dict]:
    j = schema.journeys
    cols = [
        "journey_id",
        "entry_stage",
        "created_at",
        "mql_at",
        "sal_at",
        "sql_at",
        "opp_at",
        "won_at",
        "campaign_id",
        "rep_id",
        "amount",
        "won_amount",
    ]
    with engine.connect() as conn:
        rows = conn.execute(select(*[j.c[c] for c in cols])).all()
    out = []
    for r in rows:
        d = dict(zip(cols, r, strict=True))
        for c in ("created_at", "mql_at", "sal_at", "sql_at", "opp_at", "won_at"):
            d[c] = pd.Timestamp(d[c]).to_pydatetime() if d[c] is not None else None
        out.append(d)
    return out


def tracked(journeys: list[dict]) -> set[str]:
    """SPEC §3.10: Lead when some journey enters as a lead; any other stage when some journey
    has its own date for it. An empty database tracks everything."""
    if not journeys:
        return set(STAGES)
    found = {"lead"} if any(j["entry_stage"] == "lead" for j in journeys) else set()
    found |= {s for s in STAGES[1:] if any(j[OWN[s]] is not None for j in journeys)}
    return found


def reached(journey: dict) -> dict[str, dt.datetime | None]:
    """SPEC §3.1–3.2 for one journey, written out the long way."""
    entry = STAGES.index(journey["entry_stage"])
    out: dict[str, dt.datetime | None] = {}
    for i, stage in enumerate(STAGES):
        if i < entry:
            out[stage] = None
            continue
        own = journey[OWN[stage]]
        later = [journey[OWN[s]] for s in STAGES[i + 1 :] if journey[OWN[s]] is not None]
        out[stage] = own if own is not None else (min(later) if later else None)
    return out


def inside(moment: dt.datetime | None, start: dt.date, end: dt.date) -> bool:
    return moment is not None and dt.datetime.combine(
        start, dt.time()
    ) <= moment < dt.datetime.combine(end, dt.time())


def funnel(journeys: list[dict], start: dt.date, end: dt.date) -> dict[str, float]:
    counts: Counter[str] = Counter()
    pipeline = bookings = 0.0
    for j in journeys:
        r = reached(j)
        for s in STAGES:
            if inside(r[s], start, end):
                counts[s] += 1
        if inside(r["opp"], start, end):
            pipeline += j["amount"] or 0.0
        if inside(r["won"], start, end):
            bookings += j["won_amount"] or 0.0
    return {**{s: counts[s] for s in STAGES}, "pipeline": pipeline, "bookings": bookings}


def campaign_activity(
    journeys: list[dict], start: dt.date, end: dt.date
) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    for j in journeys:
        if j["campaign_id"] is None:
            continue
        r = reached(j)
        for s in STAGES:
            if inside(r[s], start, end):
                out[j["campaign_id"]][s] += 1
    return dict(out)


def rep_cohorts(
    journeys: list[dict], start: dt.date, end: dt.date, base: str
) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    for j in journeys:
        if j["rep_id"] is None:
            continue
        r = reached(j)
        if not inside(r[base], start, end):
            continue
        for s in STAGES:
            if r[s] is not None:
                out[j["rep_id"]][s] += 1
    return dict(out)
