"""The Data page says who imported, undid and cleared each upload (SPEC §8): the upload
history names who undid an upload, and the page's change history lists every upload change
with the session's identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from smarketing_data.config import Settings
from smarketing_data.demo import load_sample
from ui import access

PAGE = Path(__file__).resolve().parent.parent / "app_pages" / "data.py"


@pytest.fixture
def qbr(databases, monkeypatch):  # type: ignore[no-untyped-def]
    """The hand-worked fixture (upload 1, imported with no identity) as the app's database,
    with the session acting as ed@example.com, an editor (nothing configured)."""
    engine = databases.engine("sqlite", "qbr", "data.db")
    monkeypatch.setenv("SMARKETING_DB_URL", str(engine.url))
    monkeypatch.setattr(access, "identity", lambda: "ed@example.com")
    return engine


def page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["sample_checked"] = True  # the database has data: no sample to load
    at.run()
    assert not at.exception
    return at


def history(at: AppTest) -> list[list[str]]:
    """The change history's rows without their times."""
    [found] = [e for e in at.expander if e.label == "Change history"]
    return found.dataframe[0].value[["Who", "What", "Which", "Change"]].values.tolist()


def test_undo_names_who_did_it(qbr):
    at = page()
    at.selectbox(key="undo_select").set_value(1).run()
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_button").click().run()
    assert not at.exception
    uploads = next(df.value for df in at.dataframe if "Status" in df.value.columns)
    [status] = uploads["Status"].tolist()
    assert status.startswith("undone ") and status.endswith(" UTC by ed@example.com")
    assert history(at) == [
        # 5 campaigns + 3 reps + 11 journeys, all inserted by upload 1, none replaced
        ["ed@example.com", "Upload", "1", "undone: 19 records removed, 0 restored"],
        [
            "not recorded",
            "Upload",
            "1",
            "imported: 3 file(s): campaigns.csv, reps.csv, journeys.csv",
        ],
    ]


def test_clearing_the_sample_names_who_did_it(qbr):
    sample = load_sample(qbr, Settings(), journeys=12)
    at = page()
    at.checkbox(key="clear_sample_confirm").check().run()
    at.button(key="clear_sample").click().run()
    assert not at.exception
    assert history(at)[0][:3] == ["ed@example.com", "Upload", str(sample.upload_id)]
    assert history(at)[0][3].startswith("undone: ")
