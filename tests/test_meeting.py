"""Commentary and decisions (smarketing_data.meeting): validation, author-only edits and
deletes, who may change a decision, order, what the next quarter's meeting carries over, and
the headline numbers beside decisions."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import DATA
from smarketing_data import meeting as mt
from smarketing_data.db import data_version
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.report_set import build_report_set
from smarketing_data.metrics.reports import ReportOptions

QBR = DATA / "qbr"


def note(engine, **kw) -> int:  # type: ignore[no-untyped-def]
    args = dict(
        quarter="2026-Q2",
        report="campaigns.sql.top",
        side="sales",
        author="Ann",
        text="Webinars carried the quarter.",
    )
    return mt.add_note(engine, **{**args, **kw})


def decide(engine, **kw) -> int:  # type: ignore[no-untyped-def]
    args = dict(
        quarter="2026-Q2",
        report="campaigns.sql.top",
        what="Move spend to webinars",
        owner="Mia",
        due_quarter="2026-Q3",
    )
    return mt.add_decision(engine, **{**args, **kw})


def test_round_trip_on_every_engine(any_engine):
    before = data_version(any_engine)
    first = note(any_engine, side="marketing", author="Mia", text="Budget moved late.")
    second = note(any_engine, text="Follow-up was slow <b>in May</b>.")
    third = note(any_engine, report="funnel", text="SAL acceptance improved.")
    mt.edit_note(any_engine, note_id=first, author="  MIA ", text="Budget moved in April.")
    decision = decide(any_engine)
    mt.set_decision_status(any_engine, decision_id=decision, status="done", who="mia")
    assert data_version(any_engine) == before + 6  # every write bumps it once

    got = mt.notes_for(any_engine, quarter="2026-Q2")
    assert list(got.columns) == mt.NOTE_COLUMNS
    # catalog order (funnel first), then Sales before Marketing
    assert got["note_id"].tolist() == [third, second, first]
    assert got["text"].tolist() == [
        "SAL acceptance improved.",
        "Follow-up was slow <b>in May</b>.",
        "Budget moved in April.",
    ]
    edited = got.set_index("note_id").loc[first]
    assert edited["updated_at"] > edited["created_at"]
    one = mt.notes_for(any_engine, quarter="2026-Q2", report="funnel")
    assert one["note_id"].tolist() == [third]
    assert mt.notes_for(any_engine, quarter="2026-Q3").empty

    decisions = mt.decisions_for(any_engine, quarter="2026-Q2")
    row = decisions.iloc[0]
    assert (
        row["decision_id"],
        row["report"],
        row["what"],
        row["owner"],
        row["due_quarter"],
        row["status"],
        row["report_title"],
    ) == (
        decision,
        "campaigns.sql.top",
        "Move spend to webinars",
        "Mia",
        "2026-Q3",
        "done",
        "Top campaigns by SQLs",
    )
    assert row["recorded_by"] is None  # recorded without an identity: nobody but editors
    carried = mt.carried_decisions(any_engine, quarter="2026-Q3")
    assert carried["decision_id"].tolist() == [decision]


def test_only_the_author_edits_a_note(engine):
    note_id = note(engine, author=" Ann Lee ")
    with pytest.raises(mt.MeetingError, match="only Ann Lee can edit this note"):
        mt.edit_note(engine, note_id=note_id, author="Bob", text="mine now")
    with pytest.raises(mt.MeetingError, match="does not exist"):
        mt.edit_note(engine, note_id=note_id + 1, author="Ann Lee", text="x")
    mt.edit_note(engine, note_id=note_id, author="ann lee", text="  trimmed  ")
    got = mt.notes_for(engine, quarter="2026-Q2")
    assert got[["author", "text"]].values.tolist() == [["Ann Lee", "trimmed"]]


def test_only_the_author_deletes_a_note(engine):
    mine = note(engine, author="ann@example.com")
    theirs = note(engine, author="mia@example.com", side="marketing")
    before = data_version(engine)
    with pytest.raises(mt.MeetingError, match="only ann@example.com can delete this note"):
        mt.delete_note(engine, note_id=mine, author="mia@example.com")
    with pytest.raises(mt.MeetingError, match="only ann@example.com can delete this note"):
        mt.delete_note(engine, note_id=mine, author="")  # nobody is nobody's author
    assert data_version(engine) == before
    mt.delete_note(engine, note_id=mine, author="Ann@Example.com")
    assert mt.notes_for(engine, quarter="2026-Q2")["note_id"].tolist() == [theirs]
    assert data_version(engine) == before + 1
    with pytest.raises(mt.MeetingError, match="does not exist"):
        mt.delete_note(engine, note_id=mine, author="ann@example.com")


def test_same_person_ignores_case_and_spaces_but_never_matches_nobody():
    assert mt.same_person(" Ann@Example.com ", "ann@example.com")
    assert not mt.same_person("ann@example.com", "ann@example.org")
    assert not mt.same_person("", "")
    assert not mt.same_person(None, "  ")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(report="campaigns.sql.middle"), "unknown report"),
        (dict(side="finance"), "unknown side"),
        (dict(text="   "), "the note is empty"),
        (dict(text="x" * 5_001), "longer than 5,000 characters"),
        (dict(author=""), "the author's name is required"),
        (dict(quarter="2026-Q5"), "not a quarter"),
    ],
)
def test_bad_notes_are_refused_and_nothing_is_written(engine, change, message):
    before = data_version(engine)
    with pytest.raises(mt.MeetingError, match=message):
        note(engine, **change)
    assert mt.notes_for(engine, quarter="2026-Q2").empty
    assert data_version(engine) == before


def test_a_note_of_exactly_the_limit_is_kept(engine):
    note(engine, text="x" * 5_000)
    assert len(mt.notes_for(engine, quarter="2026-Q2")["text"].iloc[0]) == 5_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(report="nope"), "unknown report"),
        (dict(what=""), "the decision is empty"),
        (dict(owner="  "), "the owner is required"),
        (dict(due_quarter="Q3"), "not a quarter"),
    ],
)
def test_bad_decisions_are_refused(engine, change, message):
    with pytest.raises(mt.MeetingError, match=message):
        decide(engine, **change)
    assert mt.decisions_for(engine, quarter="2026-Q2").empty


def test_decision_status_and_edits(engine):
    decision = decide(engine)
    assert mt.decisions_for(engine, quarter="2026-Q2")["status"].tolist() == ["open"]
    with pytest.raises(mt.MeetingError, match="unknown status"):
        mt.set_decision_status(engine, decision_id=decision, status="closed", who="Mia")
    with pytest.raises(mt.MeetingError, match="does not exist"):
        mt.set_decision_status(engine, decision_id=decision + 1, status="done", who="Mia")
    mt.edit_decision(
        engine,
        decision_id=decision,
        who="Ed",
        editor=True,
        what="Move half the spend",
        owner="Ann",
        due_quarter="2026-q4",
        status="dropped",
    )
    row = mt.decisions_for(engine, quarter="2026-Q2").iloc[0]
    assert (row["what"], row["owner"], row["due_quarter"], row["status"]) == (
        "Move half the spend",
        "Ann",
        "2026-Q4",
        "dropped",
    )
    general = decide(engine, report=None, due_quarter=None)
    got = mt.decisions_for(engine, quarter="2026-Q2")
    assert got["decision_id"].tolist() == [decision, general]  # general decisions last
    assert got["report_title"].tolist() == ["Top campaigns by SQLs", "General"]
    assert mt.decisions_for(engine, quarter="2026-Q2", report="campaigns.sql.top")[
        "decision_id"
    ].tolist() == [decision]


def test_who_may_change_a_decision(engine):
    """Editors, the decision's owner and whoever recorded it; anyone else is refused and
    nothing changes."""
    decision = decide(engine, owner="Mia", who="rob@example.com")
    assert mt.decisions_for(engine, quarter="2026-Q2")["recorded_by"].tolist() == [
        "rob@example.com"
    ]
    before = data_version(engine)
    for stranger in ("zed@example.com", "", None):
        with pytest.raises(mt.MeetingError, match=r"only an editor, its owner \(Mia\)"):
            mt.set_decision_status(engine, decision_id=decision, status="done", who=stranger)
    with pytest.raises(mt.MeetingError, match="only an editor"):
        mt.edit_decision(engine, decision_id=decision, who="zed@example.com", owner="Zed")
    assert data_version(engine) == before
    assert mt.decisions_for(engine, quarter="2026-Q2")[["owner", "status"]].values.tolist() == [
        ["Mia", "open"]
    ]
    mt.set_decision_status(engine, decision_id=decision, status="done", who=" MIA ")  # owner
    mt.set_decision_status(engine, decision_id=decision, status="open", who="Rob@example.com")
    mt.set_decision_status(
        engine, decision_id=decision, status="dropped", who="ed@example.com", editor=True
    )
    assert mt.decisions_for(engine, quarter="2026-Q2")["status"].tolist() == ["dropped"]
    assert data_version(engine) == before + 3


def test_carried_decisions_are_last_quarters_and_older_open_ones_due(engine):
    last_done = decide(engine, quarter="2026-Q2", what="last, done")
    mt.set_decision_status(engine, decision_id=last_done, status="done", who="Mia")
    last_later = decide(engine, quarter="2026-Q2", what="last, due later", due_quarter="2027-Q1")
    old_due = decide(engine, quarter="2026-Q1", what="old, open, due now")
    old_overdue = decide(engine, quarter="2025-Q4", what="old, overdue", due_quarter="2026-Q2")
    old_closed = decide(engine, quarter="2026-Q1", what="old, dropped")
    mt.set_decision_status(engine, decision_id=old_closed, status="dropped", who="Mia")
    decide(engine, quarter="2026-Q1", what="old, open, due later", due_quarter="2026-Q4")
    decide(engine, quarter="2026-Q1", what="old, open, no due quarter", due_quarter=None)
    decide(engine, quarter="2026-Q3", what="this quarter's own")
    got = mt.carried_decisions(engine, quarter="2026-Q3")
    # newest meeting first, then in the order they were recorded
    assert got["decision_id"].tolist() == [last_done, last_later, old_due, old_overdue]
    assert got["overdue"].tolist() == [False, False, False, True]
    assert mt.carried_decisions(engine, quarter="2026-Q2")["what"].tolist() == [
        "old, open, due now",
        "old, dropped",
        "old, open, due later",
        "old, open, no due quarter",
        "old, overdue",
    ]
    with pytest.raises(mt.MeetingError):
        mt.carried_decisions(engine, quarter="last quarter")


def test_fiscal_quarters(engine):
    decision = decide(engine, quarter="FY2027-Q1", due_quarter="FY2027-Q2", fiscal_start_month=4)
    got = mt.carried_decisions(engine, quarter="FY2027-Q2", fiscal_start_month=4)
    assert got["decision_id"].tolist() == [decision]


@pytest.fixture
def q2(databases):  # type: ignore[no-untyped-def]
    engine = databases.engine("sqlite", "qbr")  # the hand-worked fixture
    return build_report_set(
        engine, quarter=parse_quarter("2026-Q2"), options=ReportOptions(min_volume=2)
    )


def test_headlines_on_the_hand_worked_fixture(q2):
    # see tests/test_reports.py: Alpha 2 SQLs from 4 MQLs at goal 36%; Rita 1/2 won
    assert mt.headline(q2, "campaigns.sql.top") == mt.Headline(
        "campaigns.sql.top", "Alpha: 2 SQLs against 1.44 expected at goal", True
    )
    assert mt.headline(q2, "campaigns.opp.top") == mt.Headline(
        "campaigns.opp.top", "Alpha: 1 Opportunity against 1.1 expected at goal", False
    )
    assert mt.headline(q2, "campaigns.sql.bottom").met is None  # 3 campaigns, all in the top
    assert mt.headline(q2, "reps.won.top") == mt.Headline(
        "reps.won.top", "Rita: 50% to Closed Won (1/2) against a goal of 5%", True
    )
    funnel = mt.headline(q2, "funnel")
    assert funnel.text.split(" · ") == [
        "Lead→MQL 100% (goal 25%)",
        "MQL→SAL 86% (goal 60%)",
        "SAL→SQL 100% (goal 60%)",
        "SQL→Opportunity 50% (goal 55%)",
        "Opportunity→Closed Won 67% (goal 25%)",
    ]
    assert funnel.met is False  # SQL→Opp misses its goal
    assert mt.headline(q2, "contribution").text == (
        "Sourced pipeline $400 (89% of all) · Sourced bookings $400 (100% of all)"
    )


def test_decisions_beside_their_headlines(q2):
    frame = pd.DataFrame({"report": ["reps.won.top", None, "gone"]})
    got = mt.with_headlines(frame, q2)
    assert got["now"].tolist() == ["Rita: 50% to Closed Won (1/2) against a goal of 5%", "—", "—"]
    assert got["now_met"].tolist() == [True, None, None]
