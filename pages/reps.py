"""Reps: the six rep reports with intervals and goal lines, low-volume reps, drill-down."""

from functools import partial

import streamlit as st

from smarketing_data.stages import STAGE_LABELS
from ui import components, data, drill, filters, meeting, reports, tables

ctx, quarter = filters.quarter_page("Reps")
options = filters.report_options(ctx, with_volume=True, with_ranking=True)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter} has no data.")

base = STAGE_LABELS[options.base]
if options.ranking == "confidence":
    st.info(filters.CONFIDENCE_HELP, icon=":material/info:")
for stage, rep in report.reps.items():
    reports.rep_report(rep, stage=stage, label=STAGE_LABELS[stage], base=base, quarter=quarter,
                       n=options.top, min_volume=options.min_volume,
                       under=partial(meeting.show_commentary, ctx, quarter))

left_out = report.reps["sql"].left_out
st.subheader("Left out for low volume")
if left_out.empty:
    st.text(f"Every rep with {base}s this quarter has at least {options.min_volume}.")
else:
    st.dataframe(tables.left_out_table(left_out, base), hide_index=True, key="left_out_table")

st.subheader("Drill into a rep")
drill.rep_drill(ctx, report.rep_cohorts, quarter)
