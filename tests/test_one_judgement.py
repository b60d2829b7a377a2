"""One report, one judgement (SPEC §9): a rep is above, below or on par with its goal by the
interval rule of §4.2 in every view, and a campaign meets its goal when its count reaches the
count expected at goal, in every view.

On tests/data/qbr for 2026-Q2 (derived in tests/test_reports.py), top 1, min volume 2:
- sam (r2): MQL cohort j3, j5; neither won: 0/2 = 0% to Closed Won against the goal
  MQL→Won = 0.36 × 0.55 × 0.25 = 4.95%. The point rate is under the goal, but the Wilson
  interval 0%–65.8% straddles it: on par. Rita (1/2) is the top rep, so sam is first of the
  bottom list (tied with Tom at 0/2 and cohort 2, then by name).
- Alpha (camp-a): SQLs in Q2 j1, j2 = 2; Opportunities j1 = 1 against 2 × 55% = 1.1 expected
  at goal: below. It tops the Opportunity list (1, tied with beta's j8, then by name).
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from helpers import DATA
from smarketing_data import charts
from smarketing_data import meeting as mt
from smarketing_data.exports import export
from smarketing_data.metrics.highlights import highlights
from smarketing_data.metrics.judgement import (
    VERDICT_WORDS,
    campaign_verdict,
    met,
    rep_verdict,
    step_verdict,
    words,
)
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.report_set import build_report_set
from smarketing_data.metrics.reports import ReportOptions
from smarketing_data.report_text import render_text

QBR = DATA / "qbr"
Q2 = parse_quarter("2026-Q2")
OPTIONS = ReportOptions(top=1, min_volume=2)
GOAL_MQL_WON = 0.36 * 0.55 * 0.25


@pytest.fixture
def qbr(databases):  # type: ignore[no-untyped-def]
    return databases.engine("sqlite", "qbr")  # the hand-worked fixture


@pytest.fixture
def rs(qbr):  # type: ignore[no-untyped-def]
    return build_report_set(qbr, quarter=Q2, options=OPTIONS)


@pytest.fixture
def bundle(qbr) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    return zipfile.ZipFile(io.BytesIO(export(qbr, quarter=Q2, fmt="csv", options=OPTIONS)))


def rows_of(bundle: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(bundle.read(name).decode("utf-8-sig"))))


# --- the rules ---------------------------------------------------------------------------------


def test_rep_verdict_is_the_rows_verdict_whatever_the_rate():
    # 0% against a 5% goal, yet on par: only the interval judges a rep
    row = {"rate": 0.0, "goal": 0.05, "ci_low": 0.0, "ci_high": 0.66, "verdict": "on_par"}
    assert rep_verdict(row) == "on_par"
    assert met("on_par") is None and met("above") is True and met("below") is False


def test_campaign_verdict_needs_something_expected():
    assert campaign_verdict(1, 1.1) == "below"
    assert campaign_verdict(9, 25 * 0.36) == "at_or_above"  # 9.000000000000002: float dust
    assert campaign_verdict(0, 0.0) is None  # no upstream volume: nothing was expected
    assert campaign_verdict(3, None) is None and campaign_verdict(3, float("nan")) is None


def test_step_verdict_and_words():
    assert step_verdict(0.5, 0.55) == "below" and step_verdict(0.55, 0.55) == "at_or_above"
    assert step_verdict(None, 0.55) is None and step_verdict(0.5, None) is None
    assert VERDICT_WORDS["reps"] == {
        "above": "above goal",
        "on_par": "on par with goal",
        "below": "below goal",
    }
    assert words("campaigns", "at_or_above") == "at or above expected"
    assert words("campaigns", "below") == "below expected"
    assert words("campaigns", None) == ""


# --- a rep under its goal but on par ---------------------------------------------------------


def test_the_report_row_says_on_par(rs):
    sam = rs.reps["won"].bottom.iloc[0]
    assert (sam["name"], int(sam["numerator"]), int(sam["denominator"])) == ("sam", 0, 2)
    assert sam["rate"] < sam["goal"] == pytest.approx(GOAL_MQL_WON, abs=1e-6)
    assert sam["ci_low"] == 0.0 and sam["ci_high"] == pytest.approx(0.657628, abs=1e-6)
    assert sam["verdict"] == "on_par"


def test_the_meeting_headline_does_not_judge_an_on_par_rep(rs):
    assert mt.headline(rs, "reps.won.bottom") == mt.Headline(
        "reps.won.bottom", "sam: 0% to Closed Won (0/2) against a goal of 5%", None
    )


def test_the_cli_text_says_on_par(rs):
    line = next(
        line
        for line in render_text(rs).splitlines()
        if " sam " in line and "0/2" in line and "goal 5%" in line
    )
    assert line.endswith("goal 5%  on par with goal")


def test_the_csv_export_says_on_par(bundle):
    assert [
        (r["name"], r["rate"], r["goal"], r["verdict"])
        for r in rows_of(bundle, "reps_won_bottom.csv")
    ] == [("sam", "0.0", "0.0495", "on_par")]


def test_the_highlights_neither_celebrate_nor_worry_about_it(rs):
    found = highlights(rs)
    assert not any(t.startswith("sam:") for t in found["text"])
    # Rita, 1/2 against 5%: her interval 9.5%–90.5% is wholly above, a win on every view
    assert "Rita: 50% to Closed Won (1/2), clearly above the goal of 5%" in list(
        found[found["kind"] == "win"]["text"]
    )


def test_the_rep_chart_colours_it_on_par(rs):
    fig = charts.rep_chart(rs.reps["won"].bottom, "Closed Won")
    assert list(fig.data[0].marker.color) == [charts.ON_PAR]
    fig = charts.rep_chart(rs.reps["won"].top, "Closed Won")
    assert list(fig.data[0].marker.color) == [charts.ABOVE]


# --- a campaign under its expected count ---------------------------------------------------


def test_the_campaign_row_is_below_expected(rs):
    alpha = rs.campaigns["opp"].top.iloc[0]
    assert (alpha["name"], int(alpha["value"]), int(alpha["upstream"])) == ("Alpha", 1, 2)
    assert alpha["expected"] == pytest.approx(1.1)
    assert campaign_verdict(alpha["value"], alpha["expected"]) == "below"


def test_every_view_says_the_campaign_is_below(rs, bundle):
    assert mt.headline(rs, "campaigns.opp.top") == mt.Headline(
        "campaigns.opp.top", "Alpha: 1 Opportunity against 1.1 expected at goal", False
    )
    line = next(
        line
        for line in render_text(rs).splitlines()
        if " Alpha " in line and "expected at goal       1.1" in line
    )
    assert line.endswith("below expected")
    row = rows_of(bundle, "campaigns_opp_top.csv")[0]
    assert (row["name"], row["value"], row["expected"]) == ("Alpha", "1", "1.1")
    # a top-list campaign below its expectation is no win
    assert not any(t.startswith("Alpha: 1 Opportunit") for t in highlights(rs)["text"])
    fig = charts.campaign_chart(rs.campaigns["opp"].top, "Opportunities")
    assert list(fig.data[0].marker.color) == [charts.BELOW]


def test_a_campaign_with_nothing_expected_is_not_judged(rs):
    # Gamma ran in the quarter with no MQLs: 0 SQLs against 0 expected is neither hit nor miss
    bottom = rs.campaigns["sql"].bottom
    gamma = bottom[bottom["name"] == "Gamma"].iloc[0]
    assert (int(gamma["value"]), float(gamma["expected"])) == (0, 0.0)
    assert campaign_verdict(gamma["value"], gamma["expected"]) is None
    fig = charts.campaign_chart(bottom, "SQLs")
    colours = dict(zip(fig.layout.yaxis.ticktext, fig.data[0].marker.color, strict=True))
    assert colours["Gamma"] == charts.NEUTRAL
