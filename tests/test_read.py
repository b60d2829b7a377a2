"""Reading uploads into tables of strings: encodings, delimiters, XLSX, footers and refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from smarketing_data.ingest import read, xlsx
from smarketing_data.ingest.read import FileError, RawTable, read_table


def load(data: bytes, name: str = "export.csv", **kwargs: int) -> RawTable:
    return read_table(data, file_name=name, **kwargs)


def rows(table: RawTable) -> list[list[str]]:
    return table.frame.to_numpy().tolist()


def refused(data: bytes, name: str = "export.csv", **kwargs: int) -> str:
    with pytest.raises(FileError) as caught:
        read_table(data, file_name=name, **kwargs)
    message = str(caught.value)
    assert "\n" not in message  # one paragraph
    return message


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, sheet_rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes | Iterator[bytes]], level: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for member, content in members.items():
            with archive.open(member, "w", force_zip64=True) as handle:
                for chunk in [content] if isinstance(content, bytes) else content:
                    handle.write(chunk)
    return buffer.getvalue()


def zeros(total: int, chunk: int = 2**20) -> Iterator[bytes]:
    block = bytes(chunk)
    for _ in range(total // chunk):
        yield block


# --- plain CSV ---------------------------------------------------------------------------


def test_plain_utf8_csv() -> None:
    table = load(b'Name,Amount,Created\nAcme,"12,000.00",2024-03-05\nGlobex,5,\n')
    assert table.frame.columns.tolist() == ["Name", "Amount", "Created"]
    assert rows(table) == [["Acme", "12,000.00", "2024-03-05"], ["Globex", "5", ""]]
    assert table.row_numbers.tolist() == [2, 3]
    assert table.row_numbers.dtype == np.int64
    assert (table.encoding, table.delimiter, table.excel) == ("utf-8", ",", False)
    assert table.notes == []
    assert all(dtype is np.dtype(object) for dtype in table.frame.dtypes)
    assert all(type(value) is str for value in table.frame.to_numpy().ravel())


def test_cells_are_stripped_and_crlf_is_fine() -> None:
    table = load(b'Name , Stage\r\n  Acme  ,\t Won \r\n" Globex ",Lost\r\n')
    assert table.frame.columns.tolist() == ["Name", "Stage"]
    assert rows(table) == [["Acme", "Won"], ["Globex", "Lost"]]


def test_utf8_with_bom() -> None:
    table = load("\ufeffName,City\nZoë,Köln\n".encode())
    assert table.encoding == "utf-8-sig"
    assert table.frame.columns.tolist() == ["Name", "City"]
    assert rows(table) == [["Zoë", "Köln"]]


def test_utf16_with_bom_as_excel_unicode_text() -> None:
    text = "Name\tAmount\tCity\r\nRenée\t€ 1.234,56\tMálaga\r\nBo\t7\t\r\n"
    table = load(text.encode("utf-16"), "report.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert rows(table) == [["Renée", "€ 1.234,56", "Málaga"], ["Bo", "7", ""]]


@pytest.mark.parametrize(
    ("codec", "expected"), [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")]
)
def test_utf16_without_bom(codec: str, expected: str) -> None:
    table = load("Name,Amount\nRenée,5\n".encode(codec))
    assert table.encoding == expected
    assert rows(table) == [["Renée", "5"]]


def test_cp1252_fallback() -> None:
    table = load("Name;Amount\nCafé Müller;€ 12,50\n".encode("cp1252"))
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert rows(table) == [["Café Müller", "€ 12,50"]]
    assert table.notes == []


def test_undecodable_bytes_are_replaced_with_a_note() -> None:
    # 0x81 is undefined in cp1252 and invalid in UTF-8
    table = load(b"Name,Note\nA,caf\xe9 \x81\n")
    assert table.encoding == "cp1252"
    assert rows(table) == [["A", "café \ufffd"]]
    assert table.notes == ["some characters could not be decoded and were replaced by �"]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Name;Amount;Closed\nAcme;1.234,56;05.03.2024\nB;2,5;\n", ";"),
        ("Name\tAmount\tClosed\nAcme\t1.234,56\t05.03.2024\nB\t2,5\t\n", "\t"),
        ("Name|Amount|Closed\nAcme|1.234,56|05.03.2024\nB|2,5|\n", "|"),
        ('Name,Amount,Closed\nAcme,"1.234,56",05.03.2024\nB,"2,5",\n', ","),
    ],
)
def test_delimiters(text: str, delimiter: str) -> None:
    table = load(text.encode())
    assert table.delimiter == delimiter
    assert rows(table) == [["Acme", "1.234,56", "05.03.2024"], ["B", "2,5", ""]]


def test_delimiter_ignores_quoted_commas_and_ties_go_to_comma() -> None:
    assert load(b'"a,b,c";d;e\n1;2;3\n').delimiter == ";"
    assert load(b"a;b,c\n1;2,3\n").delimiter == ","


def test_quoted_multiline_cells_count_records_not_lines() -> None:
    data = (
        b"Name,Notes,Amount\n"
        b'Acme,"first line\nsecond line",1\n'
        b'Globex,"said ""hi""",2\n'
        b'Initech,"a\r\n\r\nb, c",3\n'
        b"Umbrella,plain,4\n"
    )
    table = load(data)
    assert rows(table) == [
        ["Acme", "first line\nsecond line", "1"],
        ["Globex", 'said "hi"', "2"],
        ["Initech", "a\r\n\r\nb, c", "3"],
        ["Umbrella", "plain", "4"],
    ]
    assert table.row_numbers.tolist() == [2, 3, 4, 5]


def test_blank_lines_are_skipped_and_counted() -> None:
    table = load(b"Name,Amount\n\nA,1\n,\n  ,  \nB,2\n\n")
    assert rows(table) == [["A", "1"], ["B", "2"]]
    assert table.row_numbers.tolist() == [3, 6]
    assert table.notes == ["4 blank rows skipped"]


def test_one_blank_row_note_is_singular() -> None:
    assert load(b"Name\n\nA\n").notes == ["1 blank row skipped"]


def test_ragged_rows_are_padded_or_trimmed() -> None:
    table = load(b"Name,Amount,Stage\nA,1\nB,2,Won,extra,more\nC\n")
    assert rows(table) == [["A", "1", ""], ["B", "2", "Won"], ["C", "", ""]]
    assert table.row_numbers.tolist() == [2, 3, 4]


def test_header_only_gives_an_empty_frame() -> None:
    table = load(b"Name,Amount,Close Date\n")
    assert table.frame.columns.tolist() == ["Name", "Amount", "Close Date"]
    assert len(table.frame) == 0
    assert table.row_numbers.tolist() == []
    assert table.row_numbers.dtype == np.int64


def test_single_column_file() -> None:
    table = load(b"Email\na@example.com\nb@example.com\n")
    assert rows(table) == [["a@example.com"], ["b@example.com"]]
    assert table.delimiter == ","


def test_header_names_are_cleaned_and_deduplicated() -> None:
    data = "\ufeff Email ,email,E  mail,EMAIL,,Close\t Date,Name (2),name\nA,B,C,D,E,F,G,H\n"
    table = load(data.encode("utf-8"))
    assert table.frame.columns.tolist() == [
        "Email",
        "email (2)",
        "E mail (3)",
        "EMAIL (4)",
        "Column 5",
        "Close Date",
        "Name (2)",
        "name",
    ]
    assert rows(table) == [list("ABCDEFGH")]


def test_name_made_unique_does_not_collide_with_an_existing_one() -> None:
    table = load(b"Name,Name (2),name\n1,2,3\n")
    assert table.frame.columns.tolist() == ["Name", "Name (2)", "name (3)"]


def test_empty_trailing_columns_are_dropped() -> None:
    table = load(b"Name,Amount,,\nA,1,,\nB,2,,\n")
    assert table.frame.columns.tolist() == ["Name", "Amount"]


def test_title_rows_above_the_header_are_skipped() -> None:
    data = (
        b"Opportunity Pipeline\n"
        b"As of 3/5/2024\n"
        b"\n"
        b"Name,Amount,Stage,Owner\n"
        b"Acme,100,Won,Ann\n"
        b"Globex,,Lost,\n"
    )
    table = load(data)
    assert table.frame.columns.tolist() == ["Name", "Amount", "Stage", "Owner"]
    assert rows(table) == [["Acme", "100", "Won", "Ann"], ["Globex", "", "Lost", ""]]
    assert table.row_numbers.tolist() == [5, 6]
    assert table.notes == [
        "skipped 2 rows above the header row (report title)",
        "1 blank row skipped",
    ]


# --- Salesforce report footers -----------------------------------------------------------

DATA = b'"Opportunity Name","Amount","Stage"\n"Acme","100","Won"\n"Globex","200","Lost"\n'


def test_salesforce_footer_is_dropped() -> None:
    footer = (
        b"\n"
        b'"Grand Totals (3 records)"\n'
        b"\n"
        b'"Confidential Information - Do Not Distribute"\n'
        b'"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
    )
    table = load(DATA + footer)
    assert rows(table) == [["Acme", "100", "Won"], ["Globex", "200", "Lost"]]
    assert table.row_numbers.tolist() == [2, 3]
    assert table.notes == [
        "2 blank rows skipped",
        "dropped Salesforce report footer (3 rows)",
    ]


def test_classic_footer_with_title_and_company_name() -> None:
    footer = (
        b"\n\n"
        b'"Opportunity Pipeline"\n'
        b'"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
        b'"Confidential Information - Do Not Distribute"\n'
        b'"Generated By:  Ann Example  3/5/2024 2:07 PM"\n'
        b'"Acme Corporation"\n'
    )
    table = load(DATA + footer)
    assert rows(table) == [["Acme", "100", "Won"], ["Globex", "200", "Lost"]]
    assert table.notes == [
        "2 blank rows skipped",
        "dropped Salesforce report footer (5 rows)",
    ]


def test_grand_totals_row_with_sums_is_dropped() -> None:
    table = load(DATA + b'"Grand Totals (2 records)","300",""\n')
    assert rows(table) == [["Acme", "100", "Won"], ["Globex", "200", "Lost"]]
    assert table.notes == ["dropped Salesforce report footer (1 row)"]


@pytest.mark.parametrize(
    "last_row",
    [
        b'"Total Wine & More","50","Won"\n',  # a real account that starts with "Total"
        b'"Filtered view","",""\n',  # single cell but not a footer phrase
    ],
)
def test_data_rows_that_only_look_like_footers_are_kept(last_row: bytes) -> None:
    table = load(DATA + last_row)
    assert len(table.frame) == 3
    assert table.notes == []


def test_footer_words_inside_the_data_are_kept() -> None:
    table = load(DATA + b'"Total"\n' + b'"Zeta","1","Won"\n')
    assert table.frame["Opportunity Name"].tolist() == ["Acme", "Globex", "Total", "Zeta"]


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_with_title_row_and_real_datetimes() -> None:
    data = xlsx_bytes(
        {
            "Report": [
                ["Opportunities by Owner"],
                [],
                ["Name", "Created", "Close Date", "Amount", "Won", "Probability", "Call Time"],
                [
                    "Acme",
                    dt.datetime(2024, 3, 5, 14, 7, 9),
                    dt.date(2024, 3, 31),
                    12000.0,
                    True,
                    0.25,
                    dt.time(9, 30),
                ],
                ["Globex", dt.datetime(2024, 3, 6, 8, 0, 0, 500_000), None, 99, False, 1.5, None],
            ]
        }
    )
    table = load(data, "report.csv")  # content decides, not the name
    assert (table.excel, table.encoding, table.delimiter) == (True, None, None)
    assert table.frame.columns.tolist() == [
        "Name",
        "Created",
        "Close Date",
        "Amount",
        "Won",
        "Probability",
        "Call Time",
    ]
    assert rows(table) == [
        ["Acme", "2024-03-05T14:07:09", "2024-03-31", "12000", "true", "0.25", "09:30:00"],
        ["Globex", "2024-03-06T08:00:00.500000", "", "99", "false", "1.5", ""],
    ]
    assert table.row_numbers.tolist() == [4, 5]
    assert table.notes == [
        "skipped 1 row above the header row (report title)",
        "1 blank row skipped",
    ]


def test_xlsx_formatted_report_with_an_empty_first_column() -> None:
    data = xlsx_bytes(
        {"Report": [[None, "Report title"], [], [None, "Name", "Stage"], [None, "A", "Won"]]}
    )
    table = load(data, "formatted.xlsx")
    assert table.frame.columns.tolist() == ["Name", "Stage"]
    assert rows(table) == [["A", "Won"]]
    assert table.row_numbers.tolist() == [4]


def test_xlsx_with_raw_serial_dates() -> None:
    data = xlsx_bytes({"Sheet1": [["Name", "Close Date"], ["A", 45356], ["B", 45356.5]]})
    assert rows(load(data, "serials.xlsx")) == [["A", "45356"], ["B", "45356.5"]]


def test_xlsx_first_sheet_with_data_is_read() -> None:
    data = xlsx_bytes({"Cover": [], "Leads": [["Email", "Name"], ["a@x.io", "Ann"]]})
    table = load(data, "leads.xlsx")
    assert rows(table) == [["a@x.io", "Ann"]]
    assert table.row_numbers.tolist() == [2]
    assert table.notes == ["read sheet “Leads” (the first sheet with data)"]


def test_xlsx_footer_and_blank_rows() -> None:
    data = xlsx_bytes(
        {
            "Report": [
                ["Name", "Amount"],
                ["Acme", 5],
                [],
                ["Grand Totals (1 record)"],
                ["Confidential Information - Do Not Distribute"],
            ]
        }
    )
    table = load(data, "r.xlsx")
    assert rows(table) == [["Acme", "5"]]
    assert table.notes == ["1 blank row skipped", "dropped Salesforce report footer (2 rows)"]


def test_xlsx_without_any_data_is_empty() -> None:
    assert "the file is empty" in refused(xlsx_bytes({"Sheet": []}), "blank.xlsx")


def test_cell_values_as_text() -> None:
    assert xlsx.number_text("3") == "3"
    assert xlsx.number_text("3.0") == "3"
    assert xlsx.number_text("007") == "7"
    assert xlsx.number_text("-0.5") == "-0.5"
    assert xlsx.number_text("1e-05") == "1e-05"
    assert xlsx.number_text("1.2E+3") == "1200"
    assert xlsx.number_text(" n/a ") == "n/a"  # not a number: kept as written
    # serial 45356 is 2024-03-05; a quarter of a day is 6 o'clock
    assert xlsx.serial_text("45356", "date", False) == "2024-03-05"
    assert xlsx.serial_text("45356.25", "date", False) == "2024-03-05T06:00:00"
    assert xlsx.serial_text("0.25", "date", False) == "06:00:00"
    # 0.123456789 of a day is 10,666.667 s: 02:57:46.667, to the millisecond
    assert xlsx.serial_text("45356.123456789", "date", False) == "2024-03-05T02:57:46.667000"
    # Excel's phantom 29 February 1900: serials on either side of it
    assert xlsx.serial_text("59", "date", False) == "1900-02-28"
    assert xlsx.serial_text("61", "date", False) == "1900-03-01"
    assert xlsx.serial_text("1", "date", True) == "1904-01-02"
    # 1.0854166… days is 26 h 3 min
    assert xlsx.serial_text("1.085416666666667", "duration", False) == "26:03:00"
    assert xlsx.serial_text("1e20", "date", False) == "100000000000000000000"
    assert xlsx.duration_text(dt.timedelta(hours=-1, seconds=-2)) == "-01:00:02"
    assert [xlsx.column_number(c) for c in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]


def test_number_formats_that_show_dates() -> None:
    kinds = {
        code: xlsx._format_kind(164, code)
        for code in (
            "yyyy-mm-dd",
            "d/m/yy h:mm",
            "[$-409]mmmm d, yyyy",
            "h:mm AM/PM",
            "[h]:mm:ss",
            "0.00%",
            '"day" 0',
            "#,##0;[Red]-#,##0",
            "General",
            "@",
        )
    }
    assert kinds == {
        "yyyy-mm-dd": "date",
        "d/m/yy h:mm": "date",
        "[$-409]mmmm d, yyyy": "date",
        "h:mm AM/PM": "date",
        "[h]:mm:ss": "duration",
        "0.00%": None,
        '"day" 0': None,
        "#,##0;[Red]-#,##0": None,
        "General": None,
        "@": None,
    }
    assert [xlsx._format_kind(n, None) for n in (0, 14, 22, 46, 49)] == [
        None,
        "date",
        "date",
        "duration",
        None,
    ]


SHEET_XML = b"""<?xml version="1.0"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>
<x:c t="s"><x:v>2</x:v></x:c><x:c t="inlineStr"><x:is><x:t>Flag</x:t></x:is></x:c></x:row>
<x:row><x:c t="s"><x:v>3</x:v></x:c><x:c s="1"><x:v>45356.25</x:v></x:c><x:c/>
<x:c t="b"><x:v>1</x:v></x:c></x:row>
<x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:r><x:t>ab</x:t></x:r>
<x:r><x:t xml:space="preserve"> cd</x:t></x:r><x:rPh><x:t>PH</x:t></x:rPh></x:is></x:c>
<x:c r="B5" t="d"><x:v>2024-03-05T10:00:00</x:v></x:c>
<x:c r="C5" t="e"><x:v>#DIV/0!</x:v></x:c>
<x:c r="D5" t="str"><x:f>A1</x:f><x:v>x &amp; y</x:v></x:c></x:row>
</x:sheetData></x:worksheet>"""
SHARED_XML = b"""<?xml version="1.0"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<si><t>Name</t></si><si><t>Created</t></si><si><r><t>No</t></r><r><t>tes</t></r>
<rPh><t>phonetic</t></rPh></si><si><t>Acme</t></si></sst>"""
STYLES_XML = b"""<?xml version="1.0"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>
<cellStyleXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellStyleXfs>
<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>"""
RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade_workbook(sheet: bytes = SHEET_XML) -> bytes:
    """A workbook as other programs write them: a namespace prefix, cells and rows without
    references, rich and phonetic text, a chart sheet first, parts found through the rels."""
    workbook = (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:rel="{RELS_NS}"><sheets><sheet name="Chart" sheetId="2" rel:id="rId9"/>'
        '<sheet name="Data" sheetId="1" rel:id="rId1"/></sheets></workbook>'
    )
    relation = '<Relationship Id="{}" Type="{}/{}" Target="{}"/>'
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + relation.format("rId1", RELS_NS, "worksheet", "/xl/worksheets/data.xml")
        + relation.format("rId9", RELS_NS, "chartsheet", "chartsheets/sheet1.xml")
        + relation.format("rId2", RELS_NS, "sharedStrings", "strings.xml")
        + relation.format("rId3", RELS_NS, "styles", "styles.xml")
        + "</Relationships>"
    )
    return zip_bytes(
        {
            "xl/workbook.xml": workbook.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "xl/worksheets/data.xml": sheet,
            "xl/chartsheets/sheet1.xml": b"<chartsheet/>",
            "xl/strings.xml": SHARED_XML,
            "xl/styles.xml": STYLES_XML,
        }
    )


def test_xlsx_as_other_programs_write_it() -> None:
    table = load(handmade_workbook(), "other.xlsx")
    assert table.frame.columns.tolist() == ["Name", "Created", "Notes", "Flag"]
    assert rows(table) == [
        ["Acme", "2024-03-05T06:00:00", "", "true"],
        ["ab cd", "2024-03-05T10:00:00", "", "x & y"],
    ]
    assert table.row_numbers.tolist() == [2, 5]
    assert table.notes == ["read sheet “Data” (the first sheet with data)", "2 blank rows skipped"]


def test_xlsx_with_a_document_type_is_refused() -> None:
    sheet = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + SHEET_XML.split(b"?>", 1)[1]
    assert "could not be opened (the XML declares a document type)" in refused(
        handmade_workbook(sheet), "dtd.xlsx"
    )


def test_xlsx_cell_out_of_the_shared_strings() -> None:
    sheet = SHEET_XML.replace(b"<x:v>3</x:v>", b"<x:v>99</x:v>")
    assert "a cell refers to shared string '99'" in refused(handmade_workbook(sheet), "s.xlsx")


def test_xlsx_sheets_over_twice_the_upload_limit_are_refused() -> None:
    row = b'<x:row><x:c t="inlineStr"><x:is><x:t>' + b"x" * 1000 + b"</x:t></x:is></x:c></x:row>"
    sheet = SHEET_XML.replace(b"</x:sheetData>", row * 3000 + b"</x:sheetData>")
    data = handmade_workbook(sheet)
    assert len(data) < 2**20  # under the upload limit; its sheet unpacks to 3 MB
    message = refused(data, "wide.xlsx", max_bytes=2**20)
    assert message.startswith(
        "“wide.xlsx” would unpack to 3 MB of sheet data, more than the 2 MB an Excel upload "
        "may unpack to (2× the 1 MB upload limit), so it was not opened."
    )
    assert len(load(data, "wide.xlsx", max_bytes=2 * 2**20).frame) == 3002


def test_xlsx_cell_far_from_the_data_is_refused() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Email"])
    workbook.active.append(["Ann", "a@x.io"])
    workbook.active["XFD1048576"] = "stray"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "has cells up to row 1,048,576 and column 16,384" in refused(buffer.getvalue())


# --- refusals ----------------------------------------------------------------------------


def test_zip_that_is_not_a_workbook() -> None:
    message = refused(zip_bytes({"export.csv": b"a,b\n1,2\n"}), "export.zip")
    assert "a ZIP archive, not an Excel workbook" in message


def test_damaged_workbook() -> None:
    data = zip_bytes({"xl/workbook.xml": b"<not really>", "[Content_Types].xml": b"?"})
    assert "could not be opened" in refused(data, "broken.xlsx")


def test_truncated_zip() -> None:
    data = xlsx_bytes({"S": [["a", "b"], [1, 2]]})
    assert "could not be opened" in refused(data[: len(data) // 2], "cut.xlsx")


@pytest.mark.slow
def test_zip_bomb_is_refused_before_parsing() -> None:
    bomb = zip_bytes(
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": zeros(2**30 + 2**20)}
    )
    assert len(bomb) < 8 * 2**20
    message = refused(bomb, "bomb.xlsx")
    assert "would unpack to 1,025 MB" in message


def test_tightly_packed_member_is_refused() -> None:
    # 60 MB of zeros packs more than 100:1 although the total is far below 1 GiB
    packed = zip_bytes(
        {"xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": zeros(60 * 2**20)}
    )
    assert "would unpack to 60 MB" in refused(packed, "packed.xlsx")


def test_total_unpacked_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "ZIP_TOTAL_LIMIT", 2**20)
    # random bytes do not compress, so only the total size can trigger here
    noise = os.urandom(2**20 + 1)
    data = zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/media/image1.bin": noise})
    assert "would unpack to" in refused(data, "big.xlsx")


def test_legacy_xls() -> None:
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.xls")
    assert ".xls" in message and "save it as .xlsx or .csv" in message


def test_pdf_renamed_to_csv() -> None:
    message = refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "report.csv")
    assert "is a PDF document, not a CSV or XLSX table" in message
    assert "“report.csv”" in message


def test_random_binary() -> None:
    noise = np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    assert "binary data, not a text table" in refused(noise, "noise.csv")


def test_control_characters_mean_binary() -> None:
    data = b"a,b\n" + b"\x01\x02\x03x,y\n" * 50
    assert "binary data, not a text table" in refused(data)


@pytest.mark.parametrize("data", [b"", b"   \r\n\n\t", b"\xef\xbb\xbf", b"\n,\n,,\n"])
def test_empty_files(data: bytes) -> None:
    assert "the file is empty" in refused(data)


def test_empty_utf16_file() -> None:
    assert "the file is empty" in refused("\r\n \r\n".encode("utf-16"))


def test_first_line_over_one_megabyte() -> None:
    line = b"x" * (2 * 2**20)
    message = refused(line)
    assert "the first line is over 1 MB long" in message
    assert "does not look like a table with a header row" in message
    assert "over 1 MB" in refused(line + b"\na\n")


def test_first_line_just_under_the_limit_is_fine() -> None:
    header = b"A," + b"x" * (2**20 - 10)
    table = load(header + b"\n1,2\n")
    assert rows(table) == [["1", "2"]]


def test_size_limit() -> None:
    message = refused(b"a,b\n" + b"1,2\n" * 300_000, max_bytes=2**20)
    assert "1 MB upload limit" in message


def test_row_limit() -> None:
    assert load(b"a\n1\n2\n", max_rows=2).row_numbers.tolist() == [2, 3]
    assert "more than 2 data rows" in refused(b"a\n1\n2\n3\n", max_rows=2)


def test_row_limit_in_xlsx() -> None:
    data = xlsx_bytes({"S": [["a"], [1], [2], [3]]})
    assert "more than 2 data rows" in refused(data, "x.xlsx", max_rows=2)


def test_unclosed_quote() -> None:
    message = refused(b'Name,Notes\nAcme,"never closed\nGlobex,x\n')
    assert "could not be split into rows and columns" in message
    assert "never closed" in message


def test_reads_from_a_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Email", "Notes"], ["a@x.io", "multi\nline"]])
    table = load(path.read_bytes(), path.name)
    assert rows(table) == [["a@x.io", "multi\nline"]]


# --- properties --------------------------------------------------------------------------

cells = st.text(alphabet=st.sampled_from(list("abcXYZ019 ,;|\t\"'\n.-€é")), min_size=0, max_size=12)
headers = st.lists(
    st.text(alphabet="abcdefgh", min_size=1, max_size=6),
    min_size=2,
    max_size=5,
    unique_by=str.lower,
)


@settings(max_examples=80, deadline=None)
@given(
    names=headers,
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_any_written_table_reads_back(
    names: list[str], data: st.DataObject, delimiter: str, encoding: str, newline: str
) -> None:
    body = data.draw(
        st.lists(
            st.lists(cells, min_size=len(names), max_size=len(names)).filter(
                # a row needs two filled cells so that it can never pass for a footer line
                lambda row: sum(bool(cell.strip()) for cell in row) >= 2
            ),
            max_size=8,
        )
    )
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows([names, *body])
    text = buffer.getvalue()
    encoded = text.encode(encoding)
    expected_encoding = encoding
    if encoding == "cp1252":
        expected_encoding = "utf-8" if text.isascii() else "cp1252"
        assume(text.isascii() or not _decodes_as_utf8(encoded))
    table = load(encoded)
    assert table.delimiter == delimiter
    assert table.encoding == expected_encoding
    assert table.frame.columns.tolist() == names
    assert rows(table) == [[cell.strip() for cell in row] for row in body]
    assert table.row_numbers.tolist() == list(range(2, len(body) + 2))


def _decodes_as_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
