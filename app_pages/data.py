"""Data: upload CRM exports, check them, map unknown ones, import, and undo (SPEC §9.7)."""

import streamlit as st

from ui import components, data
from ui.upload import history, imports

components.page_setup()
ctx = data.context()
st.title("Data")
history.show_message()
history.sample_controls(ctx)
imports.section(ctx)
history.section(ctx)
history.template_section()
