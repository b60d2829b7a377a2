"""Overview: the quarter at a glance — KPIs, the funnel against goals, contribution, highlights."""

import streamlit as st

from smarketing_data import charts
from smarketing_data.metrics.highlights import highlights
from ui import components, data, filters, meeting
from ui.definitions import show_definitions

ctx, quarter = filters.quarter_page("Overview")
options = filters.report_options(ctx)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter} has no data.")

components.kpi_tiles(report)
not_tracked = components.untracked_note(report)
st.caption(f"Change against {report.quarter.previous().label}. Activity basis: a stage counts "
           "in the quarter its date falls in; a skipped stage takes the date of the next."
           f"{not_tracked}")

left, right = st.columns(2)
with left:
    st.subheader("Funnel against goals")
    components.chart(charts.funnel_chart(report.funnel), key="funnel_chart")
    components.definition("Counts of each stage reached in the quarter; the black marks are "
                          "the count expected from the tracked stage before at the agreed "
                          f"goal rate.{not_tracked}")
with right:
    st.subheader("Stage-to-stage conversion")
    components.chart(charts.conversion_chart(report.funnel), key="conversion_chart")
    components.definition("This quarter's count of each stage divided by the count of the "
                          "tracked stage before it (activity basis), against the goal for "
                          f"that step.{not_tracked}")
meeting.show_commentary(ctx, quarter, "funnel")
show_definitions(ctx, ["lead", "mql", "sal", "sql", "opp", "won"])

st.subheader("Marketing contribution")
components.chart(charts.contribution_chart(report.contribution), key="contribution_chart")
components.definition("Marketing-sourced = journeys with a campaign. Pipeline: amounts of "
                      "journeys that became opportunities in the quarter; bookings: won "
                      "amounts of journeys won in the quarter. Targets are set on Goals.")
meeting.show_commentary(ctx, quarter, "contribution")

found = highlights(report)
wins, attention = st.columns(2)
with wins:
    st.subheader("Wins to celebrate")
    rows = found[found["kind"] == "win"]
    if rows.empty:
        st.text("No goal clearly met this quarter.")
    for text in rows["text"]:
        st.success(components.safe(text), icon=":material/celebration:")
with attention:
    st.subheader("Needs attention")
    rows = found[found["kind"] == "attention"]
    if rows.empty:
        st.text("Nothing clearly below goal this quarter.")
    for text in rows["text"]:
        st.warning(components.safe(text), icon=":material/warning:")

meeting.last_quarter_decisions(ctx, quarter, report)
