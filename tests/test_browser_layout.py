"""Screens that fit (SPEC §9): every page, and presenter mode, at the three screens people use
(1280x720 projector, 1366x768 laptop, 1920x1080 meeting-room display), in Debian's Chromium
driven by Playwright, on the sample data `make run` shows.

On every Plotly chart, JavaScript in the page checks each visible SVG text (title, axis titles,
tick and category labels, bar value labels, annotations, legend): it stays inside the chart's
box and overlaps no other text; every category the axis names has its label drawn, and every
value label a bar or label trace carries is drawn. KPI tiles are not truncated, the page does
not scroll sideways, and no loading skeleton is left once the script has finished. The
Overview's first screen at 1366x768 shows the quarter, the KPI tiles and the funnel.

A page opened by its URL as a fresh server's very first request shows the app's navigation.
Screenshots: test-artifacts/screenshots/layout-<page>-<w>x<h>.png (the whole page)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_browser import IDLE, SHOTS, chromium, serving, settle
from test_browser import pytestmark as browser_only

from smarketing_data.config import load_settings
from smarketing_data.db import init_schema, make_engine
from smarketing_data.demo import load_sample

pytestmark = browser_only

SIZES = ((1280, 720), (1366, 768), (1920, 1080))
NAV_TITLES = [
    "Overview",
    "Campaigns",
    "Reps",
    "Velocity & follow-up",
    "Goals & definitions",
    "Meeting",
    "Data",
]


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # URL path of the page ("" is the default page)
    text: str  # shown once the page has rendered
    quarter: str | None = None  # a quarter to pick after the default one has been checked


PAGES = (
    Page("overview", "", "Funnel this quarter"),
    Page("campaigns", "campaigns", "Drill into a campaign"),
    Page("reps", "reps", "Drill into a rep"),
    # The default quarter has too few wins for the fastest-customers chart; 2026-Q2 has it.
    Page("velocity", "velocity", "Referral program", quarter="2026-Q2"),
    Page("goals", "goals", "Version history"),
    Page("meeting", "meeting", "Exports"),
    Page("data", "data", "Upload history"),
)

# Runs in the page; returns a list of problems, each {chart, kind, text, detail}.
CHECK_JS = r"""
() => {
  const CUT = 1;       // px a text may pass its chart's box (sub-pixel rounding)
  const OVERLAP = 2;   // px two texts may share (anti-aliased edges of adjacent glyph boxes)
  const problems = [];
  const plain = (html) => {
    const d = document.createElement('div');
    d.innerHTML = String(html).replace(/<br\s*\/?>/gi, ' ');
    return d.textContent.replace(/\s+/g, '');
  };
  const shown = (el) => {
    if (!(el.textContent || '').trim()) return false;
    for (let n = el; n && n.nodeType === 1; n = n.parentNode) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0)
        return false;
      if (n.getAttribute('display') === 'none') return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  // The text's own (possibly rotated) rectangle in page coordinates: four corners.
  const corners = (el) => {
    const b = el.getBBox(), m = el.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
            [b.x, b.y + b.height]].map(([x, y]) => {
      const p = new DOMPoint(x, y).matrixTransform(m);
      return [p.x, p.y];
    });
  };
  // Separating-axis test on two convex quads, shrunk by OVERLAP px along each axis.
  const intersect = (a, b) => {
    for (const poly of [a, b]) {
      for (let i = 0; i < 4; i++) {
        const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
        const len = Math.hypot(x2 - x1, y2 - y1) || 1;
        const nx = -(y2 - y1) / len, ny = (x2 - x1) / len;
        const pa = a.map(([x, y]) => x * nx + y * ny), pb = b.map(([x, y]) => x * nx + y * ny);
        if (Math.max(...pa) - OVERLAP <= Math.min(...pb)
            || Math.max(...pb) - OVERLAP <= Math.min(...pa)) return false;
      }
    }
    return true;
  };
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  for (const gd of charts) {
    const box = gd.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !gd._fullLayout) continue;  // a hidden tab
    const lay = gd._fullLayout;
    const slide = document.querySelector('[data-testid="stMain"] h1');
    const title = plain(lay.title && lay.title.text ? lay.title.text : '')
      ? lay.title.text.replace(/<br\s*\/?>/gi, ' ')
      : `(untitled, under "${slide ? slide.textContent.trim() : ''}")`;
    const texts = [...gd.querySelectorAll('svg text')]
      .filter((t) => !t.closest('.hoverlayer'))
      .filter(shown)
      .map((t) => ({el: t, text: t.textContent.trim(), quad: corners(t),
                    kind: (t.getAttribute('class') || t.parentNode.getAttribute('class')
                           || 'text').split(' ')[0]}));
    for (const t of texts) {
      const xs = t.quad.map((p) => p[0]), ys = t.quad.map((p) => p[1]);
      const out = Math.max(box.left - Math.min(...xs), Math.max(...xs) - box.right,
                           box.top - Math.min(...ys), Math.max(...ys) - box.bottom);
      if (out > CUT) problems.push({chart: title, kind: 'cut off', text: t.text,
                                    detail: `${t.kind} leaves the chart by ${Math.round(out)} px`});
    }
    // No two texts overlap. Nothing is exempt: a chart draws each text once.
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      if (intersect(texts[i].quad, texts[j].quad))
        problems.push({chart: title, kind: 'overlap', text: `${texts[i].text} / ${texts[j].text}`,
                       detail: `${texts[i].kind} / ${texts[j].kind}`});
    }
    // Every category the axis names is labelled.
    for (const [name, ax] of Object.entries(lay)) {
      if (!/^[xy]axis\d*$/.test(name) || !ax || ax.tickmode !== 'array' || !ax.visible
          || ax.showticklabels === false) continue;
      const drawn = new Set(texts.filter((t) => t.kind === `${name[0]}tick`
                                                || t.el.closest(`.${name[0]}tick`))
                                 .map((t) => t.text.replace(/\s+/g, '')));
      for (const label of ax.ticktext || []) {
        const want = plain(label);
        if (want && !drawn.has(want))
          problems.push({chart: title, kind: 'category not labelled', text: want, detail: name});
      }
    }
    // Every value label a trace carries is drawn (Plotly hides what does not fit).
    for (const group of gd.querySelectorAll('.barlayer .trace, .scatterlayer .trace')) {
      const d = group.__data__ && group.__data__[0] && group.__data__[0].trace;
      if (!d || d.visible !== true || !Array.isArray(d.text)) continue;
      if (d.type === 'bar' && (d.textposition === 'none' || d.textposition === 'inside')) continue;
      if (d.type === 'scatter' && !String(d.mode).includes('text')) continue;
      const want = d.text.filter((s) => plain(s)).length;
      const got = [...group.querySelectorAll('text')].filter(shown).length;
      if (got < want)
        problems.push({chart: title, kind: 'value labels hidden',
                       text: `${want - got} of ${want} (${d.name || d.type})`,
                       detail: 'Plotly hid labels that did not fit'});
    }
  }
  for (const tile of document.querySelectorAll('[data-testid="stMetric"]')) {
    const parts = tile.querySelectorAll('[data-testid="stMetricLabel"], '
                                        + '[data-testid="stMetricValue"]');
    for (const part of parts) {
      const cut = [part, ...part.querySelectorAll('*')]
        .some((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1);
      if (cut) problems.push({chart: 'KPI tile', kind: 'truncated',
                              text: part.textContent.trim(), detail: tile.textContent.trim()});
    }
  }
  for (const sel of ['html', '[data-testid="stAppViewContainer"]', '[data-testid="stMain"]',
                     '[data-testid="stMainBlockContainer"]']) {
    const el = document.querySelector(sel);
    if (el && el.scrollWidth > el.clientWidth + 1)
      problems.push({chart: 'page', kind: 'scrolls sideways', text: sel,
                     detail: `${el.scrollWidth} px of content in ${el.clientWidth} px`});
  }
  return problems;
}
"""

SKELETONS = (
    "() => [...document.querySelectorAll('[data-testid=\"stSkeleton\"]')]"
    ".filter((e) => e.getClientRects().length).length"
)
# The charts have their final size: each Plotly graph as wide as the element holding it.
CHARTS_SIZED = """() => [...document.querySelectorAll('.js-plotly-plot')].every((gd) => {
  const outer = gd.parentElement.getBoundingClientRect().width;
  return !outer || !gd._fullLayout || Math.abs(gd._fullLayout.width - outer) < 2;
})"""
NAV = '[data-testid="stSidebarNav"] a'


def sample_database(folder: Path) -> str:
    """A fresh SQLite file with the committed sample, as `make run` shows it on first start."""
    url = f"sqlite:///{folder / 'sample.db'}"
    engine = make_engine(url)
    init_schema(engine)
    load_sample(engine, load_settings())
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("layout")
    with serving(sample_database(tmp), tmp) as url:
        yield url


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


def wait_rendered(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """The script has finished, the page's last section is drawn, the charts are sized and
    the lazy widgets have replaced their loading skeletons."""
    settle(page, text)
    page.wait_for_function(CHARTS_SIZED, timeout=20_000)
    try:
        page.wait_for_function(f"() => ({SKELETONS})() === 0", timeout=10_000)
    except Exception:  # reported by the caller, who names the page
        pass
    page.wait_for_timeout(300)  # Plotly's last redraw after the final size


def resize(page, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(400)
    page.wait_for_function(CHARTS_SIZED, timeout=20_000)
    page.wait_for_timeout(300)


def problems_on(page, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    found = [
        f"{where}: chart {p['chart']!r}: {p['kind']}: {p['text']!r} ({p['detail']})"
        for p in page.evaluate(CHECK_JS)
    ]
    skeletons = page.evaluate(SKELETONS)
    if skeletons:
        found.append(f"{where}: {skeletons} loading skeletons left after the script finished")
    if page.locator('[data-testid="stException"]').count():
        found.append(f"{where}: the page shows an exception")
    return found


def navigation_problems(page, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    titles = [t.strip() for t in page.locator(NAV).all_inner_texts()]
    return [] if titles == NAV_TITLES else [f"{where}: navigation shows {titles}"]


def screenshot(page, name: str, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    """The whole page at this width: the window grows to the content's height for the shot
    (the width, and so the layout, stays), then returns to the screen's size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    if tall > height:
        page.set_viewport_size({"width": width, "height": min(tall, 12_000)})
        page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"layout-{name}-{width}x{height}.png"))
    if tall > height:
        page.set_viewport_size({"width": width, "height": height})


def pick_quarter(page, label: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=label).click()
    wait_rendered(page, text)


def first_screen_problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The Overview at 1366x768, unscrolled: the quarter picker, every KPI tile and the whole
    funnel chart are on the screen."""
    found = []
    boxes = {
        "the quarter picker": page.locator(
            '[data-testid="stSidebar"] [data-testid="stSelectbox"]'
        ).first,
        "the funnel chart": page.locator(".js-plotly-plot").first,
    }
    for i, tile in enumerate(page.locator('[data-testid="stMetric"]').all()):
        boxes[f"KPI tile {i + 1}"] = tile
    for what, locator in boxes.items():
        box = locator.bounding_box()
        if (
            box is None
            or box["y"] < 0
            or box["y"] + box["height"] > 768
            or (box["x"] + box["width"] > 1366)
        ):
            found.append(f"overview at 1366x768: {what} is not on the first screen ({box})")
    return found


def test_every_page_fits_the_three_screens(sample_url, browser):
    """Each page opened by its URL in a new browser session, then checked at each size."""
    started = time.time()
    found: list[str] = []
    for turn, spec in enumerate(PAGES):
        # Open each page at a different size first: every size gets fresh loads too.
        order = SIZES[turn % 3 :] + SIZES[: turn % 3]
        context = browser.new_context(viewport={"width": order[0][0], "height": order[0][1]})
        page = context.new_page()
        page.goto(f"{sample_url}/{spec.path}")
        wait_rendered(page, spec.text)
        found += navigation_problems(page, spec.name)
        for width, height in order:
            if (width, height) != order[0]:
                resize(page, width, height)
            where = f"{spec.name} at {width}x{height}"
            found += problems_on(page, where)
            if spec.name == "overview" and (width, height) == (1366, 768):
                found += first_screen_problems(page)
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / "layout-overview-first-screen-1366x768.png"))
            screenshot(page, spec.name, width, height)
        if spec.quarter:
            pick_quarter(page, spec.quarter, spec.text)
            for width, height in SIZES:
                resize(page, width, height)
                found += problems_on(page, f"{spec.name} {spec.quarter} at {width}x{height}")
                screenshot(page, f"{spec.name}-{spec.quarter}", width, height)
        context.close()
    assert not found, "\n".join(found)
    assert time.time() - started < 240


def off_screen(page, where: str, height: int) -> list[str]:  # type: ignore[no-untyped-def]
    """A slide is one screen: its chart ends above the window's bottom edge."""
    found = []
    for chart in page.locator(".js-plotly-plot").all():
        box = chart.bounding_box()
        if box is not None and box["y"] + box["height"] > height + 1:
            found.append(
                f"{where}: the chart ends {round(box['y'] + box['height'] - height)} "
                "px below the screen"
            )
    return found


# Slides checked at every size; the others at the projector's 1280x720, the narrowest.
PRESENTER_SAMPLE = {1: "funnel", 2: "campaigns", 8: "reps", 14: "contribution"}


def test_presenter_mode_fits_the_three_screens(sample_url, browser):
    found: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{sample_url}/meeting")
    wait_rendered(page, "Exports")
    page.locator('[data-testid="stCheckbox"]').filter(has_text="Presenter mode").click()
    wait_rendered(page, "1 / ")
    total = int(page.get_by_text("1 / ").first.inner_text().split("/")[-1])
    for slide in range(1, total + 1):
        if slide > 1:
            page.keyboard.press("ArrowRight")
            wait_rendered(page, f"{slide} / {total}")
        sizes = SIZES if slide in PRESENTER_SAMPLE else SIZES[:1]
        for width, height in sizes:
            if (width, height) != (1280, 720):
                resize(page, width, height)
            found += problems_on(page, f"presenter slide {slide} at {width}x{height}")
            found += off_screen(page, f"presenter slide {slide} at {width}x{height}", height)
            if slide in PRESENTER_SAMPLE:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(
                    path=str(
                        SHOTS / f"layout-presenter-{PRESENTER_SAMPLE[slide]}-{width}x{height}.png"
                    )
                )
        if sizes != SIZES[:1]:
            resize(page, 1280, 720)
    context.close()
    assert not found, "\n".join(found)


def test_a_page_opened_by_url_as_a_fresh_servers_first_request_shows_the_navigation(
    tmp_path, browser
):
    """`make run` on an empty database, and the first visitor opens a bookmark: the app's
    navigation (not the script names), the sample loaded, the page drawn in full."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    init_schema(engine)
    engine.dispose()
    found: list[str] = []
    with serving(url, tmp_path) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(f"{base}/reps")  # the very first request this server gets
        wait_rendered(page, "Drill into a rep")
        found += navigation_problems(page, "reps as the first request")
        found += problems_on(page, "reps as the first request")
        context.close()
    assert not found, "\n".join(found)


def test_goals_leaves_no_loading_skeletons(sample_url, browser):
    """Once the Goals script has finished, every lazy widget has replaced its grey skeleton,
    in a new session by URL and after a rerun."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{sample_url}/goals")
    settle(page, "Version history")
    left: list[Any] = []
    for attempt in ("opened by its URL", "after a rerun"):
        deadline = time.time() + 8
        while page.evaluate(SKELETONS) and time.time() < deadline:
            page.wait_for_timeout(200)
        if page.evaluate(SKELETONS):
            left.append(f"{page.evaluate(SKELETONS)} skeletons left on Goals {attempt}")
        page.keyboard.press("r")  # Streamlit's rerun shortcut
        page.wait_for_selector(IDLE, timeout=60_000)
    context.close()
    assert not left, left
