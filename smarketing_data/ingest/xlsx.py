"""Reading an XLSX workbook's first worksheet with data as columns of text, streamed.

Each part is parsed with expat as it is inflated from the ZIP archive, so memory follows the
cells kept, never the size of the XML, and no cell grid is allocated from a sheet's claimed
extent. How much XML may be parsed at all is checked before any of it is (``xml_limit``).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

import numpy as np

CHUNK = 2**20
# Excel's built-in number formats that show a date or a time; 46 ([h]:mm:ss) is a duration.
BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)])
BUILTIN_DURATION_FORMATS = frozenset([46])
# Serial 60 is Excel's 29 February 1900, a day that never was: earlier serials count from
# 31 December 1899, later ones from 30 December (as Excel shows them).
EPOCH_1900_EARLY = dt.datetime(1899, 12, 31)
EPOCH_1900 = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)
MS_PER_DAY = 86_400_000

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)
_BRACKETS = re.compile(r"\[[^\]]*\]")
_AM_PM = re.compile(r"am/pm|a/p", re.IGNORECASE)
_DATE_TOKENS = re.compile(r"[dmyhs]", re.IGNORECASE)
_DIGITS = "0123456789"
_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
    "http://purl.oclc.org/ooxml/spreadsheetml/main}",  # Strict Open XML
    "",
)
# The sheet elements the reader acts on, by their namespace-qualified names.
_SHEET_TAGS = {ns + tag: tag for ns in _NAMESPACES for tag in ("c", "v", "t", "row", "rPh")}


class WorkbookError(Exception):
    """The archive is not a workbook this reader can follow (missing or malformed parts)."""


class TooMuchXml(Exception):
    """The parts to parse would inflate to more than the limit; ``size`` is their total."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class TooManyCells(Exception):
    """A sheet reaches further than the cell limit allows; its furthest row and column."""

    def __init__(self, rows: int, columns: int) -> None:
        super().__init__(rows, columns)
        self.rows, self.columns = rows, columns


@dataclass
class Sheet:
    """One worksheet as text: ``columns[j][i]`` is the cell of column j, spreadsheet row i+1.

    ``truncated``: reading stopped after ``row_cap`` rows. ``sheets``: sheets in the book.
    """

    name: str
    columns: list[np.ndarray]
    rows: int
    truncated: bool
    sheets: int


@dataclass
class _Book:
    sheets: list[tuple[str, str]]  # (name, part path) of each worksheet, in workbook order
    listed: int  # sheets of any type (chart sheets too), as the workbook shows them
    shared_strings: str | None
    styles: str | None
    date1904: bool = False
    parts: list[str] = field(default_factory=list)  # every part the reader parses


def read_first_sheet(
    archive: zipfile.ZipFile, *, xml_limit: int, row_cap: int, cell_cap: int
) -> Sheet | None:
    """The first worksheet holding any value, or None when no sheet does.

    Refuses (TooMuchXml) before parsing shared strings or sheets when the parts to parse add
    up to more than ``xml_limit`` bytes; stops after ``row_cap`` rows; refuses (TooManyCells)
    a sheet that would span more than ``cell_cap`` cells, blank ones included.
    """
    book = _book(archive, xml_limit)
    total = sum(_member(archive, part).file_size for part in book.parts)
    if total > xml_limit:
        raise TooMuchXml(total)
    strings = _shared_strings(archive, book.shared_strings)
    formats = _cell_formats(archive, book.styles)
    for name, part in book.sheets:
        grid = _SheetGrid(strings, formats, book.date1904, row_cap, cell_cap)
        _parse(archive, part, grid.start, grid.end, grid.text)
        if grid.rows:
            return Sheet(name, grid.arrays(), grid.rows, grid.truncated, book.listed)
    return None


# --- parts and their parsing ----------------------------------------------------------------


def _member(archive: zipfile.ZipFile, part: str) -> zipfile.ZipInfo:
    try:
        return archive.getinfo(part)
    except KeyError as exc:
        raise WorkbookError(f"the part {part} is missing") from exc


class _Stop(Exception):
    """Raised from a handler to end parsing early (the row cap was reached)."""


def _refuse_dtd(*_args: object) -> None:
    # Workbooks never declare a DTD; refusing one rules out entity expansion of any kind.
    raise WorkbookError("the XML declares a document type")


def _parse(
    archive: zipfile.ZipFile,
    part: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream one part through expat. Element names reach the handlers namespace-qualified,
    "uri}local" (see ``local``)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 2**16
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        with archive.open(_member(archive, part)) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        return
    except expat.ExpatError as exc:
        raise WorkbookError(f"{part}: {exc}") from exc


def local(qualified: str) -> str:
    """An element's name without its namespace."""
    return qualified.rpartition("}")[2]


def _book(archive: zipfile.ZipFile, xml_limit: int) -> _Book:
    """The worksheets in workbook order and where the shared strings and styles are."""
    workbook, rels = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    size = sum(_member(archive, part).file_size for part in (workbook, rels))
    if size > xml_limit:
        raise TooMuchXml(size)
    listed: list[tuple[str, str]] = []
    flags: dict[str, bool] = {}

    def on_workbook(qualified: str, attrs: dict[str, str]) -> None:
        name = local(qualified)
        if name == "sheet":
            listed.append((attrs.get("name", ""), attrs.get(_REL, "")))
        elif name == "workbookPr":
            flags["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")

    _parse(archive, workbook, on_workbook)
    targets: dict[str, tuple[str, str]] = {}

    def on_rels(qualified: str, attrs: dict[str, str]) -> None:
        if local(qualified) == "Relationship" and attrs.get("TargetMode") != "External":
            kind = attrs.get("Type", "").rpartition("/")[2]
            targets[attrs.get("Id", "")] = (kind, _part_path(attrs.get("Target", "")))

    _parse(archive, rels, on_rels)
    sheets = [(n, targets[r][1]) for n, r in listed if targets.get(r, ("",))[0] == "worksheet"]
    names = set(archive.namelist())
    present = {kind: path for kind, path in targets.values() if path in names}
    strings, styles = present.get("sharedStrings"), present.get("styles")
    parts = [workbook, rels, *(p for p in (strings, styles) if p), *(p for _, p in sheets)]
    return _Book(sheets, len(listed), strings, styles, flags.get("date1904", False), parts)


def _part_path(target: str) -> str:
    """A relationship target of the workbook as a path in the archive."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    """Each shared string's text: its runs joined, phonetic guides (rPh) left out."""
    strings: list[str] = []
    pieces: list[str] = []
    state = {"text": False, "phonetic": False}

    def start(qualified: str, _attrs: dict[str, str]) -> None:
        name = local(qualified)
        if name == "t":
            state["text"] = not state["phonetic"]
        elif name == "rPh":
            state["phonetic"] = True

    def end(qualified: str) -> None:
        name = local(qualified)
        if name == "t":
            state["text"] = False
        elif name == "rPh":
            state["phonetic"] = False
        elif name == "si":
            strings.append("".join(pieces))
            pieces.clear()

    def text(data: str) -> None:
        if state["text"]:
            pieces.append(data)

    if part is not None:
        _parse(archive, part, start, end, text)
    return strings


def _cell_formats(archive: zipfile.ZipFile, part: str | None) -> list[str | None]:
    """Per cell style index: "date", "duration" or None (the number is shown as a number)."""
    custom: dict[int, str] = {}
    styles: list[int] = []
    inside = {"cellXfs": False}

    def start(qualified: str, attrs: dict[str, str]) -> None:
        name = local(qualified)
        if name == "numFmt":
            custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            inside["cellXfs"] = True
        elif name == "xf" and inside["cellXfs"]:
            styles.append(_int(attrs.get("numFmtId")))

    def end(qualified: str) -> None:
        if local(qualified) == "cellXfs":
            inside["cellXfs"] = False

    if part is not None:
        _parse(archive, part, start, end)
    return [_format_kind(number, custom.get(number)) for number in styles]


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _format_kind(number: int, code: str | None) -> str | None:
    """Whether a number format shows a date or time ("date"), a duration, or a number."""
    if code is None:
        if number in BUILTIN_DURATION_FORMATS:
            return "duration"
        return "date" if number in BUILTIN_DATE_FORMATS else None
    section = _QUOTED.sub("", code).split(";", 1)[0]
    if _ELAPSED.search(section):
        return "duration"
    section = _AM_PM.sub("", _BRACKETS.sub("", section))
    return "date" if _DATE_TOKENS.search(section) else None


# --- cell values as text ----------------------------------------------------------------------


def number_text(text: str) -> str:
    """A number cell as the text a person reads: 12000.0 as "12000", 0.25 as "0.25"."""
    if text.isdigit() and len(text) < 16 and (len(text) == 1 or text[0] != "0"):
        return text
    try:
        value = float(text)
    except ValueError:
        return text.strip()
    return str(int(value)) if value.is_integer() else repr(value)


def serial_text(text: str, kind: str, date1904: bool) -> str:
    """A date-formatted number as ISO text: a date at midnight, a time below serial 1, a
    duration as hours:minutes:seconds; the number itself when it is no date at all."""
    try:
        serial = float(text)
        if kind == "duration":
            return duration_text(dt.timedelta(days=serial))
        base = EPOCH_1904 if date1904 else EPOCH_1900_EARLY if serial < 60 else EPOCH_1900
        moment = base + dt.timedelta(milliseconds=round(serial * MS_PER_DAY))
    except (ValueError, OverflowError):
        return number_text(text)
    spec = "microseconds" if moment.microsecond else "seconds"
    if serial < 1:
        return moment.time().isoformat(timespec=spec)
    if moment.time() == dt.time():
        return moment.date().isoformat()
    return moment.isoformat(timespec=spec)


def duration_text(value: dt.timedelta) -> str:
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def column_number(letters: str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - 64)
    return number


# --- one sheet ------------------------------------------------------------------------------


class _SheetGrid:
    """Expat handlers that build a sheet's columns of text row by row.

    Only rows holding a value are kept; the blank rows before one are filled in then, as a
    spreadsheet shows them. A cell's column comes from its reference, else it follows the
    previous cell; a row's number likewise.
    """

    def __init__(
        self,
        strings: list[str],
        formats: list[str | None],
        date1904: bool,
        row_cap: int,
        cell_cap: int,
    ) -> None:
        self.strings, self.formats, self.date1904 = strings, formats, date1904
        self.row_cap, self.cell_cap = row_cap, cell_cap
        self.columns: list[list[str]] = []
        self.rows = 0  # rows in the grid so far
        self.truncated = False
        self.row: list[str] = []  # the current row's cells by column
        self.pieces: list[str] = []  # text of the current cell
        self.collect = False  # inside a <v>, or a <t> outside a phonetic guide
        self.phonetic = False
        self.number = 0  # the current row's number
        self.allowed = cell_cap  # cells the current row may hold within the cell limit
        self.column = self.next_column = 0  # the current cell's column, type and style
        self.kind: str | None = None
        self.style: str | None = None
        self.letters: dict[str, int] = {}
        self.shown: dict[str | None, str | None] = {None: None}

    def start(self, qualified: str, attrs: dict[str, str]) -> None:
        # the hot path of an import: one call per element, so the common cases come first
        name = _SHEET_TAGS.get(qualified)
        if name == "c":
            ref = attrs.get("r")
            if ref:
                column = self.letters.get(ref.rstrip(_DIGITS))
                self.column = self._column(ref) if column is None else column
            else:
                self.column = self.next_column
            self.kind, self.style = attrs.get("t"), attrs.get("s")
            self.pieces = []
        elif name == "v" or (name == "t" and not self.phonetic):
            self.collect = True
        elif name == "row":
            number = attrs.get("r")
            self.number = max(_int(number) if number else self.number + 1, self.rows + 1)
            self.allowed = self.cell_cap // self.number
            self.row, self.next_column = [], 0
        elif name == "rPh":
            self.phonetic = True

    def end(self, qualified: str) -> None:
        name = _SHEET_TAGS.get(qualified)
        if name == "c":
            self.next_column = self.column + 1
            value = self._value()
            if value:
                column, row = self.column, self.row
                if column == len(row) and column < self.allowed:
                    row.append(value)
                else:
                    self._place(column, value)
        elif name == "v" or name == "t":
            self.collect = False
        elif name == "row":
            self._end_row()
        elif name == "rPh":
            self.phonetic = False

    def text(self, data: str) -> None:
        if self.collect:
            self.pieces.append(data)

    def _column(self, ref: str) -> int:
        letters = ref.rstrip(_DIGITS)
        column = self.letters[letters] = column_number(letters) - 1
        return column

    def _value(self) -> str:
        pieces = self.pieces
        text = pieces[0] if len(pieces) == 1 else "".join(pieces)
        kind = self.kind
        if kind is None or kind == "n":
            if not text:
                return ""
            shown = self._shown(self.style)
            return serial_text(text, shown, self.date1904) if shown else number_text(text)
        if kind == "s":
            return self._shared(text)
        if kind == "b":
            return "true" if text.strip() in ("1", "true") else "false"
        if kind == "e":
            return ""  # #N/A, #DIV/0! …: no value to import
        return text  # inlineStr, str (a formula's text), d (an ISO 8601 date)

    def _shown(self, style: str | None) -> str | None:
        """How the cell style shows a number: "date", "duration" or None."""
        if style not in self.shown:
            index = _int(style)
            self.shown[style] = self.formats[index] if index < len(self.formats) else None
        return self.shown[style]

    def _shared(self, text: str) -> str:
        try:
            return self.strings[int(text)]
        except (ValueError, IndexError) as exc:
            raise WorkbookError(f"a cell refers to shared string {text!r}") from exc

    def _place(self, column: int, value: str) -> None:
        """A cell after a gap in its row, or out of order, or past the cells allowed."""
        row = self.row
        if column >= len(row):
            self._check_extent(self.number, column + 1)
            row.extend([""] * (column - len(row) + 1))
        row[column] = value

    def _end_row(self) -> None:
        row, columns, number = self.row, self.columns, self.number
        self.row = []
        if not row:
            return
        if number > self.row_cap:
            self.truncated = True
            raise _Stop
        self._check_extent(number, max(len(row), len(columns)))
        if number - 1 > self.rows:
            for column in columns:
                column.extend([""] * (number - 1 - self.rows))
            self.rows = number - 1
        while len(columns) < len(row):
            columns.append([""] * self.rows)
        for j, value in enumerate(row):
            columns[j].append(value)
        for column in columns[len(row) :]:
            column.append("")
        self.rows += 1

    def _check_extent(self, rows: int, columns: int) -> None:
        if rows * columns > self.cell_cap:
            raise TooManyCells(rows, columns)

    def arrays(self) -> list[np.ndarray]:
        """The columns as object arrays, each list freed as soon as it is copied."""
        arrays = []
        while self.columns:
            values: list[Any] = self.columns.pop(0)
            array = np.empty(len(values), dtype=object)
            array[:] = values
            arrays.append(array)
        return arrays
