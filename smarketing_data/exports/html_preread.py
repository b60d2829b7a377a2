"""The HTML pre-read: one self-contained file that opens offline. Plotly's JavaScript is
inlined once; nothing is fetched from the web (no CDN, no fonts, no images); every piece of
user text is escaped; the page reads well on screen and prints one report per block."""

from __future__ import annotations

import html
from functools import lru_cache

import plotly.graph_objects as go
import plotly.offline

from smarketing_data import charts
from smarketing_data.exports.content import (
    Comment,
    Decision,
    ExportContent,
    Section,
    Table,
    decision_table,
)
from smarketing_data.text import plain

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
# Charts are laid out for the screen; before printing, each is fitted to the page's width.
FIT_FOR_PRINT = """window.addEventListener("beforeprint", function () {
  document.querySelectorAll(".js-plotly-plot").forEach(function (d) { Plotly.Plots.resize(d); });
});"""
SHORT_CELL = 12  # characters
TITLE_ROOM = 50  # px of a chart's top margin that holds its title

STYLE = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #d9d9d9; --head: #1f3a5f; --stripe: #f2f4f7;
        --warn: #D55E00; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5; font-size: 17px;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 64px; }
header.cover { border-bottom: 3px solid var(--head); padding-bottom: 16px; margin-bottom: 24px; }
h1 { font-size: 2.1rem; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 1.5rem; margin: 0 0 6px; line-height: 1.25; color: var(--head); }
h3 { font-size: 1.05rem; margin: 18px 0 6px; }
.meta { color: var(--muted); margin: 2px 0; }
.sample { color: var(--warn); font-weight: 600; margin: 8px 0 0; }
nav ol { columns: 2; column-gap: 32px; padding-left: 1.4em; margin: 8px 0 0; }
nav a { color: var(--head); }
section.report { border-top: 1px solid var(--rule); padding: 26px 0 10px; }
.basis { color: var(--muted); font-size: 0.92rem; margin: 0 0 10px; }
.chart { width: 100%; margin: 6px 0 12px; }
.empty { color: var(--muted); font-size: 1.1rem; padding: 18px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 0.95rem;
        font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
th { background: var(--head); color: #fff; font-weight: 600; }
tbody tr:nth-child(even) td { background: var(--stripe); }
td.num, th.num { text-align: right; }
td.short, th.short { white-space: nowrap; }
ul.facts { margin: 4px 0 10px; padding-left: 1.2em; }
.commentary { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.side { border-left: 4px solid var(--rule); padding: 2px 0 2px 12px; }
.side.sales { border-color: #0072B2; }
.side.marketing { border-color: #E69F00; }
.side p { margin: 4px 0; white-space: pre-wrap; }
.side .none, .none { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule);
         margin-top: 32px; padding-top: 10px; }
@media (max-width: 760px) { .commentary { grid-template-columns: 1fr; } nav ol { columns: 1; } }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  section.report { break-inside: avoid-page; page-break-inside: avoid; }
  section.report.page { break-before: page; page-break-before: always; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
@page { size: landscape; margin: 14mm; }
"""


def _e(text: object) -> str:
    """User text as HTML text: escaped, without bidirectional controls (SPEC §8)."""
    return html.escape(plain(text), quote=True)


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly's library for inlining. Its source names web addresses it never fetches for
    these charts (map tiles, a topojson CDN, the SVG namespace); their slashes are written
    ``\\/``, the same string to JavaScript, so the file holds nothing that reads as a web
    address, and ``</script`` could not end the script early."""
    js = plotly.offline.get_plotlyjs()
    return js.replace("://", ":\\/\\/").replace("</script", "<\\/script")


# --- pieces -----------------------------------------------------------------------------------


def _table(table: Table) -> str:
    # A column of short values (counts, quarters, statuses) never wraps mid-value.
    short = [
        all(len(row[i]) <= SHORT_CELL for row in table.rows) for i in range(len(table.columns))
    ]
    classes = [
        " ".join(c for c, on in (("num", n), ("short", s)) if on)
        for n, s in zip(table.numeric, short, strict=True)
    ]
    head = "".join(
        f'<th class="{k}">{_e(c)}</th>' for c, k in zip(table.columns, classes, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{k}">{_e(v)}</td>' for v, k in zip(row, classes, strict=True))
        + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(fig: go.Figure, div_id: str, title: str | None = None) -> str:
    """A chart's markup (the library is already on the page). Without a title, the section's
    heading names it and the room the chart kept for its own title is given back."""
    if title is None:
        top, height = fig.layout.margin.t or 0, fig.layout.height or 0
        fig.update_layout(
            title_text="",
            margin_t=max(0, top - TITLE_ROOM),
            height=max(0, height - TITLE_ROOM) or None,
        )
    else:
        fig.update_layout(title_text=_e(title))
    markup = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOT_CONFIG)
    return f'<div class="chart">{markup}</div>'


def _commentary(comments: list[Comment]) -> str:
    sides: dict[str, list[Comment]] = {"sales": [], "marketing": []}
    for c in comments:
        sides.setdefault(c.side, []).append(c)
    blocks = []
    for side, items in sides.items():
        label = items[0].side_label if items else side.title()
        body = "".join(f"<p><strong>{_e(c.author)}:</strong> {_e(c.text)}</p>" for c in items)
        body = body or '<p class="none">No commentary yet.</p>'
        blocks.append(f'<div class="side {_e(side)}"><h3>{_e(label)}</h3>{body}</div>')
    return f'<div class="commentary">{"".join(blocks)}</div>'


def _decision_list(decisions: list[Decision]) -> str:
    if not decisions:
        return ""
    items = "".join(f"<li>{_e(d.line())}</li>" for d in decisions)
    return f'<h3>Decisions</h3><ul class="facts">{items}</ul>'


def _section_chart(section: Section, content: ExportContent) -> str:
    rs = content.report_set
    ref = section.ref
    div_id = f"chart-{section.anchor}"
    if ref.key == "funnel":
        return _figure(charts.funnel_chart(rs.funnel), div_id, "Counts this quarter") + _figure(
            charts.conversion_chart(rs.funnel),
            f"{div_id}-steps",
            "Stage-to-stage conversion against goal",
        )
    if ref.key == "contribution":
        return _figure(charts.contribution_chart(rs.contribution), div_id)
    return _figure(charts.ranked_chart(rs.reports.lists[ref.key]), div_id)


def _section(section: Section, content: ExportContent, *, page: bool) -> str:
    parts = [
        f'<section class="report{" page" if page else ""}" id="{_e(section.anchor)}">',
        f"<h2>{_e(section.title)}</h2>",
        f'<p class="basis">{_e(section.basis)}</p>',
    ]
    if section.is_empty:
        parts.append(f'<p class="empty">{_e(section.empty_text)}</p>')
    else:
        parts.append(_section_chart(section, content))
        parts.append(_table(section.table))
    facts = [*section.facts, *section.left_out]
    if facts:
        parts.append('<ul class="facts">' + "".join(f"<li>{_e(f)}</li>" for f in facts) + "</ul>")
    parts.append(_commentary(section.comments))
    parts.append(_decision_list(section.decisions))
    parts.append("</section>")
    return "\n".join(parts)


def _goals(content: ExportContent) -> str:
    bases = "".join(f"<li>{_e(b)}</li>" for b in content.bases)
    targets = "".join(f"<li>{_e(t)}</li>" for t in content.targets)
    return (
        '<section class="report" id="goals"><h2>Goals in force and the basis of each '
        f'number</h2><ul class="facts">{bases}</ul>{_table(content.goals)}'
        f'<ul class="facts">{targets}</ul></section>'
    )


def _decisions(content: ExportContent) -> str:
    if content.decisions:
        body = _table(decision_table(content.decisions, carried=False))
    else:
        body = f'<p class="empty">No decisions recorded for {_e(content.quarter.label)} yet.</p>'
    if content.carried:
        body += "<h3>Carried from earlier quarters, next to this quarter's numbers</h3>" + _table(
            decision_table(content.carried, carried=True)
        )
    if content.general_comments:
        body += "<h3>General commentary</h3>" + _commentary(content.general_comments)
    return (
        f'<section class="report page" id="decisions"><h2>Decisions and action items</h2>'
        f"{body}</section>"
    )


def _nav(content: ExportContent) -> str:
    links = [
        ("goals", "Goals and basis"),
        *((s.anchor, s.title) for s in content.sections),
        ("decisions", "Decisions and action items"),
    ]
    items = "".join(f'<li><a href="#{_e(a)}">{_e(t)}</a></li>' for a, t in links)
    return f"<nav><h3>Contents</h3><ol>{items}</ol></nav>"


def render_html(content: ExportContent) -> bytes:
    sample = (
        '<p class="sample">Sample data: these numbers come from generated exports, not '
        "from the CRM.</p>"
        if content.sample
        else ""
    )
    sections = "\n".join(_section(s, content, page=i > 0) for i, s in enumerate(content.sections))
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(content.title)} pre-read</title>
<style>{STYLE}</style>
<script>{plotly_js()}</script>
</head>
<body>
<main>
<header class="cover">
<h1>{_e(content.title)} pre-read</h1>
<p class="meta">Quarterly business review, Sales and Marketing · {_e(content.period)}</p>
<p class="meta" id="freshness">{_e(content.freshness)}</p>
{sample}
{_nav(content)}
</header>
{_goals(content)}
{sections}
{_decisions(content)}
<footer>{_e(content.title)} · {_e(content.freshness)}</footer>
</main>
<script>{FIT_FOR_PRINT}</script>
</body>
</html>
"""
    return document.encode("utf-8")
