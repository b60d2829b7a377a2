"""Reps: the six rep reports with intervals and goal lines, low-volume reps, drill-down."""

from functools import partial

import streamlit as st

from ui import components, data, drill, filters, reports
from ui.meeting import commentary

ctx, quarter = filters.quarter_page("Reps")
options = filters.report_options(ctx, with_volume=True, with_ranking=True)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter.label} has no data.")

if options.ranking == "confidence":
    st.info(filters.CONFIDENCE_HELP, icon=":material/info:")
notes = partial(commentary.show_commentary, ctx, quarter)
for stage in report.reps:
    reports.ranked_report(report, "reps", stage, under=notes)

reports.left_out(report)

st.subheader("Drill into a rep")
drill.rep_drill(ctx, report.rep_cohorts, quarter)
