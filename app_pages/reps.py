"""Reps: the six rep reports with intervals and goal lines, low-volume reps, drill-down."""

from functools import partial

import streamlit as st

from ui import components, data, drill, filters, meeting, reports

ctx, quarter = filters.quarter_page("Reps")
options = filters.report_options(ctx, with_volume=True, with_ranking=True)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter} has no data.")

if options.ranking == "confidence":
    st.info(filters.CONFIDENCE_HELP, icon=":material/info:")
for stage, rep in report.reps.items():
    # The resolved base: Automatic becomes MQL, Lead or Opportunity by what the data tracks.
    reports.rep_report(rep, stage=stage, base=report.options.cohort_base, quarter=quarter,
                       n=options.top, min_volume=options.min_volume,
                       under=partial(meeting.show_commentary, ctx, quarter))

reports.left_out(report, quarter=quarter)

st.subheader("Drill into a rep")
drill.rep_drill(ctx, report.rep_cohorts, quarter)
