"""Smarketing QBR: page configuration, the access gate and navigation; nothing else."""

from pathlib import Path

import streamlit as st

from ui import access

ICON = Path(__file__).parent / "ui" / "favicon.png"
st.set_page_config(page_title="Smarketing QBR", page_icon=str(ICON), layout="wide")
access.gate()
st.navigation([
    st.Page("pages/overview.py", title="Overview", default=True),
    st.Page("pages/campaigns.py", title="Campaigns"),
    st.Page("pages/reps.py", title="Reps"),
    st.Page("pages/velocity.py", title="Velocity & follow-up"),
    st.Page("pages/goals.py", title="Goals & definitions"),
    st.Page("pages/meeting.py", title="Meeting"),
    st.Page("pages/data.py", title="Data"),
]).run()
