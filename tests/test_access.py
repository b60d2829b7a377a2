"""Access (SPEC §8): open on a laptop, passcodes, sign-in with editors by e-mail; editor-only
actions refused to viewers where they happen, not only hidden; passcode guessing slowed and
logged; the role held by a signed token, never by the session alone; open access refused to
other computers and other sites' names."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from helpers import DATA, journeys, open_app
from smarketing_data import security
from smarketing_data.db import make_engine
from ui.access import entry, session
from ui.access.session import GRANT_KEY, Request

APP = str(Path(__file__).resolve().parent.parent / "app.py")
QBR = DATA / "qbr"
VIEW, EDIT = "view-123", "edit-456"  # exactly the minimum length


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _access_state(monkeypatch, tmp_path) -> Clock:  # type: ignore[no-untyped-def]
    """A server secret of the test's own, and a passcode back-off of its own on a clock it
    moves by hand: the real one lives as long as the process."""
    monkeypatch.setenv("SMARKETING_SECRET", "t" * 40)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    clock = Clock()
    monkeypatch.setattr(entry, "GUARD", security.PasscodeGuard(clock=clock))
    return clock


def app() -> AppTest:
    return open_app()


def enter(at: AppTest, code: str, name: str = "Ann", form: str = "passcode_form") -> None:
    at.text_input(key="passcode_name").set_value(name)
    at.text_input(key="passcode_value").set_value(code)
    submit = next(b for b in at.button if b.key.startswith(f"FormSubmitter:{form}"))
    submit.click().run()
    assert not at.exception


def served(monkeypatch, *, address: str = "127.0.0.1", **facts: str | None) -> None:  # type: ignore[no-untyped-def]
    """Make the app see a browser connection: what a real server would report."""
    given = {"host": "localhost:8501", "origin": "http://localhost:8501", "peer": None}
    given |= {"connection": "key-1", "cookie": None} | facts
    monkeypatch.setattr(session, "request", lambda: Request(served=True, **given))
    monkeypatch.setattr(entry, "_listening_address", lambda: address)


def test_open_on_this_machine_says_so(qbr_url):
    at = app()
    assert any("Open access" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/data.py").run()
    assert not at.file_uploader(key="upload_files").disabled


def test_viewer_passcode_is_required_and_gives_a_viewer(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_PASSCODE", VIEW)
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", EDIT)
    at = app()
    assert not at.metric  # nothing of the dashboard before the passcode
    enter(at, "wrong")
    assert "not right" in at.error[0].value
    enter(at, VIEW)
    assert at.metric  # the Overview is shown
    at.switch_page("app_pages/data.py").run()
    assert at.file_uploader(key="upload_files").disabled
    assert any("Only editors" in i.value for i in at.info)


def test_editor_passcode_makes_an_editor(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", EDIT)
    viewer = app()
    assert viewer.metric  # viewing is open when only the editor passcode is set
    viewer.switch_page("app_pages/data.py").run()
    assert viewer.file_uploader(key="upload_files").disabled
    at = app()
    enter(at, EDIT, name="Ed")
    assert any("Ed" in c.value and "editor" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/data.py").run()
    assert not at.file_uploader(key="upload_files").disabled


def test_undo_is_refused_to_a_viewer_at_the_moment_of_the_action(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", EDIT)
    at = app()
    enter(at, EDIT)
    at.switch_page("app_pages/data.py").run()
    at.checkbox(key="undo_confirm").check().run()
    del at.session_state[GRANT_KEY]  # the editor's grant is gone after the button was drawn
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
    monkeypatch.setenv("SMARKETING_PASSCODE", VIEW)
    root = Path(APP).parent
    at = AppTest.from_file(str(root / "app_pages" / f"{page}.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.text_input(key="passcode_value")
    assert not at.metric and not at.dataframe


def test_the_passcode_needs_a_name(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_PASSCODE", VIEW)
    at = app()
    enter(at, VIEW, name="  \u202e ")
    assert "Enter your name" in at.error[0].value
    assert not at.metric
    assert entry.GUARD.clients() == 0  # a missing name is not a passcode try


def test_guessing_is_slowed_and_logged_and_the_passcode_never_logged(
    qbr_url, monkeypatch, caplog, _access_state
):
    monkeypatch.setenv("SMARKETING_PASSCODE", VIEW)
    caplog.set_level(logging.INFO, logger="smarketing.access")
    at = app()
    for n in range(5):  # five free tries
        enter(at, f"guess-{n}")
        assert at.error[0].value == "That passcode is not right."
    enter(at, "guess-5")
    assert "Wait 1 seconds before the next try" in at.error[0].value
    enter(at, VIEW)  # the right one, but during the back-off: not even checked
    assert "Too many wrong passcodes: try again in 1 seconds" in at.error[0].value
    assert not at.metric
    failures = [r for r in caplog.records if "wrong passcode" in r.getMessage()]
    assert len(failures) == 6 and failures[-1].levelno == logging.WARNING
    assert any("refused" in r.getMessage() for r in caplog.records)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "guess-" not in logged and VIEW not in logged
    _access_state.now = 1.0
    enter(at, VIEW)
    assert at.metric
    assert any("'Ann' entered as viewer" in r.getMessage() for r in caplog.records)


def test_a_short_passcode_refuses_to_serve_anything(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_PASSCODE", "seven77")
    at = app()
    assert "shorter than 8 characters" in at.error[0].value
    assert "seven77" not in at.error[0].value
    assert not at.metric and not at.text_input


def test_a_session_id_alone_is_no_role_but_the_cookie_is(qbr_url, monkeypatch):
    """Another connection joining this session (its id is all Streamlit asks for) finds the
    passcode page; the browser's signed cookie brings the role back on a reload."""
    monkeypatch.setenv("SMARKETING_PASSCODE", VIEW)
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", EDIT)
    served(monkeypatch, connection="victim")
    at = app()
    enter(at, EDIT, name="Ed")
    assert any("Ed · editor" in c.value for c in at.sidebar.caption)
    token = at.session_state[GRANT_KEY].token
    cookie_scripts = [h.proto.body for h in at.get("html") if token in h.proto.body]
    assert cookie_scripts and "SameSite=Strict" in cookie_scripts[0]
    served(monkeypatch, connection="thief")
    at.run()
    assert not at.metric
    assert at.text_input(key="passcode_value")
    served(monkeypatch, connection="after a reload", cookie=token)
    at.run()
    assert any("Ed · editor" in c.value for c in at.sidebar.caption)
    assert not at.get("html")  # the browser has the cookie: nothing more to set


def test_a_changed_passcode_ends_the_cookies_made_with_the_old_one(qbr_url, monkeypatch):
    monkeypatch.setenv("SMARKETING_PASSCODE", VIEW)
    served(monkeypatch, connection="first")
    at = app()
    enter(at, VIEW)
    token = at.session_state[GRANT_KEY].token
    monkeypatch.setenv("SMARKETING_PASSCODE", "a-new-passcode")
    served(monkeypatch, connection="next day", cookie=token)
    at.run()
    assert not at.metric


@pytest.mark.parametrize(
    "facts",
    [
        {"host": "rebind.evil.example:8501", "origin": "http://rebind.evil.example:8501"},
        {"host": "localhost:8501", "origin": "http://rebind.evil.example:8501"},
        {"peer": "192.168.1.30"},
    ],
    ids=["another site's name", "another site's page", "another computer"],
)
def test_open_access_serves_this_computer_only(qbr_url, monkeypatch, facts):
    served(monkeypatch, **facts)
    at = app()
    assert not at.metric and not at.sidebar.caption
    assert "only serves the computer it runs on" in at.error[0].value


def test_open_access_on_a_network_address_refuses_and_says_how(qbr_url, monkeypatch):
    served(monkeypatch, address="0.0.0.0")
    at = app()
    assert not at.metric
    assert "would listen on 0.0.0.0" in at.error[0].value
    assert "SMARKETING_PASSCODE" in at.error[0].value


def test_open_access_serves_a_local_browser(qbr_url, monkeypatch):
    served(monkeypatch, host="127.0.0.1:8501", origin=None, peer="::ffff:127.0.0.1")
    at = app()
    assert at.metric
    assert any("Open access" in c.value for c in at.sidebar.caption)


def test_an_open_install_asks_for_a_name_once(qbr_url, monkeypatch):
    served(monkeypatch, connection="first")
    at = app()
    at.text_input(key="open_name").set_value("Ann [me](http://x)")
    next(b for b in at.button if b.key.startswith("FormSubmitter:name_form")).click().run()
    assert not at.exception
    captions = [c.value for c in at.sidebar.caption]
    assert any(c.startswith("Ann \\[me\\]\\(http") and "Open access" in c for c in captions)
    assert "open_name" not in [t.key for t in at.text_input]  # asked once
    token = at.session_state[GRANT_KEY].token
    served(monkeypatch, connection="after a reload", cookie=token)
    reloaded = app()
    assert any(c.startswith("Ann ") for c in (c.value for c in reloaded.sidebar.caption))
