"""The slide deck: 16:9, a title slide, the goals and bases, the funnel, one slide per ranked
report, the contribution and the decisions. Charts are native PowerPoint charts with their
data embedded (editable in PowerPoint); each slide's notes hold that report's commentary."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any, cast

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from smarketing_data import charts
from smarketing_data.exports.content import (
    ChartData,
    Decision,
    ExportContent,
    Section,
    Table,
    decision_table,
)
from smarketing_data.exports.csv_safe import neutralise
from smarketing_data.text import plain

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
CONTENT_TOP = Inches(1.35)
BASIS_TOP = Inches(6.6)
CHART_WIDTH = Inches(6.6)
GAP = Inches(0.3)
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, SMALL_SIZE = Pt(32), Pt(16), Pt(13), Pt(12)
ROW_HEIGHT = Inches(0.36)
# Rows a table shows at TABLE_SIZE before its font shrinks to fit the slide.
ROOMY_ROWS = 12
DECISIONS_PER_SLIDE = 10
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # the default template's layouts


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#"))


VALUE_COLOR = _rgb(charts.BLUE)
GOAL_FILL = _rgb("#D9D9D9")
GOAL_LINE = _rgb(charts.GOAL_COLOR)
MUTED = _rgb(charts.MUTED_TEXT)
HEADER_FILL = _rgb("#1F3A5F")
STRIPE_FILL = _rgb("#F2F4F7")
WHITE = _rgb("#FFFFFF")
BLACK = _rgb(charts.BLACK)
WARNING = _rgb(charts.VERMILLION)

# Characters XML 1.0 cannot hold; a name from a file may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text for a slide: what XML can hold, without bidirectional controls (SPEC §8)."""
    return plain(_NOT_XML.sub("", text))


# --- text -------------------------------------------------------------------------------------


def _title(slide: Slide, text: str) -> None:
    """The layout's title placeholder (kept, so the outline and screen readers see it), moved
    to the 16:9 width."""
    shape = slide.shapes.title
    assert shape is not None  # the layouts used all have a title
    shape.left, shape.top = MARGIN, Inches(0.3)
    shape.width, shape.height = Emu(SLIDE_WIDTH - 2 * MARGIN), Inches(0.9)
    frame = shape.text_frame
    frame.text = _clean(text)
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    para.font.size, para.font.bold = TITLE_SIZE, True


def _text_box(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: Sequence[str],
    *,
    size: Pt = BODY_SIZE,
    color: RGBColor = BLACK,
    bullets: bool = False,
    italic: bool = False,
) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = _clean(f"• {line}" if bullets else line)
        para.font.size, para.font.color.rgb, para.font.italic = size, color, italic
        para.space_after = Pt(4)


def _basis(slide: Slide, section: Section) -> None:
    lines = [section.basis, *section.left_out]
    _text_box(
        slide,
        MARGIN,
        BASIS_TOP,
        SLIDE_WIDTH - 2 * MARGIN,
        SLIDE_HEIGHT - BASIS_TOP,
        lines,
        size=SMALL_SIZE,
        color=MUTED,
        italic=True,
    )


def _notes(
    slide: Slide, section: Section | None, comments: Sequence[str], decisions: Sequence[Decision]
) -> None:
    """Speaker notes: the commentary ("Sales — Ann: …"), then the decisions taken on it."""
    lines = list(comments) or ["No commentary yet."]
    if decisions:
        lines += ["", "Decisions:", *[f"- {d.line()}" for d in decisions]]
    if section is not None:
        lines += ["", section.basis]
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None  # every notes slide has a body placeholder
    frame.text = _clean("\n".join(lines))


# --- tables -----------------------------------------------------------------------------------


def _table(
    slide: Slide,
    table: Table,
    left: int,
    top: int,
    width: int,
    widths: Sequence[float] | None = None,
    max_height: int | None = None,
) -> None:
    rows = len(table.rows) + 1
    max_height = max_height or BASIS_TOP - top - Inches(0.1)
    row_height = min(ROW_HEIGHT, max_height // rows)
    size = TABLE_SIZE if rows <= ROOMY_ROWS + 1 else Pt(max(8, int(TABLE_SIZE.pt * 13 / rows)))
    shape = slide.shapes.add_table(
        rows, len(table.columns), Emu(left), Emu(top), Emu(width), Emu(row_height * rows)
    )
    grid = shape.table
    shares = widths or [1.0] * len(table.columns)
    for i, share in enumerate(shares):
        grid.columns[i].width = Emu(int(width * share / sum(shares)))
    for r in range(rows):
        grid.rows[r].height = Emu(row_height)
    for r, values in enumerate([table.columns, *table.rows]):
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = _clean(value)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            para = cell.text_frame.paragraphs[0]
            para.font.size = size
            para.alignment = PP_ALIGN.RIGHT if table.numeric[c] else PP_ALIGN.LEFT
            cell.fill.solid()
            if r == 0:
                cell.fill.fore_color.rgb = HEADER_FILL
                para.font.bold, para.font.color.rgb = True, WHITE
            else:
                cell.fill.fore_color.rgb = STRIPE_FILL if r % 2 == 0 else WHITE
                para.font.color.rgb = BLACK


# --- charts -----------------------------------------------------------------------------------


class _InertWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's layout of a chart's embedded workbook, with every name written as text.

    Its own writer hands names to XlsxWriter's ``write``, which turns a string starting with
    '=' into a formula and one starting with 'http://' into a link; PowerPoint's "Edit Data"
    opens that workbook in Excel. Here names are written with ``write_string``, neutralised
    as in the CSV export, while the chart's own labels keep the names as they are."""

    def _write_cat_column(self, worksheet: Any, col: int, level: Any, num_format: Any) -> None:
        worksheet.set_column(col, col, 10)
        for offset, name in level:
            worksheet.write_string(offset + 1, col, str(neutralise(str(name))), num_format)

    def _write_series(self, workbook: Any, worksheet: Any) -> None:
        col_offset = self._chart_data.categories.depth
        for idx, series in enumerate(self._chart_data):
            num_format = workbook.add_format({"num_format": series.number_format})
            worksheet.write_string(0, idx + col_offset, str(neutralise(series.name)))
            worksheet.write_column(1, idx + col_offset, series.values, num_format)


class _InertChartData(CategoryChartData):
    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        return _InertWorkbookWriter(self)


# A category label's room on the deck's charts: two lines of 2.3 in at SMALL_SIZE (in px at
# 96 dpi), as on screen; PowerPoint wraps it, the table beside the chart has the whole name.
CATEGORY_PX, CATEGORY_FONT_PX = 2.3 * 96, 12 * 96 / 72


def _category(name: str) -> str:
    """A category name cut with an ellipsis to the two lines it may take (SPEC §9)."""
    return " ".join(charts.shorten(_clean(name), CATEGORY_PX, size=CATEGORY_FONT_PX).split("\n"))


def chart_data(data: ChartData) -> CategoryChartData:
    """A chart's data for python-pptx: labels without characters XML cannot hold or
    bidirectional controls, and an embedded workbook that holds no formula or link."""
    out = _InertChartData(number_format=data.value_format)
    out.categories = [_category(c) for c in data.categories]
    for s in data.series:
        out.add_series(_clean(s.name), s.values, number_format=s.number_format)
    return out


def _chart(slide: Slide, data: ChartData, left: int, top: int, width: int, height: int) -> None:
    """A native clustered bar chart, rank 1 at the top, goal series grey with a black dashed
    outline (the deck's form of the goal marker)."""
    # python-pptx's chart API is typed loosely (add_chart is declared to return a Chart)
    frame: Any = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED,
        Emu(left),
        Emu(top),
        Emu(width),
        Emu(height),
        cast(Any, chart_data(data)),
    )
    chart: Any = frame.chart
    chart.font.size = SMALL_SIZE
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 60, 0
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.font.size, labels.number_format_is_linked = SMALL_SIZE, True
    for series, spec in zip(plot.series, data.series, strict=True):
        fill = series.format.fill
        fill.solid()
        if spec.is_goal:
            fill.fore_color.rgb = GOAL_FILL
            series.format.line.color.rgb = GOAL_LINE
            series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            series.format.line.width = Pt(1.25)
        else:
            fill.fore_color.rgb = VALUE_COLOR
    categories = chart.category_axis
    categories.reverse_order = True  # PowerPoint draws the first category at the bottom
    categories.tick_labels.font.size = SMALL_SIZE
    values = chart.value_axis
    # Reversed categories move the value axis to the top unless it crosses them at their
    # maximum; python-pptx exposes that setting only from the value axis's side, so it is
    # written on the element directly (as its own setter does).
    value_axis_xml = values._element
    value_axis_xml._remove_crosses()
    value_axis_xml._remove_crossesAt()
    value_axis_xml._add_crosses(val=XL_AXIS_CROSSES.MAXIMUM)
    values.minimum_scale = 0
    if data.value_max is not None:
        values.maximum_scale = data.value_max
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = _rgb(charts.GRID_COLOR)
    values.tick_labels.number_format = data.value_format
    values.tick_labels.number_format_is_linked = False
    values.tick_labels.font.size = SMALL_SIZE


# --- slides -----------------------------------------------------------------------------------


def _new_slide(prs: PresentationType, title: str, layout: int = LAYOUT_TITLE_ONLY) -> Slide:
    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    _title(slide, title)
    return slide


def _title_slide(prs: PresentationType, content: ExportContent) -> None:
    slide = _new_slide(prs, content.title, LAYOUT_TITLE)
    title = slide.shapes.title
    assert title is not None
    title.top, title.height = Inches(2.2), Inches(1.4)
    title.text_frame.paragraphs[0].font.size = Pt(44)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top = MARGIN, Inches(3.8)
    subtitle.width, subtitle.height = Emu(SLIDE_WIDTH - 2 * MARGIN), Inches(1.6)
    lines = [
        f"Quarterly business review, Sales and Marketing · {content.period}",
        content.freshness,
    ]
    frame = subtitle.text_frame
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.alignment = PP_ALIGN.LEFT
        para.font.size, para.font.color.rgb = Pt(20), MUTED
    if content.sample:
        _text_box(
            slide,
            MARGIN,
            Inches(5.5),
            SLIDE_WIDTH - 2 * MARGIN,
            Inches(0.6),
            ["Sample data: these numbers come from generated exports, not from the CRM."],
            size=Pt(18),
            color=WARNING,
        )
    _notes(slide, None, [c.line() for c in content.general_comments], [])


def _goals_slide(prs: PresentationType, content: ExportContent) -> None:
    slide = _new_slide(prs, "Goals in force and the basis of each number")
    width = SLIDE_WIDTH - 2 * MARGIN
    left_width = int(width * 0.52)
    _table(
        slide,
        content.goals,
        MARGIN,
        CONTENT_TOP,
        left_width,
        widths=[1.3, 0.7, 1.8, 2.6],
        max_height=SLIDE_HEIGHT - CONTENT_TOP - Inches(0.4),
    )
    right = MARGIN + left_width + GAP
    _text_box(
        slide,
        right,
        CONTENT_TOP,
        width - left_width - GAP,
        SLIDE_HEIGHT - CONTENT_TOP - Inches(0.4),
        [*content.bases, *content.targets],
        size=Pt(14),
        bullets=True,
    )
    _notes(slide, None, [], [])


def _slide_table(section: Section) -> tuple[Table, list[float]]:
    """The table beside the chart and its relative column widths. The funnel's shows counts
    only: its step conversions go in the text box under it."""
    table = section.table
    if section.ref.key == "funnel":
        keep = [0, 1, 2, 5]
        return Table(
            [table.columns[i] for i in keep],
            [[row[i] for i in keep] for row in table.rows],
            [table.numeric[i] for i in keep],
        ), [1.5, 1.0, 1.2, 1.2]
    if section.ref.entity == "reps":
        return table, [1.7, 0.8, 0.7, 1.5, 0.8, 1.1]
    if section.ref.entity == "campaigns":
        return table, [2.2, 0.8, 0.8, 1.0, 1.3]
    return table, [1.1, 1.3, 0.9, 0.8, 0.9, 1.1]


def _report_slide(prs: PresentationType, section: Section) -> None:
    slide = _new_slide(prs, section.title)
    width = SLIDE_WIDTH - 2 * MARGIN
    if section.is_empty or section.chart is None:
        _text_box(
            slide,
            MARGIN,
            Inches(2.8),
            width,
            Inches(1.2),
            [section.empty_text],
            size=Pt(22),
            color=MUTED,
        )
    else:
        chart_height = BASIS_TOP - CONTENT_TOP - Inches(0.1)
        _chart(slide, section.chart, MARGIN, CONTENT_TOP, CHART_WIDTH, chart_height)
        right = MARGIN + CHART_WIDTH + GAP
        right_width = width - CHART_WIDTH - GAP
        table, widths = _slide_table(section)
        _table(slide, table, right, CONTENT_TOP, right_width, widths=widths)
        if section.facts:  # the funnel's step conversions, under its table
            below = CONTENT_TOP + ROW_HEIGHT * (len(table.rows) + 1) + Inches(0.2)
            _text_box(
                slide,
                right,
                below,
                right_width,
                BASIS_TOP - below - Inches(0.1),
                section.facts,
                size=SMALL_SIZE,
            )
    _basis(slide, section)
    _notes(slide, section, [c.line() for c in section.comments], section.decisions)


def _decision_slides(
    prs: PresentationType, content: ExportContent, *, carried: bool = False
) -> None:
    """This quarter's decisions (a slide even when there are none), or the earlier ones
    carried into it next to this quarter's numbers (only when there are some)."""
    decisions = content.carried if carried else content.decisions
    if carried and not decisions:
        return
    pages = [
        decisions[i : i + DECISIONS_PER_SLIDE]
        for i in range(0, len(decisions), DECISIONS_PER_SLIDE)
    ] or [[]]
    heading = "Decisions carried from earlier quarters" if carried else "Decisions and action items"
    widths = [3.6, 2.4, 1.3, 0.9, 1.0, 3.6] if carried else [5.0, 2.6, 1.6, 1.0, 1.0]
    for number, page in enumerate(pages, start=1):
        title = heading + (f" ({number}/{len(pages)})" if len(pages) > 1 else "")
        slide = _new_slide(prs, title)
        width = SLIDE_WIDTH - 2 * MARGIN
        if not page:
            _text_box(
                slide,
                MARGIN,
                Inches(2.8),
                width,
                Inches(1.2),
                [f"No decisions recorded for {content.quarter.label} yet."],
                size=Pt(22),
                color=MUTED,
            )
        else:
            _table(
                slide,
                decision_table(page, carried=carried),
                MARGIN,
                CONTENT_TOP,
                width,
                widths=widths,
                max_height=SLIDE_HEIGHT - CONTENT_TOP - Inches(0.4),
            )
        _notes(slide, None, [f"- {d.line()} [{d.report_title}]" for d in page], [])


def render_pptx(content: ExportContent) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    props = prs.core_properties
    props.title, props.subject = content.title, content.freshness
    props.author = props.last_modified_by = "Smarketing QBR"
    _title_slide(prs, content)
    _goals_slide(prs, content)
    for section in content.sections:
        _report_slide(prs, section)
    _decision_slides(prs, content)
    _decision_slides(prs, content, carried=True)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
