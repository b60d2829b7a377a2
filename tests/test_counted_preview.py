"""The preview a person checks before importing a mapped file: records as the funnel will
count them, and the rows an update would reject for want of a record to change."""

from __future__ import annotations

import datetime as dt

from smarketing_data.config import Settings
from smarketing_data.ingest import FileInput, ingest
from smarketing_data.ingest.pipeline import prepare_file
from smarketing_data.ingest.suggest import counted_preview, unknown_update_rows

D = dt.datetime
NAT = None
LEADS = b"""id,created,mql,sql,won,owner,source
a,2026-04-01,2026-04-02,,,r1,Email
b,2026-04-02,,2026-04-05,2026-04-20,r2,Webinar
"""
MQL_LIST = {
    "kind": "leads",
    "source": "s",
    "columns": {"record_id": "id", "created_at": "created", "mql_at": "created"},
    "constants": {"entry_stage": "mql"},
}
DEALS = b"""id,lead,stage,created,closed,value
d1,a,Won,2026-05-01,2026-05-10,100
d2,b,Lost,2026-05-02,2026-05-12,50
d3,,Open,2026-05-03,,
"""
DEALS_MAPPING = {
    "kind": "opportunities",
    "source": "s",
    "columns": {
        "record_id": "id",
        "associated_lead_ids": "lead",
        "stage": "stage",
        "created_at": "created",
        "close_date": "closed",
        "amount": "value",
    },
}


def prepared(engine, data: bytes, mapping: dict):  # type: ignore[no-untyped-def]
    return prepare_file(engine, FileInput("f.csv", data), Settings(), mapping=mapping)


def values(frame) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [
        [None if v is None or v != v else v for v in row]
        for row in frame.astype(object).values.tolist()
    ]


def test_leads_show_the_dates_each_stage_counts_as_reached(engine):
    mapping = {
        "kind": "leads",
        "source": "s",
        "columns": {
            "record_id": "id",
            "created_at": "created",
            "mql_at": "mql",
            "sql_at": "sql",
            "won_at": "won",
            "rep": "owner",
            "channel": "source",
        },
    }
    got = counted_preview(prepared(engine, LEADS, mapping).mapped.records, "leads")
    # SAL and opportunity are dated by no row, and nothing is lost: left out
    assert list(got.columns) == [
        "row",
        "record key",
        "entry stage",
        "created",
        "MQL",
        "SQL",
        "won",
        "rep",
        "channel",
        "campaign",
    ]
    # b: MQL counts at its SQL date (Apr 5)
    assert values(got) == [
        [2, "s:a", "lead", D(2026, 4, 1), D(2026, 4, 2), NAT, NAT, "r1", "Email", None],
        [
            3,
            "s:b",
            "lead",
            D(2026, 4, 2),
            D(2026, 4, 5),
            D(2026, 4, 5),
            D(2026, 4, 20),
            "r2",
            "Webinar",
            None,
        ],
    ]


def test_an_mql_list_counts_each_lead_as_an_mql_on_its_created_date(engine):
    got = counted_preview(prepared(engine, LEADS, MQL_LIST).mapped.records, "leads")
    assert values(got[["record key", "entry stage", "created", "MQL"]]) == [
        ["s:a", "mql", D(2026, 4, 1), D(2026, 4, 1)],
        ["s:b", "mql", D(2026, 4, 2), D(2026, 4, 2)],
    ]


def test_deals_show_their_won_or_lost_date(engine):
    got = counted_preview(prepared(engine, DEALS, DEALS_MAPPING).mapped.records, "opportunities")
    assert values(got) == [
        [2, "s:d1", "s:a", "Won", D(2026, 5, 1), D(2026, 5, 10), NAT, 100.0, None, None, None],
        [3, "s:d2", "s:b", "Lost", D(2026, 5, 2), NAT, D(2026, 5, 12), 50.0, None, None, None],
        [4, "s:d3", None, "Open", D(2026, 5, 3), NAT, NAT, None, None, None, None],
    ]


def test_an_update_shows_only_what_it_changes_and_rejects_unknown_ids(engine):
    only_a = LEADS[: LEADS.index(b"\nb,") + 1]
    ingest(engine, [FileInput("f.csv", only_a)], Settings(), mapping=MQL_LIST)
    update = {
        "kind": "leads",
        "source": "s",
        "mode": "update",
        "columns": {"record_id": "id", "rep": "owner"},
    }
    records = prepared(engine, LEADS, update).mapped.records
    got = counted_preview(records, "leads", update_fields={"record_id", "rep"})
    assert list(got.columns) == ["row", "journey_id", "rep_id"]
    assert values(got) == [[2, "s:a", "r1"], [3, "s:b", "r2"]]
    assert [(r.row, r.reason) for r in unknown_update_rows(engine, "leads", records)] == [
        (3, "unknown id s:b: update mode changes only records already imported"),
    ]
