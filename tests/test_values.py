"""Value parsers: every accepted form with hand-worked results, and round-trip properties."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing_data.ingest.values import (
    clean_text,
    parse_amounts,
    parse_booleans,
    parse_dates,
    parse_datetimes,
)

T = pd.Timestamp
NAT = pd.NaT
PROPERTY = settings(max_examples=60, deadline=None)


def one_datetime(
    value: str, *, tz: str = "UTC", day_first: bool = False, excel: bool = False
) -> pd.Timestamp:
    parsed = parse_datetimes(pd.Series([value]), tz=tz, day_first=day_first, excel=excel)
    assert not parsed.invalid.iloc[0], value
    return parsed.values.iloc[0]


def one_amount(value: str) -> float:
    parsed = parse_amounts(pd.Series([value]))
    assert not parsed.invalid.iloc[0], value
    return float(parsed.values.iloc[0])


# --- datetimes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        ("2024-03-05", "UTC", T("2024-03-05 00:00:00")),
        ("2024-03-05", "Europe/Berlin", T("2024-03-05 00:00:00")),
        ("2024-03-05T14:07:00.000Z", "UTC", T("2024-03-05 14:07:00")),
        # Berlin is UTC+1 in early March and UTC+2 in July
        ("2024-03-05T14:07:00.000Z", "Europe/Berlin", T("2024-03-05 15:07:00")),
        ("2024-07-05T14:07:00Z", "Europe/Berlin", T("2024-07-05 16:07:00")),
        ("2024-03-05T14:07:00+02:00", "Europe/Berlin", T("2024-03-05 13:07:00")),
        ("2024-03-05T14:07:00+0200", "UTC", T("2024-03-05 12:07:00")),
        ("2024-03-05T14:07:00-05:00", "UTC", T("2024-03-05 19:07:00")),
        ("2024-03-05T14:07:00Z", "America/New_York", T("2024-03-05 09:07:00")),
        ("2024-03-05T23:30:00-05:00", "UTC", T("2024-03-06 04:30:00")),
        ("2024-03-05 14:07", "Europe/Berlin", T("2024-03-05 14:07:00")),
        ("2024-03-05 14:07:09", "America/New_York", T("2024-03-05 14:07:09")),
        ("2024-03-05T14:07:09", "UTC", T("2024-03-05 14:07:09")),
        ("2024-03-05T14:07:09.250", "UTC", T("2024-03-05 14:07:09.250")),
        ("2024-03-05 14:07:09.123456Z", "UTC", T("2024-03-05 14:07:09.123456")),
        ("2024-03-05t14:07:00z", "UTC", T("2024-03-05 14:07:00")),
        ("  2024-03-05 14:07  ", "UTC", T("2024-03-05 14:07:00")),
        # epoch milliseconds are UTC instants
        ("1709647620000", "UTC", T("2024-03-05 14:07:00")),
        ("1709647620000", "America/New_York", T("2024-03-05 09:07:00")),
        ("999999999999", "UTC", T("2001-09-09 01:46:39.999")),
        ("5.3.2024", "UTC", T("2024-03-05 00:00:00")),
        ("05.03.2024 14:07", "Europe/Berlin", T("2024-03-05 14:07:00")),
        ("5.3.2024 14:07:09", "UTC", T("2024-03-05 14:07:09")),
    ],
)
def test_datetime_forms(value: str, tz: str, expected: pd.Timestamp) -> None:
    assert one_datetime(value, tz=tz) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3/5/2024", T("2024-03-05 00:00:00")),
        ("3/5/2024 2:07 PM", T("2024-03-05 14:07:00")),
        ("03/05/2024 02:07 pm", T("2024-03-05 14:07:00")),
        ("3/5/2024 2:07PM", T("2024-03-05 14:07:00")),
        ("3/5/2024, 2:07 PM", T("2024-03-05 14:07:00")),
        ("3/5/2024 12:00 AM", T("2024-03-05 00:00:00")),
        ("3/5/2024 12:30 PM", T("2024-03-05 12:30:00")),
        ("3/5/2024 2:07:09 AM", T("2024-03-05 02:07:09")),
        ("3/5/2024 14:07", T("2024-03-05 14:07:00")),
        ("3/5/2024 14:07:09", T("2024-03-05 14:07:09")),
        ("2/29/2024", T("2024-02-29 00:00:00")),
    ],
)
def test_slash_forms_month_first(value: str, expected: pd.Timestamp) -> None:
    # naive slash times are business time: no conversion even with a zone configured
    assert one_datetime(value, tz="America/New_York") == expected


@pytest.mark.parametrize(
    "value",
    [
        "junk",
        "2024",
        "2024-03",
        "2024-02-30",
        "2024-13-01",
        "2/30/2024",
        "2/29/2023",
        "13/13/2024",
        "3/5/202",  # a three-digit year is no year
        "3/5/2024 14:07 PM",
        "3/5/2024 0:07 AM",
        "3/5/2024 25:00",
        "31.02.2024",
        "1709647620",  # 10 digits: epoch seconds are not accepted
        "45356",  # a serial day only counts in XLSX files
        "2024-03-05T14:07:00 UTC",
    ],
)
def test_datetime_rejects(value: str) -> None:
    parsed = parse_datetimes(pd.Series([value]))
    assert parsed.invalid.tolist() == [True]
    assert parsed.values.isna().all()


def test_blank_datetimes_are_missing_not_invalid() -> None:
    parsed = parse_datetimes(pd.Series(["", "   ", None, np.nan], dtype=object))
    assert parsed.values.isna().all()
    assert parsed.invalid.tolist() == [False] * 4
    assert parsed.note is None


def test_datetime_result_type_and_index() -> None:
    values = pd.Series(["2024-03-05", "x", ""], index=[10, 20, 30])
    parsed = parse_datetimes(values)
    assert parsed.values.dtype == "datetime64[us]"
    assert parsed.values.index.tolist() == [10, 20, 30]
    assert parsed.invalid.index.tolist() == [10, 20, 30]
    assert parsed.invalid.tolist() == [False, True, False]


def test_mixed_forms_in_one_column() -> None:
    values = pd.Series(
        ["2024-03-05T14:07:00Z", "2024-03-05T14:07:00+01:00", "3/5/2024 2:07 PM", "1709647620000"]
    )
    parsed = parse_datetimes(values, tz="Europe/Berlin")
    assert parsed.values.tolist() == [
        T("2024-03-05 15:07"),
        T("2024-03-05 14:07"),
        T("2024-03-05 14:07"),
        T("2024-03-05 15:07"),
    ]


def test_day_first_decided_by_a_day_over_twelve() -> None:
    parsed = parse_datetimes(pd.Series(["1/2/2024", "13/2/2024 14:07", "5/3/2024"]))
    assert parsed.values.tolist() == [
        T("2024-02-01"),
        T("2024-02-13 14:07"),
        T("2024-03-05"),
    ]
    assert parsed.note == "column read as D/M/YYYY"


def test_month_first_decided_by_a_second_number_over_twelve() -> None:
    parsed = parse_datetimes(pd.Series(["1/2/2024", "2/13/2024"]), day_first=True)
    assert parsed.values.tolist() == [T("2024-01-02"), T("2024-02-13")]
    assert parsed.note == "column read as M/D/YYYY"


@pytest.mark.parametrize(
    ("day_first", "expected", "reading"),
    [
        (False, [T("2024-01-02"), T("2024-03-04")], "M/D/YYYY"),
        (True, [T("2024-02-01"), T("2024-04-03")], "D/M/YYYY"),
    ],
)
def test_ambiguous_order_uses_the_default_and_says_so(
    day_first: bool, expected: list[pd.Timestamp], reading: str
) -> None:
    parsed = parse_datetimes(pd.Series(["1/2/2024", "3/4/2024"]), day_first=day_first)
    assert parsed.values.tolist() == expected
    assert parsed.note == f"day/month order ambiguous; read as {reading} (the format's default)"


def test_contradicting_orders_make_the_minority_invalid() -> None:
    values = pd.Series(["13/1/2024", "25/1/2024", "1/13/2024", "1/2/2024"])
    parsed = parse_datetimes(values)
    assert parsed.values.tolist() == [T("2024-01-13"), T("2024-01-25"), NAT, T("2024-02-01")]
    assert parsed.invalid.tolist() == [False, False, True, False]
    assert parsed.note is not None and "mixed" in parsed.note and "D/M/YYYY" in parsed.note


def test_ambiguous_dotted_dates_are_day_first() -> None:
    parsed = parse_datetimes(pd.Series(["1.2.2024", "3.4.2024"]))
    assert parsed.values.tolist() == [T("2024-02-01"), T("2024-04-03")]
    assert parsed.note == (
        "day/month order ambiguous; read as D.M.YYYY (the usual order for dotted dates)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("45356", T("2024-03-05")),
        ("45356.5", T("2024-03-05 12:00")),
        ("45356.588194444444", T("2024-03-05 14:07")),  # 14:07 = 847/1440 of a day
        ("1", T("1899-12-31")),
        ("2958465", T("9999-12-31")),
    ],
)
def test_excel_serial_days(value: str, expected: pd.Timestamp) -> None:
    assert one_datetime(value, excel=True, tz="Europe/Berlin") == expected


@pytest.mark.parametrize("value", ["0.5", "0", "2958466", "-3"])
def test_excel_serial_out_of_range(value: str) -> None:
    assert parse_datetimes(pd.Series([value]), excel=True).invalid.tolist() == [True]


def test_excel_flag_keeps_epoch_milliseconds() -> None:
    assert one_datetime("1709647620000", excel=True) == T("2024-03-05 14:07")


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", T("2024-03-05")),
        ("2024-03-05 14:07:09", T("2024-03-05")),
        # a zone is dropped, not converted: the calendar day stays as written
        ("2024-03-05T23:30:00-05:00", T("2024-03-05")),
        ("2024-03-05T00:30:00+02:00", T("2024-03-05")),
        ("2024-03-05T14:07:00.000Z", T("2024-03-05")),
        ("3/5/2024", T("2024-03-05")),
        ("3/5/2024 11:59 PM", T("2024-03-05")),
        ("5.3.2024", T("2024-03-05")),
        ("1709647620000", T("2024-03-05")),
    ],
)
def test_date_forms(value: str, expected: pd.Timestamp) -> None:
    parsed = parse_dates(pd.Series([value]))
    assert parsed.invalid.tolist() == [False]
    assert parsed.values.iloc[0] == expected
    assert parsed.values.dtype == "datetime64[us]"


def test_dates_from_excel_serials_and_day_first() -> None:
    assert parse_dates(pd.Series(["45356.75"]), excel=True).values.tolist() == [T("2024-03-05")]
    parsed = parse_dates(pd.Series(["1/2/2024"]), day_first=True)
    assert parsed.values.tolist() == [T("2024-02-01")]
    assert parsed.note == "day/month order ambiguous; read as D/M/YYYY (the format's default)"


def test_date_rejects_and_blanks() -> None:
    parsed = parse_dates(pd.Series(["2/30/2024", "", None, "soon"]))
    assert parsed.invalid.tolist() == [True, False, False, True]
    assert parsed.values.isna().all()


def test_repeated_values_take_the_unique_path() -> None:
    # many repeats: parsed once per distinct value and mapped back
    values = pd.Series(["3/5/2024 2:07 PM", "", "2024-03-05T14:07:00Z", "nope"] * 2000)
    parsed = parse_datetimes(values, tz="Europe/Berlin")
    assert parsed.values.iloc[:4].tolist() == [
        T("2024-03-05 14:07"),
        NAT,
        T("2024-03-05 15:07"),
        NAT,
    ]
    assert parsed.invalid.iloc[:4].tolist() == [False, False, False, True]
    assert int(parsed.invalid.sum()) == 2000
    assert parsed.note == "day/month order ambiguous; read as M/D/YYYY (the format's default)"


# --- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12000", 12000.0),
        ("12,000.00", 12000.0),
        ("12.000,50", 12000.5),
        ("12 000,50", 12000.5),
        ("12\u00a0000,50", 12000.5),
        ("1'200.50", 1200.5),
        ("USD 12,000.00", 12000.0),
        ("$12,000.00", 12000.0),
        ("12,000.00 USD", 12000.0),
        ("€1.234,56", 1234.56),
        ("£1,234", 1234.0),
        ("EUR 1.234,56", 1234.56),
        ("1.234,56 €", 1234.56),
        ("(1,200.00)", -1200.0),
        ("($1,200.00)", -1200.0),
        ("-1200", -1200.0),
        ("−1200", -1200.0),
        ("-$5", -5.0),
        ("$-5", -5.0),
        ("1.2E3", 1200.0),
        ("1e-05", 0.00001),
        ("1,00,000.00", 100000.0),
        ("  42  ", 42.0),
        ("0", 0.0),
    ],
)
def test_amount_forms(value: str, expected: float) -> None:
    assert one_amount(value) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "12-3",
        "1,2,3",
        "(5",
        "5)",
        "--5",
        "-(5)",
        "$",
        "12 abc",
        "1.2.3,4,5",
        "12,34,5",
        ".5e",
        "1,2345",
    ],
)
def test_amount_rejects(value: str) -> None:
    parsed = parse_amounts(pd.Series([value]))
    assert parsed.invalid.tolist() == [True]
    assert np.isnan(parsed.values.iloc[0])


@pytest.mark.parametrize(
    ("values", "expected", "commas"),
    [
        # a decimal comma anywhere makes '.' a thousands separator in the whole column
        (["1.234", "5,5"], [1234.0, 5.5], True),
        (["1.234", "1.234.567"], [1234.0, 1234567.0], True),
        (["1.234", "5.5"], [1.234, 5.5], False),
        (["1,234", "2,000"], [1234.0, 2000.0], False),
        (["1,234.56", "1.234,56"], [1234.56, 1234.56], True),
        (["1.2E3", "5,25"], [1200.0, 5.25], True),
    ],
)
def test_decimal_separator_decided_per_column(
    values: list[str], expected: list[float], commas: bool
) -> None:
    parsed = parse_amounts(pd.Series(values))
    assert parsed.values.tolist() == pytest.approx(expected)
    assert (parsed.note == "column read with ',' as the decimal separator") is commas


def test_amount_blanks_types_and_index() -> None:
    parsed = parse_amounts(pd.Series(["", None, " ", "7"], index=list("abcd")))
    assert parsed.values.dtype == "float64"
    assert parsed.values.index.tolist() == list("abcd")
    assert parsed.invalid.tolist() == [False, False, False, False]
    assert parsed.values.iloc[3] == 7.0
    assert parsed.values.iloc[:3].isna().all()


def test_amounts_from_numbers_and_str_dtype() -> None:
    assert parse_amounts(pd.Series([1.5, np.nan])).values.tolist()[0] == 1.5
    assert parse_amounts(pd.Series(["1,5"], dtype="str")).values.tolist() == [1.5]


# --- booleans and text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("Y", True),
        ("t", True),
        ("Checked", True),
        ("x", True),
        ("X", True),
        ("false", False),
        ("0", False),
        ("No", False),
        ("n", False),
        ("F", False),
        ("unchecked", False),
        (" yes ", True),
    ],
)
def test_boolean_forms(value: str, expected: bool) -> None:
    parsed = parse_booleans(pd.Series([value]))
    assert parsed.invalid.tolist() == [False]
    assert bool(parsed.values.iloc[0]) is expected


def test_boolean_blanks_and_rejects() -> None:
    parsed = parse_booleans(pd.Series(["", None, "maybe", "2", "true"]))
    assert str(parsed.values.dtype) == "boolean"
    assert parsed.values.isna().tolist() == [True, True, True, True, False]
    assert parsed.invalid.tolist() == [False, False, True, True, False]


def test_clean_text() -> None:
    parsed = clean_text(pd.Series(["  Acme  ", "", "   ", None, "abcd", "abcde"]), max_length=4)
    assert parsed.values.tolist() == ["Acme", None, None, None, "abcd", None]
    assert parsed.values.dtype == object
    assert parsed.invalid.tolist() == [False, False, False, False, False, True]
    assert parsed.note is None


# --- properties ----------------------------------------------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
instants = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2099, 12, 31))


@PROPERTY
@given(
    local=instants,
    offset_minutes=st.integers(-12 * 4, 14 * 4).map(lambda q: q * 15),
    tz=st.sampled_from(ZONES),
    basic=st.booleans(),
)
def test_any_offset_time_becomes_the_same_instant_in_business_time(
    local: dt.datetime, offset_minutes: int, tz: str, basic: bool
) -> None:
    zoned = local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))
    text = zoned.isoformat()
    if basic:  # +0200 instead of +02:00
        text = text[:-3] + text[-2:]
    expected = zoned.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    assert one_datetime(text, tz=tz) == pd.Timestamp(expected)


@PROPERTY
@given(local=instants, tz=st.sampled_from(ZONES))
def test_any_naive_time_is_kept_as_business_time(local: dt.datetime, tz: str) -> None:
    assert one_datetime(local.isoformat(sep=" "), tz=tz) == pd.Timestamp(local)


@PROPERTY
@given(
    ms=st.integers(10**11, 10**13 - 1),
    tz=st.sampled_from(ZONES),
)
def test_any_epoch_milliseconds_round_trip(ms: int, tz: str) -> None:
    instant = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=ms)
    expected = instant.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    assert one_datetime(str(ms), tz=tz) == pd.Timestamp(expected)


@PROPERTY
@given(moment=st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)))
def test_any_excel_serial_round_trips_to_the_millisecond(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    serial = (moment - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
    parsed = one_datetime(repr(serial), excel=True)
    assert abs(parsed - pd.Timestamp(moment)) <= pd.Timedelta(milliseconds=1)


@PROPERTY
@given(
    days=st.lists(
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
        min_size=1,
        max_size=20,
    ),
    day_first=st.booleans(),
    default=st.booleans(),
)
def test_slash_dates_round_trip_in_either_order(
    days: list[dt.date], day_first: bool, default: bool
) -> None:
    def show(day: dt.date) -> str:
        first, second = (day.day, day.month) if day_first else (day.month, day.day)
        return f"{first}/{second}/{day.year}"

    parsed = parse_dates(pd.Series([show(day) for day in days]), day_first=default)
    decidable = any(day.day > 12 for day in days)
    assert not parsed.invalid.any()
    if decidable or default == day_first:
        assert parsed.values.tolist() == [pd.Timestamp(day) for day in days]
    reading = "D/M/YYYY" if (day_first if decidable else default) else "M/D/YYYY"
    assert parsed.note is not None and reading in parsed.note


def _grouped(number: float, thousands: str, decimal: str) -> str:
    text = f"{abs(number):,.2f}".replace(",", "\0").replace(".", decimal)
    return text.replace("\0", thousands)


@PROPERTY
@given(
    numbers=st.lists(
        st.decimals(min_value=-(10**12), max_value=10**12, places=2), min_size=1, max_size=10
    ),
    style=st.sampled_from([(",", "."), (".", ","), (" ", ","), ("'", "."), ("\u00a0", ",")]),
    currency=st.sampled_from(["", "$", "€", "£", "USD ", "EUR "]),
    suffix=st.sampled_from(["", " USD", " €"]),
    parentheses=st.booleans(),
)
def test_any_formatted_amount_parses_back(
    numbers: list, style: tuple[str, str], currency: str, suffix: str, parentheses: bool
) -> None:
    thousands, decimal = style
    shown = []
    for number in numbers:
        body = currency + _grouped(float(number), thousands, decimal) + suffix
        if number < 0:
            body = f"({body})" if parentheses else "-" + body
        shown.append(body)
    parsed = parse_amounts(pd.Series(shown))
    assert not parsed.invalid.any(), shown
    assert parsed.values.tolist() == pytest.approx([float(n) for n in numbers], abs=1e-6)


@PROPERTY
@given(
    token=st.sampled_from(["true", "yes", "y", "t", "1", "checked", "x"]),
    falsy=st.sampled_from(["false", "no", "n", "f", "0", "unchecked"]),
    data=st.data(),
)
def test_boolean_tokens_in_any_case(token: str, falsy: str, data: st.DataObject) -> None:
    def any_case(word: str) -> str:
        flips = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
        return "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True))

    parsed = parse_booleans(pd.Series([any_case(token), any_case(falsy)]))
    assert parsed.values.tolist() == [True, False]


@PROPERTY
@given(st.lists(st.text(max_size=12), max_size=20))
def test_clean_text_strips_and_blanks(texts: list[str]) -> None:
    parsed = clean_text(pd.Series(texts, dtype=object), max_length=8)
    for text, value, invalid in zip(texts, parsed.values, parsed.invalid, strict=True):
        stripped = text.strip()
        assert invalid == (len(stripped) > 8)
        assert value == (stripped if stripped and not invalid else None)
