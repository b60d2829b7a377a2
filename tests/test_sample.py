"""Checkable properties of the seeded sample business and its CRM exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smarketing_data.ids import sfdc_id18
from smarketing_data.sample import (
    SampleBusiness,
    canonical_csv,
    canonical_journeys,
    generate,
    hubspot_files,
    main,
    quarter_window,
    salesforce_files,
    write_sample_data,
)

TODAY = date(2026, 11, 23)
WINDOW_START, WINDOW_END = pd.Timestamp("2024-10-01"), pd.Timestamp("2026-10-01")
LAST_QUARTER_START = pd.Timestamp("2026-07-01")
GOALS = {"mql": 0.25, "sal": 0.60, "sql": 0.60, "opp": 0.55, "won": 0.25}
CHANNELS = {
    "Email",
    "Webinar",
    "Paid Search",
    "Trade Show",
    "Content",
    "Social",
    "Referral",
    "Partner",
    "Outbound",
    "Other",
}
HEADERS = {
    "Lead.csv": "Id,IsDeleted,FirstName,LastName,Company,Industry,Country,LeadSource,Status,"
    "OwnerId,IsConverted,ConvertedDate,ConvertedOpportunityId,ConvertedContactId,CreatedDate,"
    "MQL_Date__c,SAL_Date__c,SQL_Date__c,First_Touch_Date__c,Segment__c,Region__c,"
    "Disqualified_Reason__c",
    "Opportunity.csv": "Id,IsDeleted,AccountId,Name,StageName,Amount,CloseDate,IsClosed,IsWon,"
    "CampaignId,OwnerId,LeadSource,CreatedDate,Type",
    "Campaign.csv": "Id,IsDeleted,Name,Type,Status,StartDate,EndDate,BudgetedCost,ActualCost,"
    "IsActive",
    "CampaignMember.csv": "Id,IsDeleted,CampaignId,LeadId,ContactId,Status,HasResponded,"
    "CreatedDate,FirstRespondedDate",
    "User.csv": "Id,Username,Name,FirstName,LastName,Title,Department,Division,IsActive",
}
HUBSPOT_HEADERS = {
    "hubspot-contacts.csv": "Record ID,First Name,Last Name,Email,Company Name,Industry,"
    "Country/Region,Create Date,Contact owner,Lifecycle Stage,Lead Status,Became a Lead Date,"
    "Became a Marketing Qualified Lead Date,Became a Sales Qualified Lead Date,"
    "Became an Opportunity Date,Became a Customer Date,Original Source,"
    "Original Source Drill-Down 1,Original Source Drill-Down 2,Associated Deal IDs,"
    "Time of First Engagement",
    "hubspot-deals.csv": "Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,"
    "Deal owner,Associated Contact IDs",
}
HUBSPOT_SOURCES = {
    "Organic Search",
    "Paid Search",
    "Email Marketing",
    "Social Media",
    "Referrals",
    "Offline Sources",
    "Direct Traffic",
    "Other Campaigns",
}
QUOTED_LINE = re.compile(r'^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$')
SF_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")
SF_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
HS_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
FUNNEL = ("created_at", "mql_at", "sal_at", "sql_at", "opp_at", "won_at")


@pytest.fixture(scope="module")
def small() -> SampleBusiness:
    return generate(2_000, seed=42, today=TODAY)


@pytest.fixture(scope="module")
def medium() -> SampleBusiness:
    return generate(20_000, seed=42, today=TODAY)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    directory = tmp_path_factory.mktemp("sample")
    return directory, write_sample_data(directory, today=TODAY)


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _mature(journeys: pd.DataFrame) -> pd.DataFrame:
    """Leads from before the last quarter: their funnel has had time to play out."""
    leads = journeys[journeys["entry_stage"] == "lead"]
    return leads[leads["created_at"] < LAST_QUARTER_START]


# --------------------------------------------------------------------------- calendar, determinism


def test_eight_complete_quarters_before_today(small: SampleBusiness) -> None:
    expected = [
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert small.quarters == expected
    assert quarter_window(date(2026, 10, 1))[0] == expected  # Q4 has only begun
    assert quarter_window(date(2026, 1, 1))[0][-1] == "2025-Q4"


def test_same_arguments_give_identical_bytes(small: SampleBusiness) -> None:
    again = generate(2_000, seed=42, today=TODAY)
    assert salesforce_files(again) == salesforce_files(small)
    assert hubspot_files(again) == hubspot_files(small)
    assert canonical_csv(again) == canonical_csv(small)


def test_another_seed_gives_another_business(small: SampleBusiness) -> None:
    other = generate(2_000, seed=43, today=TODAY)
    assert canonical_csv(other) != canonical_csv(small)
    assert salesforce_files(other)["Lead.csv"] != salesforce_files(small)["Lead.csv"]


def test_created_dates_fall_inside_the_eight_quarters(medium: SampleBusiness) -> None:
    journeys = canonical_journeys(medium)
    assert journeys["created_at"].min() >= WINDOW_START
    assert journeys["created_at"].max() < WINDOW_END
    assert medium.leads["created_at"].is_monotonic_increasing


def test_q4_and_q1_are_heavier(medium: SampleBusiness) -> None:
    per_quarter = medium.leads.groupby(medium.leads["created_at"].dt.quarter).size()
    assert per_quarter[[1, 4]].sum() > 1.2 * per_quarter[[2, 3]].sum()


# --------------------------------------------------------------------------- funnel


def test_stage_dates_never_go_back_in_time(medium: SampleBusiness) -> None:
    journeys = canonical_journeys(medium)
    latest = journeys["created_at"]
    for column in FUNNEL[1:]:
        present = journeys[column].notna()
        assert (journeys.loc[present, column] >= latest[present]).all(), column
        latest = journeys[column].where(present, latest)
    lost = journeys["lost_at"].notna()
    assert (journeys.loc[lost, "lost_at"] > journeys.loc[lost, "opp_at"]).all()
    touched = journeys["first_touch_at"].notna()
    assert (journeys.loc[touched, "first_touch_at"] > journeys.loc[touched, "mql_at"]).all()
    assert journeys["won_at"].max() < pd.Timestamp(TODAY)


def test_stage_rates_are_near_the_goals(medium: SampleBusiness) -> None:
    leads = _mature(canonical_journeys(medium))
    opp = leads["opp_at"].notna()
    sql = leads["sql_at"].notna() | opp  # a later stage implies the earlier ones
    sal = leads["sal_at"].notna() | sql
    mql = leads["mql_at"].notna() | sal
    won, lost = leads["won_at"].notna(), leads["lost_at"].notna()
    rates = {
        "mql": mql.mean(),
        "sal": sal.sum() / mql.sum(),
        "sql": sql.sum() / sal.sum(),
        "opp": opp.sum() / sql.sum(),
        "won": won.sum() / (won | lost).sum(),
    }
    for stage, goal in GOALS.items():
        assert rates[stage] == pytest.approx(goal, abs=0.05 if stage != "mql" else 0.025), stage


def test_referral_wins_about_two_and_a_half_times_as_often() -> None:
    journeys = canonical_journeys(generate(200_000, seed=42, today=TODAY))
    leads = journeys[journeys["entry_stage"] == "lead"]
    won = leads["won_at"].notna()
    referral = leads["channel"] == "Referral"
    ratio = won[referral].mean() / won[~referral].mean()
    assert 2.0 <= ratio <= 3.0


def test_campaigns_and_reps_differ_in_conversion(medium: SampleBusiness) -> None:
    leads = _mature(canonical_journeys(medium))
    by_campaign = leads.groupby("campaign_id")["mql_at"].agg(lambda s: s.notna().mean())
    assert by_campaign.max() > 0.35 and by_campaign.min() < 0.15
    sals = leads[leads["sal_at"].notna() | leads["sql_at"].notna()]
    by_rep = sals.groupby("rep_id")["sql_at"].agg(lambda s: s.notna().mean())
    assert by_rep.max() > 0.75 and by_rep.min() < 0.45


def test_about_ten_percent_of_mqls_are_never_touched(medium: SampleBusiness) -> None:
    mqls = medium.leads[medium.leads["mql_at"].notna()]
    wait = mqls["first_touch_at"] - mqls["mql_at"]
    assert 0.07 <= wait.isna().mean() <= 0.13
    assert 0.6 <= (wait <= pd.Timedelta(hours=24)).mean() <= 0.9
    assert (wait > pd.Timedelta(hours=24)).mean() > 0.1


def test_some_sqls_skip_sal_and_some_leads_are_disqualified(medium: SampleBusiness) -> None:
    leads = medium.leads
    sqls = leads[leads["sql_at"].notna()]
    assert 0.02 <= sqls["sal_at"].isna().mean() <= 0.08
    disqualified = leads["disqualified_reason"].notna()
    assert 0.05 < disqualified.mean() < 0.5
    assert (leads.loc[disqualified, "status"] == "Closed - Not Converted").all()


# --------------------------------------------------------------------------- records


def test_every_id_is_an_18_char_salesforce_id(small: SampleBusiness) -> None:
    columns = {
        "701": small.campaigns["campaign_id"],
        "005": small.reps["rep_id"],
        "00Q": small.leads["lead_id"],
        "006": small.opportunities["opp_id"],
        "001": small.opportunities["account_id"],
        "00v": small.members["member_id"],
    }
    for prefix, ids in columns.items():
        assert ids.is_unique or prefix == "001", prefix  # accounts have several opportunities
        for value in ids:
            assert len(value) == 18 and value.startswith(prefix)
            assert sfdc_id18(value[:15]) == value


def test_queue_owned_leads(medium: SampleBusiness) -> None:
    owners = medium.leads["rep_id"]
    queued = ~owners.isin(medium.reps["rep_id"])
    assert owners.notna().all()
    assert owners[queued].str.startswith("00G").all()
    assert 0.02 <= queued.mean() <= 0.04
    journeys = canonical_journeys(medium)
    assert journeys["rep_id"].dropna().isin(medium.reps["rep_id"]).all()
    assert journeys["rep_id"].isna().sum() == queued.sum()


def test_campaigns(small: SampleBusiness) -> None:
    campaigns = small.campaigns
    assert 35 <= len(campaigns) <= 45
    assert set(campaigns["channel"]) == CHANNELS
    running = campaigns["end_date"].isna()
    assert 2 <= running.sum() <= 6
    assert campaigns.loc[running, "actual_cost"].isna().all()
    assert (campaigns["budget"] > 0).all()
    first = campaigns.iloc[0]
    assert re.fullmatch(rf"\d{{4}}-Q[1-4] {first['channel']}: .+", first["name"])


def test_a_campaign_active_last_quarter_drew_no_leads(medium: SampleBusiness) -> None:
    campaigns = medium.campaigns
    active = (campaigns["start_date"] < WINDOW_END) & (
        campaigns["end_date"].isna() | (campaigns["end_date"] >= LAST_QUARTER_START)
    )
    empty = ~campaigns["campaign_id"].isin(medium.leads["campaign_id"])
    assert (active & empty).sum() == 1
    assert (
        not campaigns.loc[active & empty, "campaign_id"].isin(medium.members["campaign_id"]).any()
    )


def test_reps_teams_regions_and_two_tiny_reps() -> None:
    business = generate(12_000, seed=42, today=TODAY)
    reps = business.reps
    assert 18 <= len(reps) <= 22
    assert 3 <= reps["team"].nunique() <= 4 and 2 <= reps["region"].nunique() <= 3
    assert reps["skill"].max() >= 1.3 and reps["skill"].min() <= 0.7
    mqls = business.leads[business.leads["mql_at"] < WINDOW_END]
    per_quarter = (
        mqls.groupby(["rep_id", mqls["mql_at"].dt.to_period("Q")])
        .size()
        .unstack(fill_value=0)
        .reindex(reps["rep_id"], fill_value=0)
    )
    tiny = per_quarter[(per_quarter < 10).all(axis=1)]
    assert len(tiny) == 2
    assert (per_quarter.drop(tiny.index).mean(axis=1) >= 12).all()


def test_leads_have_segment_region_company_industry(small: SampleBusiness) -> None:
    leads = small.leads
    assert set(leads["segment"]) == {"SMB", "Mid-Market", "Enterprise"}
    assert set(leads["region"]) == {"NA", "EMEA", "APAC"}
    assert set(leads["channel"]) <= CHANNELS
    assert leads[["company", "industry", "country"]].notna().all().all()
    assert leads["company"].nunique() < len(leads)  # several people per account
    assert 0.07 <= leads["campaign_id"].isna().mean() <= 0.13


def test_primary_campaign_is_the_earliest_membership(medium: SampleBusiness) -> None:
    members = medium.members.sort_values(["created_at", "member_id"])
    earliest = members.drop_duplicates("lead_id").set_index("lead_id")["campaign_id"]
    leads = medium.leads.set_index("lead_id")
    with_campaign = leads["campaign_id"].notna()
    expected = leads.loc[with_campaign, "campaign_id"]
    assert (earliest.reindex(expected.index) == expected).all()
    assert not members["lead_id"].isin(leads.index[~with_campaign]).any()
    repeat = members.groupby("lead_id").size()
    assert 0.12 <= (repeat > 1).sum() / len(leads) <= 0.18
    assert not members.duplicated(["lead_id", "campaign_id"]).any()


def test_opportunities(medium: SampleBusiness) -> None:
    opps = medium.opportunities
    linked = opps["lead_id"].notna()
    assert opps.loc[linked, "lead_id"].is_unique
    assert 0.03 <= (~linked).sum() / linked.sum() <= 0.07
    assert opps["rep_id"].isin(medium.reps["rep_id"]).all()
    assert (opps["is_won"] <= opps["is_closed"]).all()
    future = opps["close_date"] > pd.Timestamp(TODAY)
    assert (future == ~opps["is_closed"]).all()
    cents = opps["amount"].to_numpy() * 100
    assert np.allclose(cents, np.round(cents), rtol=0, atol=1e-6)
    stages = opps.groupby(["is_closed", "is_won"])["stage_name"].agg(set)
    assert stages[(True, True)] == {"Closed Won"} and stages[(True, False)] == {"Closed Lost"}
    segments = medium.leads.set_index("lead_id")["segment"].reindex(opps["lead_id"])
    medians = opps["amount"].groupby(segments.to_numpy()).median()
    assert medians["SMB"] == pytest.approx(8_000, rel=0.25)
    assert medians["Mid-Market"] == pytest.approx(25_000, rel=0.25)
    assert medians["Enterprise"] == pytest.approx(90_000, rel=0.3)


def test_canonical_journeys(medium: SampleBusiness) -> None:
    journeys = canonical_journeys(medium)
    unlinked = medium.opportunities["lead_id"].isna()
    assert len(journeys) == len(medium.leads) + unlinked.sum()
    assert journeys["journey_id"].is_unique
    leads = journeys["entry_stage"] == "lead"
    assert journeys.loc[leads, "journey_id"].str.fullmatch(r"sfdc:00Q\w{15}").all()
    assert journeys.loc[~leads, "journey_id"].str.fullmatch(r"sfdc:opp:006\w{15}").all()
    assert (journeys.loc[~leads, "opp_at"] == journeys.loc[~leads, "created_at"]).all()
    won = journeys["won_at"].notna()
    assert journeys.loc[won, "won_amount"].equals(journeys.loc[won, "amount"])
    assert journeys.loc[~won, "won_amount"].isna().all()
    assert not (won & journeys["lost_at"].notna()).any()
    header = canonical_csv(medium).split(b"\n", 1)[0].decode()
    assert header == ",".join(journeys.columns)
    assert re.search(rb"\n[^\n]*,\d{4}-\d\d-\d\d \d\d:\d\d:00,", canonical_csv(medium))


# --------------------------------------------------------------------------- exports


def test_salesforce_headers_and_quoting(small: SampleBusiness) -> None:
    files = salesforce_files(small)
    assert set(files) == set(HEADERS)
    for name, content in files.items():
        lines = content.decode("utf-8").splitlines()
        assert lines[0] == ",".join(f'"{field}"' for field in HEADERS[name].split(",")), name
        assert all(QUOTED_LINE.match(line) for line in lines), name


def test_salesforce_values(small: SampleBusiness) -> None:
    files = salesforce_files(small)
    leads, opps = _rows(files["Lead.csv"]), _rows(files["Opportunity.csv"])
    members = _rows(files["CampaignMember.csv"])
    assert len(leads) == len(small.leads) and len(opps) == len(small.opportunities)
    assert all(SF_DATETIME.match(row["CreatedDate"]) for row in leads + opps + members)
    assert all(SF_DATE.match(row["CloseDate"]) for row in opps)
    assert {row["IsConverted"] for row in leads} == {"true", "false"}
    assert {row["LeadSource"] for row in leads} <= CHANNELS
    opp_ids = {row["Id"] for row in opps}
    for row in leads:
        converted = row["IsConverted"] == "true"
        assert (row["ConvertedOpportunityId"] in opp_ids) == converted
        assert row["ConvertedContactId"].startswith("003") == converted
    responded = [row for row in members if row["HasResponded"] == "true"]
    assert all(SF_DATE.match(row["FirstRespondedDate"]) for row in responded)
    users = _rows(files["User.csv"])
    assert {row["Department"] for row in users} == set(small.reps["team"])


def test_hubspot_exports(small: SampleBusiness) -> None:
    files = hubspot_files(small)
    for name, content in files.items():
        assert content.decode("utf-8").split("\n", 1)[0] == HUBSPOT_HEADERS[name]
    contacts, deals = _rows(files["hubspot-contacts.csv"]), _rows(files["hubspot-deals.csv"])
    assert len(contacts) == len(small.leads) and len(deals) == len(small.opportunities)
    deal_ids = {row["Record ID"] for row in deals}
    contact_ids = {row["Record ID"] for row in contacts}
    assert all(value.isdigit() for value in deal_ids | contact_ids)
    owners = set(small.reps["name"]) | {""}
    for row in contacts:
        assert row["Contact owner"] in owners and row["Original Source"] in HUBSPOT_SOURCES
        assert all(ref in deal_ids for ref in filter(None, row["Associated Deal IDs"].split(";")))
        assert HS_DATETIME.match(row["Create Date"])
    assert {row["Lifecycle Stage"] for row in contacts} == {
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "customer",
    }
    assert all(row["Associated Contact IDs"] in contact_ids | {""} for row in deals)
    assert {row["Pipeline"] for row in deals} == {"Sales Pipeline"}


def test_sample_data_files_fit_the_budget(sample_dir: tuple[Path, list[Path]]) -> None:
    directory, written = sample_dir
    expected = {
        *(directory / "salesforce" / name for name in HEADERS),
        *(directory / "hubspot" / name for name in HUBSPOT_HEADERS),
    }
    assert set(written) == expected and all(path.exists() for path in written)
    assert sum(path.stat().st_size for path in written) < 4_000_000


def test_hubspot_unit_is_a_different_business() -> None:
    """The two units of the shipped sample (seeds 42 and 7) share no reps or campaigns."""
    salesforce = generate(200, seed=42, today=TODAY)
    hubspot = generate(200, seed=7, today=TODAY)
    for frame, column in (("reps", "rep_id"), ("campaigns", "campaign_id"), ("reps", "name")):
        ours, theirs = getattr(salesforce, frame)[column], getattr(hubspot, frame)[column]
        assert not set(ours) & set(theirs), column


def test_main_writes_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(tmp_path), "--today", TODAY.isoformat()])
    assert (tmp_path / "salesforce" / "Lead.csv").exists()
    assert len(capsys.readouterr().out.splitlines()) == len(HEADERS) + len(HUBSPOT_HEADERS)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_leads=st.integers(min_value=0, max_value=400),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    today=st.dates(min_value=date(2021, 1, 1), max_value=date(2035, 12, 31)),
)
def test_any_small_business_is_consistent(n_leads: int, seed: int, today: date) -> None:
    business = generate(n_leads, seed=seed, today=today)
    labels, start, end = quarter_window(today)
    assert business.quarters == labels and len(labels) == 8
    assert end <= today < end + timedelta(days=92)
    journeys = canonical_journeys(business)
    assert len(journeys) >= n_leads
    if len(journeys):
        assert journeys["created_at"].min() >= pd.Timestamp(start)
        assert journeys["created_at"].max() < pd.Timestamp(end)
    stamps = journeys[list(FUNNEL)].to_numpy("datetime64[us]")
    filled = np.where(np.isnat(stamps), np.datetime64("1900-01-01"), stamps)
    running = np.maximum.accumulate(filled, axis=1)
    assert (filled[:, 1:] >= running[:, :-1])[~np.isnat(stamps[:, 1:])].all()
    salesforce_files(business)
    hubspot_files(business)
