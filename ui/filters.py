"""Controls shared by the pages, kept in session state so every page shows the same quarter."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.reports import ReportOptions
from smarketing_data.metrics.tracking import Tracked
from smarketing_data.stages import CohortBase
from ui import components, data
from ui.data import Context

# The quarter is a label in the widget and in session state, a Quarter everywhere else.
QUARTER_KEY = "quarter"
# Widget state is dropped on pages that do not draw the widget (Data); this key is not.
CHOSEN_KEY = "chosen_quarter"
# The choices are ReportOptions.base values; None (Automatic) is the first of MQL, Lead,
# Opportunity the data tracks.
BASES: tuple[CohortBase | None, ...] = (None, *CohortBase)
# Why the automatic base is not MQL: the stages before it that the data lacks.
MISSING_BEFORE = {
    "mql": "",
    "lead": "this data has no MQL stage",
    "opp": "this data has no MQL or Lead stage",
}
RANK_LABELS = {"value": "By count / rate", "confidence": "Confidence-adjusted"}
CONFIDENCE_HELP = (
    "Confidence-adjusted ranks by the low end of the 95% interval, so a rep "
    "with few leads and a lucky streak does not outrank a steady performer."
)


def quarter_picker(ctx: Context) -> Quarter | None:
    """The quarter everything on the page is about (sidebar), or None when there is no data."""
    by_label = {q.label: q for q in data.quarters(ctx)}
    if not by_label:
        return None
    labels = list(by_label)
    chosen = st.session_state.get(QUARTER_KEY, st.session_state.get(CHOSEN_KEY))
    if chosen not in by_label:
        default = data.default_quarter(ctx, dt.date.today())
        chosen = default.label if default and default.label in by_label else labels[0]
    st.session_state[QUARTER_KEY] = chosen
    picked = st.sidebar.selectbox(
        "Quarter", labels, key=QUARTER_KEY, help="Default: the last complete quarter with data."
    )
    st.session_state[CHOSEN_KEY] = picked
    return by_label[picked]


def base_label(base: CohortBase | None) -> str:
    return "Automatic" if base is None else CohortBase(base).label


def automatic_base(found: Tracked) -> str:
    """What Automatic resolves to, in words: 'Automatic (Opportunity: this data has no MQL or
    Lead stage)'."""
    base = found.default_base()
    why = MISSING_BEFORE[base]
    return f"Automatic ({base.label}{': ' + why if why else ''})"


def velocity_base(found: Tracked) -> CohortBase | None:
    """The velocity chart's cohort base (sidebar): MQL or Lead, whichever the data records,
    the resolved report base first so the default matches the other pages; None when the data
    records neither."""
    bases = sorted(
        (b for b in (CohortBase.MQL, CohortBase.LEAD) if b in found),
        key=lambda b: b != found.default_base(),
    )
    if not bases:
        return None
    picked = st.sidebar.radio(
        "Cohort base", bases, format_func=base_label, key="vel_base", horizontal=True
    )
    return None if picked is None else CohortBase(picked)


def report_options(
    ctx: Context, *, with_volume: bool = False, with_ranking: bool = False
) -> ReportOptions:
    """Top N, cohort base, and (on the Reps page) minimum volume and ranking."""
    s = ctx.settings
    top = st.sidebar.number_input(
        "Top / bottom N", min_value=1, max_value=25, value=s.top_n, key="top_n"
    )
    base = st.sidebar.radio(
        "Cohort base for reps", BASES, format_func=base_label, key="base", horizontal=True
    )
    st.sidebar.caption(automatic_base(data.tracked(ctx)))
    min_volume = s.min_volume
    ranking = "value"
    if with_volume:
        min_volume = st.sidebar.number_input(
            "Minimum cohort size",
            min_value=1,
            max_value=100_000,
            value=s.min_volume,
            key="min_volume",
        )
    if with_ranking:
        ranking = st.sidebar.radio(
            "Ranking",
            list(RANK_LABELS),
            format_func=RANK_LABELS.get,
            key="ranking",
            help=CONFIDENCE_HELP,
        )
    return ReportOptions(top=int(top), min_volume=int(min_volume), base=base, ranking=str(ranking))


def quarter_page(title: str) -> tuple[Context, Quarter]:
    """The head of every quarter page: setup, quarter picker, title, sample notice; stops
    with a pointer to the Data page when there is no data at all."""
    components.page_setup()
    ctx = data.context()
    quarter = quarter_picker(ctx)
    st.title(f"{title} · {quarter.label}" if quarter else title)
    components.sample_notice(ctx)
    if quarter is None:
        components.no_data()
    return ctx, quarter
