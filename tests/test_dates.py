"""Date parsing for every form of SPEC §5.2: exact readings, per-column day/month order, a
mapping's stated order, impossible dates, and round trips of random moments in every layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing_data.ingest.values import DATE_ORDERS, date_shape, parse_dates, parse_datetimes

T = pd.Timestamp
NAT = pd.NaT
PROPERTY = settings(max_examples=80, deadline=None)


def read(
    values: list[str],
    *,
    tz: str = "UTC",
    day_first: bool = False,
    order: str | None = None,
) -> list[pd.Timestamp]:
    parsed = parse_datetimes(
        pd.Series(values, dtype=object), tz=tz, day_first=day_first, order=order
    )
    assert not parsed.invalid.any(), values
    return parsed.values.tolist()


def note(values: list[str], *, day_first: bool = False, order: str | None = None) -> str | None:
    return parse_datetimes(pd.Series(values, dtype=object), day_first=day_first, order=order).note


# --- every form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # year first
        ("2024-03-05 14:07", T("2024-03-05 14:07")),
        ("2024-03-05 14:07:09", T("2024-03-05 14:07:09")),
        ("2024-03-05 14:07:09.123456", T("2024-03-05 14:07:09.123456")),
        ("2024-03-05T14:07", T("2024-03-05 14:07")),
        ("2024/03/05", T("2024-03-05")),
        ("2024/3/5 14:07", T("2024-03-05 14:07")),
        ("2024/03/05 14:07:09", T("2024-03-05 14:07:09")),
        ("2024.03.05", T("2024-03-05")),
        ("2024.03.05 14:07", T("2024-03-05 14:07")),
        ("2024/03/05T14:07", T("2024-03-05 14:07")),
        # month first, proved by a second number over 12
        ("3/25/2024, 2:07 PM", T("2024-03-25 14:07")),
        ("3/25/2024 2:07:09 pm", T("2024-03-25 14:07:09")),
        ("3/25/2024,2:07 AM", T("2024-03-25 02:07")),
        ("02-26-2018", T("2018-02-26")),
        ("02-26-2018 7:58 PM", T("2018-02-26 19:58")),
        ("02.26.2018", T("2018-02-26")),
        # day first, proved by a first number over 12
        ("26/02/2018 19:58", T("2018-02-26 19:58")),
        ("26-02-2018 19:58", T("2018-02-26 19:58")),
        ("26-02-2018 19:58:07", T("2018-02-26 19:58:07")),
        ("26.02.2018", T("2018-02-26")),
        ("26.02.2018, 19:58", T("2018-02-26 19:58")),
        # two-digit years are this century's
        ("3/25/24", T("2024-03-25")),
        ("26-02-18", T("2018-02-26")),
        ("26.02.18", T("2018-02-26")),
        ("26-02-18 19:58", T("2018-02-26 19:58")),
        # month names, any case, abbreviated or full, with or without a weekday
        ("5 Mar 2024", T("2024-03-05")),
        ("05-Mar-2024", T("2024-03-05")),
        ("5-Mar-24", T("2024-03-05")),
        ("05MAR2024", T("2024-03-05")),
        ("Mar 5, 2024", T("2024-03-05")),
        ("mar 5 2024", T("2024-03-05")),
        ("March 5, 2024 2:07 PM", T("2024-03-05 14:07")),
        ("MARCH 5TH, 2024", T("2024-03-05")),
        ("5 March 2024 14:07", T("2024-03-05 14:07")),
        ("Tue, 5 Mar 2024 14:07:00", T("2024-03-05 14:07")),
        ("Tuesday, March 5, 2024 2:07:09 PM", T("2024-03-05 14:07:09")),
        ("Tue Mar 05 2024", T("2024-03-05")),
        ("2024-Mar-05", T("2024-03-05")),
        ("2024 March 5 14:07", T("2024-03-05 14:07")),
        ("5 Sept 2024", T("2024-09-05")),
        ("5 Sep. 2024", T("2024-09-05")),
        ("31 December 2099 23:59:59", T("2099-12-31 23:59:59")),
        ("29 Feb 2024", T("2024-02-29")),
    ],
)
def test_each_form_reads_exactly(value: str, expected: pd.Timestamp) -> None:
    # naive times are business time, whatever zone is configured
    assert read([value], tz="America/New_York") == [expected]


@pytest.mark.parametrize(
    ("tz", "expected"),
    [("Europe/Berlin", T("2024-03-05 09:00")), ("UTC", T("2024-03-05 08:00"))],
)
def test_zoned_times_are_converted_to_the_business_zone(tz: str, expected: pd.Timestamp) -> None:
    assert read(["2024-03-05T10:00:00+02:00"], tz=tz) == [expected]


def test_zoned_dates_keep_the_day_as_written() -> None:
    parsed = parse_dates(pd.Series(["2024-03-05T23:30:00-05:00", "26-02-2018 23:59", "5 Mar 24"]))
    assert parsed.values.tolist() == [T("2024-03-05"), T("2018-02-26"), T("2024-03-05")]
    assert parsed.values.dtype == "datetime64[us]"


# --- day/month order decided per column ----------------------------------------------------


@pytest.mark.parametrize("separator", ["/", "-", "."])
def test_a_first_number_over_twelve_proves_day_first(separator: str) -> None:
    values = [f"01{separator}02{separator}2018", f"26{separator}02{separator}2018 19:58"]
    assert read(values) == [T("2018-02-01"), T("2018-02-26 19:58")]
    assert note(values) == f"column read as D{separator}M{separator}YYYY"


@pytest.mark.parametrize("separator", ["/", "-", "."])
def test_a_second_number_over_twelve_proves_month_first(separator: str) -> None:
    values = [f"01{separator}02{separator}18", f"02{separator}26{separator}18"]
    assert read(values, day_first=True) == [T("2018-01-02"), T("2018-02-26")]
    assert note(values, day_first=True) == f"column read as M{separator}D{separator}YY"


@pytest.mark.parametrize(
    ("values", "day_first", "expected", "message"),
    [
        (
            ["01-02-2018", "03-04-2018 10:00"],
            False,
            [T("2018-01-02"), T("2018-03-04 10:00")],
            "day/month order ambiguous; read as M-D-YYYY (the format's default)",
        ),
        (
            ["01-02-2018", "03-04-2018 10:00"],
            True,
            [T("2018-02-01"), T("2018-04-03 10:00")],
            "day/month order ambiguous; read as D-M-YYYY (the format's default)",
        ),
        (
            ["1/2/24"],
            True,
            [T("2024-02-01")],
            "day/month order ambiguous; read as D/M/YY (the format's default)",
        ),
        # dotted dates are European, so day first even when the format's default says not
        (
            ["01.02.2018", "03.04.2018"],
            False,
            [T("2018-02-01"), T("2018-04-03")],
            "day/month order ambiguous; read as D.M.YYYY (the usual order for dotted dates)",
        ),
        (
            ["01.02.2018"],
            True,
            [T("2018-02-01")],
            "day/month order ambiguous; read as D.M.YYYY (the format's default)",
        ),
    ],
)
def test_an_ambiguous_column_takes_the_default_and_says_so(
    values: list[str], day_first: bool, expected: list[pd.Timestamp], message: str
) -> None:
    assert read(values, day_first=day_first) == expected
    assert note(values, day_first=day_first) == message


def test_contradicting_dashed_dates_leave_the_minority_invalid() -> None:
    parsed = parse_datetimes(pd.Series(["26-02-2018", "27-02-2018", "02-28-2018", "01-02-2018"]))
    assert parsed.values.tolist() == [T("2018-02-26"), T("2018-02-27"), NAT, T("2018-02-01")]
    assert parsed.invalid.tolist() == [False, False, True, False]
    assert parsed.note == (
        "day/month order mixed; read as D-M-YYYY, values in the other order are invalid"
    )


def test_month_names_and_year_first_dates_need_no_decision() -> None:
    values = ["5 Mar 2024", "2024/03/05", "2024-03-05T14:07"]
    assert read(values) == [T("2024-03-05"), T("2024-03-05"), T("2024-03-05 14:07")]
    assert note(values) is None


def test_month_names_do_not_vote_on_the_numeric_order() -> None:
    values = ["Mar 25, 2024", "01/02/2024"]
    assert read(values, day_first=True) == [T("2024-03-25"), T("2024-02-01")]
    assert note(values, day_first=True) == (
        "day/month order ambiguous; read as D/M/YYYY (the format's default)"
    )


def test_a_repeating_column_is_read_per_distinct_value() -> None:
    values = pd.Series(["26-02-2018 19:58", "", "01-03-2018", "5 Mar 24", "31-02-2018"] * 400)
    parsed = parse_datetimes(values)
    assert parsed.values.iloc[:5].tolist() == [
        T("2018-02-26 19:58"),
        NAT,
        T("2018-03-01"),
        T("2024-03-05"),
        NAT,
    ]
    assert parsed.invalid.iloc[:5].tolist() == [False, False, False, False, True]
    assert int(parsed.invalid.sum()) == 400
    assert parsed.note == "column read as D-M-YYYY"


# --- an order stated by the mapping --------------------------------------------------------


def test_date_orders_are_the_three_mapping_orders() -> None:
    assert DATE_ORDERS == ("D-M-Y", "M-D-Y", "Y-M-D")


@pytest.mark.parametrize(
    ("order", "values", "expected"),
    [
        # overrides the format's default in an ambiguous column
        ("D-M-Y", ["01-02-2018", "03/04/18 10:00"], [T("2018-02-01"), T("2018-04-03 10:00")]),
        ("M-D-Y", ["01.02.2018", "03.04.18"], [T("2018-01-02"), T("2018-03-04")]),
        ("Y-M-D", ["24-03-05", "18.02.26 19:58"], [T("2024-03-05"), T("2018-02-26 19:58")]),
        # a four-digit first number is a year whatever the order; month names need no order
        ("D-M-Y", ["2024-03-05", "2024/03/05", "Mar 5, 2024"], [T("2024-03-05")] * 3),
    ],
)
def test_a_stated_order_decides(
    order: str, values: list[str], expected: list[pd.Timestamp]
) -> None:
    assert read(values, order=order) == expected
    assert read(values, order=order, day_first=True) == expected
    assert note(values, order=order) is None


@pytest.mark.parametrize(
    ("order", "values", "expected", "invalid"),
    [
        ("D-M-Y", ["26-02-2018", "02-26-2018"], [T("2018-02-26"), NAT], [False, True]),
        ("M-D-Y", ["26-02-2018", "02-26-2018"], [NAT, T("2018-02-26")], [True, False]),
        ("D-M-Y", ["01/13/2024", "13/01/2024"], [NAT, T("2024-01-13")], [True, False]),
        ("Y-M-D", ["05-03-2024", "24-03-05"], [NAT, T("2024-03-05")], [True, False]),
        ("Y-M-D", ["24-13-05"], [NAT], [True]),
    ],
)
def test_values_not_in_the_stated_order_are_invalid(
    order: str, values: list[str], expected: list[pd.Timestamp], invalid: list[bool]
) -> None:
    parsed = parse_datetimes(pd.Series(values), order=order)
    assert parsed.values.tolist() == expected
    assert parsed.invalid.tolist() == invalid
    dates = parse_dates(pd.Series(values), order=order)
    assert dates.invalid.tolist() == invalid


@pytest.mark.parametrize("order", ["DMY", "d-m-y", "D/M/Y", "", "Y-D-M"])
def test_an_unknown_order_is_refused(order: str) -> None:
    with pytest.raises(ValueError, match="D-M-Y, M-D-Y, Y-M-D"):
        parse_datetimes(pd.Series(["01-02-2018"]), order=order)
    with pytest.raises(ValueError, match="D-M-Y"):
        parse_dates(pd.Series(["01-02-2018"]), order=order)


# --- impossible and blank ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "31/02/2024",
        "31-02-2024",
        "29.02.2023",
        "2024/02/30",
        "2024.13.01",
        "30 Feb 2024",
        "31-Apr-24",
        "Feb 30, 2024",
        "2024-Feb-30",
        "0 Mar 2024",
        "5 Foo 2024",
        "5 Mar 202",
        "13-13-2024",
        "26-02/2018",  # two different separators
        "26-02-202",  # a three-digit year
        "126-02-2018",
        "26-02-2018 24:00",
        "26-02-2018 19:60",
        "26-02-2018 19:58:60",
        "26-02-2018 13:07 PM",
        "26-02-2018 0:07 AM",
        "26-02-201819:58",  # nothing between the date and the time
        "19:58",
        "5 Mar 2024 14:07 +0000",
        "Someday, 5 Mar 2024",
        "2024",
        "26-02",
    ],
)
def test_impossible_or_unknown_dates_are_invalid(value: str) -> None:
    parsed = parse_datetimes(pd.Series([value]))
    assert parsed.invalid.tolist() == [True], value
    assert parsed.values.isna().all()


def test_month_thirteen_is_invalid_when_the_order_is_stated() -> None:
    parsed = parse_datetimes(pd.Series(["13-02-2018", "01-02-2018"]), order="M-D-Y")
    assert parsed.invalid.tolist() == [True, False]
    assert parsed.values.tolist() == [NAT, T("2018-01-02")]


def test_blanks_stay_missing_and_are_not_invalid() -> None:
    values = pd.Series(["", "  ", None, "26-02-2018", "5 Mar 2024", float("nan")], dtype=object)
    for parsed in (parse_datetimes(values), parse_dates(values, order="D-M-Y")):
        assert parsed.values.isna().tolist() == [True, True, True, False, False, True]
        assert parsed.invalid.tolist() == [False] * 6


# --- the shape of what could not be read ---------------------------------------------------


def test_date_shape_lists_the_commonest_unreadable_shapes() -> None:
    values = pd.Series(
        ["26|02|2018", "2024-03-05", "", "01|03|2019", "next week", "27|02|2018", "soon", "?"]
    )
    assert date_shape(values) == [
        "26|02|2018 (shape 99|99|9999)",
        "next week (shape AAAA AAAA)",
        "soon (shape AAAA)",
    ]
    assert date_shape(values, limit=1) == ["26|02|2018 (shape 99|99|9999)"]


def test_date_shape_of_readable_values_is_empty() -> None:
    assert date_shape(pd.Series(["26-02-2018 19:58", "", None])) == []


def test_date_shape_judges_values_as_the_import_does() -> None:
    values = pd.Series(["02-26-2018", "26-02-2018"])
    assert date_shape(values, order="D-M-Y") == ["02-26-2018 (shape 99-99-9999)"]
    assert date_shape(pd.Series(["45356"]), excel=True) == []
    assert date_shape(pd.Series(["45356"])) == ["45356 (shape 99999)"]


def test_date_shape_shortens_long_values() -> None:
    (shape,) = date_shape(pd.Series(["x" * 100]))
    assert shape == f"{'x' * 39}… (shape {'A' * 39}…)"


# --- round trips ---------------------------------------------------------------------------

MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
Layout = Callable[[dt.datetime], str]


def _hour12(moment: dt.datetime) -> str:
    return f"{(moment.hour % 12) or 12}:{moment:%M}"


def _half(moment: dt.datetime) -> str:
    return "PM" if moment.hour >= 12 else "AM"


# each layout writes a moment; the order it needs when the value alone leaves it open
LAYOUTS: dict[str, tuple[Layout, str | None]] = {
    "YYYY-MM-DD HH:MM:SS": (lambda m: f"{m:%Y-%m-%d %H:%M:%S}", None),
    "YYYY-MM-DDTHH:MM": (lambda m: f"{m:%Y-%m-%dT%H:%M}", None),
    "YYYY/MM/DD HH:MM:SS": (lambda m: f"{m:%Y/%m/%d %H:%M:%S}", None),
    "YYYY.M.D": (lambda m: f"{m.year}.{m.month}.{m.day}", None),
    "M/D/YYYY h:mm AM": (lambda m: f"{m.month}/{m.day}/{m.year} {_hour12(m)} {_half(m)}", "M-D-Y"),
    "M/D/YYYY, h:mm:ss PM": (
        lambda m: f"{m.month}/{m.day}/{m.year}, {_hour12(m)}:{m:%S} {_half(m)}",
        "M-D-Y",
    ),
    "D/M/YYYY HH:MM:SS": (lambda m: f"{m.day}/{m.month}/{m.year} {m:%H:%M:%S}", "D-M-Y"),
    "DD-MM-YYYY HH:MM": (lambda m: f"{m:%d-%m-%Y %H:%M}", "D-M-Y"),
    "MM-DD-YYYY": (lambda m: f"{m:%m-%d-%Y}", "M-D-Y"),
    "DD.MM.YYYY HH:MM": (lambda m: f"{m:%d.%m.%Y %H:%M}", "D-M-Y"),
    "M/D/YY": (lambda m: f"{m.month}/{m.day}/{m:%y}", "M-D-Y"),
    "DD-MM-YY HH:MM": (lambda m: f"{m:%d-%m-%y %H:%M}", "D-M-Y"),
    "DD.MM.YY": (lambda m: f"{m:%d.%m.%y}", "D-M-Y"),
    "D Mon YYYY": (lambda m: f"{m.day} {m:%b} {m.year}", None),
    "DD-Mon-YYYY HH:MM": (lambda m: f"{m:%d-%b-%Y %H:%M}", None),
    "D-Mon-YY": (lambda m: f"{m.day}-{m:%b}-{m:%y}", None),
    "Mon D, YYYY": (lambda m: f"{m:%b} {m.day}, {m.year}", None),
    "Month D, YYYY h:mm AM": (
        lambda m: f"{MONTHS[m.month - 1]} {m.day}, {m.year} {_hour12(m)} {_half(m)}",
        None,
    ),
    "D MONTH YYYY HH:MM": (lambda m: f"{m.day} {MONTHS[m.month - 1].upper()} {m:%Y %H:%M}", None),
    "Ddd, D Mon YYYY HH:MM:SS": (lambda m: f"{m:%a}, {m.day} {m:%b %Y %H:%M:%S}", None),
    "YYYY-Mon-DD": (lambda m: f"{m.year}-{m:%b}-{m:%d}", None),
}


def _written_precision(moment: dt.datetime, text: str) -> dt.datetime:
    """The moment as far as the text writes it: seconds only when two colons appear."""
    colons = text.count(":")
    if colons == 0:
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if colons == 1:
        return moment.replace(second=0, microsecond=0)
    return moment.replace(microsecond=0)


moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31))


@PROPERTY
@given(moment=moments, layout=st.sampled_from(sorted(LAYOUTS)))
def test_any_moment_in_any_layout_reads_back(moment: dt.datetime, layout: str) -> None:
    write, order = LAYOUTS[layout]
    text = write(moment)
    expected = pd.Timestamp(_written_precision(moment, text))
    assert read([text], order=order) == [expected], text
    # the format's default does the same job as a stated order for a lone ambiguous value
    assert read([text], day_first=order != "M-D-Y") == [expected], text
    assert parse_dates(pd.Series([text]), order=order).values.tolist() == [
        pd.Timestamp(moment.date())
    ]


@PROPERTY
@given(
    days=st.lists(
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
        min_size=1,
        max_size=20,
    ),
    separator=st.sampled_from(["/", "-", "."]),
    day_first=st.booleans(),
    two_digit=st.booleans(),
)
def test_a_column_decides_its_own_order(
    days: list[dt.date], separator: str, day_first: bool, two_digit: bool
) -> None:
    def show(day: dt.date) -> str:
        first, second = (day.day, day.month) if day_first else (day.month, day.day)
        year = f"{day:%y}" if two_digit else str(day.year)
        return f"{first:02d}{separator}{second:02d}{separator}{year}"

    parsed = parse_datetimes(pd.Series([show(day) for day in days]))
    assert not parsed.invalid.any()
    decidable = any(day.day > 12 for day in days)
    # without proof the format's default (month first here) applies, except for dotted dates
    read_day_first = day_first if decidable else separator == "."
    if read_day_first == day_first:
        assert parsed.values.tolist() == [pd.Timestamp(day) for day in days]
    fields = ("D", "M") if read_day_first else ("M", "D")
    layout = separator.join((*fields, "YY" if two_digit else "YYYY"))
    assert parsed.note is not None and layout in parsed.note
