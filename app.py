"""Smarketing QBR: page configuration, the access gate and navigation; nothing else."""

import streamlit as st

from ui import access, components

components.configure()
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
