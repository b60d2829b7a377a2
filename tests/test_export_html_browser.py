"""The HTML pre-read opened from disk in headless Chromium with every network request
blocked: it must render its numbers and its Plotly charts from the file alone. A screenshot
is saved as test-artifacts/screenshots/preread.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import DATA, load
from smarketing_data import meeting
from smarketing_data.db import init_schema, make_engine
from smarketing_data.exports import export
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.reports import ReportOptions

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

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def preread(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("preread")
    engine = make_engine(f"sqlite:///{tmp / 'qbr.db'}")
    init_schema(engine)
    qbr = DATA / "qbr"
    load(engine, qbr / "campaigns.csv", qbr / "reps.csv", qbr / "journeys.csv")
    meeting.add_note(
        engine,
        quarter="2026-Q2",
        report="campaigns.sql.top",
        side="sales",
        author="Ann",
        text="Alpha's SQLs came from the two April webinars.",
    )
    meeting.add_note(
        engine,
        quarter="2026-Q2",
        report="campaigns.sql.top",
        side="marketing",
        author="Bob",
        text="beta's SQLs were Q1 leads that converted late.",
    )
    meeting.add_decision(
        engine,
        quarter="2026-Q2",
        report="campaigns.sql.top",
        what="Move half of beta's budget to Alpha",
        owner="Ann",
        due_quarter="2026-Q3",
    )
    data = export(
        engine, quarter=parse_quarter("2026-Q2"), fmt="html", options=ReportOptions(min_volume=2)
    )
    engine.dispose()
    path = tmp / "smarketing-qbr-2026-Q2.html"
    path.write_bytes(data)
    return path


def test_pre_read_renders_offline_in_chromium(preread):
    from playwright.sync_api import sync_playwright

    url = preread.as_uri()
    blocked: list[str] = []
    failed: list[str] = []
    errors: list[str] = []

    def only_the_file(route):  # type: ignore[no-untyped-def]
        if route.request.url == url:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", only_the_file)
        page = context.new_page()
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, wait_until="load")
        page.wait_for_selector("svg.main-svg", timeout=30_000)
        # funnel (counts and steps), three campaign tops, three rep tops, contribution
        assert page.locator(".plotly").count() == 9
        assert page.locator("#chart-campaigns-sql-top svg.main-svg").count() >= 1
        assert page.locator("#chart-campaigns-sql-top .ytick text").all_text_contents() == [
            "Alpha",
            "beta",
            "Gamma",
        ]
        section = page.locator("section#campaigns-sql-top")
        assert section.locator("tbody tr").all_inner_texts() == [
            "Alpha\t2\t4\t1.44\tat or above expected",
            "beta\t2\t1\t0.36\tat or above expected",
            "Gamma\t0\t0\t0\t",
        ]
        assert section.get_by_text("Alpha's SQLs came from the two April webinars.").is_visible()
        assert section.get_by_text("Move half of beta's budget to Alpha").is_visible()
        reps = page.locator("section#reps-won-top tbody tr").all_inner_texts()
        assert reps[0] == "Rita\t50%\t1/2\t9.5%–91%\t5%\tabove goal"
        assert page.get_by_text("Smarketing QBR · 2026-Q2 pre-read").is_visible()
        assert page.locator("#freshness").inner_text().startswith("Prepared ")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "preread.png"), full_page=True)
        browser.close()
    assert blocked == [] and failed == [] and errors == []
