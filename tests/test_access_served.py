"""Access (SPEC §8) against a real server, spoken to over Streamlit's websocket the way a
browser does, or the way someone forging what a browser sends does: another site's host name,
another session's id, a widget the app never drew. The server is started the way `make run`
starts it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from test_browser import CHROMIUM, chromium
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from helpers import QBR, ROOT, load
from smarketing_data.db import init_schema, make_engine
from ui.access.session import GRANT_KEY

VIEWER_CODE, EDITOR_CODE = "view-code-1", "edit-code-2"
SECRET = "s" * 40
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
COOKIE = re.compile(r"smarketing_access=([A-Za-z0-9_.-]+)")


@dataclass
class Page:
    """What one script run drew."""

    session_id: str = ""
    texts: list[str] = field(default_factory=list)
    widget_ids: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    metrics: int = 0

    def widget(self, fragment: str) -> str:
        return next(w for w in self.widget_ids if fragment in w)

    def cookie(self) -> str:
        """The access cookie the page asks the browser to keep."""
        found = [m.group(1) for body in self.html for m in COOKIE.finditer(body)]
        assert found, "the page sets no access cookie"
        return found[-1]


def _draw(page: Page, msg: ForwardMsg) -> None:
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind in ("markdown", "heading", "alert"):
        page.texts.append(getattr(element, kind).body)
    elif kind == "exception":
        page.texts.append(f"exception: {element.exception.message}")
    elif kind in ("text_input", "button"):
        page.widget_ids.append(getattr(element, kind).id)
    elif kind == "html":
        page.html.append(element.html.body)
    elif kind == "metric":
        page.metrics += 1


class Browser:
    """One websocket to the app, with the headers a browser (or a forger) would send."""

    def __init__(
        self,
        url: str,
        *,
        session_id: str = "",
        cookie: str = "",
        host: str | None = None,
        origin: str | None = None,
    ) -> None:
        """``host`` is the name the browser believes it is talking to (the Host header); the
        socket itself always goes to the served address."""
        address, port = url.removeprefix("http://").rsplit(":", 1)
        protocols = ["streamlit", "xsrf", *([session_id] if session_id else [])]
        self.socket: ClientConnection = connect(
            f"ws://{host or address}:{port}/_stcore/stream",
            sock=socket.create_connection((address, int(port)), timeout=30),
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"smarketing_access={cookie}"} if cookie else {},
            origin=origin,  # type: ignore[arg-type]
            open_timeout=30,
        )
        self.session_id = ""

    def run(self, widgets: Sequence[WidgetState] = ()) -> Page:
        """Ask for a rerun with these widget values; what the last run drew."""
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.widget_states.widgets.extend(widgets)
        self.socket.send(msg.SerializeToString())
        page = Page()
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(self.socket.recv(timeout=60))
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id
                page = Page()
            elif kind == "delta":
                _draw(page, fwd)
            elif kind == "script_finished" and fwd.script_finished == FINISHED:
                page.session_id = self.session_id
                return page

    def enter(self, page: Page, name: str, code: str) -> Page:
        return self.run(
            [
                WidgetState(id=page.widget("-passcode_name"), string_value=name),
                WidgetState(id=page.widget("-passcode_value"), string_value=code),
                WidgetState(id=page.widget("FormSubmitter:passcode_form"), trigger_value=True),
            ]
        )

    def close(self) -> None:
        self.socket.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'served.db'}"
    engine = make_engine(url)
    init_schema(engine)
    load(engine, QBR / "campaigns.csv", QBR / "reps.csv", QBR / "journeys.csv")
    engine.dispose()
    return url


def _launch(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ui.access.serve", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_for(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.time() + 60
    while proc.poll() is None and time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not start: {log.read_text()[-2000:]}")


LOGS: dict[str, Path] = {}  # each served app's log, by its base URL


@contextmanager
def served(folder: Path, **variables: str) -> Iterator[str]:
    """The app as `make run` starts it, on a free loopback port; yields its base URL."""
    port = _free_port()
    env = {**_environment(), "SMARKETING_DB_URL": _database(folder), **variables}
    log = folder / "app.log"
    LOGS[f"http://127.0.0.1:{port}"] = log
    proc = _launch("--server.port", str(port), "--server.fileWatcherType", "none", env=env, log=log)
    try:
        _wait_for(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _environment() -> dict[str, str]:
    """The access settings of the developer's shell must not leak into the served app."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SMARKETING_", "STREAMLIT_"))}
    return {**keep, "SMARKETING_SECRET": SECRET}


@pytest.fixture(scope="module")
def open_url(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with served(tmp_path_factory.mktemp("open")) as url:
        yield url


@pytest.fixture(scope="module")
def passcode_url(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    codes = {"SMARKETING_PASSCODE": VIEWER_CODE, "SMARKETING_EDITOR_PASSCODE": EDITOR_CODE}
    with served(tmp_path_factory.mktemp("passcode"), **codes) as url:
        yield url


def test_open_mode_serves_a_local_browser(open_url):
    browser = Browser(open_url, origin=open_url)
    page = browser.run()
    browser.close()
    assert page.metrics
    assert not [t for t in page.texts if t.startswith("exception")]


def test_open_mode_refuses_another_sites_host_name(open_url):
    """DNS rebinding: a page on rebind.evil.example whose name now points at 127.0.0.1."""
    port = open_url.rsplit(":", 1)[1]
    evil = "rebind.evil.example"
    try:
        browser = Browser(open_url, host=evil, origin=f"http://{evil}:{port}")
    except InvalidStatus as refused:
        assert refused.response.status_code == 403
        return
    page = browser.run()
    browser.close()
    assert not page.metrics, "another site's page was served the dashboard"


def test_a_session_id_alone_gives_nothing(passcode_url):
    victim = Browser(passcode_url)
    entered = victim.enter(victim.run(), "Ed", EDITOR_CODE)
    assert entered.metrics
    thief = Browser(passcode_url, session_id=entered.session_id)
    stolen = thief.run()
    thief.close()
    victim.close()
    assert stolen.session_id == entered.session_id  # Streamlit hands over the session itself
    assert not stolen.metrics
    assert any("Passcode" in w or "passcode" in w for w in stolen.widget_ids)


def test_a_reload_keeps_the_role_through_the_signed_cookie(passcode_url):
    first = Browser(passcode_url)
    entered = first.enter(first.run(), "Vi", VIEWER_CODE)
    first.close()
    reloaded = Browser(passcode_url, cookie=entered.cookie())
    page = reloaded.run()
    reloaded.close()
    assert page.metrics
    assert "Vi · viewer" in page.texts
    assert not [w for w in page.widget_ids if w.endswith("FormSubmitter:passcode_form-Enter")]


def test_a_tampered_cookie_gives_nothing(passcode_url):
    first = Browser(passcode_url)
    token = first.enter(first.run(), "Vi", VIEWER_CODE).cookie()
    first.close()
    payload, mac = token.rsplit(".", 1)
    forged = f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{mac}"
    browser = Browser(passcode_url, cookie=forged)
    page = browser.run()
    browser.close()
    assert not page.metrics


@pytest.mark.parametrize("forged_id", ["access_role", GRANT_KEY, "anything"])
def test_a_forged_widget_value_breaks_nothing_and_grants_nothing(passcode_url, forged_id):
    browser = Browser(passcode_url)
    browser.run()
    page = browser.run([WidgetState(id=forged_id, string_value="editor")])
    again = browser.run([WidgetState(id=forged_id, string_value="editor")])
    browser.close()
    for drawn in (page, again):
        assert not [t for t in drawn.texts if t.startswith("exception")], drawn.texts
        assert not drawn.metrics
        assert drawn.widget("-passcode_value")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_a_browser_keeps_its_role_across_a_reload(passcode_url):
    """The cookie is set by the page's own script, as a real browser runs it."""
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(passcode_url)
        page.get_by_label("Your name").fill("Ed")
        page.get_by_label("Passcode").fill(EDITOR_CODE)
        page.get_by_role("button", name="Enter").click()
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
        page.wait_for_function("document.cookie.includes('smarketing_access=')", timeout=30_000)
        page.reload()
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
        assert page.get_by_text("Ed · editor").count() == 1
        assert page.get_by_label("Passcode").count() == 0
        (cookie,) = [c for c in context.cookies() if c["name"] == "smarketing_access"]
        assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert 11 * 3600 < cookie["expires"] - time.time() <= 12 * 3600
        context.close()


def test_make_run_refuses_open_access_on_a_network_address(tmp_path):
    started = subprocess.run(
        [sys.executable, "-m", "ui.access.serve", "--server.address", "0.0.0.0"],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2
    assert started.stderr.startswith("error: The app would listen on 0.0.0.0 with no passcode")
    assert "You can now view" not in started.stdout


def test_make_run_refuses_a_short_passcode_without_showing_it():
    env = {**_environment(), "SMARKETING_PASSCODE": "seven77"}
    started = subprocess.run(
        [sys.executable, "-m", "ui.access.serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2
    assert started.stderr == (
        "error: SMARKETING_PASSCODE is shorter than 8 characters: choose a longer passcode.\n"
    )


def test_the_metrics_endpoint_is_not_served(passcode_url):
    """Session counts and cache sizes were there for anyone, before any passcode."""
    try:
        with urllib.request.urlopen(f"{passcode_url}/_stcore/metrics", timeout=30) as answer:
            body = answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as refused:
        assert refused.code == 404
        return
    assert "# TYPE" not in body and "cache_memory_bytes" not in body


def test_a_clear_cache_message_clears_nothing(passcode_url):
    """A socket that never passed the gate asks Streamlit to empty every session's caches."""
    stranger = Browser(passcode_url)
    stranger.run()
    msg = BackMsg()
    msg.clear_cache = True
    stranger.socket.send(msg.SerializeToString())
    deadline = time.time() + 20
    while "clear every session's caches was refused" not in LOGS[passcode_url].read_text():
        assert time.time() < deadline, "the clear-cache request was not refused"
        time.sleep(0.2)
    stranger.close()
