"""What to celebrate and what needs attention in a quarter's report set (SPEC §9 Overview):
the report model's highlights, built with the reports from their own verdicts."""

from __future__ import annotations

import pandas as pd

from smarketing_data.metrics.report_set import ReportSet

COLUMNS = ["kind", "area", "text", "report"]


def highlights(report: ReportSet) -> pd.DataFrame:
    """Goals met ('win') and missed ('attention'). Columns: kind, area, text, report (the key
    of the report each comes from)."""
    rows = [(h.kind, h.area, h.text, h.report) for h in report.reports.highlights]
    return pd.DataFrame(rows, columns=COLUMNS)
