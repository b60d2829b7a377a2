"""Presenter mode in a real browser (Debian's Chromium driven by Playwright) at projector size:
the arrow keys walk the reports, the sidebar is gone, and the screen is saved under
test-artifacts/screenshots/ for a look."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_browser import SHOTS, chromium, pick_quarter, qbr_database, serving, settle
from test_browser import pytestmark as browser_only

from smarketing_data import meeting as mt
from smarketing_data.db import make_engine

pytestmark = browser_only


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("presenter")
    url = qbr_database(tmp)
    engine = make_engine(url)
    report = "campaigns.sql.top"
    mt.add_note(
        engine,
        quarter="2026-Q2",
        report=report,
        side="sales",
        author="Ann Lee",
        text="Alpha's webinar leads were called within a day; the SQLs followed.",
    )
    mt.add_note(
        engine,
        quarter="2026-Q2",
        report=report,
        side="marketing",
        author="Mia Chen",
        text="Alpha ran two webinars with a sharper invite list. Gamma only started "
        "in June, so its zero is expected.",
    )
    mt.add_decision(
        engine,
        quarter="2026-Q2",
        report=report,
        owner="Mia Chen",
        what="Repeat the Alpha webinar format in Q3",
        due_quarter="2026-Q3",
    )
    engine.dispose()
    with serving(url, tmp) as base:
        yield base


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


def heading(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def test_presenter_mode_with_the_arrow_keys(app_url, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(app_url)
    settle(page, "Overview")
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Meeting").first.click()
    settle(page, "Commentary")
    pick_quarter(page, "2026-Q2")
    page.locator('[data-testid="stCheckbox"]').filter(has_text="Presenter mode").click()
    settle(page, "1 / 14")
    assert heading(page) == "Funnel against goals"
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.keyboard.press("ArrowRight")
    settle(page, "2 / 14")
    assert heading(page) == "Top campaigns by SQLs"
    page.get_by_text("Repeat the Alpha webinar format in Q3").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    # a projector and a laptop: the whole slide on the screen, nothing below the fold
    for width, height, name in ((1920, 1080, "presenter"), (1366, 768, "presenter-1366")):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(1000)  # Plotly redraws for the new size
        assert fits(page, height), name
        page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.keyboard.press("ArrowLeft")
    settle(page, "1 / 14")
    assert heading(page) == "Funnel against goals"
    page.keyboard.press("Escape")
    settle(page, "Commentary")
    assert heading(page) == "Meeting · 2026-Q2"
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    page.close()


def fits(page, height: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether the slide's title row, chart and commentary all end within the screen."""
    bottoms = page.evaluate("""() => ['[data-testid="stMain"] h1', '.st-key-presenter_chart_box',
        '.st-key-presenter_words', '.st-key-presenter_exit'].map(
        s => document.querySelector(s).getBoundingClientRect().bottom)""")
    return max(bottoms) <= height
