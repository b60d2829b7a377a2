"""Cached access to the database for the pages.

Everything that identifies the data is in every cache key: the database URL and the data
version (bumped by every import, undo and goal edit), plus the loader's own filters. The
engine is passed as ``_engine`` so Streamlit does not try to hash it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data import meeting
from smarketing_data.config import ConfigError, Settings, load_settings, resolve_db_url
from smarketing_data.db import DatabaseError, data_version, describe_error, init_schema, make_engine
from smarketing_data.definitions import current_definitions, definition_history
from smarketing_data.demo import ensure_sample, sample_upload_ids
from smarketing_data.exports import export
from smarketing_data.metrics import drill, followup, referral, spend, velocity
from smarketing_data.metrics.goals import goals_set, load_goals, load_targets
from smarketing_data.metrics.quarters import Quarter, parse_quarter
from smarketing_data.metrics.report_set import ReportSet, build_report_set
from smarketing_data.metrics.reports import ReportOptions, default_quarter, quarters_with_data
from smarketing_data.uploads import list_uploads, rejected_rows


@dataclass(frozen=True)
class Context:
    """What a page needs to ask for data: the engine and what identifies its contents."""

    engine: Engine
    url: str
    version: int
    settings: Settings

    def quarter(self, label: str) -> Quarter:
        return parse_quarter(label, self.settings.fiscal_start_month)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    init_schema(engine)
    return engine


def _fail(message: str) -> None:
    st.error(f"The database cannot be reached: {message}")
    st.caption("Check SMARKETING_DB_URL (or `.streamlit/secrets.toml`) and that the database "
               "server is running, then reload the page.")
    st.stop()


def context() -> Context:
    """The page's data context; shows a clear error page (never a traceback) when the
    database or the settings cannot be used."""
    try:
        settings = load_settings()
        url = resolve_db_url()
        engine = _engine(url)
        if "sample_checked" not in st.session_state:
            with st.spinner("First start: loading the sample data…"):
                ensure_sample(engine, settings)
            st.session_state["sample_checked"] = True
        return Context(engine=engine, url=url, version=data_version(engine), settings=settings)
    except ConfigError as exc:
        st.error(f"A setting is wrong: {exc}")
        st.stop()
    except DatabaseError as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        _fail(describe_error(exc))
    raise AssertionError("unreachable")


def guarded(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a loader; a database failure mid-page becomes the error page."""
    try:
        return func(*args, **kwargs)
    except DatabaseError as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        _fail(describe_error(exc))


# --- loaders (cached by url + version + filters) ---------------------------------------------

@st.cache_data(show_spinner=False, max_entries=64)
def _quarters(_engine: Engine, url: str, version: int, fiscal: int) -> list[str]:
    return [q.label for q in quarters_with_data(_engine, fiscal_start_month=fiscal)]


def quarters(ctx: Context) -> list[str]:
    return guarded(_quarters, ctx.engine, ctx.url, ctx.version,
                   ctx.settings.fiscal_start_month)


@st.cache_data(show_spinner=False, max_entries=64)
def _default_quarter(_engine: Engine, url: str, version: int, fiscal: int,
                     today: dt.date) -> str | None:
    q = default_quarter(_engine, today=today, fiscal_start_month=fiscal)
    return q.label if q else None


def default_quarter_label(ctx: Context) -> str | None:
    return guarded(_default_quarter, ctx.engine, ctx.url, ctx.version,
                   ctx.settings.fiscal_start_month, dt.date.today())


@st.cache_data(show_spinner=False, max_entries=32)
def _report_set(_engine: Engine, url: str, version: int, quarter: str, fiscal: int,
                options: ReportOptions) -> ReportSet:
    return build_report_set(_engine, quarter=parse_quarter(quarter, fiscal), options=options)


def report_set(ctx: Context, quarter: str, options: ReportOptions) -> ReportSet:
    return guarded(_report_set, ctx.engine, ctx.url, ctx.version, quarter,
                   ctx.settings.fiscal_start_month, options)


@st.cache_data(show_spinner=False, max_entries=32)
def _metric(_engine: Engine, url: str, version: int, name: str, fiscal: int,
            kwargs: tuple[tuple[str, Any], ...]) -> Any:
    args = dict(kwargs)
    if name in _TAKES_QUARTER and "quarter" in args:
        args["quarter"] = parse_quarter(args["quarter"], fiscal)
    return _METRICS[name](_engine, **args)


# Metrics that take a Quarter; the others (goals, targets) take its label.
_TAKES_QUARTER = {"referral", "velocity", "fastest", "followup", "spend", "journeys_page",
                  "export"}
_METRICS: dict[str, Any] = {
    "referral": referral.referral_comparison,
    "velocity": velocity.stage_velocity,
    "fastest": velocity.fastest_customers,
    "followup": followup.followup_summary,
    "spend": spend.campaign_spend,
    "campaign_funnel": drill.campaign_funnel_by_quarter,
    "rep_funnel": drill.rep_funnel_by_quarter,
    "journeys_page": drill.journeys_page,
    "goals": load_goals,
    "goals_set": goals_set,
    "targets": load_targets,
    "uploads": list_uploads,
    "rejected_rows": rejected_rows,
    "sample_ids": sample_upload_ids,
    "export": export,
    "definitions": current_definitions,
    "definition_history": definition_history,
    "notes": meeting.notes_for,
    "decisions": meeting.decisions_for,
    "carried_decisions": meeting.carried_decisions,
}


def metric(ctx: Context, name: str, **kwargs: Any) -> Any:
    """A cached call of one of the package's metric functions (quarter given by label)."""
    if isinstance(kwargs.get("quarter"), Quarter):
        kwargs["quarter"] = kwargs["quarter"].label
    key = tuple(sorted(kwargs.items()))
    return guarded(_metric, ctx.engine, ctx.url, ctx.version, name,
                   ctx.settings.fiscal_start_month, key)

