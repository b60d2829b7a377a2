"""Stages the data really has (SPEC §3.10, §4.1): every case written out as ``report --json``.

Four hand-worked fixtures under tests/data/tracked, each for 2026-Q2 = [Apr 1, Jul 1):
no SAL anywhere; a list of MQLs with a won-deals file (entry stage MQL); an opportunity-only
pipeline with a teams file; and a SAL date that a later quarter starts recording.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_reports import wilson_by_hand as wilson

from helpers import DATA, journeys, load
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.report_set import build_report_set, to_json
from smarketing_data.metrics.reports import ReportOptions
from smarketing_data.metrics.tracking import tracked_stages

TRACKED = DATA / "tracked"
Q2 = parse_quarter("2026-Q2")
OPTIONS = ReportOptions(top=1, min_volume=1)
GOALS = {"lead_mql": 0.25, "mql_sal": 0.6, "sal_sql": 0.6, "sql_opp": 0.55, "opp_won": 0.25}
NOT_TRACKED = {"top": [], "bottom": [], "tracked": False}
EMPTY = {"top": [], "bottom": []}
MQL_LIST = {
    "kind": "leads",
    "source": "olist",
    "columns": {"record_id": "mql_id", "created_at": "first_contact_date", "channel": "origin"},
    "constants": {"entry_stage": "mql"},
    "values": {"channel": {"paid_search": "Paid Search", "unknown": None}},
    "dates": {"first_contact_date": "D-M-Y"},
}
WON_DEALS = {
    "kind": "opportunities",
    "source": "olist",
    "columns": {
        "record_id": "mql_id",
        "associated_lead_ids": "mql_id",
        "created_at": "won_date",
        "close_date": "won_date",
        "rep": "sdr_id",
    },
    "constants": {"stage": "Won"},
}
SDR_UPDATE = {
    "kind": "leads",
    "source": "olist",
    "mode": "update",
    "columns": {"record_id": "mql_id", "rep": "sdr_id", "segment": "business_segment"},
}
PIPELINE = {
    "kind": "opportunities",
    "source": "maven",
    "columns": {
        "record_id": "opportunity_id",
        "rep": "sales_agent",
        "stage": "deal_stage",
        "created_at": "engage_date",
        "close_date": "close_date",
        "amount": "close_value",
    },
}
TEAMS = {
    "kind": "reps",
    "source": "maven",
    "columns": {
        "record_id": "sales_agent",
        "name": "sales_agent",
        "team": "manager",
        "region": "regional_office",
    },
}


def rep(rid: str, x: int, n: int, goal: float, verdict: str) -> dict:
    low, high = wilson(x, n)
    return {
        "id": rid,
        "name": rid,
        "rate": round(x / n, 6),
        "numerator": x,
        "denominator": n,
        "ci_low": low,
        "ci_high": high,
        "goal": round(goal, 6),
        "verdict": verdict,
    }


def camp(cid: str, value: int, upstream: int | None, goal: float | None) -> dict:
    expected = None if upstream is None or goal is None else round(upstream * goal, 6)
    return {"id": cid, "name": cid, "value": value, "upstream": upstream, "expected": expected}


def report(engine, **options) -> dict:  # type: ignore[no-untyped-def]
    opts = ReportOptions(top=1, min_volume=1, **options)
    return to_json(build_report_set(engine, quarter=Q2, options=opts))


def test_no_sal_recorded(any_engine):
    load(any_engine, TRACKED / "no_sal.csv")
    mql_sql = 0.6 * 0.6  # the step over the untracked SAL: the product of the goals between
    got = report(any_engine)
    assert got == {
        "quarter": "2026-Q2",
        "start": "2026-04-01",
        "end": "2026-07-01",
        "base": "mql",
        # leads n1-n5; MQL n1-n4; SAL not tracked; SQL n1 n2 n4; Opp n1 n2; Won n1
        "funnel": {
            "leads": 5,
            "mql": 4,
            "sal": None,
            "sql": 3,
            "opp": 2,
            "won": 1,
            "pipeline": 1500.0,
            "bookings": 1000.0,
        },
        "tracked": {"lead": True, "mql": True, "sal": False, "sql": True, "opp": True, "won": True},
        "campaigns": {
            # c1: SQL n1 n2 of MQL n1 n2 n3; c2: SQL n4 of MQL n4 (n5 never became an MQL)
            "sql": {"top": [camp("c1", 2, 3, mql_sql)], "bottom": [camp("c2", 1, 1, mql_sql)]},
            "opp": {"top": [camp("c1", 2, 2, 0.55)], "bottom": [camp("c2", 0, 1, 0.55)]},
            "won": {"top": [camp("c1", 1, 2, 0.25)], "bottom": [camp("c2", 0, 0, 0.25)]},
        },
        "reps": {
            # MQL cohorts: r1 n1 n2, r2 n3 n4
            "sql": {
                "top": [rep("r1", 2, 2, mql_sql, "on_par")],
                "bottom": [rep("r2", 1, 2, mql_sql, "on_par")],
            },
            "opp": {
                "top": [rep("r1", 2, 2, mql_sql * 0.55, "above")],
                "bottom": [rep("r2", 0, 2, mql_sql * 0.55, "on_par")],
            },
            # r1's interval (9.5%-90.5%) lies above 4.95%
            "won": {
                "top": [rep("r1", 1, 2, mql_sql * 0.55 * 0.25, "above")],
                "bottom": [rep("r2", 0, 2, mql_sql * 0.55 * 0.25, "on_par")],
            },
        },
        "goals": GOALS,
    }
    funnel = build_report_set(any_engine, quarter=Q2, options=OPTIONS).funnel.set_index("stage")
    # The funnel joins MQL to SQL over the gap, against the product goal.
    assert funnel.loc["sql", "step_from"] == "mql"
    assert funnel.loc["sql", "step_rate"] == pytest.approx(3 / 4)
    assert funnel.loc["sql", "step_goal"] == pytest.approx(mql_sql)
    assert pd.isna(funnel.loc["sal", "count"]) and pd.isna(funnel.loc["sal", "step_rate"])


def test_a_list_of_mqls_with_a_won_deals_file(any_engine):
    load(any_engine, TRACKED / "marketing_qualified_leads.csv", mapping=MQL_LIST)
    load(any_engine, TRACKED / "closed_deals.csv", mapping=WON_DEALS)
    result = load(any_engine, TRACKED / "closed_deals.csv", mapping=SDR_UPDATE)
    assert (result.files[0].updated, result.files[0].rejected) == (2, 0)
    # entry stage MQL: the first contact date is both the created and the MQL date
    stored = journeys(any_engine).set_index("journey_id")
    assert stored.loc["olist:m1", "entry_stage"] == "mql"
    assert str(stored.loc["olist:m1", "mql_at"]) == "2026-04-01 00:00:00"
    assert stored.loc["olist:m1", "channel"] == "Paid Search"
    assert pd.isna(stored.loc["olist:m2", "channel"])  # "unknown" mapped to blank
    assert stored.loc["olist:m3", "rep_id"] == "sdr2"
    assert stored.loc["olist:m3", "segment"] == "toys"
    assert str(stored.loc["olist:m3", "won_at"]) == "2026-06-01 12:00:00"
    mql_opp = 0.6 * 0.6 * 0.55
    assert report(any_engine) == {
        "quarter": "2026-Q2",
        "start": "2026-04-01",
        "end": "2026-07-01",
        "base": "mql",
        # MQL m1 m2 m3 (m4 is July); Opp and Won m1 (May 10) and m3 (Jun 1), no amounts
        "funnel": {
            "leads": None,
            "mql": 3,
            "sal": None,
            "sql": None,
            "opp": 2,
            "won": 2,
            "pipeline": 0.0,
            "bookings": 0.0,
        },
        "tracked": {
            "lead": False,
            "mql": True,
            "sal": False,
            "sql": False,
            "opp": True,
            "won": True,
        },
        # no campaign in this data: nothing to rank, but Opp and Won are tracked
        "campaigns": {"sql": NOT_TRACKED, "opp": EMPTY, "won": EMPTY},
        "reps": {
            "sql": NOT_TRACKED,
            # MQL cohorts of one each (m2 has no SDR: unassigned, never ranked)
            # 1 of 1: the interval 20.7%-100% lies above 19.8% and 4.95%
            "opp": {
                "top": [rep("sdr1", 1, 1, mql_opp, "above")],
                "bottom": [rep("sdr2", 1, 1, mql_opp, "above")],
            },
            "won": {
                "top": [rep("sdr1", 1, 1, mql_opp * 0.25, "above")],
                "bottom": [rep("sdr2", 1, 1, mql_opp * 0.25, "above")],
            },
        },
        "goals": GOALS,
    }


def test_an_opportunity_only_pipeline_ranks_reps_by_win_rate(any_engine):
    result = load(any_engine, TRACKED / "sales_pipeline.csv", mapping=PIPELINE)
    # o5 is still prospecting: no engage date, so no created date to place it in a quarter
    assert [(r.row, r.reason) for r in result.files[0].rejections] == [(6, "no created date")]
    load(any_engine, TRACKED / "sales_teams.csv", mapping=TEAMS)
    assert tracked_stages(any_engine).to_json() == {
        "lead": False,
        "mql": False,
        "sal": False,
        "sql": False,
        "opp": True,
        "won": True,
    }
    assert report(any_engine) == {
        "quarter": "2026-Q2",
        "start": "2026-04-01",
        "end": "2026-07-01",
        "base": "opp",
        # Opp o1-o4 (engage dates in Q2); Won o1 (Apr 20) and o4 (Jun 15)
        "funnel": {
            "leads": None,
            "mql": None,
            "sal": None,
            "sql": None,
            "opp": 4,
            "won": 2,
            "pipeline": 3000.0,
            "bookings": 3000.0,
        },
        "tracked": {
            "lead": False,
            "mql": False,
            "sal": False,
            "sql": False,
            "opp": True,
            "won": True,
        },
        "campaigns": {"sql": NOT_TRACKED, "opp": EMPTY, "won": EMPTY},
        "reps": {
            # conversion to SQL and to Opp do not apply to the Opp base
            "sql": NOT_TRACKED,
            "opp": NOT_TRACKED,
            # win rates: Ben 1 of 1, Anna 1 of 3 (o1 won, o2 lost, o3 open)
            "won": {
                "top": [{**rep("Ben Okafor", 1, 1, 0.25, "on_par")}],
                "bottom": [{**rep("Anna Berg", 1, 3, 0.25, "on_par")}],
            },
        },
        "goals": GOALS,
    }


def test_an_explicit_base_the_data_does_not_track_is_no_error(any_engine):
    load(any_engine, TRACKED / "sales_pipeline.csv", mapping=PIPELINE)
    got = report(any_engine, base="mql")
    assert got["base"] == "mql"
    assert got["reps"] == {"sql": NOT_TRACKED, "opp": NOT_TRACKED, "won": NOT_TRACKED}


def test_a_stage_recorded_from_a_later_quarter_is_tracked_everywhere(any_engine):
    load(any_engine, TRACKED / "no_sal.csv")
    load(any_engine, TRACKED / "sal_from_q3.csv")
    got = report(any_engine)
    # SAL is tracked once any journey records it; in Q2 it is reached by skipping (n1 n2 n4)
    assert got["tracked"]["sal"] is True
    assert got["funnel"]["sal"] == 3
    assert got["funnel"]["leads"] == 5


def test_a_zero_count_of_a_tracked_stage_stays_zero(any_engine):
    load(any_engine, TRACKED / "no_sal.csv")
    got = to_json(build_report_set(any_engine, quarter=parse_quarter("2026-Q1"), options=OPTIONS))
    assert got["funnel"] == {
        "leads": 0,
        "mql": 0,
        "sal": None,
        "sql": 0,
        "opp": 0,
        "won": 0,
        "pipeline": 0.0,
        "bookings": 0.0,
    }
