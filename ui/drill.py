"""Drilling into one campaign or rep: its funnel by quarter and its journeys, page by page."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.text import plain
from ui import components, data, tables
from ui.data import Context

PAGE_SIZE = 50


def _pick(label: str, entities: pd.DataFrame, key: str) -> tuple[str, str] | None:
    if entities.empty:
        st.text("Nothing to drill into in this quarter.")
        return None
    ids = entities["id"].tolist()
    names = dict(zip(entities["id"], entities["name"], strict=True))
    # the options are plain text to Streamlit; only the bidirectional controls need to go
    chosen = st.selectbox(label, ids, format_func=lambda i: plain(names[i]), key=key)
    return (chosen, names[chosen]) if chosen is not None else None


def _journeys(
    ctx: Context,
    quarter: Quarter,
    key: str,
    *,
    campaign_id: str | None = None,
    rep_id: str | None = None,
) -> None:
    _, total = data.journeys(
        ctx, quarter, offset=0, limit=1, campaign_id=campaign_id, rep_id=rep_id
    )
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = st.number_input(
        f"Page (of {pages}, {total} journeys in {quarter.label})",
        min_value=1,
        max_value=pages,
        value=1,
        key=f"{key}_page",
    )
    frame, _ = data.journeys(
        ctx,
        quarter,
        offset=(int(page) - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        campaign_id=campaign_id,
        rep_id=rep_id,
    )
    st.dataframe(
        components.plain_frame(tables.journeys_table(frame)),
        hide_index=True,
        key=f"{key}_journeys",
    )


def campaign_drill(ctx: Context, campaigns: pd.DataFrame, quarter: Quarter) -> None:
    picked = _pick("Campaign", campaigns, "campaign_drill")
    if picked is None:
        return
    campaign_id, _ = picked
    by_quarter = data.campaign_funnel(ctx, campaign_id)
    components.chart(charts.drill_chart(by_quarter), key="campaign_drill_chart")
    st.dataframe(
        tables.funnel_by_quarter_table(by_quarter), hide_index=True, key="campaign_drill_table"
    )
    _journeys(ctx, quarter, "campaign_drill", campaign_id=campaign_id)


def rep_drill(ctx: Context, reps: pd.DataFrame, quarter: Quarter) -> None:
    picked = _pick("Rep", reps, "rep_drill")
    if picked is None:
        return
    rep_id, _ = picked
    by_quarter = data.rep_funnel(ctx, rep_id)
    components.chart(charts.drill_chart(by_quarter), key="rep_drill_chart")
    st.dataframe(tables.funnel_by_quarter_table(by_quarter), hide_index=True, key="rep_drill_table")
    _journeys(ctx, quarter, "rep_drill", rep_id=rep_id)
