"""Smarketing QBR: page configuration, the access notice and navigation; nothing else."""

from pathlib import Path

import streamlit as st

ICON = Path(__file__).parent / "ui" / "favicon.png"
st.set_page_config(page_title="Smarketing QBR", page_icon=str(ICON), layout="wide")
st.sidebar.caption("Open access: no sign-in is configured on this machine.")
st.navigation([
    st.Page("pages/overview.py", title="Overview", default=True),
    st.Page("pages/campaigns.py", title="Campaigns"),
    st.Page("pages/reps.py", title="Reps"),
    st.Page("pages/velocity.py", title="Velocity & follow-up"),
    st.Page("pages/goals.py", title="Goals & definitions"),
    st.Page("pages/data.py", title="Data"),
]).run()
