"""The CSV export: one ZIP holding a CSV per report, the goals, the decisions, the commentary
and a README that says what the numbers are. Every text cell is neutralised (SPEC §8)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from smarketing_data.exports.content import ExportContent
from smarketing_data.exports.csv_safe import to_csv_bytes
from smarketing_data.metrics.stats import r6

# A fixed timestamp for every member, so the same content gives the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns to 6 decimals, as in ``report --json`` (no 0.36000000000000004)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [r6(v) if pd.notna(v) else None for v in out[col].tolist()]
    return out


def file_names(content: ExportContent) -> list[str]:
    """The members of the ZIP, in order."""
    return [
        "README.txt",
        *(f"{s.file_stem}.csv" for s in content.sections),
        "goals.csv",
        "decisions.csv",
        "commentary.csv",
    ]


def readme(content: ExportContent) -> str:
    rs = content.report_set
    lines = [content.title, content.freshness, "", "Basis of the numbers:"]
    lines += [f"- {b}" for b in content.bases]
    lines += ["", "Goals in force:"]
    lines += [f"- {row[0]}: {row[1]} ({row[2]}; used by {row[3]})" for row in content.goals.rows]
    lines += [f"- {t}" for t in content.targets]
    lines += ["", "Files:"]
    for s in content.sections:
        # A report that ranks nothing has an empty file; the README says why.
        about = f"Empty: {s.untracked}" if s.untracked else s.basis
        lines.append(f"- {s.file_stem}.csv: {s.title}. {about}")
    lines += [
        "- goals.csv: the goals above, as rates (fractions 0-1).",
        "- decisions.csv: decisions and action items recorded for the quarter.",
        "- commentary.csv: Sales and Marketing commentary per report.",
        "",
        "Rates are fractions (0.36 = 36%); amounts are in the CRM's currency. Text cells are "
        "quoted, and a ' is put before = + - @ or a tab at the start of a cell or after a "
        "comma, semicolon or tab in it, so spreadsheets show them as text.",
        f"Options: top {rs.options.top}, minimum volume {rs.options.min_volume}, base stage "
        f"{rs.options.base}, ranking by {rs.options.ranking}.",
    ]
    return "\n".join(lines) + "\n"


def render_csv_zip(content: ExportContent) -> bytes:
    members: list[tuple[str, bytes]] = [("README.txt", readme(content).encode("utf-8"))]
    members += [(f"{s.file_stem}.csv", to_csv_bytes(_rounded(s.frame))) for s in content.sections]
    members += [
        ("goals.csv", to_csv_bytes(_rounded(content.goals_frame))),
        ("decisions.csv", to_csv_bytes(content.decisions_frame)),
        ("commentary.csv", to_csv_bytes(content.commentary_frame)),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
