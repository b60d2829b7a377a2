"""Vectorised parsers for imported text cells: dates, amounts, booleans and text (SPEC §5.3).

Each parser returns the parsed values plus a mask of non-blank cells that could not be read.
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
T = TypeVar("T")
_Stage = Callable[[pa.Array], tuple[np.ndarray, str | None]]

_SLASH = r"^\d{1,2}/\d{1,2}/\d{4}(?:,? \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?$"
_DOTTED = r"^\d{1,2}\.\d{1,2}\.\d{4}(?:,? \d{1,2}:\d{2}(?::\d{2})?)?$"
_CLOCKS = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
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
    values: pd.Series, *, tz: str = "UTC", day_first: bool = False, excel: bool = False
) -> Parsed:
    """Timestamps as naive business time (``tz``); zoned inputs are converted to it first."""
    text = _text(values)
    parsed, note = _by_unique(text, NAT, lambda u: _datetimes(u, tz, day_first, excel))
    return _result(values, text, pd.Series(parsed, index=values.index), np.isnat(parsed), note)


def parse_dates(values: pd.Series, *, day_first: bool = False, excel: bool = False) -> Parsed:
    """Calendar days at midnight; a zone on the input is ignored, not converted."""
    text = _text(values)
    parsed, note = _by_unique(text, NAT, lambda u: _datetimes(u, None, day_first, excel))
    days = parsed.astype("M8[D]").astype("M8[us]")
    return _result(values, text, pd.Series(days, index=values.index), np.isnat(days), note)


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


def _datetimes(
    text: pa.Array, tz: str | None, day_first: bool, excel: bool
) -> tuple[np.ndarray, str | None]:
    """Parse every format into naive datetimes; ``tz=None`` keeps the wall time as written."""
    stages: list[tuple[Callable[[pa.Array], np.ndarray], _Stage]] = [
        (_iso_like, lambda part: (_iso(part, tz), None)),
        (_epoch_like, lambda part: (_epoch_ms(part, tz), None)),
    ]
    if excel:
        stages.append((_number_like, lambda part: (_excel_serial(part), None)))
    stages.append((lambda part: _matches(part, _SLASH), lambda part: _slash(part, day_first)))
    stages.append(
        (lambda part: _matches(part, _DOTTED), lambda part: (_dotted(part), None)),
    )
    out = np.where(_present(text), NAT, np.datetime64("0", "us"))  # sentinel: blank, done
    notes: list[str] = []
    for matches, parse in stages:
        # each stage only looks at what earlier stages left unparsed
        left = np.flatnonzero(np.isnat(out))
        if not len(left):
            break
        part = text if len(left) == len(text) else text.take(pa.array(left))
        hit = matches(part)
        if hit.any():
            values, note = parse(part if hit.all() else part.filter(pa.array(hit)))
            out[left[hit]] = values
            notes += [note] if note else []
    out[~_present(text)] = NAT
    return out, "; ".join(notes) or None


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


def _slash(text: pa.Array, day_first: bool) -> tuple[np.ndarray, str]:
    """M/D/YYYY or D/M/YYYY, decided from the column's own values."""
    first, second = _leading_numbers(text, "/")
    says_dm, says_md = (first > 12) & (second <= 12), (second > 12) & (first <= 12)
    if says_dm.any() and says_md.any():
        dm, md = _distinct(text, says_dm), _distinct(text, says_md)
        order_dm = dm > md or (dm == md and day_first)
        note = "day/month order mixed; read as {}, values in the other order are invalid"
    elif says_dm.any() or says_md.any():
        order_dm = bool(says_dm.any())
        note = "column read as {}"
    else:
        order_dm = day_first
        note = "day/month order ambiguous; read as {} (the format's default)"
    reading = "D/M/YYYY" if order_dm else "M/D/YYYY"
    day = first if order_dm else second
    return _numeric_date(text, "/", day, day_first=order_dm), note.format(reading)


def _dotted(text: pa.Array) -> np.ndarray:
    return _numeric_date(text, ".", _leading_numbers(text, ".")[0], day_first=True)


def _distinct(text: pa.Array, mask: np.ndarray) -> int:
    return int(pc.count_distinct(text.filter(pa.array(mask))).as_py())


def _leading_numbers(text: pa.Array, separator: str) -> tuple[np.ndarray, np.ndarray]:
    """The first two numbers of dates like 3/5/2024 (the shape was checked by the caller)."""
    parts = pc.split_pattern(text, separator, max_splits=2)
    first, second = (pc.list_element(parts, i) for i in (0, 1))
    return pc.cast(first, pa.int64()).to_numpy(), pc.cast(second, pa.int64()).to_numpy()


def _numeric_date(
    text: pa.Array, separator: str, written_day: np.ndarray, *, day_first: bool
) -> np.ndarray:
    """Dates like 3/5/2024 2:07 PM or 5.3.2024 14:07 with a known day/month order."""
    fields = ("%d", "%m", "%Y") if day_first else ("%m", "%d", "%Y")
    date_format = separator.join(fields)
    text = pc.replace_substring(text, ",", "")  # "3/5/2024, 2:07 PM" as Salesforce writes it
    out = np.full(len(text), NAT, dtype="M8[us]")
    for clock in _likely_clocks(text, date_format):
        todo = np.flatnonzero(np.isnat(out))
        if not len(todo):
            break
        part = text if len(todo) == len(text) else text.take(pa.array(todo))
        parsed = pc.strptime(part, format=date_format + clock, unit="us", error_is_null=True)
        out[todo] = parsed.to_numpy(zero_copy_only=False)
    # strptime rolls 2/30 over to 3/1; a changed day of the month exposes that
    day_of_month = (out.astype("M8[D]") - out.astype("M8[M]")).astype(np.int64) + 1
    return np.where(day_of_month == written_day, out, NAT)


def _likely_clocks(text: pa.Array, date_format: str) -> list[str]:
    """Time layouts, the ones that fit the first values tried first."""
    sample = text.slice(0, 200)

    def fits(clock: str) -> int:
        parsed = pc.strptime(sample, format=date_format + clock, unit="us", error_is_null=True)
        return len(parsed) - parsed.null_count

    return sorted(_CLOCKS, key=fits, reverse=True)


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
