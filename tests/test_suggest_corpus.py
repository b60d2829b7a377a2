"""Mapping suggestions on real public exports (tests/data/headers): for each file, the kind,
columns, fixed values, channel value map and date orders a person would accept.

expected.json names each file's origin; a file's expected mapping lists only what a person
would map, so a suggestion that adds a nonsense column (a company's revenue as the amount, a
head count as the id) fails as surely as one that misses an obvious column.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import DATA
from smarketing_data.config import Settings
from smarketing_data.ingest import FileInput
from smarketing_data.ingest.mapping import normalize_channel
from smarketing_data.ingest.suggest import (
    KNOWN_CHANNELS,
    Suggestion,
    channel_value_map,
    guess_target,
    read_sample,
    suggest,
    suggest_mapping,
)

CORPUS = DATA / "headers"
EXPECTED: list[dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def sample_of(name: str) -> tuple[list[str], pd.DataFrame]:
    path = CORPUS / name
    return read_sample(FileInput(path.name, path.read_bytes()), Settings())


def test_the_corpus_is_listed_whole():
    files = sorted(p.name for p in CORPUS.glob("*.csv"))
    assert sorted(e["file"] for e in EXPECTED) == files
    assert len(files) >= 20
    assert all(e["origin"] for e in EXPECTED)
    assert all((CORPUS / f).stat().st_size < 5000 for f in files)


@pytest.mark.parametrize("case", EXPECTED, ids=lambda e: e["file"])
def test_a_real_export_gets_the_mapping_a_person_accepts(case):
    headers, sample = sample_of(case["file"])
    got = suggest(headers, sample, file_name=case["file"])
    assert got.target == case["target"]
    assert got.columns == case["columns"]
    assert got.constants == case["constants"]
    assert got.values == case["values"]
    assert got.dates == case["dates"]
    assert got.mode == "upsert"
    assert set(got.reasons) == set(got.columns) | set(got.constants)
    assert all(r.endswith(".") for r in got.reasons.values())


@pytest.mark.parametrize("case", EXPECTED, ids=lambda e: e["file"])
def test_the_kind_is_guessed_without_the_file_name(case):
    headers, sample = sample_of(case["file"])
    assert guess_target(headers, sample) == case["target"]
    by_field = suggest_mapping(headers, sample, case["target"])
    assert {f: h for f, h in by_field.items() if h is not None} == case["columns"]


def test_to_mapping_leaves_out_empty_parts():
    s = Suggestion(target="reps", columns={"record_id": "id", "name": "name"})
    assert s.to_mapping("pp") == {
        "kind": "reps",
        "source": "pp",
        "mode": "upsert",
        "columns": {"record_id": "id", "name": "name"},
    }
    mql = Suggestion(
        target="leads",
        columns={"record_id": "mql_id", "created_at": "d", "mql_at": "d"},
        constants={"entry_stage": "mql"},
        values={"channel": {"unknown": None}},
        dates={"d": "D-M-Y"},
    )
    assert mql.to_mapping("olist") == {
        "kind": "leads",
        "source": "olist",
        "mode": "upsert",
        "columns": {"record_id": "mql_id", "created_at": "d", "mql_at": "d"},
        "constants": {"entry_stage": "mql"},
        "values": {"channel": {"unknown": None}},
        "dates": {"d": "D-M-Y"},
    }


def test_channel_values_are_mapped_onto_known_channels():
    raw = [
        "unknown",
        "paid_search",
        "organic_search",
        "direct_traffic",
        "display",
        "email",
        "social",
        "referral",
        "other",
        "other_publicities",
        "(none)",
        "n/a",
        "-",
        "Olark Chat",
        "Cold Outreach",
        "Search Ads",
        "Email Campaign",
        "",
        "paid_search",
    ]
    assert channel_value_map(raw) == {
        "unknown": None,
        "paid_search": "Paid Search",
        "organic_search": "Organic Search",
        "direct_traffic": "Direct",
        "display": "Display",
        "other_publicities": "Other",
        "(none)": None,
        "n/a": None,
        "-": None,
        "Cold Outreach": "Outbound",
        "Search Ads": "Paid Search",
        "Email Campaign": "Email",
    }


def test_a_value_map_only_lists_what_the_import_would_read_otherwise():
    table = channel_value_map(["Webinar", "Email", "Trade Show", "Partner Portal", "Referrals"])
    assert table == {}
    mapped = channel_value_map(["paid-social", "paid_search", "email"])
    assert set(mapped.values()) <= set(KNOWN_CHANNELS)
    as_imported = normalize_channel(pd.Series(list(mapped), dtype=object)).tolist()
    assert all(a != b for a, b in zip(as_imported, mapped.values(), strict=True))


def test_a_measure_is_never_an_id_or_an_amount():
    headers = ["account", "year_established", "revenue", "employees", "deal_count"]
    sample = pd.DataFrame(
        [["Acme", "1996", "1100.04", "2822", "3"], ["Beta", "1999", "251.41", "495", "7"]],
        columns=headers,
    )
    for target in ("leads", "opportunities"):
        columns = suggest(headers, sample, target=target).columns
        assert not {"revenue", "employees", "year_established", "deal_count"} & set(
            columns.values()
        )


def test_a_first_call_date_is_a_first_touch_but_a_first_contact_date_is_the_created_date():
    headers = ["Lead ID", "First Contact Date", "First Call Date"]
    sample = pd.DataFrame([["L1", "2024-03-01", "2024-03-04"]], columns=headers)
    columns = suggest(headers, sample, target="leads").columns
    assert columns["created_at"] == "First Contact Date"
    assert columns["first_touch_at"] == "First Call Date"


def test_an_ambiguous_date_column_states_no_order():
    headers = ["Deal ID", "Created", "Stage"]
    sample = pd.DataFrame(
        [["D1", "03/04/2024", "Won"], ["D2", "05/06/2024", "Lost"]], columns=headers
    )
    got = suggest(headers, sample, target="opportunities")
    assert got.columns["created_at"] == "Created"
    assert got.dates == {}
