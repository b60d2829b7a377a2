"""Access (SPEC §8): open on a laptop, passcodes, sign-in with editors by e-mail; editor-only
actions refused to viewers where they happen, not only hidden."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from helpers import DATA, journeys, open_app
from smarketing_data.db import make_engine

APP = str(Path(__file__).resolve().parent.parent / "app.py")
QBR = DATA / "qbr"


def app() -> AppTest:
    return open_app()


def enter(at: AppTest, code: str, name: str = "Ann") -> None:
    at.text_input(key="passcode_name").set_value(name)
    at.text_input(key="passcode_value").set_value(code)
    submit = next(b for b in at.button if b.key.startswith("FormSubmitter:passcode_form"))
    submit.click().run()
    assert not at.exception


def test_open_on_this_machine_says_so(qbr_url):
    at = app()
    assert any("Open access" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/data.py").run()
    assert not at.file_uploader(key="upload_files").disabled


def test_viewer_passcode_is_required_and_gives_a_viewer(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_PASSCODE", "view-123")
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", "edit-456")
    at = app()
    assert not at.metric  # nothing of the dashboard before the passcode
    enter(at, "wrong")
    assert "not right" in at.error[0].value
    enter(at, "view-123")
    assert at.metric  # the Overview is shown
    at.switch_page("app_pages/data.py").run()
    assert at.file_uploader(key="upload_files").disabled
    assert any("Only editors" in i.value for i in at.info)


def test_editor_passcode_makes_an_editor(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", "edit-456")
    viewer = app()
    assert viewer.metric  # viewing is open when only the editor passcode is set
    viewer.switch_page("app_pages/data.py").run()
    assert viewer.file_uploader(key="upload_files").disabled
    at = app()
    enter(at, "edit-456", name="Ed")
    assert any("Ed" in c.value and "editor" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/data.py").run()
    assert not at.file_uploader(key="upload_files").disabled


def test_undo_is_refused_to_a_viewer_at_the_moment_of_the_action(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", "edit-456")
    at = app()
    enter(at, "edit-456")
    at.switch_page("app_pages/data.py").run()
    at.checkbox(key="undo_confirm").check().run()
    at.session_state["access_role"] = "viewer"  # the role changes after the button was drawn
    at.button(key="undo_button").click().run()
    assert any("Only editors can undo" in e.value for e in at.error)
    assert len(journeys(make_engine(qbr_url))) == 11  # nothing undone


def test_sign_in_with_editors_listed_by_email(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_EDITORS", "ed@example.com, boss@example.com")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "s",
        "server_metadata_url": "https://idp.example.com/.well-known/openid",
    }
    at.user = {"is_logged_in": False}
    at.run()
    assert at.button(key="login_button")
    assert not at.metric
    at.user = {"is_logged_in": True, "email": "viv@example.com", "name": "Viv"}
    at.run()
    assert any("Viv · viewer" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/data.py").run()
    assert at.file_uploader(key="upload_files").disabled
    editor = AppTest.from_file(APP, default_timeout=60)
    editor.secrets["auth"] = at.secrets["auth"]
    editor.user = {"is_logged_in": True, "email": "Ed@Example.com", "name": "Ed"}
    editor.run()
    assert any("Ed · editor" in c.value for c in editor.sidebar.caption)
    editor.switch_page("app_pages/data.py").run()
    assert not editor.file_uploader(key="upload_files").disabled


@pytest.mark.parametrize(
    "page", ["overview", "campaigns", "reps", "velocity", "goals", "meeting", "data"]
)
def test_a_page_opened_by_its_own_url_still_asks_for_the_passcode(qbr_url, monkeypatch, page):
    monkeypatch.setenv("SMARKETING_PASSCODE", "view-123")
    root = Path(APP).parent
    at = AppTest.from_file(str(root / "app_pages" / f"{page}.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.text_input(key="passcode_value")
    assert not at.metric and not at.dataframe
