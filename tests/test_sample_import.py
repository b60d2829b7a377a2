"""The generator's exports go through the real import and give back its own journeys."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers import journeys
from smarketing_data.config import Settings
from smarketing_data.demo import clear_sample, load_sample, sample_upload_ids
from smarketing_data.ingest import FileInput, ingest
from smarketing_data.sample import canonical_journeys, generate, salesforce_files

TODAY = dt.date(2026, 11, 23)
COMPARED = [
    "journey_id",
    "entry_stage",
    "created_at",
    "campaign_id",
    "rep_id",
    "channel",
    "mql_at",
    "sal_at",
    "sql_at",
    "opp_at",
    "won_at",
    "lost_at",
    "first_touch_at",
    "amount",
    "won_amount",
]


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[COMPARED].copy()
    for c in (
        "created_at",
        "mql_at",
        "sal_at",
        "sql_at",
        "opp_at",
        "won_at",
        "lost_at",
        "first_touch_at",
    ):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[us]")
    for c in ("amount", "won_amount"):
        out[c] = pd.to_numeric(out[c]).astype("float64").round(2)
    for c in ("journey_id", "entry_stage", "campaign_id", "rep_id", "channel"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out.sort_values("journey_id").reset_index(drop=True)


@pytest.mark.parametrize("n", [1_500])
def test_salesforce_sample_round_trips_to_its_journeys(any_engine, n):
    business = generate(n, seed=3, today=TODAY)
    files = [FileInput(k, v) for k, v in salesforce_files(business).items()]
    result = ingest(any_engine, files, Settings())
    assert all(f.rejected == 0 for f in result.files), [f.rejections[:3] for f in result.files]
    expected = _normalise(canonical_journeys(business))
    got = _normalise(journeys(any_engine))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_load_sample_is_labelled_and_can_be_cleared(engine, settings):
    result = load_sample(engine, settings)
    assert sample_upload_ids(engine) == [result.upload_id]
    assert len(journeys(engine)) > 8_000
    assert clear_sample(engine) == 1
    assert sample_upload_ids(engine) == []
    assert journeys(engine).empty
