"""Data: upload CRM exports, check them, map unknown ones, import, and undo (SPEC §9.7)."""

import streamlit as st

from ui import components, data, upload_history, upload_import

components.page_setup()
ctx = data.context()
st.title("Data")
upload_history.show_message()
upload_history.sample_controls(ctx)
upload_import.section(ctx)
upload_history.section(ctx)
upload_history.template_section()
