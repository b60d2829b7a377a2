"""What one uploaded file may cost (SPEC §8): the XML an XLSX may unpack to and the memory its
reading takes, the rejected rows kept per file and dropped by undo, and how the Data page treats
a file that would lose most of its rows or has just been imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from test_bad_inputs import garbage_workbook

from helpers import state
from smarketing_data.config import Settings
from smarketing_data.ingest import FileInput, IngestError, ingest, undo_upload
from smarketing_data.ingest.mapping import Rejection
from smarketing_data.ingest.read import xml_limit
from smarketing_data.ingest.rejections import (
    REJECTS_KEPT,
    mostly_rejected,
    reason_counts,
    reason_kind,
)
from smarketing_data.uploads import list_uploads, rejected_rows
from ui.upload.check import CHECKS_KEY, IMPORTED_KEY

ROOT = Path(__file__).resolve().parent.parent
MB = 2**20

# --- an XLSX: memory bounded by the limit, never by the XML ----------------------------------

# Reads one file in a fresh interpreter and prints how far its peak RSS rose over the RSS before
# the read, then the outcome. The peak is reset first (clear_refs 5): a child's ru_maxrss
# starts at its parent's RSS, which says nothing about the read.
READ_IN_CHILD = """
import sys
from smarketing_data.ingest.read import FileError, read_table

def status_mb(key):
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(key))
    return int(line.split()[1]) / 1024

data = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
before = status_mb("VmRSS:")
try:
    table = read_table(data, file_name="Lead.xlsx", max_bytes=int(sys.argv[2]))
    outcome = f"read {len(table.frame)}"
except FileError as exc:
    outcome = f"refused {exc}"
print(status_mb("VmHWM:") - before)
print(outcome)
"""


def read_in_child(path: Path, max_bytes: int) -> tuple[float, str]:
    """(MB the read added to the peak RSS, "read N" or "refused <message>")."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARKETING_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", READ_IN_CHILD, str(path), str(max_bytes)],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        check=True,
        timeout=120,
    )
    growth, outcome = done.stdout.splitlines()
    return float(growth), outcome


@pytest.mark.parametrize(
    "rows,max_mb,outcome",
    [
        # 15 MB of XML under a 16 MB limit: read, in about the size of its XML
        (8_000, 8, "read 8000"),
        # 36 MB of XML, 9× then 4.5× the limit: refused before any of it is parsed
        (20_000, 2, "refused “Lead.xlsx” would unpack to 36 MB of sheet data"),
        (20_000, 4, "refused “Lead.xlsx” would unpack to 36 MB of sheet data"),
    ],
)
def test_xlsx_memory_follows_the_limit_not_the_xml(
    tmp_path: Path, rows: int, max_mb: int, outcome: str
) -> None:
    path = tmp_path / "Lead.xlsx"
    path.write_bytes(garbage_workbook(rows))
    assert path.stat().st_size < max_mb * MB  # every file is under the upload limit
    growth, got = read_in_child(path, max_mb * MB)
    assert got.startswith(outcome), got
    limit_mb = xml_limit(max_mb * MB) / MB
    # a sheet read in full takes about its XML's size (text and references); before any
    # parsing, nothing; before streaming, the 36 MB file took 77 MB to read
    assert growth < 2 * limit_mb, (growth, limit_mb)


# --- rejected rows: all counted, the first ones kept, dropped by undo ------------------------


def rejects_file(good: int, bad_dates: int, no_ids: int) -> bytes:
    """Canonical journeys: good rows, then rows with an unreadable date, then rows with no id."""
    lines = ["journey_id,created_at"]
    lines += [f"c:g{i},2026-01-05" for i in range(good)]
    lines += [f"c:b{i},not a date" for i in range(bad_dates)]
    lines += [",2026-01-05"] * no_ids
    return ("\n".join(lines) + "\n").encode()


def test_rejects_are_counted_in_full_kept_in_part_and_dropped_by_undo(any_engine: Engine) -> None:
    before = state(any_engine)
    result = ingest(any_engine, [FileInput("leads.csv", rejects_file(3, 1_500, 1_000))], Settings())
    report = result.files[0]
    assert (report.rows, report.inserted, report.rejected) == (2_503, 3, 2_500)
    assert list(report.reasons.items()) == [
        ("unparseable date in 'created_at'", 1_500),
        ("no id", 1_000),
    ]
    assert report.notes[-1] == (
        "2,500 rows rejected; the first 1,000 are kept with their data. By reason: "
        "unparseable date in 'created_at' 1,500; no id 1,000"
    )
    as_json = report.to_json()
    assert (as_json["rejected"], len(as_json["rejections"])) == (2_500, REJECTS_KEPT)
    # the header is row 1 and the good rows are 2 to 4: the first rejects are rows 5 to 1,004
    stored = rejected_rows(any_engine, result.upload_id)
    assert stored["row_number"].tolist() == list(range(5, 5 + REJECTS_KEPT))
    assert json.loads(stored["data"].iloc[0]) == {"journey_id": "c:b0", "created_at": "not a date"}
    recorded = list_uploads(any_engine).set_index("upload_id").loc[result.upload_id]
    assert int(recorded["rejected"]) == 2_500

    undo_upload(any_engine, result.upload_id)
    assert rejected_rows(any_engine, result.upload_id).empty
    assert state(any_engine) == before
    undone = list_uploads(any_engine).set_index("upload_id").loc[result.upload_id]
    assert (undone["status"], int(undone["rejected"])) == ("undone", 2_500)


def test_a_lead_export_of_garbage_is_fatal(engine: Engine) -> None:
    rows = "".join(f"00Q5e00000{i:08d},g{i:011d},x,y\n" for i in range(200))
    data = ("Id,CreatedDate,Company,LeadSource\n" + rows).encode()
    before = state(engine)
    with pytest.raises(IngestError) as caught:
        ingest(engine, [FileInput("Lead.csv", data)], Settings())
    assert "all 200 rows were rejected, so nothing was imported" in str(caught.value)
    assert "unparseable date in 'CreatedDate' (200 rows" in str(caught.value)
    assert state(engine) == before


def test_reason_kinds_leave_the_values_out() -> None:
    rejections = [
        Rejection(2, "unparseable date in 'created_at': 'yesterday'"),
        Rejection(3, "duplicate id c:u2 with conflicting values (rows 3, 5)"),
        Rejection(5, "duplicate id c:u 9 with conflicting values (rows 5, 7)"),
        Rejection(6, "unparseable date in 'created_at': '31/31/2026'"),
        Rejection(7, "unknown id olist:m9: update mode changes only records already imported"),
        Rejection(8, "stage dates out of order: 'mql_at' (2026-03-08 12:00) before 'created_at'"),
    ]
    assert reason_counts(rejections) == {
        "unparseable date in 'created_at'": 2,
        "duplicate id with conflicting values": 2,
        "unknown id: update mode changes only records already imported": 1,
        "stage dates out of order": 1,
    }
    assert reason_kind("no id") == "no id"


def test_more_than_half_rejected_is_mostly_rejected() -> None:
    assert [mostly_rejected(rows, rejected) for rows, rejected in [(4, 2), (5, 3), (0, 0)]] == [
        False,
        True,
        False,
    ]


# --- the Data page ---------------------------------------------------------------------------


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'data.db'}"
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    return url


def data_page(name: str, data: bytes) -> AppTest:
    """The Data page (without the sample) with one file uploaded."""
    at = AppTest.from_file(str(ROOT / "app_pages" / "data.py"), default_timeout=60)
    at.session_state["sample_checked"] = True
    at.run()
    at.file_uploader(key="upload_files").set_value([(name, data, "text/csv")]).run()
    assert not at.exception
    return at


def statuses(at: AppTest) -> list[str]:
    found = [df.value for df in at.dataframe if "Status" in df.value.columns]
    return found[0]["Status"].tolist()


def test_a_file_losing_most_rows_waits_for_a_confirmation(db_url: str) -> None:
    at = data_page("leads.csv", rejects_file(2, 2, 1))
    assert statuses(at) == ["Most rows rejected"]
    assert at.warning[0].value.startswith("3 of its 5 rows would be rejected, more than half")
    assert at.button(key="import_button").disabled
    file_id = at.file_uploader(key="upload_files").value[0].file_id
    at.checkbox(key=f"confirm_rejects_{file_id}_3").check().run()
    assert not at.button(key="import_button").disabled
    at.button(key="import_button").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Imported as upload 1: 5 rows read, 2 inserted")


def test_a_file_losing_half_its_rows_is_ready(db_url: str) -> None:
    at = data_page("leads.csv", rejects_file(2, 2, 0))
    assert statuses(at) == ["Ready"]
    assert not at.button(key="import_button").disabled


def test_an_imported_file_is_not_checked_again(db_url: str) -> None:
    at = data_page("leads.csv", rejects_file(3, 1, 0))
    assert len(at.session_state[CHECKS_KEY]) == 1
    at.button(key="import_button").click().run()
    assert not at.exception
    # the check, its preview and rejected rows, is gone and is not made again
    assert at.session_state[CHECKS_KEY] == {}
    assert statuses(at) == ["Imported"]
    (imported,) = at.session_state[IMPORTED_KEY].values()
    assert (imported.rows, imported.rejected, imported.preview) == (4, 1, None)
    at.run()
    assert at.session_state[CHECKS_KEY] == {}
