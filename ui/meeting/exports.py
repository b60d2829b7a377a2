"""The meeting's exports: the quarter's slide deck, pre-read and CSVs to download."""

from __future__ import annotations

import streamlit as st

from smarketing_data.exports import MEDIA_TYPES, ExportFormat, file_name
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.reports import ReportOptions
from ui import data
from ui.data import Context

EXPORT_LABELS: dict[ExportFormat, str] = {
    "pptx": "Slide deck (.pptx)",
    "html": "Pre-read (HTML, opens offline)",
    "csv": "Every report as CSV (.zip)",
}


def exports_section(ctx: Context, quarter: Quarter, options: ReportOptions) -> None:
    """Download buttons for the quarter's deck, pre-read and CSVs, made on request (a deck
    takes a moment) and cached until the data changes."""
    st.header("Exports")
    st.caption(
        "Each export states the quarter, the basis of every number, the goals used and "
        "when the data was last imported; commentary goes in the slide notes."
    )
    if not st.button("Prepare the exports", key="exports_prepare"):
        if not st.session_state.get("exports_ready"):
            return
    st.session_state["exports_ready"] = True
    columns = st.columns(len(EXPORT_LABELS))
    for column, (fmt, label) in zip(columns, EXPORT_LABELS.items(), strict=True):
        payload = data.export(ctx, quarter, fmt, options)
        column.download_button(
            label,
            payload,
            file_name=file_name(quarter, fmt),
            mime=MEDIA_TYPES[fmt],
            key=f"export_{fmt}",
        )
