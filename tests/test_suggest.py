"""Mapping suggestions, kind guesses, previews, templates and spreadsheet-safe CSV."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from helpers import DATA, journeys
from smarketing_data.config import Settings
from smarketing_data.exports.csv_safe import neutralize, rejects_table, to_csv_bytes
from smarketing_data.ingest import FileInput, ingest
from smarketing_data.ingest.pipeline import prepare_file
from smarketing_data.ingest.recognize import recognize
from smarketing_data.ingest.suggest import (
    MAPPABLE_TARGETS,
    clean_source,
    default_source,
    guess_target,
    mapping_fields,
    name_similarity,
    preview_records,
    read_sample,
    required_fields,
    suggest_mapping,
    template_columns,
    template_csv,
)

UPLOAD = DATA / "upload"


def sample_of(path) -> tuple[list[str], pd.DataFrame]:  # type: ignore[no-untyped-def]
    return read_sample(FileInput(path.name, path.read_bytes()), Settings())


def frame(headers: list[str], *rows: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=headers)


def filled(suggestion: dict[str, str | None]) -> dict[str, str]:
    return {f: h for f, h in suggestion.items() if h is not None}


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "candidate", "expected"),
    [
        ("CreatedDate", "createddate", 1.0),
        ("Create  Date", "create date", 1.0),
        ("Lead No", "lead id", 0.95),  # "no" means id
        ("Deal - Lost time", "deal - close time", 0.5),  # two of four words
        ("Owner", "", 0.0),
    ],
)
def test_name_similarity(header, candidate, expected):
    assert name_similarity(header, candidate) == pytest.approx(expected)


def test_spelling_alone_does_not_make_company_a_campaign():
    assert name_similarity("Company", "campaign") < 0.6


# --- suggestions --------------------------------------------------------------------------


def test_suggestion_for_an_unknown_leads_export():
    headers, sample = sample_of(UPLOAD / "mycrm-leads.csv")
    assert filled(suggest_mapping(headers, sample, "leads")) == {
        "record_id": "Lead No",
        "created_at": "Opened",
        "rep": "Owner",
        "channel": "Source",
        "company": "Company",
        "amount": "Deal Value",
    }
    assert guess_target(headers, sample) == "leads"


def test_values_decide_when_names_say_nothing():
    headers = ["Code", "Stamp", "Person", "Figure"]
    sample = frame(
        headers,
        ["A1", "2026-04-01 10:00", "Ann", "$1,200.00"],
        ["A2", "4/2/2026 9:30 AM", "Bob", "$300.00"],
        ["A3", "2026-04-03", "Ann", ""],
    )
    # the first column of distinct values is the id, the dates the created date, money the amount
    assert filled(suggest_mapping(headers, sample, "leads")) == {
        "record_id": "Code",
        "created_at": "Stamp",
        "amount": "Figure",
    }


def test_a_date_name_over_values_that_are_not_dates_is_not_suggested():
    headers = ["Id", "Create Date", "Opened"]
    sample = frame(headers, ["1", "n/a", "2026-04-01"], ["2", "soon", "2026-04-02"])
    assert suggest_mapping(headers, sample, "leads")["created_at"] == "Opened"


def test_each_header_is_suggested_once():
    headers = [
        "Deal Ref",
        "Title",
        "Value",
        "Stage",
        "Created",
        "Closed",
        "Salesperson",
        "Lead Ref",
    ]
    sample = frame(
        headers,
        ["D1", "Acme", "1200.50", "Won", "2026-04-01", "2026-05-01", "Ann", "L-1"],
        ["D2", "Beta", "300", "Open", "2026-04-02", "", "Bob", "L-2"],
    )
    suggestion = filled(suggest_mapping(headers, sample, "opportunities"))
    assert suggestion == {
        "record_id": "Deal Ref",
        "associated_lead_ids": "Lead Ref",
        "name": "Title",
        "stage": "Stage",
        "created_at": "Created",
        "close_date": "Closed",
        "amount": "Value",
        "rep": "Salesperson",
    }
    assert len(set(suggestion.values())) == len(suggestion)
    assert guess_target(headers, sample) == "opportunities"


@pytest.mark.parametrize(
    ("headers", "row", "target"),
    [
        (
            ["Campaign", "Kind", "Starts", "Ends", "Budget", "Spent"],
            ["Spring", "Webinar", "2026-04-01", "2026-05-01", "1000", "900"],
            "campaigns",
        ),
        (["User Id", "Full Name", "Team", "Territory"], ["u1", "Ann A", "SDR", "EMEA"], "reps"),
        (
            ["Contact No", "Signup Date", "Lead Source", "Owner"],
            ["c1", "2026-04-01", "Webinar", "Ann"],
            "leads",
        ),
    ],
)
def test_guess_target(headers, row, target):
    assert guess_target(headers, frame(headers, row)) == target


@pytest.mark.parametrize(
    "path",
    [
        DATA / "salesforce" / "Lead.csv",
        DATA / "salesforce" / "Opportunity.csv",
        DATA / "salesforce" / "Campaign.csv",
        DATA / "hubspot" / "hubspot-contacts.csv",
        DATA / "hubspot" / "hubspot-deals.csv",
        DATA / "zoho" / "Leads.csv",
        DATA / "qbr" / "reps.csv",
        DATA / "qbr" / "campaigns.csv",
        DATA / "canonical" / "journeys.csv",
    ],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_known_exports_get_the_recognisers_answer(path):
    """On files we do recognise, the suggestion agrees with the profile's own columns."""
    headers, sample = sample_of(path)
    match = recognize(headers)
    target = match.profile.target
    assert guess_target(headers, sample) == target
    suggestion = suggest_mapping(headers, sample, target)
    expected = {f: h for f, h in match.columns.items() if f in mapping_fields(target)}
    assert {f: suggestion[f] for f in expected} == expected


def test_required_fields():
    assert required_fields("leads") == ["record_id", "created_at"]
    assert required_fields("reps") == ["record_id", "name"]


def test_source_names():
    assert default_source("MyCRM_leads 2026.csv") == "mycrm"
    assert default_source("export.xlsx") == "export"
    assert clean_source("  Acme CRM: EU ") == "acme-crm-eu"
    assert clean_source("***") == "custom"
    assert len(clean_source("x" * 50)) == 32


def test_a_suggested_mapping_imports_and_is_reused_for_the_same_header(engine):
    path = UPLOAD / "mycrm-leads.csv"
    headers, sample = sample_of(path)
    columns = filled(suggest_mapping(headers, sample, "leads"))
    mapping = {"kind": "leads", "source": "mycrm", "columns": columns}
    first = ingest(engine, [FileInput(path.name, path.read_bytes())], Settings(), mapping=mapping)
    assert (first.files[0].format, first.files[0].inserted) == ("custom", 4)
    week2 = UPLOAD / "mycrm-leads-week2.csv"
    prep = prepare_file(engine, FileInput(week2.name, week2.read_bytes()), Settings())
    assert (prep.match.profile.format, prep.match.profile.source) == ("custom", "mycrm")
    rows = journeys(engine, ["journey_id", "rep_id", "channel", "amount"])
    assert rows.iloc[0].tolist() == ["mycrm:L-1", "Ann Owner", "Webinar", 1200.0]


# --- preview ------------------------------------------------------------------------------


def test_preview_shows_the_stored_fields_by_name(engine):
    path = DATA / "hubspot" / "hubspot-contacts.csv"
    prep = prepare_file(engine, FileInput(path.name, path.read_bytes()), Settings())
    preview = preview_records(prep.mapped.records, 3)
    assert list(preview["row"]) == [2, 3, 4]
    assert list(preview["journey_id"]) == ["hubspot:101", "hubspot:102", "hubspot:103"]
    assert "campaign_id" in preview and "row_hash" not in preview and "source" not in preview
    assert preview.columns[0] == "row"


# --- templates ----------------------------------------------------------------------------


def test_journeys_template_has_the_spec_columns():
    text = template_csv("leads").decode()
    header, example = text.splitlines()
    assert header == (
        "journey_id,entry_stage,created_at,campaign_id,rep_id,channel,segment,region,company,"
        "industry,mql_at,sal_at,sql_at,opp_at,won_at,lost_at,first_touch_at,amount,won_amount,"
        "disqualified_reason"
    )
    assert example.startswith("mycrm:L-1001,lead,2026-04-02 09:15,spring-webinar,")
    assert template_columns("reps") == ["rep_id", "name", "team", "region"]


@pytest.mark.parametrize("target", MAPPABLE_TARGETS)
def test_every_template_imports_as_it_is(engine, target):
    result = ingest(engine, [FileInput(f"{target}.csv", template_csv(target))], Settings())
    report = result.files[0]
    assert (report.format, report.inserted, report.rejected) == ("canonical", 1, 0)


# --- spreadsheet-safe CSV -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralized(text):
    assert neutralize(text) == "'" + text


@pytest.mark.parametrize("value", ["Acme", "", "1-2", 5, -3.5, None])
def test_other_values_are_kept(value):
    assert neutralize(value) == value


def test_rejects_csv_is_safe_and_keeps_the_row():
    rejected = pd.DataFrame(
        {
            "file_name": ["a.csv", "a.csv"],
            "row_number": [3, 7],
            "reason": ["no id", "negative amount in 'Amount': '-5'"],
            "data": ['{"Id": "", "Company": "=HYPERLINK(\\"x\\")"}', None],
        }
    )
    table = rejects_table(rejected)
    assert list(table.columns) == ["file", "row", "reason", "Id", "Company"]
    data = to_csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back.to_dict("records") == [
        {"file": "a.csv", "row": "3", "reason": "no id", "Id": "", "Company": '\'=HYPERLINK("x")'},
        {
            "file": "a.csv",
            "row": "7",
            "reason": "negative amount in 'Amount': '-5'",
            "Id": "",
            "Company": "",
        },
    ]
