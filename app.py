"""Smarketing QBR: page configuration, the access gate and navigation; nothing else."""

import streamlit as st

from ui import access, components

components.configure()
access.gate()
st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", default=True),
        st.Page("app_pages/campaigns.py", title="Campaigns"),
        st.Page("app_pages/reps.py", title="Reps"),
        st.Page("app_pages/velocity.py", title="Velocity & follow-up"),
        st.Page("app_pages/goals.py", title="Goals & definitions"),
        st.Page("app_pages/meeting.py", title="Meeting"),
        st.Page("app_pages/data.py", title="Data"),
    ]
).run()
