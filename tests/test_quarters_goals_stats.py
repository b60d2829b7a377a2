"""Quarter labels and bounds, goal precedence, Wilson intervals and verdicts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smarketing_data.metrics.goals import DEFAULT_GOALS, GoalError, load_goals, set_goal
from smarketing_data.metrics.quarters import QuarterError, parse_quarter, quarter_of
from smarketing_data.metrics.stats import verdict, wilson


@pytest.mark.parametrize(
    "day,fiscal,label,start,end",
    [
        (dt.date(2026, 5, 17), 1, "2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 7, 1)),
        (dt.date(2026, 12, 31), 1, "2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
        (dt.date(2026, 2, 1), 2, "FY2027-Q1", dt.date(2026, 2, 1), dt.date(2026, 5, 1)),
        (dt.date(2026, 1, 31), 2, "FY2026-Q4", dt.date(2025, 11, 1), dt.date(2026, 2, 1)),
        (dt.date(2026, 4, 1), 4, "FY2027-Q1", dt.date(2026, 4, 1), dt.date(2026, 7, 1)),
        (dt.date(2026, 3, 31), 4, "FY2026-Q4", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
    ],
)
def test_quarter_labels_and_half_open_bounds(day, fiscal, label, start, end):
    q = quarter_of(day, fiscal)
    assert (q.label, q.start, q.end) == (label, start, end)
    assert parse_quarter(label, fiscal) == q


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)), st.integers(1, 12))
def test_every_day_is_in_exactly_its_quarter(day, fiscal):
    q = quarter_of(day, fiscal)
    assert q.start <= day < q.end
    assert q.next().start == q.end and q.previous().end == q.start
    assert parse_quarter(q.label, fiscal) == q


def test_bad_labels():
    with pytest.raises(QuarterError):
        parse_quarter("2026-Q5")
    with pytest.raises(QuarterError):
        parse_quarter("2026-Q2", 4)


def test_goal_precedence(engine):
    goals = load_goals(engine, quarter="2026-Q2")
    assert goals.rate("mql", "won") == pytest.approx(0.6 * 0.6 * 0.55 * 0.25)
    set_goal(engine, from_stage="sql", to_stage="opp", rate=0.5)
    set_goal(engine, from_stage="sql", to_stage="opp", rate=0.4, quarter="2026-Q2")
    set_goal(engine, from_stage="mql", to_stage="sql", rate=0.3)
    q2 = load_goals(engine, quarter="2026-Q2")
    q3 = load_goals(engine, quarter="2026-Q3")
    assert q2.adjacent("sql", "opp") == 0.4 and q3.adjacent("sql", "opp") == 0.5
    assert q2.rate("mql", "sql") == 0.3
    assert q2.rate("mql", "opp") == pytest.approx(0.6 * 0.6 * 0.4)
    assert q2.adjacent("lead", "mql") == DEFAULT_GOALS[("lead", "mql")]
    with pytest.raises(GoalError):
        set_goal(engine, from_stage="won", to_stage="mql", rate=0.1)
    with pytest.raises(GoalError):
        set_goal(engine, from_stage="mql", to_stage="sql", rate=1.5)


def test_wilson_known_values():
    # 8 of 10: centre (0.8 + 0.19208) / 1.38416 = 0.716738,
    # half 1.96 / 1.38416 * sqrt(0.016 + 0.009604) = 0.226581
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.490157, abs=1e-6)
    assert high == pytest.approx(0.943319, abs=1e-6)
    assert wilson(0, 0) == (0.0, 1.0)


@given(st.integers(1, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_interval_contains_the_rate(xn):
    x, n = xn
    low, high = wilson(x, n)
    assert 0.0 <= low <= x / n <= high <= 1.0


def test_verdicts():
    assert verdict(0.31, 0.5, 0.3) == "above"
    assert verdict(0.1, 0.29, 0.3) == "below"
    assert verdict(0.3, 0.5, 0.3) == "on_par"
