"""P1 (SPEC §7): a page's first full render in a real browser at N journeys, against the
render of an empty page of the same app, in the same run.

Two app servers (``streamlit run app.py``, headless, no file watcher, each on a free port)
run the same code: one on the N-journey SQLite dataset (``benchmarks.report_data``), one on
an **empty** database made with ``init_schema``, then ``load_sample`` and ``clear_sample``
(so the app does not load the sample on first start and shows its "No data yet" page).
Debian's Chromium is driven by Playwright, as in ``tests/test_browser.py``.

A render is timed from ``page.goto(url)`` until the page is fully rendered: the page's own
content is visible (the "Leads" KPI tile on Overview, the first "Campaigns by" chart on
Campaigns, the first "Reps by conversion" chart on Reps, the "No data yet" warning on the
empty app), the script has finished (``data-test-script-state="notRunning"``) and every Plotly
chart on the page has drawn. Each render is in a new browser context (no HTTP cache, a new
Streamlit session). The browser itself is warmed up once, untimed.

The app caches its data with ``st.cache_data`` per server process, so each repetition and
page gets servers of its own:

- **cold**: a server started for this render; the timed request is its first one (Python
  imports of the pages, the engine, every cached loader);
- **warm**: the same page again in a new context on that server (every cache filled);
- **cold cache, warm process**: another new server whose first (untimed) request is the Data
  page, which imports the app's modules and makes the engine but computes none of the
  quarter's numbers; then the timed page.

Each variant of each page is compared with the same variant of the empty page. The target is
judged on ``cold``. Repetitions interleave the pages (empty, Overview, Campaigns, Reps, empty,
...), so that changing load affects all of them; medians are reported.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import PROJECT_ROOT, WORK_DIR, log, median, remove_sqlite
from benchmarks.report_data import busiest_quarter, ensure_loaded, load_info

TARGET = 2.0
DEFAULT_ROWS = 1_000_000
P1_WORK = WORK_DIR / "p1"
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
VIEWPORT = {"width": 1920, "height": 1080}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RENDER_TIMEOUT_MS = 300_000
VARIANTS = ("cold", "cold_cache_warm_process", "warm")
# The script has finished and every Plotly chart on the page has drawn its SVG.
DONE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!c.querySelector('.main-svg')) return false;
  }
  return true;
}"""

# What the page downloaded (a new context has no HTTP cache): scripts and everything.
RESOURCES_JS = """() => {
  const all = performance.getEntriesByType('resource');
  const js = all.filter(e => e.name.endsWith('.js'));
  const kb = list => Math.round(list.reduce((n, e) => n + (e.encodedBodySize || 0), 0) / 1024);
  return {requests: all.length, js_files: js.length, js_kb: kb(js), all_kb: kb(all)};
}"""


@dataclass(frozen=True)
class PageSpec:
    """A page of the app: its URL path and the text that shows its content is there."""

    name: str
    path: str
    text: str
    chart: bool
    empty_app: bool = False

    def ready(self, page: Any, start: float) -> dict[str, float]:
        """Wait until the page is fully rendered (see the module docstring); the seconds
        since ``start`` at which its text showed, then its first chart (``content``), its
        script finished and it was done."""
        if self.name == "overview":
            tile = page.locator('[data-testid="stMetric"]').filter(has_text=self.text).first
            tile.locator('[data-testid="stMetricValue"]').wait_for(timeout=RENDER_TIMEOUT_MS)
        else:
            page.get_by_text(self.text, exact=False).first.wait_for(timeout=RENDER_TIMEOUT_MS)
        text = time.perf_counter() - start
        if self.chart:
            page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(
                timeout=RENDER_TIMEOUT_MS
            )
        content = time.perf_counter() - start
        page.wait_for_selector(IDLE, timeout=RENDER_TIMEOUT_MS)
        script_done = time.perf_counter() - start
        page.wait_for_function(DONE_JS, timeout=RENDER_TIMEOUT_MS)
        return {
            "text": text,
            "content": content,
            "script_done": script_done,
            "done": time.perf_counter() - start,
        }


EMPTY = PageSpec("empty", "", "No data yet", chart=False, empty_app=True)
PAGES = (
    PageSpec("overview", "", "Leads", chart=True),
    PageSpec("campaigns", "/campaigns", "Campaigns by", chart=True),
    PageSpec("reps", "/reps", "Reps by conversion", chart=True),
)
WARMUP = PageSpec("data", "/data", "Upload history", chart=False)


# --- the app servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AppServer:
    """One ``streamlit run app.py`` process on a database, started fresh on demand."""

    db_url: str
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    url: str = ""
    starts: list[float] = field(default_factory=list)

    def start(self) -> str:
        """Start a new server process and wait until it answers its health check."""
        self.stop()
        port = free_port()
        env = {**os.environ, "SMARKETING_DB_URL": self.db_url}
        began = time.perf_counter()
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    str(PROJECT_ROOT / "app.py"),
                    "--server.port",
                    str(port),
                    "--server.headless",
                    "true",
                    "--server.fileWatcherType",
                    "none",
                    "--browser.gatherUsageStats",
                    "false",
                ],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.starts.append(time.perf_counter() - began)
                        return self.url
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the app did not start: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def make_empty_database(path: Path) -> str:
    """A database of the app with no data that has had an upload (the sample, undone)."""
    from sqlalchemy import func, select

    from smarketing_data import schema
    from smarketing_data.config import Settings
    from smarketing_data.db import init_schema, make_engine
    from smarketing_data.demo import clear_sample, is_empty, load_sample

    remove_sqlite(path)
    db_url = f"sqlite:///{path}"
    engine = make_engine(db_url)
    try:
        init_schema(engine)
        load_sample(engine, Settings())
        clear_sample(engine)
        with engine.connect() as conn:
            left = conn.execute(select(func.count()).select_from(schema.journeys)).scalar_one()
        if left or is_empty(engine):
            raise AssertionError(f"empty database: {left} journeys left, no upload recorded")
    finally:
        engine.dispose()
    return db_url


# --- rendering -------------------------------------------------------------------------------


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def render(browser: Any, base_url: str, spec: PageSpec) -> dict[str, float]:
    """Seconds from ``page.goto`` until ``spec`` is fully rendered (``done``) and its
    milestones before that, in a new browser context."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(base_url + spec.path, timeout=RENDER_TIMEOUT_MS)
        milestones = spec.ready(page, start)
        if page.locator('[data-testid="stException"]').count():
            raise AssertionError(f"{spec.name}: the page shows an exception")
        milestones["charts"] = page.locator('[data-testid="stPlotlyChart"]').count()
        milestones["tables"] = page.locator('[data-testid="stDataFrame"]').count()
        milestones.update(page.evaluate(RESOURCES_JS))
        return milestones
    finally:
        context.close()


@dataclass
class Bench:
    """The two servers and the browser of one run; one timed page at a time."""

    browser: Any
    full: AppServer
    empty: AppServer

    def server(self, spec: PageSpec) -> AppServer:
        return self.empty if spec.empty_app else self.full

    def measure(self, spec: PageSpec) -> dict[str, dict[str, float]]:
        """The three variants of one page, each on servers of its own."""
        server = self.server(spec)
        url = server.start()
        cold = render(self.browser, url, spec)
        warm = render(self.browser, url, spec)
        url = server.start()
        render(self.browser, url, WARMUP)
        cold_cache = render(self.browser, url, spec)
        server.stop()
        return {"cold": cold, "cold_cache_warm_process": cold_cache, "warm": warm}


def _summary(samples: dict[str, dict[str, list[dict[str, float]]]]) -> dict[str, Any]:
    """Per page and variant: median ms until done and its ratio to the empty page's, and the
    medians of the milestones."""

    def ms(renders: list[dict[str, float]], key: str = "done") -> float:
        return round(median([r[key] for r in renders]) * 1000, 1)

    empty = {v: ms(samples["empty"][v]) for v in VARIANTS}
    pages: dict[str, Any] = {}
    for name, by_variant in samples.items():
        row: dict[str, Any] = {}
        for v in VARIANTS:
            row[f"{v}_ms"] = ms(by_variant[v])
            if name != "empty":
                row[f"{v}_ratio"] = round(row[f"{v}_ms"] / empty[v], 3)
        if name != "empty":
            row["met"] = row["cold_ratio"] <= TARGET
        first = by_variant["cold"][0]
        row["elements"] = {
            "plotly_charts": int(first["charts"]),
            "dataframes": int(first["tables"]),
        }
        row["downloads_cold"] = {
            k: int(first[k]) for k in ("requests", "js_files", "js_kb", "all_kb")
        }
        row["milestones_ms"] = {
            v: {k: ms(by_variant[v], k) for k in ("text", "content", "script_done", "done")}
            for v in VARIANTS
        }
        row["samples_ms"] = {
            v: [round(r["done"] * 1000, 1) for r in by_variant[v]] for v in VARIANTS
        }
        pages[name] = row
    return pages


def run(args: argparse.Namespace) -> dict[str, Any]:
    rows: int = args.journeys
    P1_WORK.mkdir(parents=True, exist_ok=True)
    full_url = ensure_loaded("sqlite", rows)
    quarter = busiest_quarter(full_url)
    empty_url = make_empty_database(P1_WORK / "empty.db")
    logs = P1_WORK / "app.log"
    logs.unlink(missing_ok=True)
    specs = (EMPTY, *PAGES)
    samples: dict[str, dict[str, list[dict[str, float]]]] = {
        s.name: {v: [] for v in VARIANTS} for s in specs
    }
    full, empty = AppServer(full_url, logs), AppServer(empty_url, logs)
    try:
        with chromium() as browser:
            bench = Bench(browser, full, empty)
            render(browser, empty.start(), EMPTY)  # the browser's own warm-up, untimed
            empty.stop()
            for i in range(args.repeat):
                for spec in specs:
                    for variant, milestones in bench.measure(spec).items():
                        samples[spec.name][variant].append(milestones)
                log(
                    f"P1 run {i + 1}/{args.repeat}: "
                    + ", ".join(
                        f"{s.name} "
                        + "/".join(f"{samples[s.name][v][-1]['done'] * 1000:.0f}" for v in VARIANTS)
                        + "ms"
                        for s in specs
                    )
                    + " (cold/cold cache, warm process/warm)"
                )
    finally:
        full.stop()
        empty.stop()
    pages = _summary(samples)
    return {
        "figure": "P1",
        "engine": "sqlite",
        "journeys": rows,
        "quarter": quarter,
        "repeat": args.repeat,
        "target_ratio": TARGET,
        "judged_on": "cold",
        "met": all(pages[p.name]["met"] for p in PAGES),
        "pages": pages,
        "server_start_s": round(median(full.starts + empty.starts), 2),
        "browser": {
            "executable": CHROMIUM,
            "args": CHROMIUM_ARGS,
            "viewport": VIEWPORT,
            "playwright": _playwright_version(),
        },
        "load": load_info(f"sqlite-{rows}"),
    }


def _playwright_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("playwright")
    except metadata.PackageNotFoundError:
        return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--journeys",
        type=int,
        default=DEFAULT_ROWS,
        help=f"journeys in the full app's database (default {DEFAULT_ROWS})",
    )
