"""Stage definitions (versions, sign-off by Sales and Marketing) and the goal tables shown
beside them on the Goals & definitions page."""

from __future__ import annotations

import pytest

from smarketing_data.db import data_version
from smarketing_data.definitions import (
    DEFAULT_TEXTS,
    MAX_TEXT,
    DefinitionError,
    current_definitions,
    definition_history,
    goal_table,
    pair_goal_table,
    propose_definition,
    sign_off,
    stage_key,
)
from smarketing_data.metrics.goals import load_goals, set_goal

STAGE_KEYS = ["lead", "mql", "sal", "sql", "opp", "won"]
LABELS = ["Lead", "MQL", "SAL", "SQL", "Opportunity", "Closed Won"]


def _row(engine, stage):
    frame = current_definitions(engine)
    return frame.set_index("stage").loc[stage]


def test_every_stage_starts_with_its_built_in_default(engine):
    frame = current_definitions(engine)
    assert frame["stage"].tolist() == STAGE_KEYS
    assert frame["label"].tolist() == LABELS
    assert frame["version"].tolist() == [0] * 6
    assert frame["text"].tolist() == [DEFAULT_TEXTS[s] for s in STAGE_KEYS]
    assert not frame["agreed"].any()
    assert set(frame["status"]) == {"not yet agreed (built-in default)"}
    assert frame["created_by"].isna().all() and frame["sales_signoff_by"].isna().all()
    assert "ideal customer profile" in DEFAULT_TEXTS["mql"]
    assert all(len(text) > 60 for text in DEFAULT_TEXTS.values())
    assert definition_history(engine, stage="mql").empty


def test_propose_sign_agree_and_propose_again(any_engine):
    eng = any_engine
    assert (
        propose_definition(
            eng, stage="mql", text="  Score >= 80 and ICP fit. ", author="Mia Marketing"
        )
        == 1
    )
    row = _row(eng, "mql")
    assert (row["version"], row["text"], row["created_by"]) == (
        1,
        "Score >= 80 and ICP fit.",
        "Mia Marketing",
    )
    assert row["status"] == "not yet agreed: awaiting Sales and Marketing sign-off"
    assert _row(eng, "sql")["version"] == 0

    sign_off(eng, stage="mql", side="sales", name="Sam Sales")
    assert _row(eng, "mql")["status"] == "not yet agreed: awaiting Marketing sign-off"
    sign_off(eng, stage="MQL", side="marketing", name="Mia Marketing")
    row = _row(eng, "mql")
    assert bool(row["agreed"]) and row["status"] == "agreed"
    assert (row["sales_signoff_by"], row["marketing_signoff_by"]) == ("Sam Sales", "Mia Marketing")
    assert row["sales_signoff_at"] <= row["marketing_signoff_at"]

    assert (
        propose_definition(eng, stage="mql", text="Score >= 70 and ICP fit.", author="Sam Sales")
        == 2
    )
    row = _row(eng, "mql")
    assert (row["version"], bool(row["agreed"])) == (2, False)
    assert row["sales_signoff_by"] is None and row["marketing_signoff_by"] is None

    history = definition_history(eng, stage="mql")
    assert history["version"].tolist() == [2, 1]
    assert history["text"].tolist() == ["Score >= 70 and ICP fit.", "Score >= 80 and ICP fit."]
    assert history["agreed"].tolist() == [False, True]
    assert history["sales_signoff_by"].tolist()[1] == "Sam Sales"


def test_signing_the_built_in_default_records_it_as_version_1(engine):
    sign_off(engine, stage="Closed Won", side="marketing", name="Mia")
    history = definition_history(engine, stage="won")
    assert history["version"].tolist() == [1]
    assert history["text"].tolist() == [DEFAULT_TEXTS["won"]]
    assert history["created_by"].tolist() == [None]
    assert history["marketing_signoff_by"].tolist() == ["Mia"]
    assert _row(engine, "won")["status"] == "not yet agreed: awaiting Sales sign-off"


def test_every_write_bumps_the_data_version(engine):
    before = data_version(engine)
    propose_definition(engine, stage="sal", text="Accepted by a rep.", author="Ann")
    sign_off(engine, stage="sal", side="sales", name="Ann")
    assert data_version(engine) == before + 2


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda e: propose_definition(e, stage="mql", text="   ", author="Ann"), "text is empty"),
        (
            lambda e: propose_definition(e, stage="mql", text="x" * (MAX_TEXT + 1), author="Ann"),
            "longer than 4,000",
        ),
        (lambda e: propose_definition(e, stage="mql", text="New", author=" "), "author"),
        (
            lambda e: propose_definition(e, stage="Customer", text="New", author="Ann"),
            "unknown stage 'Customer'",
        ),
        (lambda e: sign_off(e, stage="mql", side="finance", name="Ann"), "unknown side"),
        (lambda e: sign_off(e, stage="mql", side="sales", name=""), "name of who signs off"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(engine, call, message):
    before = data_version(engine)
    with pytest.raises(DefinitionError, match=message):
        call(engine)
    assert data_version(engine) == before
    assert current_definitions(engine)["version"].tolist() == [0] * 6


def test_sign_off_rules(engine):
    propose_definition(engine, stage="sql", text="BANT confirmed.", author="Ann")
    with pytest.raises(DefinitionError, match="version 1 already"):
        propose_definition(engine, stage="sql", text=" BANT confirmed. ", author="Bob")
    sign_off(engine, stage="sql", side="sales", name="Ann Lee")
    with pytest.raises(DefinitionError, match="Sales already signed version 1 of SQL"):
        sign_off(engine, stage="sql", side="sales", name="Bob")
    with pytest.raises(DefinitionError, match="needs someone else"):
        sign_off(engine, stage="sql", side="marketing", name="ann lee")
    assert not bool(_row(engine, "sql")["agreed"])


def test_stage_keys_from_labels():
    assert [stage_key(s) for s in ("MQL", " closed won ", "Opportunity", "opp")] == [
        "mql",
        "won",
        "opp",
        "opp",
    ]


def test_goal_tables_say_where_each_goal_comes_from(engine):
    set_goal(engine, from_stage="sql", to_stage="opp", rate=0.5)
    set_goal(engine, from_stage="mql", to_stage="sal", rate=0.5, quarter="2026-Q2")
    set_goal(engine, from_stage="mql", to_stage="won", rate=0.1, quarter="2026-Q2")
    set_goal(engine, from_stage="sal", to_stage="opp", rate=0.4)
    table = goal_table(load_goals(engine, quarter="2026-Q2"))
    assert table["transition"].tolist() == [
        "Lead→MQL",
        "MQL→SAL",
        "SAL→SQL",
        "SQL→Opportunity",
        "Opportunity→Closed Won",
    ]
    assert table["goal"].tolist() == ["25%", "50%", "60%", "50%", "25%"]
    assert table["source"].tolist() == [
        "default",
        "set for this quarter",
        "default",
        "set for every quarter",
        "default",
    ]

    pairs = pair_goal_table(load_goals(engine, quarter="2026-Q2")).set_index("key")
    assert pairs.index.tolist() == ["lead_won", "mql_sql", "mql_opp", "mql_won", "sal_opp"]
    # MQL→SQL = 0.5 × 0.6; MQL→Opp = 0.5 × 0.6 × 0.5; Lead→Won = 0.25 × 0.5 × 0.6 × 0.5 × 0.25
    assert pairs["goal"].tolist() == ["0.9%", "30%", "15%", "10%", "40%"]
    assert pairs.loc["mql_sql", "how"] == "MQL→SAL × SAL→SQL"
    assert pairs.loc["mql_won", ["source", "how"]].tolist() == [
        "set for this quarter",
        "explicit goal",
    ]
    assert pairs.loc["sal_opp", "source"] == "set for every quarter"

    other = pair_goal_table(load_goals(engine, quarter="2026-Q3")).set_index("key")
    assert other.loc["mql_sql", "goal"] == "36%"
    assert other.loc["mql_won", "source"] == "product of adjacent goals"
