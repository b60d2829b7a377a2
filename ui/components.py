"""Small pieces of page furniture: notices, KPI tiles, definitions, safe text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NoReturn

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from smarketing_data import format as fmt
from smarketing_data.metrics.funnel import KPI_TILES, kpis
from smarketing_data.metrics.report_set import ReportSet
from smarketing_data.report_text import NOT_TRACKED
from smarketing_data.text import plain
from ui import access, data
from ui.data import Context

# Larger type for a projector; static CSS only, never user text.
PROJECTOR_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 18px; }
/* Seven KPI tiles share one row at 1280 px: the type shrinks with the window, never cut. */
[data-testid="stMetricValue"] { font-size: clamp(1.5rem, 2.1vw, 2.4rem); }
[data-testid="stMetricLabel"] p { font-size: clamp(0.85rem, 1vw, 1.05rem); }
h1 { font-size: 2.2rem !important; }
/* The page's width for its content, not for the (18 px) rem-sized side padding. */
[data-testid="stMainBlockContainer"] { padding: 1.5rem 1.5rem 3rem 1.5rem; }
/* Charts side by side stack when the window leaves either less than the width its labels
   need (charts.MIN_WIDTH plus room); presenter mode keeps its own layout. */
.stHorizontalBlock:has(> .stColumn .stPlotlyChart):not(:has(.st-key-presenter_chart_box)) {
  flex-wrap: wrap; }
.stHorizontalBlock:has(> .stColumn .stPlotlyChart):not(:has(.st-key-presenter_chart_box))
  > .stColumn { min-width: min(100%, 560px); }
</style>
"""
# Markdown's punctuation, and '&': a character reference ("&#x202E;") would decode to a control.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")
# Streamlit's Markdown turns patterns in the text it parsed, escapes resolved, into links (bare
# web and e-mail addresses), colours (":red[...]"), icons and emoji (":smile:"), so escaping
# cannot stop them. A word joiner (U+2060: invisible, never a line break) inside each pattern's
# fixed part does: after a ':' that a word or '/' follows, after "www" before '.', after '@'.
WORD_JOINER = "\u2060"
_PATTERN_STARTS = re.compile(r"(?<=:)(?=[\w+/-])|(?<=\bwww)(?=\.)|(?<=@)", re.IGNORECASE)


def safe(text: object) -> str:
    """User text (names from files, notes) made inert for st.markdown and widget labels: no
    markup, no HTML, no link, no directive, no bidirectional control (SPEC §8)."""
    broken = _PATTERN_STARTS.sub(WORD_JOINER, plain(text))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", broken)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for ``st.dataframe`` with every text cell and header without bidirectional
    controls: the grid draws text as it is, so an override would reverse a name."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [plain(v) if isinstance(v, str) else v for v in out[col].tolist()]
    out.columns = [plain(c) if isinstance(c, str) else c for c in out.columns]
    return out


ICON = Path(__file__).parent / "favicon.png"


def configure() -> None:
    st.set_page_config(page_title="Smarketing QBR", page_icon=str(ICON), layout="wide")


def page_setup() -> None:
    """Every page starts here: a page opened by its own URL runs without the router, so it
    sets the layout and passes the access gate itself."""
    configure()
    access.gate()
    st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    access.sidebar_status()


def sample_notice(ctx: Context) -> None:
    if data.sample_ids(ctx):
        # one line at 1366 px, so the Overview's first screen keeps its funnel
        st.info(
            "**Sample data** (a generated Salesforce export): import your own exports "
            "on the **Data** page, where you can also clear it.",
            icon=":material/science:",
        )


def no_data(message: str = "No data yet.") -> NoReturn:
    st.warning(f"{message} Import your CRM exports on the **Data** page.")
    st.page_link("app_pages/data.py", label="Go to Data", icon=":material/upload_file:")
    st.stop()


def chart(figure: go.Figure, *, key: str) -> None:
    """A chart as the package built it: our projector styling, not the theme's."""
    st.plotly_chart(figure, theme=None, key=key, config={"displaylogo": False})


def kpi_tiles(report: ReportSet) -> None:
    """The quarter's KPI tiles against the quarter before; a stage the data does not record
    says "not tracked" rather than a count inferred from later stages (SPEC §3.10)."""
    stage_of = dict(KPI_TILES)
    tiles = kpis(report.activity, report.previous)
    for col, tile in zip(st.columns(len(tiles)), tiles, strict=True):
        stage = stage_of.get(tile.label)
        if stage is not None and stage not in report.tracked:
            # a dash fits a tile at 1280 px; the caption under the tiles names the stages
            col.metric(tile.label, "—", help=f"{tile.label}: {NOT_TRACKED} in this data")
            continue
        value = fmt.money(tile.value) if tile.kind == "money" else fmt.count(tile.value)
        col.metric(tile.label, value, fmt.change(tile.change) if tile.change is not None else None)


def untracked_note(report: ReportSet) -> str:
    """' Not tracked in this data: SAL.' for a definition line; '' when every stage is."""
    missing = [str(r.label) for r in report.funnel.itertuples(index=False) if not r.tracked]
    return f" Not tracked in this data: {', '.join(missing)}." if missing else ""


def definition(text: str) -> None:
    """The one-line definition shown under a chart: what it counts and on which basis."""
    st.caption(text)


FLASH_KEY = "flash_messages"


def flash(section: str, kind: str, text: str) -> None:
    """Keep the outcome of a write (run as a callback) to show in its section on the rerun."""
    st.session_state.setdefault(FLASH_KEY, {})[section] = (kind, text)


def show_flash(section: str) -> None:
    kind, text = st.session_state.get(FLASH_KEY, {}).pop(section, (None, ""))
    if kind == "error":
        st.error(safe(text), icon=":material/error:")
    elif kind == "success":
        st.success(safe(text), icon=":material/check_circle:")
