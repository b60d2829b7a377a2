"""What the meeting's screens share: which report is on screen, how times and user text
are written, and a report's chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics import catalog
from smarketing_data.metrics.report_set import ReportSet
from ui.components import safe
from ui.data import Context

# The report on screen; a plain key (not a widget's) so it survives presenter mode, where the
# report selector is not drawn.
CURRENT = "meeting_current"
STATUS_LABELS = {"open": "Open", "done": "Done", "dropped": "Dropped"}
KEYS = [ref.key for ref in catalog.ALL]


def current_report() -> str:
    key = st.session_state.get(CURRENT)
    return key if key in catalog.BY_KEY else KEYS[0]


def _local(ctx: Context, moment: Any) -> dt.datetime:
    """A stored time (naive UTC) in the business time zone."""
    stamp = pd.Timestamp(moment).to_pydatetime()
    return stamp.replace(tzinfo=dt.UTC).astimezone(ctx.settings.zone)


def short_date(ctx: Context, moment: Any) -> str:
    """'May 2' (with the year when it is not this year's)."""
    local = _local(ctx, moment)
    text = f"{local:%b} {local.day}"
    return text if local.year == dt.date.today().year else f"{text}, {local.year}"


def long_time(ctx: Context, moment: Any) -> str:
    return f"{_local(ctx, moment):%Y-%m-%d %H:%M} {ctx.settings.timezone}"


def paragraphs(text: object) -> str:
    """User text escaped for markdown, its line breaks kept (and a line of '=' under another
    stays text instead of making it a heading)."""
    return "  \n".join(safe(line).replace("=", "\\=") for line in str(text).splitlines())


def report_figure(rs: ReportSet, report: str) -> go.Figure:
    """The report's goal-bar chart, as the Overview, Campaigns and Reps pages draw it."""
    if report in rs.reports.lists:
        return charts.ranked_chart(rs.reports.lists[report])
    if report == "funnel":
        return charts.funnel_chart(rs.funnel)
    return charts.contribution_chart(rs.contribution)
