"""The Data page: upload, check, map, import, report, history, undo, sample, template."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from helpers import DATA, assert_journeys, ts
from smarketing_data import schema
from smarketing_data.db import make_engine
from smarketing_data.ingest.recognize import header_signature
from ui.upload.check import skip_key
from ui.upload.history import history_table
from ui.upload.mapping import date_key, mapping_key, value_key

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "app_pages" / "data.py"
APP = ROOT / "app.py"
HUBSPOT = DATA / "hubspot"
UPLOAD = DATA / "upload"
TRACKED = DATA / "tracked"
MYCRM_HEADERS = ["Lead No", "Opened", "Owner", "Source", "Company", "Deal Value"]
MQL_HEADERS = ["mql_id", "first_contact_date", "landing_page_id", "origin"]
WON_HEADERS = ["mql_id", "seller_id", "sdr_id", "sr_id", "won_date", "business_segment"]


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'data.db'}"
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    return url


def page(*, sample: bool = False) -> AppTest:
    """The Data page on its own; without the sample unless asked (it takes a second)."""
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    if not sample:
        at.session_state["sample_checked"] = True
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, *paths: Path) -> AppTest:
    files = [(p.name, p.read_bytes(), "text/csv") for p in paths]
    at.file_uploader(key="upload_files").set_value(files).run()
    assert not at.exception
    return at


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with this column."""
    found = [df.value for df in at.dataframe if column in df.value.columns]
    assert found, f"no table with column {column!r}"
    return found[0]


def plain(markdown: str) -> str:
    """Message text without the escapes that keep file text from being read as markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def records(frame: pd.DataFrame, *columns: str) -> list[list[object]]:
    """The columns' values row by row; blanks (None, NaN, NaT, <NA>) as None."""
    rows = frame[list(columns)].astype(object).values.tolist()
    return [[None if pd.isna(v) else v for v in row] for row in rows]


def count(url: str, table_obj) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table_obj)).scalar_one())
    finally:
        engine.dispose()


def file_ids(at: AppTest) -> list[str]:
    """The uploader's files' ids, in upload order."""
    return [f.file_id for f in at.file_uploader(key="upload_files").value]


def import_files(at: AppTest) -> AppTest:
    at.button(key="import_button").click().run()
    assert not at.exception
    return at


def test_check_import_report_and_reimport(db_url):
    at = upload(page(), HUBSPOT / "hubspot-contacts.csv", HUBSPOT / "hubspot-deals.csv")
    check = table(at, "Will be rejected")
    assert records(check, "File", "Format", "Kind", "Rows", "Will be rejected", "Status") == [
        ["hubspot-contacts.csv", "HubSpot", "contacts", 4, 0, "Ready"],
        ["hubspot-deals.csv", "HubSpot", "deals", 3, 0, "Ready"],
    ]
    preview = table(at, "record key")
    assert list(preview["record key"]) == [f"hubspot:{i}" for i in (101, 102, 103, 104)]
    assert not at.button(key="import_button").disabled

    import_files(at)
    assert at.success[0].value == (
        "Imported as upload 1: 7 rows read, 7 inserted, 0 updated, 0 unchanged, 0 rejected."
    )
    report = table(at, "Inserted")
    columns = ("Upload", "File", "Read", "Inserted", "Updated", "Unchanged", "Rejected")
    assert records(report, *columns) == [
        [1, "hubspot-contacts.csv", 4, 4, 0, 0, 0],
        [1, "hubspot-deals.csv", 3, 3, 0, 0, 0],
    ]
    assert count(db_url, schema.journeys) == 5  # four contacts and the deal without one

    upload(at, HUBSPOT / "hubspot-contacts.csv", HUBSPOT / "hubspot-deals.csv")
    import_files(at)
    assert records(table(at, "Inserted"), *columns) == [
        [2, "hubspot-contacts.csv", 4, 0, 0, 4, 0],
        [2, "hubspot-deals.csv", 3, 0, 0, 3, 0],
    ]
    history = table(at, "When")
    assert records(history, "Upload", "Who", "Read", "Inserted", "Unchanged", "Status") == [
        [2, "local user", 7, 0, 7, "applied"],
        [1, "local user", 7, 7, 0, "applied"],
    ]
    assert history["Format / kind"].iloc[0] == "HubSpot · contacts; HubSpot · deals"


def test_rejected_rows_are_listed_and_downloadable(db_url):
    at = upload(page(), UPLOAD / "contacts-bad-rows.csv")
    assert records(table(at, "Will be rejected"), "Rows", "Will be rejected") == [[4, 2]]
    assert records(table(at, "reason"), "row", "reason") == [
        [3, "unparseable date in 'Create Date': 'not a date'"],
        [4, "no id"],
    ]
    import_files(at)
    assert records(table(at, "Inserted"), "Inserted", "Rejected") == [[2, 2]]
    rejects = table(at, "Company Name")
    assert records(rejects, "file", "row", "reason") == [
        ["contacts-bad-rows.csv", 3, "unparseable date in 'Create Date': 'not a date'"],
        ["contacts-bad-rows.csv", 4, "no id"],
    ]
    assert rejects["Company Name"].iloc[0] == '=HYPERLINK("http://evil.example","click")'
    assert at.download_button(key="rejects_download_1").label == "Download rejected rows (CSV)"
    # the history offers the same download for any upload with rejects
    assert at.selectbox(key="rejects_select").value == 1
    assert at.download_button(key="history_rejects_download")
    # undone, the upload's rejected rows go with it: nothing left to offer
    at.selectbox(key="undo_select").set_value(1).run()
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_button").click().run()
    assert not [s for s in at.selectbox if s.key == "rejects_select"]


def test_a_file_that_cannot_be_read_blocks_the_whole_import(db_url):
    at = upload(page(), HUBSPOT / "hubspot-contacts.csv", UPLOAD / "report.csv")
    assert records(table(at, "Status"), "File", "Status") == [
        ["hubspot-contacts.csv", "Ready"],
        ["report.csv", "Cannot be imported"],
    ]
    assert "is a PDF document" in at.error[0].value
    assert at.button(key="import_button").disabled
    assert count(db_url, schema.uploads) == 0


def test_unknown_export_is_mapped_once_then_recognised(db_url):
    at = upload(page(), UPLOAD / "mycrm-leads.csv")
    # the row count does not wait for the mapping; what will be rejected does
    assert records(table(at, "Status"), "Format", "Rows", "Will be rejected", "Status") == [
        ["—", 4, "—", "Needs a column mapping"]
    ]
    assert at.button(key="import_button").disabled
    key = mapping_key(header_signature(MYCRM_HEADERS))
    assert at.selectbox(key=f"{key}_kind").value == "leads"
    assert at.text_input(key=f"{key}_source").value == "mycrm"
    suggested = {
        f: at.selectbox(key=f"{key}_leads_{f}").value
        for f in (
            "record_id",
            "created_at",
            "rep",
            "channel",
            "company",
            "amount",
            "campaign",
            "mql_at",
        )
    }
    assert suggested == {
        "record_id": "Lead No",
        "created_at": "Opened",
        "rep": "Owner",
        "channel": "Source",
        "company": "Company",
        "amount": "Deal Value",
        "campaign": "(none)",
        "mql_at": "(none)",
    }
    at.selectbox(key=f"{key}_leads_segment").set_value("Source")  # a change of mind
    at.selectbox(key=f"{key}_leads_segment").set_value("(none)")
    at.button(key=f"{key}_use").click().run()
    assert not at.exception
    assert records(table(at, "Status"), "Format", "Kind", "Rows", "Status") == [
        ["Your mapping", "leads", 4, "Ready (your mapping)"],
    ]
    assert not at.button(key="import_button").disabled
    import_files(at)
    assert records(table(at, "Inserted"), "Format", "Kind", "Inserted") == [
        ["Your mapping", "leads", 4],
    ]
    assert count(db_url, schema.mappings) == 1

    # next week's export: same header row, recognised with no mapping step
    upload(at, UPLOAD / "mycrm-leads-week2.csv")
    assert records(table(at, "Status"), "Format", "Kind", "Status") == [
        ["Your mapping", "leads", "Ready"],
    ]
    assert not [s for s in at.selectbox if s.key and s.key.startswith("map_")]
    import_files(at)
    assert records(table(at, "Inserted"), "Inserted", "Updated", "Unchanged") == [[2, 1, 0]]
    assert count(db_url, schema.journeys) == 6


def test_a_mapped_file_next_to_a_recognised_one_is_an_upload_of_its_own(db_url):
    at = upload(page(), HUBSPOT / "hubspot-contacts.csv", UPLOAD / "mycrm-leads.csv")
    key = mapping_key(header_signature(MYCRM_HEADERS))
    at.button(key=f"{key}_use").click().run()
    at.button(key=f"{key}_change").click().run()  # second thoughts: back to the mapping step
    assert table(at, "Status")["Status"].tolist() == ["Ready", "Needs a column mapping"]
    at.text_input(key=f"{key}_source").input("My CRM!").run()
    at.button(key=f"{key}_use").click().run()
    assert table(at, "Status")["Status"].tolist() == ["Ready", "Ready (your mapping)"]
    import_files(at)
    assert at.success[0].value.startswith("Imported as upload 1, 2: 8 rows read, 8 inserted")
    assert records(table(at, "Inserted"), "Upload", "File", "Inserted") == [
        [1, "hubspot-contacts.csv", 4],
        [2, "mycrm-leads.csv", 4],
    ]
    engine = make_engine(db_url)
    with engine.connect() as conn:
        keys = (
            conn.execute(
                select(schema.journeys.c.journey_id).order_by(schema.journeys.c.journey_id)
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert keys[-4:] == ["my-crm:L-1", "my-crm:L-2", "my-crm:L-3", "my-crm:L-4"]


def test_a_mapping_without_a_required_field_is_refused(db_url):
    at = upload(page(), UPLOAD / "mycrm-leads.csv")
    key = mapping_key(header_signature(MYCRM_HEADERS))
    at.selectbox(key=f"{key}_leads_created_at").set_value("(none)")
    at.run()
    assert at.warning[0].value == "Choose a column for Created date."
    assert at.button(key=f"{key}_use").disabled
    assert table(at, "Status")["Status"].tolist() == ["Needs a column mapping"]


def test_undo_needs_confirmation_and_restores(db_url):
    at = upload(page(), HUBSPOT / "hubspot-contacts.csv", HUBSPOT / "hubspot-deals.csv")
    import_files(at)
    upload(at, UPLOAD / "hubspot-contacts-update.csv")
    import_files(at)
    assert count(db_url, schema.journeys) == 5
    assert at.button(key="undo_button").disabled

    # upload 1 cannot go first: upload 2 changed one of its contacts
    at.selectbox(key="undo_select").set_value(1).run()
    assert at.checkbox(key="undo_confirm").label == "Yes, undo upload 1"
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_button").click().run()
    assert not at.exception
    assert plain(at.error[0].value) == (
        "Upload 1 was not undone: upload 1 cannot be undone on its own: later upload(s) 2 "
        "changed the same records. Undo those first, newest first."
    )
    assert count(db_url, schema.journeys) == 5

    at.selectbox(key="undo_select").set_value(2).run()
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_button").click().run()
    assert plain(at.success[0].value) == "Upload 2 undone: 0 records removed, 1 restored."
    at.selectbox(key="undo_select").set_value(1).run()
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_button").click().run()
    assert plain(at.success[0].value) == "Upload 1 undone: 7 records removed, 0 restored."
    assert count(db_url, schema.journeys) == 0
    assert records(table(at, "When"), "Upload") == [[2], [1]]
    assert all(s.startswith("undone ") for s in table(at, "When")["Status"])
    assert "No upload to undo." in [c.value for c in at.caption]


def test_sample_data_can_be_cleared(db_url):
    at = page(sample=True)
    assert "sample data" in at.info[0].value
    assert count(db_url, schema.journeys) > 8_000
    assert at.button(key="clear_sample").disabled
    at.checkbox(key="clear_sample_confirm").check().run()
    at.button(key="clear_sample").click().run()
    assert not at.exception
    assert plain(at.success[0].value) == "Sample data cleared (1 sample upload(s) undone)."
    assert count(db_url, schema.journeys) == 0
    assert not [i for i in at.info if "sample data" in i.value.lower()]


def test_template_download(db_url):
    at = page()
    assert at.text[0].value == "No uploads yet."
    assert at.download_button(key="template_download").label == "Download the template (CSV)"
    at.selectbox(key="template_kind").set_value("campaigns").run()
    assert not at.exception


def test_history_table_from_upload_files():
    files = pd.DataFrame(
        {
            "upload_id": [2, 1, 1],
            "created_at": pd.to_datetime(
                ["2026-05-02 10:00", "2026-05-01 09:30", "2026-05-01 09:30"]
            ),
            "user_name": ["ops@example.com", None, None],
            "status": ["applied", "undone", "undone"],
            "undone_at": pd.to_datetime([None, "2026-05-03 08:00", "2026-05-03 08:00"]),
            "file_name": ["Lead.csv", "a.csv", "b.csv"],
            "format": ["salesforce", "hubspot", "hubspot"],
            "kind": ["leads", "contacts", "deals"],
            "rows": [10, 4, 3],
            "inserted": [8, 4, 3],
            "updated": [1, 0, 0],
            "unchanged": [0, 0, 0],
            "rejected": [1, 0, 0],
        }
    )
    assert history_table(files).values.tolist() == [
        [
            2,
            "2026-05-02 10:00 UTC",
            "ops@example.com",
            "Lead.csv",
            "Salesforce · leads",
            10,
            8,
            1,
            0,
            1,
            "applied",
        ],
        [
            1,
            "2026-05-01 09:30 UTC",
            "",
            "a.csv, b.csv",
            "HubSpot · contacts; HubSpot · deals",
            7,
            7,
            0,
            0,
            0,
            "undone 2026-05-03 08:00 UTC",
        ],
    ]


def test_the_router_opens_the_data_page(db_url):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["sample_checked"] = True
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Data"
    assert at.file_uploader(key="upload_files")


def test_a_list_of_mqls_is_mapped_in_the_app(db_url):
    at = upload(page(), TRACKED / "marketing_qualified_leads.csv")
    assert records(table(at, "Status"), "Rows", "Status") == [[4, "Needs a column mapping"]]
    key = mapping_key(header_signature(MQL_HEADERS))
    fields = f"{key}_leads"
    # the suggestion, as a person would accept it
    assert at.selectbox(key=f"{key}_kind").value == "leads"
    assert at.radio(key=f"{key}_mode").value == "upsert"
    assert {
        f: at.selectbox(key=f"{fields}_{f}").value
        for f in ("record_id", "created_at", "channel", "mql_at", "rep")
    } == {
        "record_id": "mql_id",
        "created_at": "first_contact_date",
        "channel": "origin",
        "mql_at": "first_contact_date",
        "rep": "(none)",
    }
    assert at.checkbox(key=f"{fields}_mql").value
    assert at.selectbox(key=date_key(fields, "first_contact_date")).value == "D-M-Y"
    channels = {
        v: at.selectbox(key=value_key(fields, "origin", v)).value
        for v in ("paid_search", "unknown", "email", "social")
    }
    assert channels == {
        "paid_search": "Paid Search",
        "unknown": "(blank)",
        "email": "Email",
        "social": "Social",
    }

    at.text_input(key=f"{key}_source").input("olist")
    at.checkbox(key=f"{fields}_mql").check()
    at.selectbox(key=value_key(fields, "origin", "unknown")).set_value("(blank)").run()
    assert not at.exception
    preview = table(at, "record key")
    # as counted: each lead an MQL on the day it came in (day first), unknown channel blank
    assert records(preview, "record key", "entry stage", "created", "MQL", "channel") == [
        ["olist:m1", "mql", "2026-04-01", "2026-04-01", "Paid Search"],
        ["olist:m2", "mql", "2026-04-15", "2026-04-15", ""],
        ["olist:m3", "mql", "2026-05-20", "2026-05-20", "Email"],
        ["olist:m4", "mql", "2026-07-02", "2026-07-02", "Social"],
    ]
    at.button(key=f"{key}_use").click().run()
    assert records(table(at, "Status"), "Format", "Kind", "Rows", "Status") == [
        ["Your mapping", "leads", 4, "Ready (your mapping)"]
    ]
    import_files(at)
    assert records(table(at, "Inserted"), "File", "Inserted", "Rejected") == [
        ["marketing_qualified_leads.csv", 4, 0]
    ]
    engine = make_engine(db_url)
    # 01-04-2026 is April 1: the column is day first (15-04-2026 says so)
    assert_journeys(
        engine,
        {
            "olist:m1": {
                "entry_stage": "mql",
                "created_at": ts("2026-04-01"),
                "mql_at": ts("2026-04-01"),
                "channel": "Paid Search",
            },
            "olist:m2": {"entry_stage": "mql", "mql_at": ts("2026-04-15"), "channel": None},
            "olist:m3": {"entry_stage": "mql", "mql_at": ts("2026-05-20"), "channel": "Email"},
            "olist:m4": {"entry_stage": "mql", "mql_at": ts("2026-07-02"), "channel": "Social"},
        },
    )
    engine.dispose()

    # the won deals of those leads, then the same file again to add each lead's SDR
    upload(at, TRACKED / "closed_deals.csv")
    key = mapping_key(header_signature(WON_HEADERS))
    deals = f"{key}_opportunities"
    assert at.selectbox(key=f"{key}_kind").value == "opportunities"
    assert at.checkbox(key=f"{deals}_won").value
    assert {
        f: at.selectbox(key=f"{deals}_{f}").value
        for f in ("record_id", "associated_lead_ids", "created_at", "close_date")
    } == {
        "record_id": "mql_id",
        "associated_lead_ids": "mql_id",
        "created_at": "won_date",
        "close_date": "won_date",
    }
    at.text_input(key=f"{key}_source").input("olist").run()
    assert records(table(at, "record key"), "record key", "lead", "stage", "won") == [
        ["olist:m1", "olist:m1", "Won", "2026-05-10 10:00"],
        ["olist:m3", "olist:m3", "Won", "2026-06-01 12:00"],
    ]
    at.button(key=f"{key}_use").click().run()
    import_files(at)
    engine = make_engine(db_url)
    assert_journeys(
        engine,
        {
            "olist:m1": {"won_at": ts("2026-05-10 10:00"), "rep_id": None},
            "olist:m2": {"won_at": None},
            "olist:m3": {"won_at": ts("2026-06-01 12:00"), "rep_id": None},
            "olist:m4": {"won_at": None},
        },
    )
    engine.dispose()

    upload(at, TRACKED / "closed_deals.csv")
    assert records(table(at, "Status"), "Format", "Kind", "Status") == [
        ["Your mapping", "opportunities", "Ready"]
    ]
    at.button(key=f"own_mapping_{file_ids(at)[0]}").click().run()
    assert at.text_input(key=f"{key}_source").value == "olist"  # as the file was read
    at.selectbox(key=f"{key}_kind").set_value("leads").run()
    at.radio(key=f"{key}_mode").set_value("update").run()
    update = f"{key}_leads_update"
    # an update starts from the record id alone: it changes only what it maps
    assert at.selectbox(key=f"{update}_record_id").value == "mql_id"
    assert at.selectbox(key=f"{update}_created_at").value == "(none)"
    at.selectbox(key=f"{update}_rep").set_value("sdr_id").run()
    assert records(table(at, "rep_id"), "journey_id", "rep_id") == [
        ["olist:m1", "sdr1"],
        ["olist:m3", "sdr2"],
    ]
    at.button(key=f"{key}_use").click().run()
    import_files(at)
    assert records(table(at, "Inserted"), "Kind", "Inserted", "Updated", "Rejected") == [
        ["leads", 0, 2, 0]
    ]
    engine = make_engine(db_url)
    assert_journeys(
        engine,
        {
            "olist:m1": {"rep_id": "sdr1", "entry_stage": "mql", "won_at": ts("2026-05-10 10:00")},
            "olist:m2": {"rep_id": None, "entry_stage": "mql"},
            "olist:m3": {"rep_id": "sdr2", "entry_stage": "mql", "won_at": ts("2026-06-01 12:00")},
            "olist:m4": {"rep_id": None, "entry_stage": "mql"},
        },
    )
    engine.dispose()


def test_a_skipped_file_is_not_imported(db_url):
    at = upload(page(), HUBSPOT / "hubspot-contacts.csv", UPLOAD / "report.csv")
    assert at.button(key="import_button").disabled
    at.checkbox(key=skip_key(file_ids(at)[1])).check().run()
    assert records(table(at, "Status"), "File", "Status") == [
        ["hubspot-contacts.csv", "Ready"],
        ["report.csv", "Skipped"],
    ]
    import_files(at)
    assert records(table(at, "Inserted"), "File", "Inserted") == [["hubspot-contacts.csv", 4]]
    assert count(db_url, schema.upload_files) == 1

    # every file skipped: nothing to import
    at.checkbox(key=skip_key(file_ids(at)[0])).check().run()
    assert at.info[-1].value == "Every file is skipped: there is nothing to import."
    assert at.button(key="import_button").disabled


def test_a_file_whose_every_row_is_rejected_is_never_ready(db_url, tmp_path):
    bad = tmp_path / "journeys.csv"
    bad.write_text("journey_id,created_at\nx1,not a date\nx2,31/31/2026\n")
    at = upload(page(), bad)
    assert records(table(at, "Status"), "Rows", "Status") == [[2, "Cannot be imported"]]
    assert plain(at.error[0].value).startswith(
        "journeys.csv: all 2 rows were rejected, so nothing was imported"
    )
    assert at.button(key="import_button").disabled

    # a mapping that makes every row fail is shown as such, and cannot be used
    dates = tmp_path / "mycrm-dates.csv"
    dates.write_text("Lead No,Opened\nL-1,25-03-2026\nL-2,31-01-2026\n")
    at = upload(page(), dates)
    key = f"{mapping_key(header_signature(['Lead No', 'Opened']))}_leads"
    assert at.selectbox(key=date_key(key, "Opened")).value == "D-M-Y"
    at.selectbox(key=date_key(key, "Opened")).set_value("M-D-Y").run()
    message = plain(at.error[0].value)
    assert message.startswith("mycrm-dates.csv: all 2 rows were rejected")
    assert '{"dates": {"Opened": "D-M-Y"}}' in message
    assert at.button(key=f"{mapping_key(header_signature(['Lead No', 'Opened']))}_use").disabled
    assert at.button(key="import_button").disabled
    assert count(db_url, schema.uploads) == 0


def test_conflicts_between_files_are_listed_in_the_report(db_url, tmp_path):
    mqls = tmp_path / "olist_mqls.csv"
    mqls.write_text("mql_id,first_contact_date\nm1,2026-05-02\n")
    deals = tmp_path / "olist_won_deals.csv"
    deals.write_text("mql_id,won_date\nm1,2026-04-20\n")  # won before it became an MQL
    at = upload(page(), mqls, deals)  # both named olist: their records link up
    for headers in (["mql_id", "first_contact_date"], ["mql_id", "won_date"]):
        key = mapping_key(header_signature(headers))
        at.button(key=f"{key}_use").click().run()
    assert table(at, "Status")["Status"].tolist() == ["Ready (your mapping)"] * 2
    import_files(at)
    assert records(table(at, "Inserted"), "File", "Kind", "Inserted") == [
        ["olist_mqls.csv", "leads", 1],
        ["olist_won_deals.csv", "opportunities", 1],
    ]
    assert at.warning[0].value.startswith("Conflicts that show only once the files are combined")
    assert table(at, "Conflict")["Conflict"].tolist() == [
        "olist:m1: opportunity date 2026-04-20 is before its MQL date 2026-05-02"
    ]
