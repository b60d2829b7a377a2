"""Overview: what data is loaded, per quarter."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data.config import resolve_db_url
from smarketing_data.db import DatabaseError, describe_error
from ui import data

st.title("Smarketing QBR")
try:
    eng = data.engine()
    version = data.version(eng)
    url = resolve_db_url()
    sizes = data.quarter_sizes(eng, url, version, data.settings().fiscal_start_month)
    samples = data.sample_ids(eng, url, version)
except (DatabaseError, SQLAlchemyError) as exc:
    st.error(f"The database cannot be reached: {describe_error(exc)}")
    st.stop()

if samples:
    st.info("You are looking at **sample data** (a generated Salesforce export). "
            "Import your own exports with `python -m smarketing_data ingest FILE…`.")
if sizes.empty:
    st.warning("No data yet. Import your CRM exports with `python -m smarketing_data ingest`.")
else:
    st.subheader("Journeys per quarter (by created date)")
    st.dataframe(sizes, hide_index=True, width="stretch")
