"""Smarketing QBR: page configuration and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="Smarketing QBR", page_icon="📊", layout="wide")
st.navigation([st.Page("pages/overview.py", title="Overview", icon="📈", default=True)]).run()
