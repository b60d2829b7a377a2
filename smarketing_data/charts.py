"""Chart builders: pure functions from the metric DataFrames to Plotly figures, drawn for a
projector with one colour-blind-safe palette and one way of showing goals (SPEC §9).

Conventions shared by every chart:
- a single goal is a black dashed line labelled "Goal 36%"; a goal per bar is a short black
  dashed segment across each bar, with one legend entry and the goal in its hover text;
- bars sit at numeric positions 0, 1, 2… with the names as tick labels, so namesakes never
  merge into one bar and a name that looks like a number or a date stays a name;
- horizontal bars put the first row of the frame (rank 1) at the top;
- every name that comes from the data is escaped (Plotly renders an HTML subset in labels and
  hover text), and user text never goes into a hover template, only into the values it shows.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Container, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from smarketing_data import format as fmt
from smarketing_data.metrics.referral import REFERRAL
from smarketing_data.metrics.report_model import RankedList
from smarketing_data.metrics.report_model import rate_and_goal_text as _rate_and_goal
from smarketing_data.metrics.report_model import rate_text as _rate
from smarketing_data.report_text import NOT_TRACKED
from smarketing_data.stages import STAGE_LABELS
from smarketing_data.text import plain

# Okabe & Ito, "Color Universal Design" (2008): told apart with every common colour-vision
# deficiency, and still distinct when a projector washes colours out.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
PALETTE = (BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE)
ABOVE = BLUISH_GREEN  # at or above the goal
BELOW = VERMILLION  # under the goal
ON_PAR = "#999999"  # the interval straddles the goal: neither a win nor a worry
NEUTRAL = BLUE  # nothing to judge against
# Series without a goal; yellow is left out because it vanishes on a white projected screen.
SERIES = (BLUE, ORANGE, SKY_BLUE, REDDISH_PURPLE)
GOAL_COLOR = BLACK
VERDICT_COLORS = {"above": ABOVE, "at_or_above": ABOVE, "below": BELOW, "on_par": ON_PAR}
WHISKER_COLOR = "#333333"
GRID_COLOR = "#E0E0E0"
MUTED_TEXT = "#555555"

NO_DATA = "No data for this quarter"
FONT_SIZE = 18  # legible from the back of a meeting room
TITLE_SIZE = 24
ROW_HEIGHT = 64  # px per horizontal bar
FUNNEL_ROW = 34  # px per stage of the funnel
FUNNEL_CHROME = 176  # px around the funnel's rows: title, legend, axis
CHROME_HEIGHT = 200  # title, legend, axis and margins around the rows
MIN_HEIGHT = 320
COLUMN_HEIGHT = 540  # charts with vertical bars
BAR_WIDTH = 0.7  # in rows; bars are one unit apart
TICK_HALF = 0.4  # half the length of a per-bar goal segment: a little wider than the bar
HEADROOM = 1.05  # value axis past the longest bar or mark; labels sit in the margin
# Up to this many, a count axis ticks every whole number.
SMALL_COUNT_AXIS = 10

FOLLOWUP_STATUSES = (
    ("within_sla", "Within SLA", ABOVE),
    ("late", "Late", ORANGE),
    ("never", "Never touched", BELOW),
)
TRAIT_LIMIT = 12


# --- text and numbers -------------------------------------------------------------------------


def escape_label(text: object) -> str:
    """User text (names from files) made inert for Plotly's HTML subset: ``&``, ``<`` and ``>``
    become entities, which Plotly shows as the characters; bidirectional controls go (SPEC §8).
    Missing values become "—"."""
    if _num_or_text_missing(text):
        return "—"
    return html.escape(plain(text), quote=False)


def _num_or_text_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _name(text: object) -> str:
    """A category label: at most two lines of NAME_WIDTH px, the rest cut with an ellipsis
    before escaping (so an entity is never split); the hover and the tables keep it whole."""
    raw = "—" if _num_or_text_missing(text) else plain(text)
    return "<br>".join(html.escape(line, quote=False) for line in shorten(raw).split("\n"))


def _num(value: Any) -> float | None:
    """A float, or None for None / NaN / NA (metric frames use both for "undefined")."""
    if _num_or_text_missing(value):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _nums(column: pd.Series) -> list[float | None]:
    return [_num(v) for v in column.tolist()]


def _verdict(value: object) -> str | None:
    """A verdict column's value (computed with the report, never here); None when unjudged."""
    return value if isinstance(value, str) and value else None


def _colour(verdict: str | None) -> str:
    """A verdict's colour (metrics.judgement gives the verdict); NEUTRAL with nothing judged."""
    return NEUTRAL if verdict is None else VERDICT_COLORS.get(verdict, NEUTRAL)


def _lift(value: float | None) -> str:
    return "—" if value is None else f"{fmt.count(value)}×"


def _roi(value: float | None) -> str:
    """ROI as a percentage; past ±1,000% in short form ('7.4k%')."""
    if value is None:
        return "—"
    return fmt.pct(value) if abs(value) < 10 else f"{fmt.count(value * 100)}%"


# --- text widths ------------------------------------------------------------------------------

# The charts' font, named so a label's width is known before a browser draws it: Arial, or on
# Linux Liberation Sans, which has Arial's metrics. Advance widths for ASCII 32-126 in 1/1000 em.
FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif"
_ADVANCE = (
    278,
    278,
    355,
    556,
    556,
    889,
    667,
    191,
    333,
    333,
    389,
    584,
    278,
    333,
    278,
    278,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    278,
    278,
    584,
    584,
    584,
    556,
    1015,
    667,
    667,
    722,
    722,
    667,
    611,
    778,
    722,
    278,
    500,
    667,
    556,
    833,
    722,
    778,
    667,
    778,
    722,
    667,
    611,
    722,
    667,
    944,
    667,
    667,
    611,
    278,
    278,
    278,
    469,
    556,
    333,
    556,
    556,
    500,
    556,
    556,
    278,
    556,
    556,
    222,
    222,
    500,
    222,
    833,
    556,
    556,
    556,
    556,
    333,
    500,
    278,
    556,
    500,
    722,
    500,
    500,
    500,
    334,
    260,
    334,
    584,
)
# Characters the labels use outside ASCII; arrows and the ellipsis may come from a fallback font.
_ADVANCE_OTHER = {
    "…": 1000,
    "\u2002": 500,
    "→": 1000,
    "·": 278,
    "×": 584,
    "÷": 549,
    "−": 584,
    "–": 556,
    "—": 1000,
    "€": 556,
    "£": 556,
    "¥": 556,
}
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
LINE_HEIGHT = 1.3  # a text line's height, in font sizes
# The narrowest a chart gets: the page CSS stacks side-by-side charts before they are narrower.
MIN_WIDTH = 520
# The widest a category label gets (two lines of it), so a chart of MIN_WIDTH keeps its bars.
NAME_WIDTH = 200
TITLE_WIDTH = MIN_WIDTH - 30


def _char_px(char: str) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return _ADVANCE[code - 32]
    if char in _ADVANCE_OTHER:
        return _ADVANCE_OTHER[char]
    return 1000 if unicodedata.east_asian_width(char) in "WF" else 640


def _plain_lines(label: str) -> list[str]:
    """A Plotly label's lines as shown: split at <br>, tags dropped, entities as characters."""
    return [html.unescape(_TAG.sub("", part)) for part in _BREAK.split(label)]


def _plain_px(text: str, size: float) -> float:
    return sum(_char_px(c) for c in text) * size / 1000


def text_width(label: str, size: float = FONT_SIZE) -> float:
    """The width in px of a Plotly label's widest line at a font size."""
    return max((_plain_px(line, size) for line in _plain_lines(label)), default=0.0)


def _line_count(label: str) -> int:
    return len(_BREAK.split(label))


def _cut(text: str, width: float, size: float) -> str:
    """Text cut with an ellipsis to fit a width."""
    if _plain_px(text, size) <= width:
        return text
    while text and _plain_px(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def shorten(
    text: str, width: float = NAME_WIDTH, *, lines: int = 2, size: float = FONT_SIZE
) -> str:
    """Plain text on at most ``lines`` lines of at most ``width`` px, broken between words
    (inside a word only when it is longer than a line; after a colon when the text needs two
    lines: "2026-Q1 Social:" over "LinkedIn Thought Leadership"), the rest cut with an
    ellipsis; the lines joined with newlines (not escaped)."""
    words = text.split()
    if _plain_px(" ".join(words), size) <= width:
        return " ".join(words)
    out: list[str] = []
    while words and len(out) < lines:
        line = words.pop(0)
        if _plain_px(line, size) > width and len(out) < lines - 1:
            keep = len(line) - 1
            while keep > 1 and _plain_px(line[:keep], size) > width:
                keep -= 1
            line, rest = line[:keep], line[keep:]
            words.insert(0, rest)
        while (
            words
            and _plain_px(f"{line} {words[0]}", size) <= width
            and not (line.endswith(":") and len(out) < lines - 1)
        ):
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words:
        out[-1] = f"{out[-1]} {' '.join(words)}"
    out[-1] = _cut(out[-1], width, size)
    return "\n".join(_cut(line, width, size) for line in out)


def _wrap(label: str, width: float, size: float) -> str:
    """An escaped label broken between words onto as many <br> lines as it needs."""
    words = label.split(" ")
    lines = [words.pop(0)]
    for word in words:
        if text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "<br>".join(lines)


# --- layout -----------------------------------------------------------------------------------

TITLE_TOP = 14  # px above the title
GAP = 10  # px between stacked blocks: title, legend, plot, axis labels
LABEL_GAP = 8  # px between a bar (or its mark) and its value label
LEAD = "\u2002"  # an en space before a label drawn beside its mark
TICK_STANDOFF = 8  # px between the plot area and its tick labels
MIN_MARGIN = 40


def _height(rows: int, per_row: int = ROW_HEIGHT) -> int:
    return max(MIN_HEIGHT, CHROME_HEIGHT + rows * per_row)


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """The shared look, and margins that hold every text the chart draws (SPEC §9): the title
    (wrapped to fit the narrowest chart), the legend, the category names, the value labels
    outside the bars and the axis titles."""
    text = _wrap(title, TITLE_WIDTH, TITLE_SIZE)
    fig.update_layout(
        template="plotly_white",
        # Plotly draws the lines of a title anchored at its top upwards from the first: the
        # pad moves them down by the lines after it
        title=dict(
            text=text,
            font=dict(size=TITLE_SIZE),
            x=0,
            xref="container",
            xanchor="left",
            y=1,
            yref="container",
            yanchor="top",
            pad=dict(t=TITLE_TOP + (_line_count(text) - 1) * TITLE_SIZE * LINE_HEIGHT, l=GAP),
        ),
        font=dict(size=FONT_SIZE, color=BLACK, family=FONT_FAMILY),
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(SERIES),
        legend=dict(
            orientation="h",
            x=0,
            xref="paper",
            xanchor="left",
            y=1,
            yanchor="bottom",
            traceorder="normal",
            font=dict(size=FONT_SIZE),
        ),
        hoverlabel=dict(font=dict(size=FONT_SIZE), align="left"),
        uniformtext=dict(minsize=14, mode="hide"),
        bargap=0.25,
    )
    fit(fig)
    return fig


def _size(font: Any, base: float) -> float:
    size = getattr(font, "size", None) if font is not None else None
    return float(size) if size else base


def _has_legend(fig: go.Figure) -> bool:
    return (
        fig.layout.showlegend is not False
        and any(t.showlegend for t in fig.data if t.showlegend is not None)
        and any(t.name for t in fig.data if t.showlegend)
    )


def _outside_labels(fig: go.Figure, horizontal: bool, size: float) -> list[tuple[str, float]]:
    """Value labels drawn past a bar's end (or a label trace's point): (text, font size)."""
    found: list[tuple[str, float]] = []
    for trace in fig.data:
        text = trace.text if isinstance(trace.text, tuple | list) else ()
        if trace.type == "bar" and trace.textposition in (None, "outside", "auto"):
            found += [(str(t), _size(trace.textfont, size)) for t in text if t]
        elif trace.type == "scatter" and trace.mode == "text":
            beside = (trace.textposition or "").endswith("right") == horizontal
            lead = LEAD if trace.texttemplate else ""
            found += [(lead + str(t), _size(trace.textfont, size)) for t in text if t and beside]
    return found


def fit(fig: go.Figure, *, size: float | None = None) -> go.Figure:
    """Margins (and, for columns, the tick angle and headroom) from the texts the figure
    draws at its font size, so none is cut at the edge or drawn over another. Called by every
    builder; call it again after changing the font size or the title (presenter mode)."""
    layout = fig.layout
    size = size or _size(layout.font, FONT_SIZE)
    line = size * LINE_HEIGHT
    title = layout.title.text or ""
    title_size = _size(layout.title.font, TITLE_SIZE)
    top = TITLE_TOP + (_line_count(title) * title_size * LINE_HEIGHT + GAP if title else 0)
    legend = _has_legend(fig)
    top_notes = [
        a for a in layout.annotations if a.yref == "y domain" or (a.yref == "paper" and a.y == 1)
    ]
    if legend:
        top += line + GAP
    horizontal = layout.yaxis.tickmode == "array"
    if top_notes:
        span = layout.xaxis.range if horizontal else None
        for note in top_notes:
            note.update(yshift=line + GAP if legend else 0, font_size=size)
            if span is not None and note.xref == "x" and note.x is not None:
                # the label runs from its line into the plot, never out past its edge
                share = (note.x - span[0]) / ((span[1] - span[0]) or 1)
                note.xanchor = "left" if share < 0.5 else "right"
        top += line + GAP
    categories = layout.yaxis if horizontal else layout.xaxis
    values = layout.xaxis if horizontal else layout.yaxis
    names = [str(t) for t in categories.ticktext or ()]
    name_px = max((text_width(n, size) for n in names), default=0.0)
    value_title = values.title.text or ""
    title_px = _line_count(value_title) * line + GAP if value_title else 0
    labels = _outside_labels(fig, horizontal, size)
    label_px = max((text_width(t, s) for t, s in labels), default=0.0)
    if values.visible is False:
        margin = dict(l=MIN_MARGIN, r=MIN_MARGIN, t=top + GAP, b=MIN_MARGIN)
    elif horizontal:
        margin = dict(
            l=name_px + TICK_STANDOFF + 2 * GAP,
            r=max(label_px + LABEL_GAP + GAP, 3 * size),
            t=top + GAP,
            b=line + TICK_STANDOFF + title_px + GAP,
        )
    else:
        slot = (MIN_WIDTH - 6 * size - 2 * GAP) / max(1, len(names))
        angle = 0 if name_px <= slot - GAP else -30 if slot >= 2.2 * line else -90
        rad = math.radians(abs(angle))
        tall = name_px * math.sin(rad) + line * math.cos(rad)
        # the left margin is computed here; Plotly's own push for slanted labels overshoots
        categories.update(tickangle=angle, automargin="height")
        margin = dict(
            l=5 * size + title_px + GAP,
            r=max(3 * size, 2 * GAP),
            t=top + GAP,
            b=tall + TICK_STANDOFF + GAP,
        )
    layout.margin = dict(
        {k: max(MIN_MARGIN, math.ceil(v)) for k, v in margin.items()}, pad=0, autoexpand=True
    )
    if not horizontal and layout.height:
        _headroom(fig, layout.height - layout.margin.t - layout.margin.b, size)
    return fig


def _headroom(fig: go.Figure, plot_px: float, size: float) -> None:
    """A column chart's value axis tall enough for the labels above its highest column."""
    axis = fig.layout.yaxis
    if axis.range is None or plot_px <= 0:
        return
    low, high = axis.range
    need = 0.0
    labels = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    for trace in fig.data:
        text = trace.text if isinstance(trace.text, tuple | list) else ()
        above = trace in labels or (trace.type == "bar" and trace.textposition in (None, "outside"))
        if not above or trace.y is None:
            continue
        angle = abs(trace.textangle or 0) if trace.type == "bar" else 0
        font = _size(trace.textfont, size)
        ends = trace.meta["at"] if isinstance(trace.meta, dict) else trace.y
        for y, t in zip(ends, text, strict=False):
            if y is None or not t:
                continue
            px = (
                text_width(str(t), font)
                if angle == 90
                else (_line_count(str(t)) * font * LINE_HEIGHT)
            )
            # the label's top at (y - low) / (high - low) * plot_px + px + LABEL_GAP
            need = max(need, (float(y) - low) * plot_px / max(1.0, plot_px - px - LABEL_GAP))
    if need + low > high:
        axis.range = [low, low + need]
        high = low + need
    lift = LABEL_GAP * (high - low) / plot_px
    for trace in labels:
        if isinstance(trace.meta, dict):
            trace.y = [None if y is None else y + lift for y in trace.meta["at"]]


def _no_data(title: str) -> go.Figure:
    """The figure for an empty frame: the title and a centred notice, no axes."""
    fig = go.Figure()
    fig.add_annotation(
        text=NO_DATA,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font=dict(size=TITLE_SIZE, color=MUTED_TEXT),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, MIN_HEIGHT)


def _axes(
    fig: go.Figure, labels: Sequence[str], *, horizontal: bool, title: str = "", **value_axis: Any
) -> None:
    """Rows at 0, 1, 2… labelled with the names; the value axis with a light grid."""
    rows = dict(
        tickmode="array",
        tickvals=list(range(len(labels))),
        ticktext=list(labels),
        showgrid=False,
        zeroline=False,
        automargin=True,
        ticks="",
        ticklabelstandoff=TICK_STANDOFF,
    )
    values = dict(
        showgrid=True,
        gridcolor=GRID_COLOR,
        zeroline=True,
        zerolinecolor=GRID_COLOR,
        automargin=True,
        title=dict(text=title),
    )
    values.update(value_axis)
    if horizontal:
        fig.update_yaxes(rows, autorange="reversed")
        fig.update_xaxes(values)
    else:
        fig.update_xaxes(rows)
        fig.update_yaxes(values)


def _count_ticks(span: float) -> dict[str, Any]:
    """Whole-number ticks on a count axis (no '0.5 SQLs' on small quarters)."""
    return {"tickformat": ",d", "dtick": 1} if span <= SMALL_COUNT_AXIS else {}


def _span(*groups: Sequence[float | None]) -> float:
    """The largest value of several columns, at least 1 so an all-zero axis still has a size."""
    found = [v for group in groups for v in group if v is not None]
    return max([*found, 0.0]) or 1.0


# --- marks ------------------------------------------------------------------------------------


def _bars(
    values: Sequence[float | None],
    *,
    horizontal: bool,
    colors: str | Sequence[str],
    text: Sequence[str],
    hover: Sequence[str],
    name: str = "",
    **extra: Any,
) -> go.Bar:
    """One bar per row at positions 0, 1, 2…; the hover shows the prepared (escaped) text."""
    positions = list(range(len(values)))
    x, y = (list(values), positions) if horizontal else (positions, list(values))
    options: dict[str, Any] = dict(textposition="outside", cliponaxis=False, showlegend=False)
    options.update(extra)
    return go.Bar(
        x=x,
        y=y,
        orientation="h" if horizontal else "v",
        name=name,
        marker=dict(color=colors if isinstance(colors, str) else list(colors)),
        text=list(text),
        hovertext=list(hover),
        hovertemplate="%{hovertext}<extra></extra>",
        **options,
    )


def _goal_ticks(
    fig: go.Figure,
    values: Sequence[float | None],
    hover: Sequence[str],
    *,
    horizontal: bool,
    name: str,
) -> None:
    """The goal of each bar as a short black dashed segment across it, one legend entry."""
    along: list[float | None] = []
    across: list[float | None] = []
    text: list[str] = []
    for position, value, tip in zip(range(len(values)), values, hover, strict=True):
        if value is None:
            continue
        along += [value, value, value, None]
        across += [position - TICK_HALF, position, position + TICK_HALF, None]
        text += [tip, tip, tip, ""]
    if not text:
        return
    x, y = (along, across) if horizontal else (across, along)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            name=name,
            text=text,
            hovertemplate="%{text}<extra></extra>",
            showlegend=True,
            line=dict(color=GOAL_COLOR, width=4, dash="dash"),
        )
    )


def _goal_line(fig: go.Figure, goal: float, *, horizontal: bool) -> None:
    """One goal for every bar: a black dashed line across the chart labelled "Goal 36%"."""
    _reference_line(
        fig,
        goal,
        f"Goal {_rate(goal)}",
        horizontal=horizontal,
        line=dict(color=GOAL_COLOR, width=3, dash="dash"),
    )


def _reference_line(
    fig: go.Figure, value: float, label: str, *, horizontal: bool, line: dict[str, Any]
) -> None:
    """A line across all bars at a value, labelled just outside the plot area."""
    font = dict(size=FONT_SIZE, color=line["color"])
    if horizontal:
        fig.add_vline(
            x=value,
            line=line,
            annotation_text=label,
            annotation_position="top",
            annotation_font=font,
        )
    else:
        fig.add_hline(
            y=value,
            line=line,
            annotation_text=label,
            annotation_position="top right",
            annotation_font=font,
        )


def _whiskers(
    rates: Sequence[float | None], lows: Sequence[float | None], highs: Sequence[float | None]
) -> dict[str, Any]:
    """Asymmetric error bars from the rate down to ci_low and up to ci_high."""
    plus: list[float] = []
    minus: list[float] = []
    for r, lo, hi in zip(rates, lows, highs, strict=True):
        if r is None or lo is None or hi is None:
            plus.append(0.0)
            minus.append(0.0)
        else:
            plus.append(hi - r)
            minus.append(r - lo)
    return dict(
        type="data",
        symmetric=False,
        array=plus,
        arrayminus=minus,
        color=WHISKER_COLOR,
        thickness=2,
        width=10,
    )


def _end_labels(
    fig: go.Figure,
    ends: Sequence[float | None],
    text: Sequence[str],
    *,
    horizontal: bool,
    **font: Any,
) -> None:
    """Value labels just past each bar's end, its goal mark or its whisker, whichever is
    further out (``_furthest``), where nothing else is drawn; ``fit`` leaves room for them."""
    positions = list(range(len(ends)))
    at = [0.0 if e is None else e for e in ends]
    x, y = (at, positions) if horizontal else (positions, at)
    # an en space (not collapsed like a plain one) keeps the label clear of the mark
    # over a column, ``fit`` lifts the labels LABEL_GAP px off the ends kept in ``meta``
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="text",
            text=list(text),
            cliponaxis=False,
            textposition="middle right" if horizontal else "top center",
            texttemplate=f"{LEAD}%{{text}}" if horizontal else None,
            textfont=dict(size=FONT_SIZE) | font,
            hoverinfo="skip",
            showlegend=False,
            meta=None if horizontal else dict(at=at),
        )
    )


def _furthest(*groups: Sequence[float | None]) -> list[float]:
    """Per row, the furthest of several columns from zero on the positive side (at least 0):
    where a label outside the bar, its mark and its whisker starts."""
    return [
        max([0.0, *[v for v in values if v is not None]]) for values in zip(*groups, strict=True)
    ]


# --- the funnel -------------------------------------------------------------------------------


def _step_from(funnel: pd.DataFrame) -> list[str | None]:
    """Each row's step_from as a stage key, None for the first tracked stage and untracked
    stages (the column holds None or NaN for those)."""
    return [None if _num_or_text_missing(v) else str(v) for v in funnel["step_from"].tolist()]


def _counts_against_goal(
    counts: Sequence[float],
    expected: Sequence[float | None],
    text: Sequence[str],
    hover: Sequence[str],
    colors: Sequence[str],
    **label_font: Any,
) -> go.Figure:
    """Horizontal count bars, each with its count expected at goal marked and its label past
    the further of bar and mark: the funnel's and the campaign reports' shared drawing."""
    fig = go.Figure(
        _bars(
            counts,
            horizontal=True,
            colors=colors,
            text=text,
            hover=hover,
            width=BAR_WIDTH,
            textposition="none",
        )
    )
    _goal_ticks(
        fig,
        expected,
        [f"expected at goal: {fmt.count(e)}" for e in expected],
        horizontal=True,
        name="Expected at goal",
    )
    _end_labels(fig, _furthest(counts, expected), text, horizontal=True, **label_font)
    return fig


def funnel_chart(funnel: pd.DataFrame) -> go.Figure:
    """The quarter's funnel (activity basis): one bar per stage, Lead at the top, labelled with
    its count and its conversion from the tracked stage before ("85 · 57% of SAL"), with a goal
    marker where that stage's count × the goal between the two would put it. A stage the data
    does not record keeps its row, labelled "not tracked", with no bar (SPEC §3.10)."""
    title = "Funnel this quarter"
    if funnel.empty:
        return _no_data(title)
    tracked = [bool(t) for t in funnel["tracked"].tolist()]
    counts = [
        (_num(c) or 0.0) if on else 0.0
        for c, on in zip(funnel["count"].tolist(), tracked, strict=True)
    ]
    labels = [_name(v) for v in funnel["label"].tolist()]
    by_stage = dict(zip(funnel["stage"].tolist(), counts, strict=True))
    label_of = dict(zip(funnel["stage"].tolist(), labels, strict=True))
    starts = _step_from(funnel)
    rates, goals = _nums(funnel["step_rate"]), _nums(funnel["step_goal"])
    expected = [
        None if a is None or g is None else by_stage[a] * g
        for a, g in zip(starts, goals, strict=True)
    ]
    text = [
        NOT_TRACKED
        if not on
        else fmt.count(c)
        if a is None or r is None
        else f"{fmt.count(c)} · {fmt.pct(r)} of {label_of[a]}"
        for c, r, a, on in zip(counts, rates, starts, tracked, strict=True)
    ]
    hover = [f"{label}: {t}" for label, t in zip(labels, text, strict=True)]
    colors = [
        _colour(_verdict(v)) if on else ON_PAR
        for v, on in zip(funnel["verdict"].tolist(), tracked, strict=True)
    ]
    fig = _counts_against_goal(
        counts, expected, text, hover, colors, color=[BLACK if on else MUTED_TEXT for on in tracked]
    )
    span = _span(counts, expected)
    _axes(
        fig,
        labels,
        horizontal=True,
        title="Count (activity in the quarter)",
        range=[0, span * HEADROOM],
        **_count_ticks(span),
    )
    # tighter than the reports: the Overview's first screen at 1366x768 holds the funnel
    return _layout(fig, title, max(MIN_HEIGHT, FUNNEL_CHROME + len(labels) * FUNNEL_ROW))


def conversion_chart(funnel: pd.DataFrame) -> go.Figure:
    """Stage-to-stage conversion (step_rate) of the quarter's funnel, one bar per step between
    tracked stages ("MQL→SQL" over an untracked SAL), green when it meets its goal and
    vermillion when not, with the goal marked per bar. Untracked stages have no bar."""
    title = "Stage-to-stage conversion against goal"
    if funnel.empty:
        return _no_data(title)
    label_of = dict(
        zip(funnel["stage"].tolist(), [_name(v) for v in funnel["label"].tolist()], strict=True)
    )
    starts = _step_from(funnel)
    steps = funnel[[a is not None for a in starts]]
    if steps.empty:
        return _no_data(title)
    labels = [
        f"{label_of[a]}→{label_of[b]}"
        for a, b in zip(_step_from(steps), steps["stage"].tolist(), strict=True)
    ]
    rates, goals = _nums(steps["step_rate"]), _nums(steps["step_goal"])
    pairs = [_rate_and_goal(r, g) for r, g in zip(rates, goals, strict=True)]
    text = [r if g is None else f"{r} (goal {rg})" for (r, rg), g in zip(pairs, goals, strict=True)]
    hover = [f"{label}: {t}" for label, t in zip(labels, text, strict=True)]
    colors = [_colour(_verdict(v)) for v in steps["verdict"].tolist()]
    fig = go.Figure(
        _bars(
            rates,
            horizontal=False,
            colors=colors,
            text=text,
            hover=hover,
            width=BAR_WIDTH,
            textposition="none",
        )
    )
    _goal_ticks(fig, goals, [f"goal: {_rate(g)}" for g in goals], horizontal=False, name="Goal")
    # two short lines fit over a column where "60% (goal 60%)" would run into the next one
    _end_labels(
        fig,
        _furthest(rates, goals),
        [r if g is None else f"{r}<br>goal {rg}" for (r, rg), g in zip(pairs, goals, strict=True)],
        horizontal=False,
        size=FONT_SIZE - 2,
    )
    _axes(
        fig,
        labels,
        horizontal=False,
        title="Conversion from the stage before",
        tickformat=".0%",
        range=[0, _span(rates, goals) * HEADROOM],
    )
    return _layout(fig, title, COLUMN_HEIGHT)


def campaign_chart(report: pd.DataFrame, stage_label: str) -> go.Figure:
    """One campaign report (a top or bottom list): the stage's count per campaign, rank 1 at
    the top, with the count expected at goal (upstream × goal rate) marked on each bar; green
    when the count meets it, vermillion when not, blue when nothing is expected."""
    stage = escape_label(stage_label)
    title = f"Campaigns by {stage}"
    if report.empty:
        return _no_data(title)
    labels = [_name(v) for v in report["name"].tolist()]
    values = [_num(v) or 0.0 for v in report["value"].tolist()]
    expected = _nums(report["expected"])
    text = [
        fmt.count(v) if e is None else f"{fmt.count(v)} (exp. {fmt.count(e)})"
        for v, e in zip(values, expected, strict=True)
    ]
    hover = [
        f"{escape_label(n)}<br>channel: {escape_label(c)}<br>{stage}: {t}"
        for n, c, t in zip(report["name"].tolist(), report["channel"].tolist(), text, strict=True)
    ]
    colors = [_colour(_verdict(v)) for v in report["verdict"].tolist()]
    fig = _counts_against_goal(values, expected, text, hover, colors)
    span = _span(values, expected)
    _axes(
        fig,
        labels,
        horizontal=True,
        title=f"{stage} in the quarter",
        range=[0, span * HEADROOM],
        **_count_ticks(span),
    )
    return _layout(fig, title, _height(len(labels)))


def rep_chart(report: pd.DataFrame, stage_label: str) -> go.Figure:
    """One rep report (a top or bottom list): each rep's cohort conversion, rank 1 at the top,
    with Wilson 95% whiskers and the shared goal as one dashed line; coloured by verdict
    (interval above the goal, below it, or straddling it)."""
    stage = escape_label(stage_label)
    title = f"Reps by conversion to {stage}"
    if report.empty:
        return _no_data(title)
    labels = [_name(v) for v in report["name"].tolist()]
    rates = _nums(report["rate"])
    lows, highs = _nums(report["ci_low"]), _nums(report["ci_high"])
    text = [
        f"{_rate(r)} ({fmt.count(x)}/{fmt.count(n)})"
        for r, x, n in zip(
            rates, report["numerator"].tolist(), report["denominator"].tolist(), strict=True
        )
    ]
    teams = [
        f" ({escape_label(t)})" if not _num_or_text_missing(t) else ""
        for t in report["team"].tolist()
    ]
    hover = [
        f"{escape_label(n)}{team}<br>{stage}: {t}<br>95% interval {_rate(lo)}–{_rate(hi)}"
        for n, team, t, lo, hi in zip(
            report["name"].tolist(), teams, text, lows, highs, strict=True
        )
    ]
    colors = [_colour(_verdict(v)) for v in report["verdict"].tolist()]
    fig = go.Figure(
        _bars(
            rates,
            horizontal=True,
            colors=colors,
            text=["" for _ in rates],
            hover=hover,
            width=BAR_WIDTH,
            error_x=_whiskers(rates, lows, highs),
        )
    )
    _end_labels(fig, highs, text, horizontal=True)
    goal = next((g for g in _nums(report["goal"]) if g is not None), None)
    if goal is not None:
        _goal_line(fig, goal, horizontal=True)
    _axes(
        fig,
        labels,
        horizontal=True,
        tickformat=".0%",
        range=[0, 1],
        title=f"Conversion to {stage} (whiskers: 95% interval)",
    )
    fig.update_layout(showlegend=False)
    return _layout(fig, title, _height(len(labels)))


# --- around the reports -----------------------------------------------------------------------


def contribution_chart(contribution: pd.DataFrame) -> go.Figure:
    """Marketing's contribution: for pipeline and bookings, the marketing-sourced amount as a
    bar inside the quarter's total, labelled "$1.4M of $1.5M (92%)", with the target marked
    on it when one is set (green when the target is met, vermillion when not)."""
    title = "Marketing-sourced pipeline and bookings"
    if contribution.empty:
        return _no_data(title)
    sourced, totals = _nums(contribution["sourced"]), _nums(contribution["total"])
    targets, shares = _nums(contribution["target"]), _nums(contribution["share"])
    metrics = [escape_label(m).capitalize() for m in contribution["metric"].tolist()]
    labels = [
        m if t is None else f"{m}<br>target {fmt.money(t)}"
        for m, t in zip(metrics, targets, strict=True)
    ]
    text = [
        f"{fmt.money(s)} of {fmt.money(t)} ({fmt.pct(sh)})"
        for s, t, sh in zip(sourced, totals, shares, strict=True)
    ]
    hover = [f"{m}: {t} marketing-sourced" for m, t in zip(metrics, text, strict=True)]
    fig = go.Figure(
        [
            _bars(
                totals,
                horizontal=True,
                colors=ON_PAR,
                text=text,
                hover=hover,
                width=BAR_WIDTH,
                opacity=0.45,
                name="Total",
                showlegend=True,
                textposition="none",
            ),
            _bars(
                sourced,
                horizontal=True,
                text=["" for _ in sourced],
                hover=hover,
                width=0.4,
                colors=[_colour(_verdict(v)) for v in contribution["verdict"].tolist()],
                name="Marketing-sourced",
                showlegend=True,
            ),
        ]
    )
    _goal_ticks(
        fig, targets, [f"target: {fmt.money(t)}" for t in targets], horizontal=True, name="Target"
    )
    _end_labels(fig, _furthest(totals, sourced, targets), text, horizontal=True)
    _axes(
        fig,
        labels,
        horizontal=True,
        tickprefix=fmt.CURRENCY,
        tickformat="~s",
        range=[0, _span(sourced, totals, targets) * HEADROOM],
    )
    fig.update_layout(barmode="overlay")
    return _layout(fig, title, _height(len(labels), per_row=90))


CHANNEL_SERIES = (("sql", "SQLs"), ("opp", "Opps"), ("won", "Closed Won"))


def channel_chart(channels: pd.DataFrame, *, tracked: Container[str] = STAGE_LABELS) -> go.Figure:
    """The channel roll-up: SQLs, Opps and Closed Won per channel as grouped horizontal bars,
    the channel with the most of the first of them at the top (then by name). A stage the data
    does not record (``tracked``) has no series: its counts would be inferred."""
    title = "Results by channel"
    series = [(c, n) for c, n in CHANNEL_SERIES if c in tracked]
    if channels.empty or not series:
        return _no_data(title)
    rows = channels.assign(_name=channels["channel"].map(lambda c: str(c).casefold()))
    rows = rows.sort_values([series[0][0], "_name"], ascending=[False, True], kind="mergesort")
    names = rows["channel"].tolist()
    labels = [_name(c) for c in names]
    mqls = [f"MQLs: {fmt.count(m)} · " if "mql" in tracked else "" for m in rows["mql"].tolist()]
    context = [
        f"{escape_label(c)}<br>{m}spend {fmt.money(s)}"
        for c, m, s in zip(names, mqls, rows["spend"].tolist(), strict=True)
    ]
    fig = go.Figure()
    for (column, series_name), color in zip(series, SERIES, strict=False):
        values = [_num(v) or 0.0 for v in rows[column].tolist()]
        fig.add_trace(
            _bars(
                values,
                horizontal=True,
                colors=color,
                name=series_name,
                showlegend=True,
                text=[fmt.count(v) for v in values],
                hover=[
                    f"{c}<br>{series_name}: {fmt.count(v)}"
                    for c, v in zip(context, values, strict=True)
                ],
            )
        )
    _axes(
        fig,
        labels,
        horizontal=True,
        title="Count (activity in the quarter)",
        range=[0, _span(*[_nums(rows[c]) for c, _ in series]) * 1.15],
    )
    fig.update_layout(barmode="group")
    return _layout(fig, title, _height(len(labels), per_row=len(series) * 36))


def spend_chart(spend: pd.DataFrame) -> go.Figure:
    """Cost per SQL per campaign, cheapest at the top; campaigns with no SQL or no known cost
    are left out (their cost per SQL is undefined)."""
    title = "Cost per SQL by campaign"
    rows = (
        spend[[_num(v) is not None for v in spend["cost_per_sql"].tolist()]]
        if len(spend)
        else spend
    )
    rows = rows[rows["sql"] > 0] if len(rows) else rows
    if rows.empty:
        return _no_data(title)
    rows = _by_value(rows, "cost_per_sql", ascending=True)
    costs = _nums(rows["cost_per_sql"])
    hover = [
        f"{escape_label(n)}<br>cost per SQL: {fmt.money(c)}<br>{fmt.count(s)} SQLs for "
        f"{fmt.money(_num(t))} ({escape_label(b)}, prorated)"
        for n, c, s, t, b in zip(
            rows["name"].tolist(),
            costs,
            rows["sql"].tolist(),
            rows["cost"].tolist(),
            rows["cost_basis"].tolist(),
            strict=True,
        )
    ]
    fig = go.Figure(
        _bars(
            costs,
            horizontal=True,
            colors=NEUTRAL,
            hover=hover,
            text=[fmt.money(c) for c in costs],
            width=BAR_WIDTH,
        )
    )
    _axes(
        fig,
        [_name(n) for n in rows["name"].tolist()],
        horizontal=True,
        title="Cost per SQL",
        tickprefix=fmt.CURRENCY,
        tickformat="~s",
        range=[0, _span(costs) * HEADROOM],
    )
    return _layout(fig, title, _height(len(rows)))


def roi_chart(spend: pd.DataFrame) -> go.Figure:
    """ROI per campaign, (bookings − cost) / cost, best at the top; green when the campaign
    paid for itself, vermillion when not, with a line at break-even (0%). Campaigns with no
    known cost are left out."""
    title = "Return on campaign spend"
    rows = spend[[_num(v) is not None for v in spend["roi"].tolist()]] if len(spend) else spend
    if rows.empty:
        return _no_data(title)
    rows = _by_value(rows, "roi", ascending=False)
    rois = _nums(rows["roi"])
    hover = [
        f"{escape_label(n)}<br>ROI {_roi(r)}<br>bookings {fmt.money(_num(b))} on "
        f"{fmt.money(_num(c))} spend"
        for n, r, b, c in zip(
            rows["name"].tolist(),
            rois,
            rows["bookings"].tolist(),
            rows["cost"].tolist(),
            strict=True,
        )
    ]
    colors = [ABOVE if r is not None and r >= 0 else BELOW for r in rois]
    text = [_roi(r) for r in rois]
    fig = go.Figure(
        _bars(
            rois,
            horizontal=True,
            colors=colors,
            hover=hover,
            width=BAR_WIDTH,
            text=text,
            textposition="none",
        )
    )
    _reference_line(
        fig, 0.0, "break-even", horizontal=True, line=dict(color=BLACK, width=2, dash="solid")
    )
    # a loss's label sits right of break-even, clear of the names at the left
    _end_labels(fig, _furthest(rois), text, horizontal=True)
    low = min([r for r in rois if r is not None] + [0.0])
    _axes(
        fig,
        [_name(n) for n in rows["name"].tolist()],
        horizontal=True,
        tickformat="~%",
        title="ROI: (bookings − cost) / cost",
        range=[low * HEADROOM, _span(rois) * HEADROOM],
        zeroline=False,
    )
    fig.update_layout(showlegend=False)
    return _layout(fig, title, _height(len(rows)))


def _by_value(rows: pd.DataFrame, column: str, *, ascending: bool) -> pd.DataFrame:
    """Rows by a numeric column, then by name (case-folded), then by campaign id."""
    order = rows.assign(
        _v=[_num(v) for v in rows[column].tolist()],
        _fold=rows["name"].map(lambda n: str(n).casefold()),
    )
    order = order.sort_values(
        ["_v", "_fold", "campaign_id"], ascending=[ascending, True, True], kind="mergesort"
    )
    return order.drop(columns=["_v", "_fold"]).reset_index(drop=True)


def velocity_chart(velocity: pd.DataFrame) -> go.Figure:
    """Days between adjacent stages over the cohort: median and 75th percentile per
    transition, Lead→MQL at the top; transitions with no measured journey are left out."""
    title = "Days between stages"
    if velocity.empty:
        return _no_data(title)
    known = [
        _num(m) is not None or _num(p) is not None
        for m, p in zip(
            velocity["median_days"].tolist(), velocity["p75_days"].tolist(), strict=True
        )
    ]
    rows = velocity[known]
    if rows.empty:
        return _no_data(title)
    labels = [
        f"{_stage(a)}→{_stage(b)}"
        for a, b in zip(rows["from_stage"].tolist(), rows["to_stage"].tolist(), strict=True)
    ]
    journeys = rows["journeys"].tolist()
    fig = go.Figure()
    for column, series_name, color in (
        ("median_days", "Median", BLUE),
        ("p75_days", "75th percentile", SKY_BLUE),
    ):
        values = _nums(rows[column])
        hover = [
            f"{label}: {series_name.lower()} {fmt.days(v)}<br>over {fmt.count(n)} journeys"
            for label, v, n in zip(labels, values, journeys, strict=True)
        ]
        fig.add_trace(
            _bars(
                values,
                horizontal=True,
                colors=color,
                name=series_name,
                showlegend=True,
                text=[fmt.days(v) for v in values],
                hover=hover,
            )
        )
    _axes(
        fig,
        labels,
        horizontal=True,
        title="Days",
        range=[0, _span(_nums(rows["median_days"]), _nums(rows["p75_days"])) * HEADROOM],
    )
    fig.update_layout(barmode="group")
    return _layout(fig, title, _height(len(labels), per_row=2 * 44))


def _stage(key: object) -> str:
    return STAGE_LABELS.get(str(key), escape_label(key))


def fastest_traits_chart(traits: pd.DataFrame) -> go.Figure:
    """What the fastest-won quartile has in common: the lift of each trait value (its share
    among the fastest over its share among all wins), the 12 highest at the top, labelled
    with the fastest count behind it and with both counts and the 95% interval of the
    fastest share on hover, and a line at 1 where a value is as common among the fastest as
    among all wins."""
    title = "What the fastest-won customers have in common"
    if traits.empty:
        return _no_data(title)
    order = traits.assign(_lift=[_num(v) or 0.0 for v in traits["lift"].tolist()])
    rows = order.sort_values("_lift", ascending=False, kind="mergesort").head(TRAIT_LIMIT)
    lifts = [_num(v) for v in rows["lift"].tolist()]
    whole = [
        f"{str(d).capitalize()}: {'—' if _num_or_text_missing(v) else v}"
        for d, v in zip(rows["dimension"].tolist(), rows["value"].tolist(), strict=True)
    ]
    labels = [_name(w) for w in whole]  # shortened; the hover has the whole name
    fastest = list(zip(rows["fastest_count"].tolist(), rows["fastest_size"].tolist(), strict=True))
    hover = [
        f"{label}<br>lift {_lift(lift)}<br>fastest quartile: {fmt.count(fc)} of "
        f"{fmt.count(fn)} = {fmt.pct(_num(fs))} (95% interval {_rate(_num(lo))}–"
        f"{_rate(_num(hi))})<br>all wins: {fmt.count(ac)} of {fmt.count(an)} = "
        f"{fmt.pct(_num(als))}"
        for label, lift, (fc, fn), fs, lo, hi, ac, an, als in zip(
            map(escape_label, whole),
            lifts,
            fastest,
            rows["fastest_share"].tolist(),
            rows["fastest_ci_low"].tolist(),
            rows["fastest_ci_high"].tolist(),
            rows["all_count"].tolist(),
            rows["all_size"].tolist(),
            rows["all_share"].tolist(),
            strict=True,
        )
    ]
    colors = [NEUTRAL if v is not None and v >= 1 else ON_PAR for v in lifts]
    # The counts stay beside the lift: 2× from 5 of 8 deals is not 2× from 50 of 80.
    fig = go.Figure(
        _bars(
            lifts,
            horizontal=True,
            colors=colors,
            hover=hover,
            width=BAR_WIDTH,
            text=[
                f"{_lift(v)} ({fmt.count(fc)}/{fmt.count(fn)})"
                for v, (fc, fn) in zip(lifts, fastest, strict=True)
            ],
        )
    )
    _reference_line(
        fig,
        1.0,
        "as common as among all wins",
        horizontal=True,
        line=dict(color=MUTED_TEXT, width=2, dash="dot"),
    )
    _axes(
        fig,
        labels,
        horizontal=True,
        title="Lift: share among the fastest ÷ among all wins",
        range=[0, _span(lifts, [1.0]) * HEADROOM],
    )
    fig.update_layout(showlegend=False)
    return _layout(fig, title, _height(len(labels)))


def followup_chart(totals: pd.DataFrame) -> go.Figure:
    """Follow-up of the quarter's MQLs as one bar split into within SLA, late and never
    touched, each labelled with its share and count ("72% (179)")."""
    title = "Follow-up of the quarter's MQLs"
    mqls = _num(totals["mqls"].iloc[0]) if len(totals) else None
    if not mqls:
        return _no_data(title)
    by_status = totals.set_index("status")
    fig = go.Figure()
    for status, series_name, color in FOLLOWUP_STATUSES:
        n = _num(by_status.at[status, "count"]) if status in by_status.index else 0.0
        share = (n or 0.0) / mqls
        text = f"{fmt.pct(share)} ({fmt.count(n)})"
        fig.add_trace(
            _bars(
                [share],
                horizontal=True,
                colors=color,
                name=series_name,
                showlegend=True,
                text=[text],
                hover=[f"{series_name}: {text}"],
                textposition="inside",
                insidetextanchor="middle",
                width=0.6,
            )
        )
    _axes(
        fig,
        [""],
        horizontal=True,
        tickformat=".0%",
        range=[0, 1],
        title=f"Share of {fmt.count(mqls)} MQLs",
    )
    fig.update_layout(barmode="stack")
    return _layout(fig, title, MIN_HEIGHT)


def followup_rep_chart(by_rep: pd.DataFrame) -> go.Figure:
    """Follow-up per rep: each rep's MQLs of the quarter as a bar split into within SLA, late
    and never touched, in the order of the frame (by name, unassigned last)."""
    title = "Follow-up by rep"
    if by_rep.empty:
        return _no_data(title)
    names = by_rep["rep_name"].tolist()
    totals = [_num(v) or 0.0 for v in by_rep["mqls"].tolist()]
    fig = go.Figure()
    for status, series_name, color in FOLLOWUP_STATUSES:
        counts = [_num(v) or 0.0 for v in by_rep[status].tolist()]
        hover = [
            f"{escape_label(n)}<br>{series_name}: {fmt.count(c)} of {fmt.count(t)} MQLs"
            f" ({fmt.pct(c / t if t else None)})"
            for n, c, t in zip(names, counts, totals, strict=True)
        ]
        fig.add_trace(
            _bars(
                counts,
                horizontal=True,
                colors=color,
                name=series_name,
                showlegend=True,
                hover=hover,
                width=BAR_WIDTH,
                text=[fmt.count(c) if c else "" for c in counts],
                textposition="inside",
                insidetextanchor="middle",
            )
        )
    _axes(
        fig,
        [_name(n) for n in names],
        horizontal=True,
        title="MQLs of the quarter",
        range=[0, _span(totals) * 1.05],
    )
    fig.update_layout(barmode="stack")
    return _layout(fig, title, _height(len(names)))


def referral_chart(referral: pd.DataFrame) -> go.Figure:
    """The referral program against everything else: Lead→Closed Won conversion of the
    quarter's Lead cohort for each group, with Wilson 95% whiskers."""
    title = "Referral leads against all other leads: Lead→Closed Won"
    sizes = [_num(v) or 0.0 for v in referral["cohort"].tolist()] if len(referral) else []
    if not any(sizes):
        return _no_data(title)
    rates, lows, highs = (_nums(referral[c]) for c in ("rate", "ci_low", "ci_high"))
    lifts = _nums(referral["lift"])
    text = [
        f"{_rate(r)} ({fmt.count(w)}/{fmt.count(n)})" if n else "no leads"
        for r, w, n in zip(rates, referral["won"].tolist(), sizes, strict=True)
    ]
    text = [
        t if lift is None else f"{t} · {_lift(lift)} the others"
        for t, lift in zip(text, lifts, strict=True)
    ]
    labels = [_name(g) for g in referral["group"].tolist()]
    hover = [
        f"{g}: {t}<br>95% interval {_rate(lo)}–{_rate(hi)}"
        for g, t, lo, hi in zip(labels, text, lows, highs, strict=True)
    ]
    colors = [NEUTRAL if g == REFERRAL else ON_PAR for g in referral["group"].tolist()]
    fig = go.Figure(
        _bars(
            rates,
            horizontal=True,
            colors=colors,
            text=["" for _ in rates],
            hover=hover,
            width=0.6,
            error_x=_whiskers(rates, lows, highs),
        )
    )
    _end_labels(fig, highs, text, horizontal=True)
    top = _span(highs)
    _axes(
        fig,
        labels,
        horizontal=True,
        title="Leads of the quarter that reached Closed Won",
        tickformat=".0%" if top >= 0.05 else ".1%",
        range=[0, top * 1.1],
    )
    fig.update_layout(showlegend=False)
    return _layout(fig, title, _height(len(labels), per_row=90))


def drill_chart(by_quarter: pd.DataFrame) -> go.Figure:
    """One campaign's or rep's funnel over time: MQLs, SQLs, Opps and Closed Won per quarter
    as grouped bars, the oldest quarter on the left. Four thin columns a quarter leave no room
    for a readable number over each: the numbers are on hover and in the table under it."""
    title = "Funnel by quarter"
    if by_quarter.empty:
        return _no_data(title)
    rows = by_quarter.sort_values("quarter", kind="mergesort")
    labels = [_name(q) for q in rows["quarter"].tolist()]
    fig = go.Figure()
    for (column, series_name), color in zip(
        (("mql", "MQLs"), ("sql", "SQLs"), ("opp", "Opps"), ("won", "Closed Won")),
        SERIES,
        strict=True,
    ):
        values = [_num(v) or 0.0 for v in rows[column].tolist()]
        fig.add_trace(
            _bars(
                values,
                horizontal=False,
                colors=color,
                name=series_name,
                showlegend=True,
                text=[fmt.count(v) for v in values],
                textposition="none",
                hover=[
                    f"{q}<br>{series_name}: {fmt.count(v)}"
                    for q, v in zip(labels, values, strict=True)
                ],
            )
        )
    top = _span(*[_nums(rows[c]) for c in ("mql", "sql", "opp", "won")])
    _axes(
        fig,
        labels,
        horizontal=False,
        title="Count (activity in the quarter)",
        range=[0, top * HEADROOM],
    )
    fig.update_layout(barmode="group")
    return _layout(fig, title, COLUMN_HEIGHT)


# --- the report model ------------------------------------------------------------------------


def ranked_chart(report: RankedList) -> go.Figure:
    """One of the twelve lists from its report model: the rows, their verdicts and the nouns
    exactly as every other view has them."""
    rows = pd.DataFrame(
        {
            "id": [r.id for r in report.rows],
            "name": [r.name for r in report.rows],
            "channel": [r.group or None for r in report.rows],
            "team": [r.group or None for r in report.rows],
            "value": [r.value for r in report.rows],
            "expected": [r.expected for r in report.rows],
            "rate": [r.rate for r in report.rows],
            "numerator": [r.reached for r in report.rows],
            "denominator": [r.upstream for r in report.rows],
            "ci_low": [r.ci_low for r in report.rows],
            "ci_high": [r.ci_high for r in report.rows],
            "goal": [r.goal for r in report.rows],
            "verdict": [r.verdict for r in report.rows],
        }
    )
    label = STAGE_LABELS[report.stage]
    if report.is_rates:
        return rep_chart(rows, label)
    return campaign_chart(rows, report.value_noun)
