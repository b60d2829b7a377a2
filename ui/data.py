"""Cached access to the database for the pages; everything that identifies the data is in
the cache key (database URL and data version)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from smarketing_data.config import Settings, load_settings, resolve_db_url
from smarketing_data.db import data_version, init_schema, make_engine
from smarketing_data.demo import ensure_sample, sample_upload_ids
from smarketing_data.metrics.summary import journeys_per_quarter


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    init_schema(engine)
    return engine


def settings() -> Settings:
    return load_settings()


def engine() -> Engine:
    """The app's engine; on first start of an empty database the sample data is loaded."""
    eng = _engine(resolve_db_url())
    if "sample_checked" not in st.session_state:
        with st.spinner("Loading the sample data…"):
            ensure_sample(eng, settings())
        st.session_state["sample_checked"] = True
    return eng


def version(eng: Engine) -> int:
    return data_version(eng)


@st.cache_data(show_spinner=False)
def quarter_sizes(_eng: Engine, url: str, data_version: int, fiscal_start_month: int
                  ) -> pd.DataFrame:
    return journeys_per_quarter(_eng, fiscal_start_month=fiscal_start_month)


@st.cache_data(show_spinner=False)
def sample_ids(_eng: Engine, url: str, data_version: int) -> list[int]:
    return sample_upload_ids(_eng)
