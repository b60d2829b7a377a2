"""Overview: the quarter at a glance — KPIs, the funnel against goals, contribution, highlights."""

from ui import components, data, filters, overview
from ui.meeting import commentary

ctx, quarter = filters.quarter_page("Overview")
options = filters.report_options(ctx)
report = data.report_set(ctx, quarter, options)
if not report.has_data:
    components.no_data(f"{quarter.label} has no data.")

overview.kpi_section(report)
overview.funnel_section(ctx, quarter, report)
overview.contribution_section(ctx, quarter, report)
overview.highlights_section(report)
commentary.last_quarter_decisions(ctx, quarter, report)
