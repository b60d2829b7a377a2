"""End to end in a real browser (Debian's Chromium driven by Playwright): every page renders,
the quarter changes, an export uploaded through the real file input changes the numbers.
Screenshots of every page are saved under test-artifacts/screenshots/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from helpers import DATA, load
from smarketing_data.db import init_schema, make_engine

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "overview": "Overview",
    "campaigns": "Campaigns",
    "reps": "Reps",
    "velocity": "Velocity & follow-up",
    "goals": "Goals & definitions",
    "data": "Data",
}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SMARKETING_DB_URL": db_url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"the app did not start: {log.read_text()[-2000:]}")


def qbr_database(folder: Path) -> str:
    """A database file holding the hand-worked tests/data/qbr fixture; returns its URL."""
    url = f"sqlite:///{folder / 'browser.db'}"
    engine = make_engine(url)
    init_schema(engine)
    qbr = DATA / "qbr"
    load(engine, qbr / "campaigns.csv", qbr / "reps.csv", qbr / "journeys.csv")
    engine.dispose()
    return url


@contextmanager
def serving(db_url: str, folder: Path) -> Iterator[str]:
    """The app served on a free port for the duration; yields its base URL."""
    port = _free_port()
    proc = start_app(db_url, port, folder / "app.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    with serving(qbr_database(tmp), tmp) as url:
        yield url


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


def settle(page, text: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(IDLE, timeout=60_000)
    if text:
        page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=60_000)


def pick_quarter(page, label: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=label).click()
    settle(page)


def metric_value(page, label: str) -> str:  # type: ignore[no-untyped-def]
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_every_page_renders_and_an_upload_changes_the_numbers(app_url, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(app_url)
    settle(page, "Overview")
    pick_quarter(page, "2026-Q2")
    assert metric_value(page, "Leads") == "7"
    for name, title in PAGES.items():
        # the sidebar keeps the session (and so the chosen quarter) from page to page
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
        settle(page, title)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.locator('input[type="file"]').first.set_input_files(
        [
            str(DATA / "hubspot" / "hubspot-contacts.csv"),
            str(DATA / "hubspot" / "hubspot-deals.csv"),
        ]
    )
    settle(page, "contacts")
    page.get_by_role("button", name="Import").first.click()
    settle(page, "inserted")
    page.screenshot(path=str(SHOTS / "data-after-upload.png"), full_page=True)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Overview").first.click()
    settle(page, "Overview")
    # the four HubSpot contacts were created in April-June 2026
    assert metric_value(page, "Leads") == "11"
    page.screenshot(path=str(SHOTS / "overview-after-upload.png"), full_page=True)
    assert not [u for u in failed if not u.startswith(app_url)]
    page.close()
