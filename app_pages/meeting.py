"""Meeting: per report, Sales' and Marketing's commentary and the decisions taken on it, with
a presenter mode for the big screen (SPEC §9 page 6)."""

import streamlit as st

from ui import components, data, filters
from ui.meeting import commentary, exports, presenter

components.page_setup()
ctx = data.context()
quarter = filters.quarter_picker(ctx)
if quarter is None:
    st.title("Meeting")
    components.no_data()
options = filters.report_options(ctx)
report = data.report_set(ctx, quarter, options)
if presenter.presenting():
    presenter.presenter_view(ctx, quarter, report)
else:
    commentary.report_view(ctx, quarter, report)
    exports.exports_section(ctx, quarter, options)
