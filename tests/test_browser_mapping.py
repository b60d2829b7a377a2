"""The mapping step in a real browser at 1366×768: a day-first list of MQLs and a file of won
deals, neither a known export, brought in through the real file input, mapped, previewed and
imported. Screenshots are saved under test-artifacts/screenshots/mapping-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from test_browser import CHROMIUM, SHOTS, chromium, qbr_database, serving, settle

from helpers import DATA
from smarketing_data import schema
from smarketing_data.db import make_engine
from smarketing_data.ingest.recognize import header_signature
from ui.upload.mapping import mapping_key

LAPTOP = {"width": 1366, "height": 768}
MQL_LIST = DATA / "tracked" / "marketing_qualified_leads.csv"
WON_DEALS = DATA / "tracked" / "closed_deals.csv"
MQL_HEADERS = ["mql_id", "first_contact_date", "landing_page_id", "origin"]
WON_HEADERS = ["mql_id", "seller_id", "sdr_id", "sr_id", "won_date", "business_segment"]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The app on a database holding the QBR fixture: (base URL, database URL)."""
    tmp = tmp_path_factory.mktemp("browser_mapping")
    db_url = qbr_database(tmp)
    with serving(db_url, tmp) as url:
        yield url, db_url


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"mapping-{name}.png"))


def scroll_to(locator) -> None:  # type: ignore[no-untyped-def]
    """Bring an element to the top of the page's scrolling main area."""
    locator.first.evaluate("e => e.scrollIntoView({block: 'start'})")


def step(page, headers: list[str]):  # type: ignore[no-untyped-def]
    """The bordered block holding the mapping step of the files with these headers."""
    return page.locator(f".st-key-{mapping_key(header_signature(headers))}_step")


def set_source(page, headers: list[str], name: str) -> None:  # type: ignore[no-untyped-def]
    box = step(page, headers).get_by_label("Source name", exact=True)
    box.fill(name)
    box.press("Enter")
    settle(page)


def test_a_day_first_mql_list_and_its_won_deals_are_mapped_and_imported(app):
    url, db_url = app
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport=LAPTOP)
        page.goto(url)
        settle(page, "Overview")
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Data").first.click()
        settle(page, "Import CRM exports")
        page.locator('input[type="file"]').first.set_input_files([str(MQL_LIST), str(WON_DEALS)])
        settle(page, "Map the columns of marketing_qualified_leads.csv")
        assert page.locator('[data-testid="stException"]').count() == 0
        scroll_to(page.get_by_text("Check before import"))
        shot(page, "1-check")

        mql = step(page, MQL_HEADERS)
        scroll_to(mql)
        shot(page, "2-mql-step")
        set_source(page, MQL_HEADERS, "olist")
        scroll_to(mql.get_by_text("Channel values in origin"))
        shot(page, "3-mql-channels-dates")
        scroll_to(mql.get_by_text("Preview"))
        shot(page, "4-mql-preview")
        mql.get_by_role("button", name="Use this mapping").click()
        settle(page, "read with your mapping")

        deals = step(page, WON_HEADERS)
        scroll_to(deals)
        shot(page, "5-deals-step")
        set_source(page, WON_HEADERS, "olist")
        scroll_to(deals.get_by_text("Preview"))
        shot(page, "6-deals-preview")
        deals.get_by_role("button", name="Use this mapping").click()
        settle(page)
        scroll_to(page.get_by_text("Check before import"))
        shot(page, "7-ready")

        page.get_by_role("button", name="Import", exact=True).click()
        settle(page, "Import report")
        scroll_to(page.get_by_text("Import report"))
        shot(page, "8-report")
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()

    engine = make_engine(db_url)
    t = schema.journeys
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.journey_id, t.c.entry_stage, t.c.mql_at, t.c.channel, t.c.won_at)
            .where(t.c.journey_id.like("olist:%"))
            .order_by(t.c.journey_id)
        ).all()
    engine.dispose()
    assert [
        (
            r.journey_id,
            r.entry_stage,
            r.mql_at.date().isoformat(),
            r.channel,
            r.won_at.date().isoformat() if r.won_at else None,
        )
        for r in rows
    ] == [
        ("olist:m1", "mql", "2026-04-01", "Paid Search", "2026-05-10"),
        ("olist:m2", "mql", "2026-04-15", None, None),
        ("olist:m3", "mql", "2026-05-20", "Email", "2026-06-01"),
        ("olist:m4", "mql", "2026-07-02", "Social", None),
    ]
