"""Rules that hold for all inputs: reached stages, idempotence, undo, order independence."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import Engine

from helpers import journeys, state
from smarketing_data.config import Settings
from smarketing_data.db import init_schema, make_engine
from smarketing_data.ingest import FileInput, ingest, undo_upload
from smarketing_data.stages import REACHED_COLUMNS, STAGES, reached_dates

BASE = dt.datetime(2026, 1, 1)
SLOW = hsettings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def fresh_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as tmp:
        eng = make_engine(f"sqlite:///{Path(tmp) / 'p.db'}")
        init_schema(eng)
        try:
            yield eng
        finally:
            eng.dispose()


offsets = st.one_of(st.none(), st.integers(min_value=0, max_value=200))


@hsettings(deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["lead", "opp"]), *[offsets] * 5), min_size=1, max_size=30)
)
def test_reached_stages_are_downward_closed_from_entry(rows):
    frame = pd.DataFrame(
        [
            {
                "entry_stage": e,
                "created_at": BASE,
                **{
                    f"{s}_at": (BASE + dt.timedelta(days=o) if o is not None else None)
                    for s, o in zip(("mql", "sal", "sql", "opp", "won"), offs, strict=True)
                },
            }
            for e, *offs in rows
        ]
    )
    reached = reached_dates(frame)
    for i, row in frame.iterrows():
        entry = STAGES.index(row["entry_stage"])
        flags = [pd.notna(reached.loc[i, REACHED_COLUMNS[s]]) for s in STAGES]
        assert not any(flags[:entry])
        last = max((k for k, f in enumerate(flags) if f), default=None)
        if last is not None:
            assert all(flags[entry : last + 1])
        for k in range(entry, len(STAGES)):
            own = row["created_at"] if k == 0 else row[f"{STAGES[k]}_at"]
            later = [row[f"{s}_at"] for s in STAGES[k + 1 :] if pd.notna(row[f"{s}_at"])]
            expected = own if pd.notna(own) else (min(later) if later else None)
            got = reached.loc[i, REACHED_COLUMNS[STAGES[k]]]
            assert (pd.isna(got) and expected is None) or got == expected


# --- random Salesforce export sets ------------------------------------------------------------


def _sf_id(prefix: str, n: int) -> str:
    """A 15-character Salesforce id, distinct for every n."""
    return f"{prefix}5e00{n:08d}"


lead_st = st.fixed_dictionaries(
    {
        "created": st.integers(0, 300),
        "mql": offsets,
        "sql": offsets,
        "opp": st.one_of(st.none(), st.integers(0, 7)),
        "owner": st.sampled_from(["0055e00000RePaA", "0055e00000RePaB", "00G5e00000QuEuE", ""]),
    }
)
opp_st = st.fixed_dictionaries(
    {
        "created": st.integers(0, 300),
        "close": st.integers(0, 100),
        "state": st.sampled_from(["won", "lost", "open"]),
        "amount": st.one_of(st.none(), st.integers(0, 100_000)),
        "campaign": st.sampled_from(["", "7015e00000CmPaA", "7015e00000CmPaB"]),
    }
)
member_st = st.tuples(
    st.integers(0, 9), st.sampled_from(["7015e00000CmPaA", "7015e00000CmPaB"]), st.integers(0, 300)
)


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode()


def _iso(days: int) -> str:
    return (BASE + dt.timedelta(days=days, hours=9)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def sf_files(leads: list[dict], opps: list[dict], members: list[tuple]) -> list[FileInput]:
    lead_rows = []
    for i, lead in enumerate(leads):
        c = lead["created"]
        mql = c + lead["mql"] if lead["mql"] is not None else None
        sql = (mql or c) + lead["sql"] if lead["sql"] is not None else None
        opp = _sf_id("006", lead["opp"]) if lead["opp"] is not None else ""
        lead_rows.append(
            [
                _sf_id("00Q", i),
                "false",
                lead["owner"],
                "Web",
                _iso(c),
                _iso(mql) if mql is not None else "",
                _iso(sql) if sql is not None else "",
                opp,
            ]
        )
    opp_rows = []
    for j, o in enumerate(opps):
        close = o["created"] + o["close"]
        opp_rows.append(
            [
                _sf_id("006", j),
                "false",
                "Closed Won"
                if o["state"] == "won"
                else "Closed Lost"
                if o["state"] == "lost"
                else "Prospecting",
                "" if o["amount"] is None else str(o["amount"]),
                (BASE + dt.timedelta(days=close)).date().isoformat(),
                str(o["state"] != "open").lower(),
                str(o["state"] == "won").lower(),
                o["campaign"],
                "0055e00000RePaA",
                _iso(o["created"]),
            ]
        )
    member_rows = [
        [f"00v5e0000{k:06d}", "false", camp, _sf_id("00Q", lead % max(len(leads), 1)), _iso(day)]
        for k, (lead, camp, day) in enumerate(members)
    ]
    return [
        FileInput(
            "Lead.csv",
            _csv(
                [
                    "Id",
                    "IsDeleted",
                    "OwnerId",
                    "LeadSource",
                    "CreatedDate",
                    "MQL_Date__c",
                    "SQL_Date__c",
                    "ConvertedOpportunityId",
                ],
                lead_rows,
            ),
        ),
        FileInput(
            "Opportunity.csv",
            _csv(
                [
                    "Id",
                    "IsDeleted",
                    "StageName",
                    "Amount",
                    "CloseDate",
                    "IsClosed",
                    "IsWon",
                    "CampaignId",
                    "OwnerId",
                    "CreatedDate",
                ],
                opp_rows,
            ),
        ),
        FileInput(
            "CampaignMember.csv",
            _csv(["Id", "IsDeleted", "CampaignId", "LeadId", "CreatedDate"], member_rows),
        ),
    ]


export_st = st.tuples(
    st.lists(lead_st, min_size=1, max_size=10),
    st.lists(opp_st, min_size=0, max_size=8),
    st.lists(member_st, min_size=0, max_size=8),
)


@SLOW
@given(export_st, st.permutations(range(3)))
def test_import_order_does_not_change_journeys(export, order):
    files = sf_files(*export)
    with fresh_engine() as one, fresh_engine() as split:
        ingest(one, files, Settings())
        for i in order:
            ingest(split, [files[i]], Settings())
        assert journeys(one).equals(journeys(split))


@SLOW
@given(export_st)
def test_reimport_is_idempotent(export):
    files = sf_files(*export)
    with fresh_engine() as eng:
        ingest(eng, files, Settings())
        before = state(eng)
        again = ingest(eng, files, Settings())
        assert all(f.inserted == 0 and f.updated == 0 for f in again.files)
        assert state(eng) == before


@SLOW
@given(export_st, export_st)
def test_undo_restores_the_exact_previous_state(first, second):
    with fresh_engine() as eng:
        ingest(eng, sf_files(*first), Settings())
        before = state(eng)
        result = ingest(eng, sf_files(*second), Settings())
        undo_upload(eng, result.upload_id)
        assert state(eng) == before
