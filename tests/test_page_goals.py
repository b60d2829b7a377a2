"""The Goals & definitions page, driven by its widget keys on a three-journey database whose
only quarter is 2026-Q2 (so the sample data is never loaded): goals, targets, definitions
proposed and signed off as the session's identity (two different people, one per side), and
the page's change history."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from helpers import DATA, dataset, load
from smarketing_data.definitions import propose_definition, sign_off
from smarketing_data.metrics.goals import load_goals, load_targets
from ui import access
from ui.components import safe

PAGE = Path(__file__).resolve().parent.parent / "app_pages" / "goals.py"
AGREED = ":green-badge[:material/verified: agreed]"
NOT_AGREED = ":orange-badge[:material/pending: not yet agreed]"


@dataset("canonical")
def canonical(engine) -> None:  # type: ignore[no-untyped-def]
    load(engine, DATA / "canonical" / "journeys.csv")


@pytest.fixture
def db(databases, monkeypatch):
    engine = databases.engine("sqlite", "canonical", "test.db")
    monkeypatch.setenv("SMARKETING_DB_URL", str(engine.url))
    return engine


@pytest.fixture
def identity(monkeypatch):  # type: ignore[no-untyped-def]
    """Act as someone: what ``access.identity()`` answers from now on in this test."""

    def act_as(value: str | None) -> None:
        monkeypatch.setattr(access, "identity", lambda: value)

    return act_as


def _page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _goals(at: AppTest) -> list[tuple[str, str, str]]:
    frame = at.dataframe[0].value
    return list(zip(frame["transition"], frame["goal"], frame["source"], strict=True))


def _pairs(at: AppTest) -> dict[str, tuple[str, str]]:
    frame = at.dataframe[1].value
    return {k: (g, s) for k, g, s in zip(frame["key"], frame["goal"], frame["source"], strict=True)}


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception
    return at


def test_default_goals_and_the_pairs_the_reports_use(db):
    at = _page()
    assert at.title[0].value == "Goals & definitions"
    assert at.selectbox(key="quarter").value == "2026-Q2"
    assert _goals(at) == [
        ("Lead→MQL", "25%", "default"),
        ("MQL→SAL", "60%", "default"),
        ("SAL→SQL", "60%", "default"),
        ("SQL→Opportunity", "55%", "default"),
        ("Opportunity→Closed Won", "25%", "default"),
    ]
    assert [
        at.number_input(key=f"goal_{k}").value
        for k in ("lead_mql", "mql_sal", "sal_sql", "sql_opp", "opp_won")
    ] == [25, 60, 60, 55, 25]
    # 0.6 × 0.6 = 36%; × 0.55 = 19.8%; × 0.25 = 4.95%; Lead→Won = 0.25 × 4.95% = 1.2375%
    assert _pairs(at) == {
        "lead_won": ("1.2%", "product of adjacent goals"),
        "mql_sql": ("36%", "product of adjacent goals"),
        "mql_opp": ("19.8%", "product of adjacent goals"),
        "mql_won": ("5.0%", "product of adjacent goals"),
    }
    assert at.button(key="reset_mql_sal").disabled


def test_a_goal_for_this_quarter_changes_the_derived_goals_and_can_be_reset(db):
    at = _page()
    at.radio(key="goal_scope").set_value("quarter")
    at.number_input(key="goal_mql_sal").set_value(50.0)
    at.button(key="save_goals").click()
    _run(at)
    assert at.success[0].value == r"Saved for 2026\-Q2: MQL→SAL 50%\."
    assert _goals(at)[1] == ("MQL→SAL", "50%", "set for this quarter")
    assert _pairs(at)["mql_sql"] == ("30%", "product of adjacent goals")
    assert at.number_input(key="goal_mql_sal").value == 50
    assert load_goals(db, quarter="").set_for_all == {}

    at.radio(key="goal_scope").set_value("all")
    _run(at)
    assert at.number_input(key="goal_mql_sal").value == 60  # the every-quarter value
    at.radio(key="goal_scope").set_value("quarter")
    _run(at)
    at.button(key="reset_mql_sal").click()
    _run(at)
    assert _goals(at)[1] == ("MQL→SAL", "60%", "default")
    assert _pairs(at)["mql_sql"] == ("36%", "product of adjacent goals")


def test_an_explicit_pair_goal_wins_over_the_product(db):
    at = _page()
    at.selectbox(key="pair_from").set_value("mql")
    at.selectbox(key="pair_to").set_value("won")
    at.number_input(key="pair_rate").set_value(8.0)
    at.button(key="save_pair").click()
    _run(at)
    assert _pairs(at)["mql_won"] == ("8%", "set for every quarter")
    at.button(key="clear_pair_mql_won").click()
    _run(at)
    assert _pairs(at)["mql_won"] == ("5.0%", "product of adjacent goals")

    at.selectbox(key="pair_from").set_value("mql")
    at.selectbox(key="pair_to").set_value("sal")
    at.button(key="save_pair").click()
    _run(at)
    assert "adjacent goal" in at.error[0].value
    assert load_goals(db, quarter="").set_for_all == {}


def test_a_saved_target_shows_back(db):
    at = _page()
    assert [m.value for m in at.metric] == ["not set", "not set"]
    at.number_input(key="target_sourced_pipeline").set_value(250_000.0)
    at.button(key="save_targets").click()
    _run(at)
    assert [m.value for m in at.metric] == ["$250k", "not set"]
    assert at.number_input(key="target_sourced_pipeline").value == 250_000
    assert load_targets(db, quarter="2026-Q2") == {
        "sourced_pipeline": 250_000.0,
        "sourced_bookings": None,
    }


def _mql(at: AppTest):  # type: ignore[no-untyped-def]
    return next(t for t in at.tabs if t.label == "MQL")


def test_two_different_people_sign_off_as_themselves(db, identity):
    identity("mia@example.com")
    at = _page()
    assert _mql(at).markdown[0].value == NOT_AGREED
    assert not [t for t in at.text_input if str(t.key).startswith(("signoff_name", "def_author"))]
    at.text_area(key="def_text_mql").input("Score of 80 or more and fits the <b>ICP</b>.")
    at.button(key="def_propose_mql").click()
    _run(at)
    identity("sam@example.com")
    at.button(key="signoff_sales_mql").click()
    _run(at)
    assert at.success[0].value == safe("Signed off for Sales as sam@example.com.")
    # the same person (any case) cannot sign the other side too
    identity("SAM@example.com")
    at.button(key="signoff_marketing_mql").click()
    _run(at)
    assert at.error[0].value == safe(
        "SAM@example.com already signed version 1 for Sales; the Marketing sign-off needs "
        "someone else (one person cannot sign for both sides)"
    )
    assert _mql(at).markdown[0].value == NOT_AGREED
    identity("mia@example.com")
    at.button(key="signoff_marketing_mql").click()
    _run(at)

    mql = _mql(at)
    assert mql.markdown[0].value == AGREED
    assert mql.markdown[1].value == r"Score of 80 or more and fits the \<b\>ICP\</b\>\."
    assert not mql.markdown[1].allow_html
    assert mql.caption[0].value.startswith("Version 1, proposed by " + safe("mia@example.com"))
    assert mql.caption[1].value.startswith(f"Sales: {safe('sam@example.com')} (")
    assert f"Marketing: {safe('mia@example.com')} (" in mql.caption[1].value
    overview = at.dataframe[2].value.set_index("stage")
    assert overview.loc["mql", ["version", "status"]].tolist() == [1, "agreed"]
    assert overview.loc["sql", "status"] == "not yet agreed (built-in default)"
    assert at.button(key="signoff_sales_mql").disabled


def test_changes_show_with_who_in_the_change_history(db, identity):
    identity("ed@example.com")
    at = _page()
    at.number_input(key="goal_mql_sal").set_value(50.0)
    at.button(key="save_goals").click()
    _run(at)
    at.number_input(key="target_sourced_pipeline").set_value(250_000.0)
    at.button(key="save_targets").click()
    _run(at)
    at.button(key="signoff_sales_won").click()
    _run(at)
    [found] = [e for e in at.expander if e.label == "Change history"]
    history = found.dataframe[0].value
    assert history[["Who", "What", "Which", "Change"]].values.tolist() == [
        ["ed@example.com", "Definition", "Closed Won", "signed off: version 1 for Sales"],
        ["ed@example.com", "Target", "sourced pipeline · 2026-Q2", "set: not set → $250k"],
        ["ed@example.com", "Goal", "MQL→SAL · every quarter", "set: not set → 50%"],
    ]


def test_an_open_install_without_names_records_the_local_user_and_cannot_sign(db, identity):
    identity(None)
    at = _page()
    assert at.button(key="signoff_sales_mql").disabled
    assert any("needs your name" in i.value for i in at.info)
    at.text_area(key="def_text_mql").input("Score of 80 or more.")
    at.button(key="def_propose_mql").click()
    _run(at)
    assert _mql(at).caption[0].value.startswith("Version 1, proposed by local user on ")


def test_refused_input_is_an_error_message_not_a_traceback(db, identity):
    identity("ann@example.com")
    at = _page()
    at.text_area(key="def_text_sql").input("   ")
    at.button(key="def_propose_sql").click()
    _run(at)
    assert at.error[0].value == "the definition text is empty"


def _definitions_under_a_chart() -> None:
    from ui.data import context
    from ui.definitions import show_definitions

    show_definitions(context(), ["mql", "Closed Won"])


def test_show_definitions_beside_the_numbers(db):
    at = AppTest.from_function(_definitions_under_a_chart, default_timeout=60)
    _run(at)
    assert at.expander[0].label == "Definitions: MQL, Closed Won"
    assert [m.value for m in at.markdown][:2] == ["**MQL** · built-in default", NOT_AGREED]
    propose_definition(db, stage="won", text="Signed order form.", author="Ann")
    sign_off(db, stage="won", side="sales", name="Sam")
    sign_off(db, stage="won", side="marketing", name="Mia")
    _run(at)
    values = [m.value for m in at.markdown]
    assert values[3:6] == ["**Closed Won** · version 1", AGREED, r"Signed order form\."]
    assert at.caption[1].value.startswith("Sales: Sam (")
