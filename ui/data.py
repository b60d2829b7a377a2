"""Cached access to the database for the pages: one typed loader per question.

Each loader is an ``st.cache_data`` function keyed by everything that identifies its data:
the context's database URL, data version (bumped by every import, undo and goal edit) and
settings, which is how a ``Context`` is hashed (never its engine), plus the loader's own
arguments, quarters as ``Quarter`` values. A database failure in a loader becomes the error
page.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, ParamSpec, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from smarketing_data import meeting
from smarketing_data import uploads as up
from smarketing_data.config import (
    DEFAULT_DB_PATH,
    ConfigError,
    Settings,
    load_settings,
    resolve_db_url,
)
from smarketing_data.db import DatabaseError, data_version, init_schema, make_engine, redact
from smarketing_data.definitions import current_definitions
from smarketing_data.definitions import definition_history as _definition_history
from smarketing_data.demo import ensure_sample, sample_upload_ids
from smarketing_data.exports import ExportFormat
from smarketing_data.exports import export as _export
from smarketing_data.metrics.drill import (
    campaign_funnel_by_quarter,
    journeys_page,
    rep_funnel_by_quarter,
)
from smarketing_data.metrics.followup import FollowUp, followup_summary
from smarketing_data.metrics.goals import EVERY_QUARTER, Goals, load_goals, load_targets
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.referral import referral_comparison
from smarketing_data.metrics.report_set import ReportSet, build_report_set
from smarketing_data.metrics.reports import ReportOptions, quarters_with_data
from smarketing_data.metrics.reports import default_quarter as _default_quarter
from smarketing_data.metrics.spend import campaign_spend
from smarketing_data.metrics.tracking import Tracked, tracked_stages
from smarketing_data.metrics.velocity import FastestCustomers, fastest_customers, stage_velocity
from smarketing_data.stages import CohortBase

P = ParamSpec("P")
R = TypeVar("R")
# Per loader: enough for the quarters, filters and pages a meeting clicks through.
MAX_ENTRIES = 32


@dataclass(frozen=True)
class Context:
    """What a page needs to ask for data: the engine and what identifies its contents."""

    engine: Engine
    url: str
    version: int
    settings: Settings

    def cache_key(self) -> tuple[str, int, Settings]:
        """What identifies the data in a cache key; the engine is left out."""
        return self.url, self.version, self.settings


# How st.cache_data hashes a Context argument: by what identifies the data, not the engine.
_HASH_FUNCS: dict[str | type[Any], Callable[[Any], Any]] = {Context: Context.cache_key}


DEFAULT_DB_URL = f"sqlite:///{DEFAULT_DB_PATH}"


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    """The engine, its schema in place. Only the default database under data/ is created
    with its folder (on first start, when the sample loads); a configured path whose folder
    does not exist is a mistake to show, not a new database to fill with the sample."""
    engine = make_engine(url, create="folders" if url == DEFAULT_DB_URL else "file")
    init_schema(engine)
    return engine


def _fail(message: str) -> NoReturn:
    """The error page. The message quotes a URL, a path or the driver: shown as plain text,
    and without a password."""
    from ui.components import safe  # components builds on this module

    st.error(f"The database cannot be reached: {safe(redact(message))}")
    st.caption(
        "Check SMARKETING_DB_URL (or `.streamlit/secrets.toml`) and that the database "
        "server is running, then reload the page."
    )
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


def guarded(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call ``func``; a database failure mid-page becomes the error page."""
    try:
        return func(*args, **kwargs)
    except DatabaseError as exc:
        _fail(str(exc))


def loader(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` cached by its arguments (a ``Context`` by its ``cache_key``) and guarded."""
    cached = st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES, hash_funcs=_HASH_FUNCS)(
        func
    )

    @functools.wraps(func)
    def load(*args: P.args, **kwargs: P.kwargs) -> R:
        return guarded(cached, *args, **kwargs)

    return load


# --- the quarter and the reports --------------------------------------------------------------


@loader
def quarters(ctx: Context) -> list[Quarter]:
    """The quarters with data, newest first."""
    return quarters_with_data(ctx.engine, fiscal_start_month=ctx.settings.fiscal_start_month)


@loader
def default_quarter(ctx: Context, today: dt.date) -> Quarter | None:
    """The quarter a page opens on (see ``reports.default_quarter``)."""
    return _default_quarter(
        ctx.engine, today=today, fiscal_start_month=ctx.settings.fiscal_start_month
    )


@loader
def tracked(ctx: Context) -> Tracked:
    """The stages the loaded data records (SPEC §3.10)."""
    return tracked_stages(ctx.engine)


@loader
def report_set(ctx: Context, quarter: Quarter, options: ReportOptions) -> ReportSet:
    return build_report_set(ctx.engine, quarter=quarter, options=options)


@loader
def export(ctx: Context, quarter: Quarter, fmt: ExportFormat, options: ReportOptions) -> bytes:
    return _export(ctx.engine, quarter=quarter, fmt=fmt, options=options)


# --- metrics ----------------------------------------------------------------------------------


@loader
def spend(ctx: Context, quarter: Quarter, today: dt.date) -> pd.DataFrame:
    return campaign_spend(ctx.engine, quarter=quarter, today=today)


@loader
def velocity(ctx: Context, quarter: Quarter, base: CohortBase) -> pd.DataFrame:
    """Stage-to-stage days over the quarter's ``base`` cohort (a stage key: 'mql', 'lead')."""
    return stage_velocity(ctx.engine, quarter=quarter, base=base)


@loader
def fastest(ctx: Context, quarter: Quarter) -> FastestCustomers:
    return fastest_customers(ctx.engine, quarter=quarter)


@loader
def followup(ctx: Context, quarter: Quarter, sla_hours: float, as_of: dt.datetime) -> FollowUp:
    return followup_summary(ctx.engine, quarter=quarter, sla_hours=sla_hours, as_of=as_of)


@loader
def referral(ctx: Context, quarter: Quarter) -> pd.DataFrame:
    return referral_comparison(ctx.engine, quarter=quarter)


@loader
def campaign_funnel(ctx: Context, campaign_id: str | None) -> pd.DataFrame:
    return campaign_funnel_by_quarter(
        ctx.engine, campaign_id=campaign_id, fiscal_start_month=ctx.settings.fiscal_start_month
    )


@loader
def rep_funnel(ctx: Context, rep_id: str | None) -> pd.DataFrame:
    return rep_funnel_by_quarter(
        ctx.engine, rep_id=rep_id, fiscal_start_month=ctx.settings.fiscal_start_month
    )


@loader
def journeys(
    ctx: Context,
    quarter: Quarter,
    *,
    offset: int,
    limit: int,
    campaign_id: str | None = None,
    rep_id: str | None = None,
) -> tuple[pd.DataFrame, int]:
    """One page of a campaign's or rep's journeys in the quarter, and how many there are."""
    return journeys_page(
        ctx.engine,
        quarter=quarter,
        offset=offset,
        limit=limit,
        campaign_id=campaign_id,
        rep_id=rep_id,
    )


# --- goals and definitions --------------------------------------------------------------------


@loader
def goals(ctx: Context, quarter: Quarter | None) -> Goals:
    """The goals in force for a quarter (None: the goals set for every quarter)."""
    return load_goals(ctx.engine, quarter=quarter.label if quarter else EVERY_QUARTER)


@loader
def targets(ctx: Context, quarter: Quarter) -> dict[str, float | None]:
    return load_targets(ctx.engine, quarter=quarter.label)


@loader
def definitions(ctx: Context) -> pd.DataFrame:
    """One row per stage with its definition in force (see ``current_definitions``)."""
    return current_definitions(ctx.engine)


@loader
def definition_history(ctx: Context, stage: str) -> pd.DataFrame:
    return _definition_history(ctx.engine, stage=stage)


# --- the meeting ------------------------------------------------------------------------------


@loader
def notes(ctx: Context, quarter: Quarter, report: str | None = None) -> pd.DataFrame:
    return meeting.notes_for(ctx.engine, quarter=quarter.label, report=report)


@loader
def decisions(ctx: Context, quarter: Quarter, report: str | None = None) -> pd.DataFrame:
    return meeting.decisions_for(ctx.engine, quarter=quarter.label, report=report)


@loader
def carried_decisions(ctx: Context, quarter: Quarter) -> pd.DataFrame:
    return meeting.carried_decisions(
        ctx.engine, quarter=quarter.label, fiscal_start_month=quarter.fiscal_start_month
    )


# --- uploads ----------------------------------------------------------------------------------


@loader
def sample_ids(ctx: Context) -> list[int]:
    return sample_upload_ids(ctx.engine)


@loader
def rejected_rows(ctx: Context, upload_id: int) -> pd.DataFrame:
    return up.rejected_rows(ctx.engine, upload_id)
