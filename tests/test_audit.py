"""The change history (smarketing_data.audit, SPEC §8): every change to goals, targets,
definitions, decisions, notes and uploads is kept with who and when, in the transaction of
the change, on SQLite, DuckDB and PostgreSQL; an older database gains the table on start."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from helpers import QBR, load
from smarketing_data import audit, schema
from smarketing_data import meeting as mt
from smarketing_data.db import DatabaseError, init_schema, make_engine
from smarketing_data.definitions import DefinitionError, propose_definition, sign_off
from smarketing_data.demo import clear_sample, load_sample
from smarketing_data.ingest import undo_upload
from smarketing_data.metrics import goals

ALL = audit.KINDS


def rows(engine, kinds=ALL) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The history oldest first, without its times: (who, kind, item, action, summary)."""
    found = audit.changes(engine, kinds=kinds)
    return [tuple(r) for r in found[["who", "kind", "item", "action", "summary"]].values][::-1]


def test_goal_and_target_changes_say_who_and_old_to_new(any_engine):
    g = dict(from_stage="mql", to_stage="sal")
    goals.set_goal(any_engine, **g, rate=0.55, who="ed@example.com")
    goals.set_goal(any_engine, **g, rate=0.5, who="ed@example.com")
    goals.set_goal(any_engine, **g, rate=0.049, quarter="2026-Q2", who="ann@example.com")
    goals.clear_goal(any_engine, **g, quarter="2026-Q2", who="ann@example.com")
    goals.clear_goal(any_engine, **g, quarter="2026-Q2", who="ann@example.com")  # nothing set
    goals.set_target(
        any_engine, quarter="2026-Q2", metric="sourced_pipeline", amount=250_000, who="ed"
    )
    goals.set_target(
        any_engine, quarter="2026-Q2", metric="sourced_pipeline", amount=1_200_000, who="ed"
    )
    assert rows(any_engine) == [
        ("ed@example.com", "goal", "MQL→SAL · every quarter", "set", "not set → 55%"),
        ("ed@example.com", "goal", "MQL→SAL · every quarter", "set", "55% → 50%"),
        ("ann@example.com", "goal", "MQL→SAL · 2026-Q2", "set", "not set → 4.9%"),
        ("ann@example.com", "goal", "MQL→SAL · 2026-Q2", "removed", "4.9% → not set"),
        ("ed", "target", "sourced pipeline · 2026-Q2", "set", "not set → $250k"),
        ("ed", "target", "sourced pipeline · 2026-Q2", "set", "$250k → $1.2M"),
    ]
    assert rows(any_engine, kinds=("target",))[0][1] == "target"
    when = audit.changes(any_engine, kinds=ALL)["changed_at"]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert ((now - when) < dt.timedelta(minutes=5)).all() and when.is_monotonic_decreasing


def test_definitions_decisions_and_notes_are_recorded(any_engine):
    propose_definition(any_engine, stage="mql", text="Score  of 80\nor more.", author="mia")
    sign_off(any_engine, stage="mql", side="sales", name="sam")
    with pytest.raises(DefinitionError, match="needs someone else"):
        sign_off(any_engine, stage="mql", side="marketing", name="SAM")
    decision = mt.add_decision(
        any_engine,
        quarter="2026-Q2",
        report="funnel",
        what="Call MQLs within a day",
        owner="Sam",
        due_quarter=None,
        who="mia",
    )
    mt.set_decision_status(any_engine, decision_id=decision, status="done", who="sam")
    note = mt.add_note(
        any_engine, quarter="2026-Q2", report="funnel", side="sales", author="sam", text="x"
    )
    mt.edit_note(any_engine, note_id=note, author="sam", text="y")
    mt.delete_note(any_engine, note_id=note, author="sam")
    d, n = str(decision), str(note)
    assert rows(any_engine) == [
        ("mia", "definition", "MQL", "proposed", "version 1: Score of 80 or more."),
        ("sam", "definition", "MQL", "signed off", "version 1 for Sales"),
        ("mia", "decision", d, "recorded", "“Call MQLs within a day”, owner Sam, due —"),
        ("sam", "decision", d, "changed", "“Call MQLs within a day”: status open → done"),
        ("sam", "note", n, "added", "Sales on Funnel against goals"),
        ("sam", "note", n, "edited", "text changed"),
        ("sam", "note", n, "deleted", "Sales on Funnel against goals"),
    ]
    assert [r[1] for r in rows(any_engine, kinds=("decision",))] == ["decision"] * 2


def test_uploads_imported_undone_and_sample_cleared_say_who(any_engine, settings):
    first = load(any_engine, QBR / "campaigns.csv", QBR / "reps.csv", user="ed@example.com")
    second = load(any_engine, QBR / "journeys.csv", user=audit.command_line_user())
    undo_upload(any_engine, second.upload_id, who="ann@example.com")
    sample = load_sample(any_engine, settings, journeys=12)
    assert clear_sample(any_engine, who="ed@example.com") == 1
    cli = audit.command_line_user()
    found = rows(any_engine)
    assert [r[:4] for r in found] == [
        ("ed@example.com", "upload", str(first.upload_id), "imported"),
        (cli, "upload", str(second.upload_id), "imported"),
        ("ann@example.com", "upload", str(second.upload_id), "undone"),
        ("sample data", "upload", str(sample.upload_id), "imported"),
        ("ed@example.com", "upload", str(sample.upload_id), "undone"),
    ]
    assert found[0][4] == "2 file(s): campaigns.csv, reps.csv"
    assert found[2][4].endswith(" records removed, 0 restored")
    assert audit.undone_by(any_engine) == {
        second.upload_id: "ann@example.com",
        sample.upload_id: "ed@example.com",
    }


def test_a_refused_change_leaves_no_history(engine):
    decision = mt.add_decision(
        engine, quarter="2026-Q2", report=None, what="w", owner="Mia", due_quarter=None
    )
    before = rows(engine)
    with pytest.raises(mt.MeetingError):
        mt.set_decision_status(engine, decision_id=decision, status="done", who="zed")
    with pytest.raises(goals.GoalError):
        goals.set_goal(engine, from_stage="won", to_stage="mql", rate=0.1, who="ed")
    propose_definition(engine, stage="sal", text="Accepted.", author="ann")
    with pytest.raises(DefinitionError):
        propose_definition(engine, stage="sal", text="Accepted.", author="ann")
    assert rows(engine) == [
        *before,
        ("ann", "definition", "SAL", "proposed", "version 1: Accepted."),
    ]


def test_the_history_row_commits_with_its_change_or_not_at_all(engine, monkeypatch):
    """A change that fails after its history row was written leaves neither behind."""

    def broken(conn):  # type: ignore[no-untyped-def]
        raise DatabaseError("database error: disk full")

    monkeypatch.setattr(goals, "bump_data_version", broken)
    with pytest.raises(DatabaseError, match="disk full"):
        goals.set_goal(engine, from_stage="mql", to_stage="sal", rate=0.5, who="ed")
    assert goals.goals_set(engine).empty
    assert rows(engine) == []


def test_an_older_database_gains_the_history_table(tmp_path):
    """A database made before the change history existed gets the table from init_schema,
    its data kept."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        init_schema(engine)
        goals.set_goal(engine, from_stage="mql", to_stage="sal", rate=0.5)
        schema.audit.drop(engine)
        assert "audit" not in inspect(engine).get_table_names()
        init_schema(engine)
        assert "audit" in inspect(engine).get_table_names()
        assert goals.load_goals(engine, quarter="").set_for_all == {("mql", "sal"): 0.5}
        goals.set_goal(engine, from_stage="mql", to_stage="sal", rate=0.6, who="ed")
        assert rows(engine) == [("ed", "goal", "MQL→SAL · every quarter", "set", "50% → 60%")]
    finally:
        engine.dispose()


def test_long_text_is_cut_and_unknown_kinds_are_a_bug(engine):
    assert audit.shorten("a  b\n c") == "a b c"
    assert audit.shorten("x" * 100, 10) == "x" * 9 + "…"
    with engine.begin() as conn, pytest.raises(audit.AuditError, match="unknown kind"):
        audit.record(conn, who="ed", kind="mapping", item="1", action="set", summary="")


def test_the_command_line_names_the_operating_system_account(monkeypatch):
    monkeypatch.setattr(audit.getpass, "getuser", lambda: "ops")
    assert audit.command_line_user() == "command line (ops)"

    def no_account() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(audit.getpass, "getuser", no_account)
    assert audit.command_line_user() == "command line (unknown)"
