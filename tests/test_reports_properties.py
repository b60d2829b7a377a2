"""Rules that hold for all data: rollup answers equal a plain reading of the raw journeys,
rates in [0, 1] inside their intervals, expected = upstream × goal."""

from __future__ import annotations

import datetime as dt

import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ingest_properties import BASE, export_st, fresh_engine, sf_files

from smarketing_data.config import Settings
from smarketing_data.ingest import ingest, undo_upload
from smarketing_data.metrics.quarters import quarter_of
from smarketing_data.metrics.report_set import build_report_set
from smarketing_data.metrics.reports import ReportOptions
from smarketing_data.metrics.stats import wilson

quarters = st.integers(0, 3).map(lambda k: quarter_of(BASE + dt.timedelta(days=92 * k)))


def check_against_reference(engine, quarter, base: str) -> None:  # type: ignore[no-untyped-def]
    report = build_report_set(
        engine, quarter=quarter, options=ReportOptions(top=3, min_volume=1, base=base)
    )
    journeys = reference.raw_journeys(engine)
    on = reference.tracked(journeys)
    assert set(report.tracked.stages) == on
    want = reference.funnel(journeys, quarter.start, quarter.end)
    got = report.activity
    assert {s: got.counts[s] for s in reference.STAGES} == {s: want[s] for s in reference.STAGES}
    assert round(got.pipeline, 6) == round(want["pipeline"], 6)
    assert round(got.bookings, 6) == round(want["bookings"], 6)
    camp = reference.campaign_activity(journeys, quarter.start, quarter.end)
    counts = report.campaign_counts.set_index("id")
    for cid, stages in camp.items():
        if any(stages.values()):
            assert {s: int(counts.at[cid, s]) for s in reference.STAGES} == stages
    cohorts = reference.rep_cohorts(journeys, quarter.start, quarter.end, base)
    got_cohorts = report.rep_cohorts.set_index("id")
    assert set(got_cohorts.index) == set(cohorts)
    for rid, stages in cohorts.items():
        assert int(got_cohorts.at[rid, "cohort"]) == stages[base]
        for s in ("sql", "opp", "won"):
            assert int(got_cohorts.at[rid, s]) == stages[s]
    for stage, rep in report.reps.items():
        for r in rep.eligible.itertuples(index=False):
            assert 0.0 <= r.ci_low <= r.rate <= r.ci_high <= 1.0
            assert (r.ci_low, r.ci_high) == wilson(r.numerator, r.denominator)
        # the upstream stage is the report's own, else the last tracked stage before it
        upstream = {"sql": "mql", "opp": "sql", "won": "opp"}[stage]
        before = [s for s in reference.STAGES[: reference.STAGES.index(upstream) + 1] if s in on]
        camp_report = report.campaigns[stage]
        assert camp_report.tracked == (stage in on)
        if not camp_report.tracked:
            continue
        assert camp_report.upstream_stage == (before[-1] if before else None)
        for c in camp_report.eligible.itertuples(index=False):
            if before:
                assert c.expected == c.upstream * report.goals.rate(before[-1], stage)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export_st, export_st, quarters, st.sampled_from(["mql", "lead"]))
def test_rollup_reports_equal_raw_reading(first, second, quarter, base):
    with fresh_engine() as eng:
        ingest(eng, sf_files(*first), Settings())
        check_against_reference(eng, quarter, base)
        result = ingest(eng, sf_files(*second), Settings())
        check_against_reference(eng, quarter, base)
        undo_upload(eng, result.upload_id)
        check_against_reference(eng, quarter, base)
