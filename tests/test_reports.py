"""The twelve reports, funnel, goals and contribution on a fixture worked out by hand.

tests/data/qbr holds 11 journeys; every number below is derived in the comments from the
reached-stage dates (SPEC §3.1–3.2) of those journeys for 2026-Q2 = [Apr 1, Jul 1).
"""

from __future__ import annotations

import json
import math

import pytest

from helpers import DATA
from smarketing_data.metrics.goals import set_goal, set_target
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.report_set import build_report_set, to_json
from smarketing_data.metrics.reports import ReportOptions, default_quarter, quarters_with_data
from smarketing_data.stages import CohortBase

QBR = DATA / "qbr"
Q2 = parse_quarter("2026-Q2")


def wilson_by_hand(x: int, n: int) -> tuple[float, float]:
    z = 1.96
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return round(max(0.0, centre - half), 6), round(min(1.0, centre + half), 6)


def rep_row(rid: str, name: str, x: int, n: int, goal: float, verdict: str) -> dict:
    low, high = wilson_by_hand(x, n)
    return {
        "id": rid,
        "name": name,
        "rate": round(x / n, 6),
        "numerator": x,
        "denominator": n,
        "ci_low": low,
        "ci_high": high,
        "goal": round(goal, 6),
        "verdict": verdict,
    }


def camp(cid: str, name: str, value: int, upstream: int, goal: float) -> dict:
    return {
        "id": cid,
        "name": name,
        "value": value,
        "upstream": upstream,
        "expected": round(upstream * goal, 6),
    }


@pytest.fixture
def qbr(any_kind, databases):
    """The hand-worked fixture (helpers' "qbr" dataset), on each engine."""
    return databases.engine(any_kind, "qbr")


MQL_SQL, SQL_OPP, OPP_WON = 0.6 * 0.6, 0.55, 0.25
MQL_OPP = MQL_SQL * SQL_OPP
MQL_WON = MQL_OPP * OPP_WON


def test_report_json_for_the_quarter(qbr):
    got = to_json(build_report_set(qbr, quarter=Q2, options=ReportOptions(top=2, min_volume=2)))
    assert got == {
        "quarter": "2026-Q2",
        "start": "2026-04-01",
        "end": "2026-07-01",
        "base": "mql",
        # leads: j1 j2 j3 j6 j7 j10 j11 (j4, j5 created in Q1; j8 entered at Opp)
        # mql: j1 j2 j3 j5 (Apr 1 00:00 is in) j6 j7 j11 (j10's MQL is Jul 1 00:00: next quarter)
        # sal: j1, j2 (skipped: SQL date), j4, j5, j6 (Opp date), j11 (SQL date)
        # opp: j1, j6, j8; won: j1, j8; pipeline 100 + 50 + 300; bookings 100 + 300
        "funnel": {
            "leads": 7,
            "mql": 7,
            "sal": 6,
            "sql": 6,
            "opp": 3,
            "won": 2,
            "pipeline": 450.0,
            "bookings": 400.0,
        },
        # eligible: Alpha (activity), beta (activity of journeys created in Q1), Gamma (dates
        # overlap, no journeys); Delta has no start date, Echo's activity and dates are in 2025.
        # SQLs: Alpha j1 j2 = 2, beta j4 j5 = 2 (tie: "Alpha" < "beta" case-insensitively)
        "tracked": {"lead": True, "mql": True, "sal": True, "sql": True, "opp": True, "won": True},
        "campaigns": {
            "sql": {
                "top": [
                    camp("camp-a", "Alpha", 2, 4, MQL_SQL),
                    camp("camp-b", "beta", 2, 1, MQL_SQL),
                ],
                "bottom": [camp("camp-c", "Gamma", 0, 0, MQL_SQL)],
            },
            "opp": {
                "top": [
                    camp("camp-a", "Alpha", 1, 2, SQL_OPP),
                    camp("camp-b", "beta", 1, 2, SQL_OPP),
                ],
                "bottom": [camp("camp-c", "Gamma", 0, 0, SQL_OPP)],
            },
            "won": {
                "top": [
                    camp("camp-a", "Alpha", 1, 1, OPP_WON),
                    camp("camp-b", "beta", 1, 1, OPP_WON),
                ],
                "bottom": [camp("camp-c", "Gamma", 0, 0, OPP_WON)],
            },
        },
        # MQL cohorts: Rita {j1, j2}, sam {j3, j5} (j4's MQL is in Q1), Tom {j6, j11};
        # j7 has no rep; j8 entered at Opp, so it is in no MQL cohort.
        "reps": {
            "sql": {
                "top": [
                    rep_row("r1", "Rita", 2, 2, MQL_SQL, "on_par"),
                    rep_row("r3", "Tom", 2, 2, MQL_SQL, "on_par"),
                ],
                "bottom": [rep_row("r2", "sam", 1, 2, MQL_SQL, "on_par")],
            },
            "opp": {
                "top": [
                    rep_row("r1", "Rita", 1, 2, MQL_OPP, "on_par"),
                    rep_row("r3", "Tom", 1, 2, MQL_OPP, "on_par"),
                ],
                "bottom": [rep_row("r2", "sam", 0, 2, MQL_OPP, "on_par")],
            },
            # Won: Rita 1/2; sam 0/2 and Tom 0/2 tie on rate and size: "sam" < "Tom"
            "won": {
                "top": [
                    rep_row("r1", "Rita", 1, 2, MQL_WON, "above"),
                    rep_row("r2", "sam", 0, 2, MQL_WON, "on_par"),
                ],
                "bottom": [rep_row("r3", "Tom", 0, 2, MQL_WON, "on_par")],
            },
        },
        "goals": {
            "lead_mql": 0.25,
            "mql_sal": 0.6,
            "sal_sql": 0.6,
            "sql_opp": 0.55,
            "opp_won": 0.25,
        },
    }


def test_top_one_puts_the_next_in_bottom_and_zero_counts_first(qbr):
    report = build_report_set(qbr, quarter=Q2, options=ReportOptions(top=1, min_volume=2))
    sql = report.campaigns["sql"]
    assert sql.top["name"].tolist() == ["Alpha"]
    assert sql.bottom["name"].tolist() == ["Gamma"]
    assert report.reps["won"].bottom["name"].tolist() == ["sam"]


def test_lead_base_and_low_volume_reps_left_out(qbr):
    report = build_report_set(
        qbr, quarter=Q2, options=ReportOptions(top=2, min_volume=2, base="lead")
    )
    # Lead cohorts: Rita {j1, j2}, sam {j3} (left out: 1 < 2), Tom {j6, j10, j11}
    sql = to_json(report)["reps"]["sql"]
    lead_sql = 0.25 * 0.6 * 0.6
    assert sql["top"] == [
        rep_row("r1", "Rita", 2, 2, lead_sql, "above"),
        rep_row("r3", "Tom", 2, 3, lead_sql, "above"),
    ]
    assert sql["bottom"] == []
    assert report.reps["sql"].left_out["name"].tolist() == ["sam"]


def test_quarter_goal_override_changes_expected_and_verdict(qbr):
    set_goal(qbr, from_stage="mql", to_stage="sal", rate=0.5, quarter="2026-Q2")
    set_goal(qbr, from_stage="mql", to_stage="won", rate=0.01)
    report = to_json(build_report_set(qbr, quarter=Q2, options=ReportOptions(top=2, min_volume=2)))
    assert report["goals"]["mql_sal"] == 0.5
    # MQL→SQL is now 0.5 × 0.6 = 0.30: Alpha expects 4 × 0.30 SQLs
    assert report["campaigns"]["sql"]["top"][0]["expected"] == 1.2
    # the explicit MQL→Won goal for every quarter wins over the product
    assert report["reps"]["won"]["top"][0]["goal"] == 0.01
    other = to_json(build_report_set(qbr, quarter=parse_quarter("2026-Q1")))
    assert other["goals"]["mql_sal"] == 0.6


def test_confidence_adjusted_ranking_uses_the_interval_low_end(qbr):
    report = build_report_set(
        qbr,
        quarter=Q2,
        options=ReportOptions(top=1, min_volume=2, base="lead", ranking="confidence"),
    )
    # Rita 2/2 has the higher low end; Tom 2/3 comes next
    assert report.reps["sql"].top["name"].tolist() == ["Rita"]
    assert report.reps["sql"].bottom["name"].tolist() == ["Tom"]


def test_contribution_against_targets_and_previous_quarter(qbr):
    set_target(qbr, quarter="2026-Q2", metric="sourced_pipeline", amount=800)
    report = build_report_set(qbr, quarter=Q2)
    contrib = report.contribution.set_index("metric")
    # sourced = journeys with a campaign: j1 (100) and j8 (300); j6 (50) has none
    assert contrib.loc["pipeline", "sourced"] == 400.0
    assert contrib.loc["pipeline", "total"] == 450.0
    assert contrib.loc["pipeline", "attainment"] == 0.5
    assert contrib.loc["bookings", "share"] == 1.0
    funnel = report.funnel.set_index("stage")
    # Q1: j4 and j5 created, j4's MQL
    assert (funnel.loc["lead", "previous"], funnel.loc["mql", "previous"]) == (2, 1)
    assert funnel.loc["mql", "step_rate"] == 1.0
    assert funnel.loc["won", "cumulative_rate"] == pytest.approx(2 / 7)


def test_quarters_calendar_and_fiscal(qbr):
    import datetime as dt

    assert [q.label for q in quarters_with_data(qbr)] == [
        "2026-Q3",
        "2026-Q2",
        "2026-Q1",
        "2025-Q4",
    ]
    assert [q.label for q in quarters_with_data(qbr, fiscal_start_month=4)] == [
        "FY2027-Q2",
        "FY2027-Q1",
        "FY2026-Q4",
        "FY2026-Q3",
    ]
    fiscal = build_report_set(
        qbr, quarter=parse_quarter("FY2027-Q1", 4), options=ReportOptions(top=2, min_volume=2)
    )
    calendar = build_report_set(qbr, quarter=Q2, options=ReportOptions(top=2, min_volume=2))
    assert to_json(fiscal)["funnel"] == to_json(calendar)["funnel"]
    assert to_json(fiscal)["quarter"] == "FY2027-Q1"
    assert default_quarter(qbr, today=dt.date(2026, 8, 1)).label == "2026-Q2"


def test_quarter_without_data(qbr):
    report = build_report_set(qbr, quarter=parse_quarter("2024-Q1"))
    assert not report.has_data
    assert to_json(report)["campaigns"]["sql"] == {"top": [], "bottom": []}


def test_the_cohort_base_is_a_value_made_at_the_edges():
    # "lead" from the CLI or a test becomes the value object; a stage that is no base fails
    # where it is given, not in a query
    assert ReportOptions(base="lead").base is CohortBase.LEAD  # type: ignore[arg-type]
    assert ReportOptions().cohort_base is CohortBase.MQL
    assert CohortBase.OPP.label == "Opportunity"
    assert json.dumps({"base": CohortBase.LEAD}) == '{"base": "lead"}'
    with pytest.raises(ValueError):
        ReportOptions(base="sal")  # type: ignore[arg-type]
