"""HubSpot, Salesforce reports, Pipedrive, Zoho and canonical files: journeys by hand."""

from __future__ import annotations

import io

import openpyxl
import pytest

from helpers import DATA, assert_journeys, load, ts
from smarketing_data.ids import sfdc_id18
from smarketing_data.ingest import FileInput, ingest

HS = DATA / "hubspot"
HUBSPOT_EXPECTED = {
    "hubspot:101": dict(
        created_at=ts("2026-04-02 09:15"),
        campaign_id="spring-nurture",
        rep_id="Rita Rep",
        channel="Email",
        mql_at=ts("2026-04-03 10:00"),
        sql_at=ts("2026-04-20 10:00"),
        opp_at=ts("2026-04-25 10:00"),
        won_at=ts("2026-06-15 00:00"),
        lost_at=None,
        amount=15500.5,
        won_amount=12500.5,
        first_touch_at=ts("2026-04-03 12:00"),
        company="Acme",
    ),
    "hubspot:102": dict(
        created_at=ts("2026-04-05 11:00"),
        rep_id="Sam Seller",
        channel="Referral",
        mql_at=ts("2026-04-06 10:00"),
        sql_at=None,
        opp_at=ts("2026-05-01 00:00"),
        won_at=None,
        amount=None,
    ),
    "hubspot:103": dict(
        rep_id=None, channel="Organic Search", campaign_id=None, disqualified_reason="Unqualified"
    ),
    "hubspot:104": dict(created_at=ts("2026-06-01 10:00"), rep_id="Sam Seller", opp_at=None),
    "hubspot:opp:9003": dict(
        entry_stage="opp",
        created_at=ts("2026-06-10 10:00"),
        rep_id="Sam Seller",
        opp_at=ts("2026-06-10 10:00"),
        amount=None,
        won_at=None,
        lost_at=None,
    ),
}


@pytest.mark.parametrize(
    "order",
    [("hubspot-contacts.csv", "hubspot-deals.csv"), ("hubspot-deals.csv", "hubspot-contacts.csv")],
)
def test_hubspot_contacts_and_deals(any_engine, order):
    result = load(any_engine, *(HS / n for n in order))
    kinds = {f.file: (f.format, f.kind, f.inserted, f.rejected) for f in result.files}
    assert kinds == {
        "hubspot-contacts.csv": ("hubspot", "contacts", 4, 0),
        "hubspot-deals.csv": ("hubspot", "deals", 3, 0),
    }
    assert_journeys(any_engine, HUBSPOT_EXPECTED)


def test_hubspot_in_separate_calls(engine):
    load(engine, HS / "hubspot-deals.csv")
    load(engine, HS / "hubspot-contacts.csv")
    assert_journeys(engine, HUBSPOT_EXPECTED)


def _xlsx_from_csv(path) -> bytes:  # type: ignore[no-untyped-def]
    import csv
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    with path.open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.reader(fh)):
            cells: list[object] = []
            for value in row:
                try:
                    cells.append(dt.datetime.strptime(value, "%Y-%m-%d %H:%M") if i else value)
                except ValueError:
                    cells.append(value)
            ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_hubspot_as_xlsx_gives_the_same_journeys(engine, settings):
    files = [
        FileInput("contacts.xlsx", _xlsx_from_csv(HS / "hubspot-contacts.csv")),
        FileInput("deals.xlsx", _xlsx_from_csv(HS / "hubspot-deals.csv")),
    ]
    result = ingest(engine, files, settings)
    assert [(f.kind, f.inserted, f.rejected) for f in result.files] == [
        ("contacts", 4, 0),
        ("deals", 3, 0),
    ]
    assert_journeys(engine, HUBSPOT_EXPECTED)


def test_salesforce_report_exports_link_by_opportunity_id(any_engine):
    rep = DATA / "salesforce_report"
    result = load(any_engine, rep / "leads_report.csv", rep / "opportunities_report.csv")
    assert [(f.format, f.kind, f.rows, f.inserted, f.rejected) for f in result.files] == [
        ("salesforce", "leads", 2, 2, 0),
        ("salesforce", "opportunities", 2, 2, 0),
    ]
    lead_a = "sfdc:" + sfdc_id18("00Q5e00000RpTaA")
    lead_b = "sfdc:" + sfdc_id18("00Q5e00000RpTaB")
    opp_b = "sfdc:opp:" + sfdc_id18("0065e00000RpTaB")
    assert_journeys(
        any_engine,
        {
            lead_a: dict(
                created_at=ts("2026-03-05 00:00"),
                rep_id="Rita Rep",
                campaign_id="Spring Webinar",
                channel="Web",
                mql_at=ts("2026-03-10 14:07"),
                opp_at=ts("2026-03-20 00:00"),
                won_at=ts("2026-04-15 00:00"),
                amount=12000.0,
                won_amount=12000.0,
            ),
            lead_b: dict(
                created_at=ts("2026-03-06 00:00"),
                rep_id="Sam Seller",
                channel="Trade Show",
                opp_at=None,
            ),
            opp_b: dict(
                entry_stage="opp",
                created_at=ts("2026-04-01 00:00"),
                campaign_id=None,
                rep_id="Sam Seller",
                channel="Outbound",
                lost_at=ts("2026-05-01 00:00"),
                won_at=None,
                amount=3500.0,
            ),
        },
    )
    assert any("ambiguous" in n for n in result.files[0].notes)


def test_pipedrive_deals_become_opportunity_journeys(any_engine):
    result = load(any_engine, DATA / "pipedrive" / "deals.csv")
    f = result.files[0]
    assert (f.format, f.kind, f.rows, f.inserted, f.unchanged) == ("pipedrive", "deals", 4, 3, 1)
    assert_journeys(
        any_engine,
        {
            "pipedrive:opp:1": dict(
                won_at=ts("2026-08-01 12:00"),
                amount=1000.0,
                won_amount=1000.0,
                rep_id="Pat Piper",
                channel="Referral",
            ),
            "pipedrive:opp:2": dict(
                lost_at=ts("2026-07-20 09:00"), won_at=None, channel="Paid Search"
            ),
            "pipedrive:opp:3": dict(won_at=None, lost_at=None, amount=None, rep_id="Quinn Quill"),
        },
    )


def test_zoho_leads(any_engine):
    result = load(any_engine, DATA / "zoho" / "Leads.csv")
    assert (result.files[0].format, result.files[0].kind) == ("zoho", "leads")
    assert_journeys(
        any_engine,
        {
            "zoho:zcrm_111": dict(
                created_at=ts("2026-01-15 09:30"),
                rep_id="Zoe Zoho",
                channel="Advertisement",
                region="India",
                disqualified_reason=None,
            ),
            "zoho:zcrm_112": dict(channel="Outbound", disqualified_reason="Junk Lead"),
        },
    )


def test_canonical_journeys(any_engine):
    result = load(any_engine, DATA / "canonical" / "journeys.csv")
    assert (result.files[0].format, result.files[0].kind) == ("canonical", "journeys")
    assert_journeys(
        any_engine,
        {
            "crm:1": dict(
                entry_stage="lead",
                campaign_id="camp-a",
                won_at=ts("2026-05-01 09:00"),
                amount=1000.0,
                won_amount=1000.0,
                sal_at=ts("2026-04-03 09:00"),
            ),
            "crm:2": dict(
                created_at=ts("2026-04-02 09:00"),
                mql_at=ts("2026-04-05 09:00"),
                rep_id="rep-2",
                amount=None,
            ),
            "crm:3": dict(
                entry_stage="opp",
                opp_at=ts("2026-05-01 00:00"),
                lost_at=ts("2026-06-01 00:00"),
                amount=5000.0,
                campaign_id=None,
            ),
        },
    )
