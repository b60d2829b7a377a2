"""The QBR's exports (SPEC §9 page 6): a slide deck (.pptx), a self-contained HTML pre-read
and a ZIP of CSVs, all saying the same things, assembled once in ``content``.

The renderers are imported when used, so importing ``exports.csv_safe`` stays light.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from sqlalchemy import Engine

from smarketing_data.metrics.quarters import Quarter
from smarketing_data.metrics.reports import ReportOptions

ExportFormat = Literal["pptx", "html", "csv"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)
MEDIA_TYPES: dict[str, str] = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
    "csv": "application/zip",
}
EXTENSIONS: dict[str, str] = {"pptx": ".pptx", "html": ".html", "csv": ".zip"}


class ExportError(ValueError):
    """An export that cannot be made as asked (an unknown format)."""


def file_name(quarter: Quarter, fmt: str) -> str:
    """The file name a download offers: 'smarketing-qbr-2026-Q2.pptx'."""
    if fmt not in EXTENSIONS:
        raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return f"smarketing-qbr-{quarter.label}{EXTENSIONS[fmt]}"


def export(
    engine: Engine,
    *,
    quarter: Quarter,
    fmt: ExportFormat,
    options: ReportOptions | None = None,
    prepared_at: dt.datetime | None = None,
) -> bytes:
    """The quarter's export as bytes: a .pptx deck, an HTML page, or a ZIP of CSVs."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    from smarketing_data.exports.content import build_content

    content = build_content(engine, quarter=quarter, options=options, prepared_at=prepared_at)
    if fmt == "pptx":
        from smarketing_data.exports.pptx_deck import render_pptx

        return render_pptx(content)
    if fmt == "html":
        from smarketing_data.exports.html_preread import render_html

        return render_html(content)
    from smarketing_data.exports.csv_zip import render_csv_zip

    return render_csv_zip(content)


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MEDIA_TYPES",
    "ExportError",
    "ExportFormat",
    "export",
    "file_name",
]
