"""Reps: the six rep reports with intervals and goal lines, low-volume reps, drill-down."""

import streamlit as st

from smarketing_data import charts
from smarketing_data.stages import STAGE_LABELS
from ui import components, data, drill, filters, tables

components.page_setup()
ctx = data.context()
quarter = filters.quarter_picker(ctx)
st.title(f"Reps · {quarter}" if quarter else "Reps")
components.sample_notice(ctx)
if quarter is None:
    components.no_data()
options = filters.report_options(ctx, with_volume=True, with_ranking=True)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter} has no data.")

base = STAGE_LABELS[options.base]
if options.ranking == "confidence":
    st.info(filters.CONFIDENCE_HELP, icon=":material/info:")
for stage, rep in report.reps.items():
    label = STAGE_LABELS[stage]
    st.subheader(f"Reps by conversion {base} → {label}")
    components.definition(
        f"Cohort basis: of each rep's {base}s dated in {quarter}, the share that reached "
        f"{label} by now. Whiskers: 95% Wilson interval; dashed line: the goal "
        f"({tables.pct(rep.top['goal'].iloc[0] if not rep.top.empty else None)}). Only reps "
        f"with at least {options.min_volume} {base}s are ranked.")
    top, bottom = st.columns(2)
    with top:
        st.markdown(f"**Top {options.top}**")
        components.chart(charts.rep_chart(rep.top, label), key=f"rep_top_{stage}")
        st.dataframe(tables.rep_report_table(rep.top), hide_index=True, key=f"rep_top_t_{stage}")
    with bottom:
        st.markdown(f"**Bottom {options.top}**")
        if rep.bottom.empty and not rep.eligible.empty:
            st.caption(f"All {len(rep.eligible)} ranked reps are in the top list.")
        else:
            components.chart(charts.rep_chart(rep.bottom, label), key=f"rep_bottom_{stage}")
        st.dataframe(tables.rep_report_table(rep.bottom), hide_index=True,
                     key=f"rep_bottom_t_{stage}")

left_out = report.reps["sql"].left_out
st.subheader("Left out for low volume")
if left_out.empty:
    st.text(f"Every rep with {base}s this quarter has at least {options.min_volume}.")
else:
    st.dataframe(tables.left_out_table(left_out, base), hide_index=True, key="left_out_table")

st.subheader("Drill into a rep")
drill.rep_drill(ctx, report.rep_cohorts, quarter)
