"""Numbers for people."""

import pytest

from smarketing_data import format as fmt


@pytest.mark.parametrize(
    "value,text",
    [
        (0, "0"),
        (12, "12"),
        (999, "999"),
        (1234, "1.2k"),
        (1000, "1k"),
        (125_000, "125k"),
        (1_400_000, "1.4M"),
        (None, "—"),
        (float("nan"), "—"),
        (2.5, "2.5"),
    ],
)
def test_count(value, text):
    assert fmt.count(value) == text


@pytest.mark.parametrize(
    "value,text",
    [(1_400_000, "$1.4M"), (-2500, "-$2.5k"), (0, "$0"), (12_000.5, "$12k"), (None, "—")],
)
def test_money(value, text):
    assert fmt.money(value) == text


@pytest.mark.parametrize(
    "value,text", [(0.3412, "34%"), (1, "100%"), (0.004, "0.4%"), (0, "0%"), (None, "—")]
)
def test_pct(value, text):
    assert fmt.pct(value) == text


def test_change_and_days():
    assert fmt.change(0.12) == "+12%" and fmt.change(-0.5) == "-50%"
    assert fmt.days(3.25) == "3.2 days" and fmt.days(42.4) == "42 days"
