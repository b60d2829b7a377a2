"""The Salesforce API export set: journeys worked out by hand from tests/data/salesforce."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from helpers import DATA, assert_journeys, journeys, load
from smarketing_data.ids import sfdc_id18

SF = DATA / "salesforce"
SF_FILES = [
    SF / n
    for n in ("Lead.csv", "Opportunity.csv", "Campaign.csv", "CampaignMember.csv", "User.csv")
]
L1 = "sfdc:" + sfdc_id18("00Q5e00000AbCdE")
L2 = "sfdc:00Q5e00000AbCdFEAV"
L3 = "sfdc:00Q5e00000AbCdGEAV"
O2 = "sfdc:opp:0065e00000XyZaBAAV"
C1, C2 = "7015e00000CmPaAAAV", "7015e00000CmPaBAAV"
REP_A, REP_B = "0055e00000RePaAAAV", "0055e00000RePaBAAV"


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def expected_rows() -> dict[str, dict[str, object]]:
    return {
        L1: dict(
            entry_stage="lead",
            created_at=t("2026-01-05 10:00"),
            campaign_id=C1,
            rep_id=REP_A,
            channel="Webinar",
            region="UK",
            company="Analytical Ltd",
            mql_at=t("2026-01-10 09:00"),
            sal_at=None,
            sql_at=t("2026-02-01 12:00"),
            opp_at=t("2026-02-10 11:00"),
            won_at=t("2026-03-15 00:00"),
            lost_at=None,
            first_touch_at=t("2026-01-10 15:30"),
            amount=12000.0,
            won_amount=12000.0,
            disqualified_reason=None,
        ),
        L2: dict(
            entry_stage="lead",
            created_at=t("2026-01-06 08:00"),
            campaign_id=None,
            rep_id=None,
            channel="Web",
            mql_at=None,
            opp_at=None,
            amount=None,
        ),
        L3: dict(
            entry_stage="lead",
            created_at=t("2026-01-31 23:00"),
            campaign_id=C2,
            rep_id=REP_B,
            channel="Partner",
            mql_at=t("2026-02-03 10:00"),
            sal_at=None,
            disqualified_reason="Budget",
            opp_at=None,
        ),
        O2: dict(
            entry_stage="opp",
            created_at=t("2026-03-01 09:00"),
            campaign_id=C2,
            rep_id=REP_B,
            channel="Web",
            mql_at=None,
            opp_at=t("2026-03-01 09:00"),
            won_at=None,
            lost_at=None,
            amount=5000.0,
            won_amount=None,
        ),
    }


def test_salesforce_set_in_one_call(any_engine):
    result = load(any_engine, *SF_FILES)
    lead = result.files[0]
    assert (lead.format, lead.kind, lead.rows) == ("salesforce", "leads", 6)
    assert (lead.inserted, lead.updated, lead.unchanged, lead.rejected) == (3, 0, 1, 2)
    assert [(r.row, r.reason) for r in lead.rejections] == [
        (6, "unparseable date in 'CreatedDate': 'not a date'"),
        (7, "no id"),
    ]
    kinds = [(f.file, f.kind, f.inserted) for f in result.files]
    assert kinds == [
        ("Lead.csv", "leads", 3),
        ("Opportunity.csv", "opportunities", 2),
        ("Campaign.csv", "campaigns", 3),
        ("CampaignMember.csv", "campaign_members", 3),
        ("User.csv", "users", 2),
    ]
    assert_journeys(any_engine, expected_rows())


@pytest.mark.parametrize("order", list(itertools.permutations(range(5)))[::17])
def test_salesforce_set_split_over_calls_in_any_order(engine, order):
    for i in order:
        load(engine, SF_FILES[i])
    assert_journeys(engine, expected_rows())


def test_reimport_changes_nothing(engine):
    load(engine, *SF_FILES)
    before = journeys(engine)
    again = load(engine, *SF_FILES)
    assert all(f.inserted == 0 and f.updated == 0 for f in again.files)
    assert again.files[0].unchanged == 4 and again.files[0].rejected == 2
    assert journeys(engine).equals(before)
