"""Vectorised parsers for imported text cells: dates, amounts, booleans and text (SPEC §5.2-5.3).

Each parser returns the parsed values plus a mask of non-blank cells that could not be read,
and a note for the import report when the column's reading had to be decided (the day/month
order of its dates, the decimal separator of its amounts). ``date_shape`` describes the dates
that could not be read, for the message that tells the user what was seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "us")
EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31
UNIQUE_SAMPLE = 20_000
NAT = np.datetime64("NaT", "us")
# the part orders a mapping may state for a date column (SPEC §5.1 "dates")
DATE_ORDERS = ("D-M-Y", "M-D-Y", "Y-M-D")
SHAPE_WIDTH = 40  # longest example or shape date_shape quotes
T = TypeVar("T")
_Stage = Callable[[pa.Array], tuple[np.ndarray, str | None]]

# the date part of a value, once any time has been split off; matched against lower-case text
_NUMERIC_DATE = r"^(?P<p1>\d{1,4})(?P<s1>[-/.])(?P<p2>\d{1,2})(?P<s2>[-/.])(?P<p3>\d{1,4})$"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"(?P<month>[a-z]+)\.?"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_NAMED_DATES = (
    # 5 Mar 2024, 05-Mar-24, 05MAR2024, Tue, 5 March 2024
    rf"^{_WEEKDAY}{_DAY}[\s\-./]*{_MONTH}(?:\s*,\s*|[\s\-./]*){_YEAR}$",
    # Mar 5, 2024, March 5th 2024, Tue Mar 05 2024
    rf"^{_WEEKDAY}{_MONTH}[\s\-./]*{_DAY}(?:\s*,\s*|[\s\-./]+){_YEAR}$",
    # 2024-Mar-05
    rf"^(?P<year>\d{{4}})[\s\-./]*{_MONTH}[\s\-./]*{_DAY}$",
)
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_WORDS = pa.array([name[:3] for name in _MONTH_NAMES] + list(_MONTH_NAMES) + ["sept"])
_MONTH_NUMBERS = np.array([*range(1, 13), *range(1, 13), 9])
_SEPARATORS = pa.array(["/", "-", "."])
# the time part: "2:07 PM", "14:07", "14:07:09.250"; empty when the value has no time
_CLOCK = (
    r"^(?:(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?(?:\s?(?P<half>[AaPp][Mm]))?)?$"
)
# what may set the hour off from the date
_HOUR_MARKS = pa.array([" ", ",", "T", "t"])
_NO_CLOCK = dict.fromkeys(("hour", "minute", "second", "fraction", "half"), "")
_NUMBER = r"^\d+(?:\.\d+)?$"
_ZONE_SUFFIX = r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"
_CURRENCY_BEFORE = r"(?:[A-Z]{3}|[A-Z]{0,2}\$|[€£¥₹])"
_CURRENCY_AFTER = r"(?:[A-Z]{3}|[$€£¥₹])"
_AMOUNT = (
    r"^(?P<s1>[-+−]?)\s*(?P<open>\(?)\s*(?P<s2>[-+−]?)\s*"
    rf"(?:{_CURRENCY_BEFORE}\s*)?(?P<s3>[-+−]?)\s*"
    r"(?P<num>\d(?:[\d.,'’ \x{00a0}\x{202f}]*\d)?(?:[eE][-+]?\d+)?)"
    rf"\s*{_CURRENCY_AFTER}?\s*(?P<close>\)?)$"
)
_SPACE_GROUPING = r"[ '’\x{00a0}\x{202f}]"
# Thousands groups of three, or Indian lakh/crore groups of two ending in three.
_DOT_DECIMAL = r"^(?:\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?$"
_PLAIN_NUMBER = r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?$"
_COMMA_DECIMAL = r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$"

_TRUE = pa.array(["true", "1", "yes", "y", "t", "checked", "x"])
_FALSE = pa.array(["false", "0", "no", "n", "f", "unchecked"])


@dataclass
class Parsed:
    """Parsed values (same index as the input), invalid non-blank inputs, and a column note."""

    values: pd.Series
    invalid: pd.Series
    note: str | None = None


def parse_datetimes(
    values: pd.Series,
    *,
    tz: str = "UTC",
    day_first: bool = False,
    excel: bool = False,
    order: str | None = None,
) -> Parsed:
    """Timestamps as naive business time (``tz``); zoned inputs are converted to it first.

    ``day_first`` is the file format's default for a column whose day/month order its values
    leave open; ``order`` (one of DATE_ORDERS) states the order of numeric dates outright, and
    values not written in it are invalid.
    """
    _check_order(order)
    text = _text(values)
    parsed, note = _by_unique(text, NAT, lambda u: _datetimes(u, tz, day_first, excel, order))
    return _result(values, text, pd.Series(parsed, index=values.index), np.isnat(parsed), note)


def parse_dates(
    values: pd.Series, *, day_first: bool = False, excel: bool = False, order: str | None = None
) -> Parsed:
    """Calendar days at midnight; a zone on the input is ignored, not converted.

    ``day_first`` and ``order`` work as in parse_datetimes.
    """
    _check_order(order)
    text = _text(values)
    parsed, note = _by_unique(text, NAT, lambda u: _datetimes(u, None, day_first, excel, order))
    days = parsed.astype("M8[D]").astype("M8[us]")
    return _result(values, text, pd.Series(days, index=values.index), np.isnat(days), note)


def date_shape(
    values: pd.Series,
    limit: int = 3,
    *,
    day_first: bool = False,
    excel: bool = False,
    order: str | None = None,
) -> list[str]:
    """The commonest shapes of the values that do not parse as dates, each with an example.

    In a shape every digit is written 9 and every letter A, so "26|02|2018" and "01|03|2019"
    share the shape 99|99|9999: "26|02|2018 (shape 99|99|9999)". At most ``limit`` shapes,
    the most frequent first (ties in order of first appearance). The keywords are those of
    parse_datetimes, so the values are judged as the import judged them.
    """
    invalid = parse_datetimes(values, day_first=day_first, excel=excel, order=order).invalid
    text = _text(values[invalid.to_numpy(dtype=bool)])
    shapes = pc.replace_substring_regex(pc.replace_substring_regex(text, r"\d", "9"), r"\pL", "A")
    seen = pd.DataFrame({"example": text.to_pylist(), "shape": shapes.to_pylist()})
    common = seen.groupby("shape", sort=False)["example"].agg(["size", "first"])
    common = common.sort_values("size", ascending=False, kind="stable").head(limit)
    return [f"{_clip(ex)} (shape {_clip(shape)})" for shape, ex in common["first"].items()]


def _clip(text: str) -> str:
    return text if len(text) <= SHAPE_WIDTH else text[: SHAPE_WIDTH - 1] + "…"


def parse_amounts(values: pd.Series) -> Parsed:
    """Money and other numbers with currency marks, thousands separators and decimal commas."""
    text = _text(values)
    parsed, note = _by_unique(text, np.nan, _amounts)
    return _result(values, text, pd.Series(parsed, index=values.index), np.isnan(parsed), note)


def parse_booleans(values: pd.Series) -> Parsed:
    """true/false, 1/0, yes/no, y/n, t/f, checked/unchecked and x (ticked), any case."""
    text = _text(values)
    lower = pc.utf8_lower(text)
    true = _numpy_bool(pc.is_in(lower, value_set=_TRUE))
    false = _numpy_bool(pc.is_in(lower, value_set=_FALSE))
    parsed = pd.Series(pd.arrays.BooleanArray(true, ~(true | false)), index=values.index)
    return _result(values, text, parsed, ~(true | false))


def clean_text(values: pd.Series, *, max_length: int = 1000) -> Parsed:
    """Stripped text, None for blanks; values over ``max_length`` are invalid and dropped."""
    text = _text(values)
    too_long = _numpy_bool(pc.greater(pc.utf8_length(text), max_length))
    kept = pc.if_else(pa.array(too_long), pa.scalar(None, pa.string()), text)
    cleaned = np.empty(len(kept), dtype=object)
    cleaned[:] = kept.to_pylist()
    return _result(values, text, pd.Series(cleaned, index=values.index, dtype=object), too_long)


# --- shared plumbing -----------------------------------------------------------------------


def _text(values: pd.Series) -> pa.StringArray:
    """Stripped strings as an Arrow array, with null for blank cells."""
    try:
        array = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        # numbers or other objects in the column: read them as their text
        as_text = values.astype(object).map(lambda v: None if _is_missing(v) else str(v))
        array = pa.array(as_text, type=pa.string(), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    stripped = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(stripped, ""), pa.scalar(None, pa.string()), stripped)


def _is_missing(value: object) -> bool:
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _numpy_bool(mask: pa.Array) -> np.ndarray:
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _present(text: pa.Array) -> np.ndarray:
    return np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _result(
    values: pd.Series,
    text: pa.Array,
    parsed: pd.Series,
    failed: np.ndarray,
    note: str | None = None,
) -> Parsed:
    invalid = pd.Series(_present(text) & failed, index=values.index)
    return Parsed(parsed, invalid, note)


def _by_unique(
    text: pa.Array, fill: object, parse: Callable[[pa.Array], tuple[np.ndarray, T]]
) -> tuple[np.ndarray, T]:
    """Run ``parse`` on the distinct values when the column repeats itself a lot."""
    sample = text.slice(0, UNIQUE_SAMPLE)
    if len(text) < 1000 or pc.count_distinct(sample).as_py() * 2 > len(sample):
        return parse(text)
    encoded = pc.dictionary_encode(text)
    distinct, extra = parse(encoded.dictionary)
    indices = encoded.indices
    result = np.full(len(text), fill, dtype=distinct.dtype)
    valid = _present(indices)
    result[valid] = distinct[indices.filter(indices.is_valid()).to_numpy()]
    return result, extra


# --- dates and times -----------------------------------------------------------------------
#
# Forms read, in this order, each only from the values earlier ones left unread:
#   ISO 8601 (YYYY-MM-DD[THH:MM[:SS[.ffffff]]], with Z or an offset converted to the zone);
#   epoch milliseconds (12 or 13 digits); Excel serial days (XLSX only);
#   three numbers joined by '/', '-' or '.', optionally followed by a time ("h:mm[:ss] AM/PM" or
#   "HH:MM[:SS[.ffffff]]", after a space, a comma or a T): year first (YYYY/MM/DD) or year last
#   with a four- or two-digit year (two digits mean 20YY);
#   English month names, abbreviated or full, any case, with an optional leading weekday:
#   "5 Mar 2024", "05-Mar-24", "Mar 5, 2024", "March 5, 2024 2:07 PM", "2024-Mar-05".
# Whether a year-last date is D-M-Y or M-D-Y is decided once per column (see _column_order),
# unless a mapping states the order; a four-digit first number is always a year, so ISO and
# YYYY/MM/DD dates stay readable whatever order is stated. Zones are read on ISO values only.


def _datetimes(
    text: pa.Array, tz: str | None, day_first: bool, excel: bool, order: str | None
) -> tuple[np.ndarray, str | None]:
    """Parse every format into naive datetimes; ``tz=None`` keeps the wall time as written."""
    stages: list[_Stage] = [
        _only(_iso_like, lambda part: _iso(part, tz)),
        _only(_epoch_like, lambda part: _epoch_ms(part, tz)),
    ]
    if excel:
        stages.append(_only(_number_like, _excel_serial))
    stages.append(lambda part: _written_dates(part, day_first, order))
    out = np.where(_present(text), NAT, np.datetime64("0", "us"))  # sentinel: blank, done
    notes: list[str] = []
    for stage in stages:
        # each stage only looks at what earlier stages left unparsed
        left = np.flatnonzero(np.isnat(out))
        if not len(left):
            break
        values, note = stage(text if len(left) == len(text) else text.take(pa.array(left)))
        out[left] = values
        notes += [note] if note else []
    out[~_present(text)] = NAT
    return out, "; ".join(notes) or None


def _check_order(order: str | None) -> None:
    if order is not None and order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}, not {order!r}")


def _only(
    matches: Callable[[pa.Array], np.ndarray], parse: Callable[[pa.Array], np.ndarray]
) -> _Stage:
    """A stage that hands ``parse`` just the values ``matches`` picks out."""

    def stage(part: pa.Array) -> tuple[np.ndarray, str | None]:
        hit = matches(part)
        out = np.full(len(part), NAT, dtype="M8[us]")
        if hit.any():
            out[hit] = parse(part if hit.all() else part.filter(pa.array(hit)))
        return out, None

    return stage


def _matches(text: pa.Array, pattern: str) -> np.ndarray:
    return _numpy_bool(pc.match_substring_regex(text, pattern))


def _epoch_like(text: pa.Array) -> np.ndarray:
    return _numpy_bool(pc.utf8_is_digit(text)) & np.isin(_lengths(text), (12, 13))


def _number_like(text: pa.Array) -> np.ndarray:
    return _matches(text, _NUMBER)


def _lengths(text: pa.Array) -> np.ndarray:
    return np.asarray(pc.utf8_length(text).fill_null(0).to_numpy(zero_copy_only=False))


def _iso_like(text: pa.Array) -> np.ndarray:
    """YYYY-… values; pandas' ISO parser alone would also take bare years like '2024'."""
    year = _numpy_bool(pc.utf8_is_digit(pc.utf8_slice_codeunits(text, 0, 4)))
    dash = _numpy_bool(pc.equal(pc.utf8_slice_codeunits(text, 4, 5), "-"))
    return year & dash & (_lengths(text) >= 8)


def _iso(text: pa.Array, tz: str | None) -> np.ndarray:
    text = pc.ascii_upper(text)
    # an offset sign can only appear after the date part's own dashes
    time_part = pc.utf8_slice_codeunits(text, 10)
    zoned = _numpy_bool(pc.ends_with(text, "Z"))
    zoned |= _numpy_bool(pc.match_substring(time_part, "+"))
    zoned |= _numpy_bool(pc.match_substring(time_part, "-"))
    if tz is None:
        text = pc.if_else(pa.array(zoned), pc.replace_substring_regex(text, _ZONE_SUFFIX, ""), text)
    instants = pd.to_datetime(
        pd.Series(text.to_numpy(zero_copy_only=False), dtype=object),
        format="ISO8601",
        utc=True,
        errors="coerce",
    )
    # naive values were read as UTC, so their UTC wall time is the time as written
    wall = instants.dt.tz_localize(None).to_numpy().astype("M8[us]")
    if tz is None or not zoned.any():
        return wall
    local = instants.dt.tz_convert(tz).dt.tz_localize(None).to_numpy().astype("M8[us]")
    return np.where(zoned, local, wall)


def _epoch_ms(text: pa.Array, tz: str | None) -> np.ndarray:
    millis = pc.cast(text, pa.int64()).to_numpy().astype("M8[ms]")
    if tz is None:
        return millis.astype("M8[us]")
    instants = pd.DatetimeIndex(millis).tz_localize("UTC").tz_convert(tz).tz_localize(None)
    return instants.to_numpy().astype("M8[us]")


def _excel_serial(text: pa.Array) -> np.ndarray:
    days = pc.cast(text, pa.float64()).to_numpy()
    in_range = (days >= 1) & (days < EXCEL_MAX_SERIAL + 1)
    # Excel stores times as fractions of a day; round to its millisecond precision
    millis = np.round(np.where(in_range, days, 0) * 86_400_000).astype(np.int64)
    stamps = EXCEL_EPOCH + millis.astype("m8[ms]").astype("m8[us]")
    return np.where(in_range, stamps, NAT)


@dataclass
class _Written:
    """Dates as written, before the column's day/month order is applied.

    ``a`` and ``b`` are the day and the month, except for ``open`` dates (numbers with the year
    last), where they are the first and second number: D-M-Y reads them as they are, M-D-Y
    swaps them.
    """

    year: np.ndarray
    a: np.ndarray
    b: np.ndarray
    open: np.ndarray
    separator: np.ndarray  # index into _SEPARATORS; -1 for month names
    two_digit: np.ndarray
    ok: np.ndarray

    @classmethod
    def unread(cls, n: int) -> _Written:
        zeros = np.zeros(n, dtype=np.int64)
        no = np.zeros(n, dtype=bool)
        return cls(zeros, zeros.copy(), zeros.copy(), no, zeros - 1, no.copy(), no.copy())

    def put(self, rows: np.ndarray, other: _Written) -> None:
        for name in ("year", "a", "b", "open", "separator", "two_digit", "ok"):
            getattr(self, name)[rows] = getattr(other, name)


def _written_dates(
    text: pa.Array, day_first: bool, order: str | None
) -> tuple[np.ndarray, str | None]:
    """Dates written with numbers or an English month name, each with an optional time.

    Real columns repeat their dates and their times far more than whole values, so the date
    and the time are split apart and each distinct one is read once.
    """
    date_text, clock_text = _date_and_clock(text)
    distinct, date_rows = _distinct_values(date_text)
    dates = _read_dates(distinct, order)
    read_dm, note = (order == "D-M-Y") if order else day_first, None
    if order is None and dates.open.any():
        read_dm, note = _column_order(dates, day_first)
    swap = dates.open & (not read_dm)
    days, date_ok = _calendar_days(
        dates.year, np.where(swap, dates.a, dates.b), np.where(swap, dates.b, dates.a)
    )
    distinct, clock_rows = _distinct_values(clock_text)
    micros, clock_ok = _read_clocks(distinct)
    stamps = days.astype("M8[us]")[date_rows] + micros.astype("m8[us]")[clock_rows]
    return np.where((dates.ok & date_ok)[date_rows] & clock_ok[clock_rows], stamps, NAT), note


def _date_and_clock(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Split "3/5/2024, 2:07 PM" into "3/5/2024" and "2:07 PM"; the clock is "" without a time.

    The hour is the one or two digits before the first colon, and a space, a comma or a T sets
    it off from the date; a timed value without that gets an empty date, which nothing reads.
    Slices are used because a regex with groups over every value costs several times more.
    """
    # a colon appended to every value makes two halves, the second empty when there is no time
    halves = pc.split_pattern(pc.binary_join_element_wise(text, ":", ""), ":", max_splits=1)
    head, tail = pc.list_element(halves, 0), pc.list_element(halves, 1)
    timed = _numpy_bool(pc.not_equal(tail, ""))
    if not timed.any():
        return text, tail
    two_digits = pc.utf8_is_digit(pc.utf8_slice_codeunits(head, -2))
    hour = pc.if_else(two_digits, _cut(head, -2, None), _cut(head, -1, None))
    before = pc.if_else(two_digits, _cut(head, None, -2), _cut(head, None, -1))
    marked = _numpy_bool(pc.is_in(_cut(before, -1, None), value_set=_HOUR_MARKS))
    date = pc.utf8_rtrim(_cut(before, None, -1), characters=" ,")
    date = pc.if_else(pa.array(timed), pc.if_else(pa.array(marked), date, ""), head)
    clock = pc.binary_join_element_wise(hour, _cut(tail, None, -1), ":")
    return date, pc.if_else(pa.array(timed), clock, "")


def _cut(text: pa.Array, start: int | None, stop: int | None) -> pa.Array:
    return pc.utf8_slice_codeunits(text, start or 0, stop)


def _distinct_values(text: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The distinct values, and for each value the position of its own among them."""
    encoded = pc.dictionary_encode(text.fill_null(""))
    return encoded.dictionary, np.asarray(encoded.indices.to_numpy(zero_copy_only=False))


def _read_dates(dates: pa.Array, order: str | None) -> _Written:
    """Read date parts: numeric first, then the month-name layouts, each on what is left."""
    lower = pc.utf8_lower(dates)
    written = _Written.unread(len(dates))
    readers: list[tuple[str, Callable[[pa.StructArray], _Written]]] = [
        (_NUMERIC_DATE, lambda parts: _numeric_parts(parts, order)),
        *((pattern, _named_parts) for pattern in _NAMED_DATES),
    ]
    for pattern, read in readers:
        todo = np.flatnonzero(~written.ok)
        if not len(todo):
            break
        part = lower if len(todo) == len(lower) else lower.take(todo)
        # matching alone is several times cheaper than extracting groups, so filter first
        found = _matches(part, pattern)
        if found.any():
            parts = pc.extract_regex(part.filter(pa.array(found)), pattern)
            written.put(todo[found], read(parts))
    return written


def _numeric_parts(parts: pa.StructArray, order: str | None) -> _Written:
    """Three numbers: the year first (Y-M-D) or last (D-M-Y or M-D-Y, left open here)."""
    first, middle, last = (_ints(parts.field(name)) for name in ("p1", "p2", "p3"))
    first_len, last_len = _lengths(parts.field("p1")), _lengths(parts.field("p3"))
    # a four-digit first number can only be a year; two digits only when the mapping says so
    year_first = (first_len == 4) | ((first_len == 2) & (order == "Y-M-D"))
    year_first &= last_len <= 2
    year_last = ~year_first & (first_len <= 2) & np.isin(last_len, (2, 4)) & (order != "Y-M-D")
    # RE2 has no back-references, so the two separators are compared here
    separator = np.asarray(pc.index_in(parts.field("s1"), value_set=_SEPARATORS))
    same = _numpy_bool(pc.equal(parts.field("s1"), parts.field("s2")))
    return _Written(
        year=np.where(year_first, _full_year(first, first_len), _full_year(last, last_len)),
        a=np.where(year_first, last, first),
        b=middle,
        open=year_last & same,
        separator=separator.astype(np.int64),
        two_digit=np.where(year_first, first_len, last_len) == 2,
        ok=(year_first | year_last) & same,
    )


def _named_parts(parts: pa.StructArray) -> _Written:
    """A day, an English month name and a year; the name settles the order by itself."""
    year_len = _lengths(parts.field("year"))
    index = pc.index_in(parts.field("month"), value_set=_MONTH_WORDS).fill_null(-1)
    index = np.asarray(index.to_numpy(zero_copy_only=False))
    return _Written(
        year=_full_year(_ints(parts.field("year")), year_len),
        a=_ints(parts.field("day")),
        b=np.where(index >= 0, _MONTH_NUMBERS[index], 0),
        open=np.zeros(len(index), dtype=bool),
        separator=np.full(len(index), -1, dtype=np.int64),
        two_digit=year_len == 2,
        ok=index >= 0,
    )


def _column_order(dates: _Written, day_first: bool) -> tuple[bool, str]:
    """Whether the column's year-last numeric dates are day first, and a note saying why.

    A first number over 12 proves day first, a second one over 12 proves month first. When both
    occur the order with more distinct dates wins and the others are invalid; when neither does
    the format's default applies, except that dotted dates are read day first: "5.3.2024" is
    the European way of writing, and there the day always comes first.
    """
    first, second = np.where(dates.open, dates.a, 0), np.where(dates.open, dates.b, 0)
    says_dm, says_md = (first > 12) & (second <= 12), (second > 12) & (first <= 12)
    separator, two_digit = _layout(dates)
    if says_dm.any() and says_md.any():
        dm, md = _distinct_dates(dates, says_dm), _distinct_dates(dates, says_md)
        read_dm = dm > md or (dm == md and day_first)
        note = "day/month order mixed; read as {}, values in the other order are invalid"
    elif says_dm.any() or says_md.any():
        read_dm = bool(says_dm.any())
        note = "column read as {}"
    elif day_first or separator != ".":
        read_dm = day_first
        note = "day/month order ambiguous; read as {} (the format's default)"
    else:
        read_dm = True
        note = "day/month order ambiguous; read as {} (the usual order for dotted dates)"
    fields = ("D", "M") if read_dm else ("M", "D")
    return read_dm, note.format(separator.join((*fields, "YY" if two_digit else "YYYY")))


def _layout(dates: _Written) -> tuple[str, bool]:
    """The separator most year-last dates use, and whether most have a two-digit year."""
    counts = np.bincount(dates.separator[dates.open], minlength=len(_SEPARATORS))
    separator = str(_SEPARATORS[int(np.argmax(counts))])
    return separator, bool(np.mean(dates.two_digit[dates.open]) > 0.5)


def _distinct_dates(dates: _Written, mask: np.ndarray) -> int:
    keys = (dates.year[mask] * 100 + dates.a[mask]) * 100 + dates.b[mask]
    return len(np.unique(keys))


def _read_clocks(clocks: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Microseconds since midnight, and whether the clock was readable ("" is midnight)."""
    parts = pc.extract_regex(clocks, _CLOCK)
    ok = _present(parts)
    parts = pc.if_else(pa.array(ok), parts, pa.scalar(_NO_CLOCK, parts.type))
    hour, minute, second = (_ints(parts.field(name)) for name in ("hour", "minute", "second"))
    micros = _ints(pc.utf8_rpad(parts.field("fraction"), width=6, padding="0"))
    half = pc.utf8_lower(parts.field("half"))
    twelve_hour = _lengths(half) > 0
    ok &= np.where(twelve_hour, (hour >= 1) & (hour <= 12), hour <= 23)
    ok &= (minute <= 59) & (second <= 59)
    # 12 AM is midnight and 12 PM noon
    hour = np.where(
        twelve_hour, hour % 12 + np.where(_numpy_bool(pc.equal(half, "pm")), 12, 0), hour
    )
    return ((hour * 60 + minute) * 60 + second) * 1_000_000 + micros, ok


def _ints(digits: pa.Array) -> np.ndarray:
    """Digit groups as integers; an optional group that was not written reads as 0."""
    filled = pc.if_else(pc.equal(digits, ""), "0", digits)
    return np.asarray(pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False))


def _full_year(year: np.ndarray, digits: np.ndarray) -> np.ndarray:
    # CRM records are recent: a two-digit year is this century's
    return np.where(digits == 2, year + 2000, year)


def _calendar_days(
    year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The days (M8[D]) for year, month and day, and whether such a day exists."""
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (year >= 1) & (year <= 9999)
    months = ((np.where(ok, year, 1970) - 1970) * 12 + np.where(ok, month, 1) - 1).astype("M8[M]")
    days = months.astype("M8[D]") + (np.where(ok, day, 1) - 1).astype("m8[D]")
    # a day past the month's end rolls into the next month (2/30 -> 3/1); that exposes it
    return days, ok & (days.astype("M8[M]") == months)


# --- amounts -------------------------------------------------------------------------------


def _amounts(text: pa.Array) -> tuple[np.ndarray, str | None]:
    if (_matches(text, _PLAIN_NUMBER) | ~_present(text)).all():
        # plain "-1,234.56" style throughout: nothing to decide, cast directly
        plain = pc.cast(pc.replace_substring(text, ",", ""), pa.float64())
        return plain.to_numpy(zero_copy_only=False), None
    parts = pc.extract_regex(text, _AMOUNT)
    signs = pc.binary_join_element_wise(parts.field("s1"), parts.field("s2"), parts.field("s3"), "")
    paren = _numpy_bool(pc.equal(parts.field("open"), "("))
    ok = _present(parts) & (_lengths(signs) <= 1)
    ok &= paren == _numpy_bool(pc.equal(parts.field("close"), ")"))
    ok &= ~paren | (_lengths(signs) == 0)  # "-(5)" says negative twice; refuse to guess
    number = pc.replace_substring_regex(parts.field("num"), _SPACE_GROUPING, "")
    valid_dot = _numpy_bool(pc.match_substring_regex(number, _DOT_DECIMAL))
    valid_comma = _numpy_bool(pc.match_substring_regex(number, _COMMA_DECIMAL))
    comma_mode, note = _decimal_commas(number, ok & valid_comma)
    ok &= np.where(comma_mode, valid_comma, valid_dot)
    from_comma = pc.replace_substring(pc.replace_substring(number, ".", ""), ",", ".")
    normal = pc.if_else(pa.array(comma_mode), from_comma, pc.replace_substring(number, ",", ""))
    amounts = pc.cast(pc.if_else(pa.array(ok), normal, "0"), pa.float64()).to_numpy()
    negative = paren ^ np.isin(signs.to_numpy(zero_copy_only=False), ("-", "−"))
    return np.where(ok, np.where(negative, -amounts, amounts), np.nan), note


def _decimal_commas(number: pa.Array, readable: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Per value, whether ',' is the decimal mark; the column decides when a value can't.

    ``readable`` marks the values that are well-formed with decimal commas; only they can
    vote for decimal commas.
    """
    has_dot = _numpy_bool(pc.match_substring(number, "."))
    has_comma = _numpy_bool(pc.match_substring(number, ","))
    exponent = _numpy_bool(pc.match_substring_regex(number, "[eE]"))
    both = has_dot & has_comma
    comma_last = both & _numpy_bool(pc.match_substring_regex(number, r",\d*$"))
    comma_tail = ~has_dot & _numpy_bool(pc.match_substring_regex(number, r",\d{1,2}$"))
    dots = np.asarray(pc.count_substring(number, ".").fill_null(0).to_numpy())
    evidence = readable & ~exponent & (comma_tail | comma_last | (dots > 1))
    column_commas = bool(evidence.any())
    comma_mode = ~exponent & (comma_last | (~both & column_commas))
    note = "column read with ',' as the decimal separator" if column_commas else None
    return comma_mode, note
