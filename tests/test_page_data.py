"""The Data page: upload, check, map, import, report, history, undo, sample, template."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from helpers import DATA
from smarketing_data import schema
from smarketing_data.db import make_engine
from smarketing_data.ingest.recognize import header_signature
from ui.upload_history import history_table
from ui.upload_mapping import mapping_key

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "pages" / "data.py"
APP = ROOT / "app.py"
HUBSPOT = DATA / "hubspot"
UPLOAD = DATA / "upload"
MYCRM_HEADERS = ["Lead No", "Opened", "Owner", "Source", "Company", "Deal Value"]


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
    return frame[list(columns)].astype(object).values.tolist()


def count(url: str, table_obj) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table_obj)).scalar_one())
    finally:
        engine.dispose()


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
    preview = table(at, "journey_id")
    assert list(preview["journey_id"]) == [f"hubspot:{i}" for i in (101, 102, 103, 104)]
    assert not at.button(key="import_button").disabled

    import_files(at)
    assert at.success[0].value == (
        "Imported as upload 1: 7 rows read, 7 inserted, 0 updated, 0 unchanged, 0 rejected.")
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
        [2, "app", 7, 0, 7, "applied"],
        [1, "app", 7, 7, 0, "applied"],
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
    assert records(table(at, "Status"), "Format", "Status") == [["—", "Needs a column mapping"]]
    assert at.button(key="import_button").disabled
    key = mapping_key(header_signature(MYCRM_HEADERS))
    assert at.selectbox(key=f"{key}_kind").value == "leads"
    assert at.text_input(key=f"{key}_source").value == "mycrm"
    suggested = {f: at.selectbox(key=f"{key}_leads_{f}").value
                 for f in ("record_id", "created_at", "rep", "channel", "company", "amount",
                           "campaign", "mql_at")}
    assert suggested == {"record_id": "Lead No", "created_at": "Opened", "rep": "Owner",
                         "channel": "Source", "company": "Company", "amount": "Deal Value",
                         "campaign": "(none)", "mql_at": "(none)"}
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
        keys = conn.execute(select(schema.journeys.c.journey_id).order_by(
            schema.journeys.c.journey_id)).scalars().all()
    engine.dispose()
    assert keys[-4:] == ["my-crm:L-1", "my-crm:L-2", "my-crm:L-3", "my-crm:L-4"]


def test_a_mapping_without_a_required_field_is_refused(db_url):
    at = upload(page(), UPLOAD / "mycrm-leads.csv")
    key = mapping_key(header_signature(MYCRM_HEADERS))
    at.selectbox(key=f"{key}_leads_created_at").set_value("(none)")
    at.button(key=f"{key}_use").click().run()
    assert at.error[0].value == "Choose a column for created_at."
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
        "changed the same records. Undo those first, newest first.")
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
    assert not [i for i in at.info if "sample data" in i.value]


def test_template_download(db_url):
    at = page()
    assert at.text[0].value == "No uploads yet."
    assert at.download_button(key="template_download").label == "Download the template (CSV)"
    at.selectbox(key="template_kind").set_value("campaigns").run()
    assert not at.exception


def test_history_table_from_upload_files():
    files = pd.DataFrame({
        "upload_id": [2, 1, 1],
        "created_at": pd.to_datetime(["2026-05-02 10:00", "2026-05-01 09:30", "2026-05-01 09:30"]),
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
    })
    assert history_table(files).values.tolist() == [
        [2, "2026-05-02 10:00 UTC", "ops@example.com", "Lead.csv", "Salesforce · leads",
         10, 8, 1, 0, 1, "applied"],
        [1, "2026-05-01 09:30 UTC", "", "a.csv, b.csv", "HubSpot · contacts; HubSpot · deals",
         7, 7, 0, 0, 0, "undone 2026-05-03 08:00 UTC"],
    ]


def test_the_router_opens_the_data_page(db_url):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["sample_checked"] = True
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Data"
    assert at.file_uploader(key="upload_files")
