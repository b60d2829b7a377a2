"""Exports carry names from files as inert text (SPEC §8): no formula in the workbooks embedded
in the deck's charts, no CSV cell a spreadsheet runs in a `,` or a `;` locale, and no
bidirectional control in the deck or the pre-read."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from test_exports import OPTIONS, Q2, qbr_engine, rename_alpha

from smarketing_data import meeting
from smarketing_data.exports import export
from smarketing_data.exports.content import ChartData, Series
from smarketing_data.exports.csv_safe import neutralise, rejects_table, to_csv_bytes
from smarketing_data.exports.pptx_deck import chart_data

FORMULA = "=cmd|' /C calc'!A0"
URL = "http://3232235777/admin"
SEMICOLON = "x;=1+1;"
REVERSED = "\u202eexe.cod"  # shows as "doc.exe" where the override is honoured
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What a spreadsheet takes for the start of a formula in a cell it reads.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")


def workbook_cells(xlsx: bytes) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def embedded_workbooks(deck: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        names = [
            n for n in archive.namelist() if n.startswith("ppt/embeddings/") and n.endswith(".xlsx")
        ]
        return [archive.read(n) for n in names]


def test_chart_workbook_holds_names_as_neutralised_text():
    data = ChartData(
        [FORMULA, URL, "Alpha"],
        [Series("=2+2", [1.0, 2.0, 3.0], "0"), Series("Goal", [None, 1.0, 2.0], "0")],
        value_format="0",
    )
    cells = workbook_cells(chart_data(data).xlsx_blob)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [c.coordinate for c in cells if c.hyperlink is not None] == []
    text = {c.coordinate: c.value for c in cells if c.data_type == "s"}
    assert text == {
        "B1": "'=2+2",
        "C1": "Goal",
        "A2": "'" + FORMULA,
        "A3": URL,
        "A4": "Alpha",
    }


@pytest.fixture(scope="module")
def hostile_deck(tmp_path_factory) -> bytes:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("inert")
    engine = qbr_engine(folder / "qbr.db")
    rename_alpha(engine, folder, FORMULA)
    meeting.add_note(
        engine,
        quarter="2026-Q2",
        report="campaigns.sql.top",
        side="sales",
        author="Ann",
        text=f"See {REVERSED}",
    )
    yield export(engine, quarter=Q2, fmt="pptx", options=OPTIONS)
    engine.dispose()


def test_deck_workbooks_hold_no_formula_and_the_slide_keeps_the_name(hostile_deck):
    books = embedded_workbooks(hostile_deck)
    assert books, "the deck embeds no chart workbook"
    cells = [cell for book in books for cell in workbook_cells(book)]
    assert [c.value for c in cells if c.data_type == "f"] == []
    assert "'" + FORMULA in {c.value for c in cells}
    deck = Presentation(io.BytesIO(hostile_deck))
    labels = {
        label
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart
        for label in shape.chart.plots[0].categories
    }
    assert FORMULA in labels


def test_deck_text_has_no_bidirectional_controls(hostile_deck):
    deck = Presentation(io.BytesIO(hostile_deck))
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide]
    assert any("See exe.cod" in n for n in notes)
    with zipfile.ZipFile(io.BytesIO(hostile_deck)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                assert not BIDI.search(archive.read(name).decode("utf-8")), name


# --- CSV in both list-separator locales -------------------------------------------------------


def spreadsheet_cells(data: bytes, separator: str) -> list[str]:
    """The cells a spreadsheet whose list separator is ``separator`` reads from a CSV: it
    splits at the separator outside quotes, and a quote opens a field only at its start."""
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=separator) for cell in row]


def runnable(cells: list[str]) -> list[str]:
    return [c for c in cells if FORMULA_START.match(c) and not NUMBER.match(c)]


@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_cells_never_start_a_formula_in_either_locale(separator):
    frame = pd.DataFrame(
        {
            "first": [SEMICOLON, "a", "b"],
            "name": [SEMICOLON, "a,@SUM(1)", "y;\t-2+3"],
            "amount": [1.5, -2.0, None],
        }
    )
    assert runnable(spreadsheet_cells(to_csv_bytes(frame), separator)) == []


def test_rejects_csv_is_inert_in_a_semicolon_locale():
    rejected = pd.DataFrame(
        {
            "file_name": ["a;=1+1.csv"],
            "row_number": [3],
            "reason": ["no id"],
            "data": [json.dumps({"Company": SEMICOLON, "Owner;=2+2": "@x"})],
        }
    )
    data = to_csv_bytes(rejects_table(rejected))
    assert runnable(spreadsheet_cells(data, ";")) == []
    assert runnable(spreadsheet_cells(data, ",")) == []


def test_csv_text_cells_are_quoted_and_read_back_neutralised():
    frame = pd.DataFrame({"name": [SEMICOLON, "Alpha"], "n": [1, 2]})
    data = to_csv_bytes(frame)
    assert data.decode("utf-8-sig").splitlines() == ['"name","n"', '"x;\'=1+1;",1', '"Alpha",2']


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (SEMICOLON, "x;'=1+1;"),
        ("a,@SUM(1)", "a,'@SUM(1)"),
        ("a; -1+2", "a; '-1+2"),
        ("a\t=1", "a\t'=1"),
        ("=1;=2", "'=1;'=2"),
        ("1-2", "1-2"),
        ("Alpha, Beta; Gamma", "Alpha, Beta; Gamma"),
    ],
)
def test_every_separated_part_is_neutralised(value, expected):
    assert neutralise(value) == expected


def test_csv_bundle_is_inert_in_a_semicolon_locale(tmp_path):
    engine = qbr_engine(tmp_path / "semicolon.db")
    rename_alpha(engine, tmp_path, SEMICOLON)
    meeting.add_note(
        engine, quarter="2026-Q2", report="funnel", side="sales", author="Ann", text="ok;+1"
    )
    bundle = zipfile.ZipFile(io.BytesIO(export(engine, quarter=Q2, fmt="csv", options=OPTIONS)))
    for name in bundle.namelist():
        if name.endswith(".csv"):
            assert runnable(spreadsheet_cells(bundle.read(name), ";")) == [], name
    engine.dispose()


# --- the pre-read -----------------------------------------------------------------------------


def test_preread_names_are_plain_text_without_bidirectional_controls(tmp_path):
    engine = qbr_engine(tmp_path / "preread.db")
    rename_alpha(engine, tmp_path, f"See {URL} {REVERSED}")
    meeting.add_note(
        engine, quarter="2026-Q2", report="funnel", side="sales", author="Ann", text=REVERSED
    )
    page = export(engine, quarter=Q2, fmt="html", options=OPTIONS).decode("utf-8")
    engine.dispose()
    outside_scripts = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    assert not BIDI.search(outside_scripts)
    assert f">See {URL} exe.cod</td>" in outside_scripts
    # The only links are the contents' anchors inside the page.
    links = re.findall(r"<a\b[^>]*>", outside_scripts)
    assert links and all(tag.startswith('<a href="#') for tag in links), links
