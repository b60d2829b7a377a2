"""Controls shared by the pages, kept in session state so every page shows the same quarter."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from smarketing_data.metrics.reports import ReportOptions
from smarketing_data.metrics.tracking import Tracked, tracked_stages
from smarketing_data.stages import STAGE_LABELS
from ui import components
from ui.data import Context, context, default_quarter_label, guarded, quarters

QUARTER_KEY = "quarter"
# Widget state is dropped on pages that do not draw the widget (Data); this key is not.
CHOSEN_KEY = "chosen_quarter"
# "auto" is ReportOptions(base=None): the first of MQL, Lead, Opportunity the data tracks.
AUTO = "auto"
BASE_LABELS = {AUTO: "Automatic", "mql": "MQL", "lead": "Lead", "opp": "Opportunity"}
# Why the automatic base is not MQL: the stages before it that the data lacks.
MISSING_BEFORE = {"mql": "", "lead": "this data has no MQL stage",
                  "opp": "this data has no MQL or Lead stage"}
RANK_LABELS = {"value": "By count / rate", "confidence": "Confidence-adjusted"}
CONFIDENCE_HELP = ("Confidence-adjusted ranks by the low end of the 95% interval, so a rep "
                   "with few leads and a lucky streak does not outrank a steady performer.")


def quarter_picker(ctx: Context) -> str | None:
    """The quarter everything on the page is about (sidebar), or None when there is no data."""
    labels = quarters(ctx)
    if not labels:
        return None
    chosen = st.session_state.get(QUARTER_KEY, st.session_state.get(CHOSEN_KEY))
    if chosen not in labels:
        default = default_quarter_label(ctx)
        chosen = default if default in labels else labels[0]
    st.session_state[QUARTER_KEY] = chosen
    picked = st.sidebar.selectbox("Quarter", labels, key=QUARTER_KEY,
                                  help="Default: the last complete quarter with data.")
    st.session_state[CHOSEN_KEY] = picked
    return picked


@st.cache_data(show_spinner=False, max_entries=16)
def _tracked(_engine: Engine, url: str, version: int) -> Tracked:
    return tracked_stages(_engine)


def tracked(ctx: Context) -> Tracked:
    """The stages the loaded data records (SPEC §3.10)."""
    found: Tracked = guarded(_tracked, ctx.engine, ctx.url, ctx.version)
    return found


def automatic_base(found: Tracked) -> str:
    """What Automatic resolves to, in words: 'Automatic (Opportunity: this data has no MQL or
    Lead stage)'."""
    base = found.default_base()
    why = MISSING_BEFORE[base]
    return f"Automatic ({STAGE_LABELS[base]}{': ' + why if why else ''})"


def report_options(ctx: Context, *, with_volume: bool = False,
                   with_ranking: bool = False) -> ReportOptions:
    """Top N, cohort base, and (on the Reps page) minimum volume and ranking."""
    s = ctx.settings
    top = st.sidebar.number_input("Top / bottom N", min_value=1, max_value=25, value=s.top_n,
                                  key="top_n")
    base = st.sidebar.radio("Cohort base for reps", list(BASE_LABELS),
                            format_func=BASE_LABELS.get, key="base", horizontal=True)
    st.sidebar.caption(automatic_base(tracked(ctx)))
    min_volume = s.min_volume
    ranking = "value"
    if with_volume:
        min_volume = st.sidebar.number_input("Minimum cohort size", min_value=1,
                                             max_value=100_000, value=s.min_volume,
                                             key="min_volume")
    if with_ranking:
        ranking = st.sidebar.radio("Ranking", list(RANK_LABELS), format_func=RANK_LABELS.get,
                                   key="ranking", help=CONFIDENCE_HELP)
    return ReportOptions(top=int(top), min_volume=int(min_volume),
                         base=None if base == AUTO else str(base), ranking=str(ranking))


def quarter_page(title: str) -> tuple[Context, str]:
    """The head of every quarter page: setup, quarter picker, title, sample notice; stops
    with a pointer to the Data page when there is no data at all."""
    components.page_setup()
    ctx = context()
    quarter = quarter_picker(ctx)
    st.title(f"{title} · {quarter}" if quarter else title)
    components.sample_notice(ctx)
    if quarter is None:
        components.no_data()
    return ctx, quarter
