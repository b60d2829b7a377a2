"""AppTest of the analysis pages on the hand-worked fixture of tests/data/qbr (see
tests/test_reports.py for how each number follows from the journeys)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from helpers import DATA, open_app
from smarketing_data.db import make_engine
from smarketing_data.metrics.goals import set_goal

QBR = DATA / "qbr"


def open_page(page: str | None, quarter: str = "2026-Q2") -> AppTest:
    return open_app(page, quarter=quarter)


# AppTest does not find dataframes by key: these are their positions on each page.
# With 3 eligible campaigns and N = 5 every bottom list is empty and shows no table.
CAMPAIGN_FRAMES = {"top_sql": 0, "top_won": 2, "spend": 3, "channels": 4, "drill": 5, "journeys": 6}


def frame(at: AppTest, positions: dict[str, int], name: str):  # type: ignore[no-untyped-def]
    return at.dataframe[positions[name]].value


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_overview_kpis_quarter_switch_and_highlights(qbr_url):
    at = open_app()
    # default: the last complete quarter with data (2026-Q3 holds only j10's MQL)
    assert at.selectbox(key="quarter").value == "2026-Q3"
    at.selectbox(key="quarter").set_value("2026-Q2").run()
    got = metrics(at)
    assert got["Leads"] == ("7", "+250%")  # Q1: j4, j5
    assert got["MQLs"] == ("7", "+600%")  # Q1: j4
    assert got["SQLs"] == ("6", "")  # none in Q1
    assert got["Opportunities"] == ("3", "")
    assert got["Closed Won"] == ("2", "")
    assert got["Pipeline"] == ("$450", "")
    assert got["Bookings"] == ("$400", "")
    wins = [s.value for s in at.success]
    attention = [w.value for w in at.warning]
    assert "MQL → SAL: 86% against a goal of 60%" in wins
    assert "SQL → Opportunity: 50% against a goal of 55%" in attention
    assert "Alpha: 2 SQLs against 1\\.44 expected at goal" in wins
    assert not at.info  # not sample data


def test_campaigns_reports_and_drill(qbr_url):
    at = open_page("app_pages/campaigns.py")
    top_sql = frame(at, CAMPAIGN_FRAMES, "top_sql")
    assert top_sql["Campaign"].tolist() == ["Alpha", "beta", "Gamma"]
    assert top_sql["SQLs"].tolist() == ["2", "2", "0"]
    assert top_sql["Expected at goal"].tolist() == ["1.44", "0.36", "0"]
    # Gamma: nothing expected (no MQLs), so nothing judged
    assert top_sql["Verdict"].tolist() == ["at or above expected", "at or above expected", ""]
    assert ("No campaigns left for a bottom list: all 3 eligible campaigns are in the top 5.") in [
        c.value for c in at.caption
    ]
    at.selectbox(key="campaign_drill").set_value("camp-b").run()
    drill = frame(at, CAMPAIGN_FRAMES, "drill")
    assert drill.set_index("Quarter").loc["2026-Q2", "SQLs"] == "2"
    journeys = frame(at, CAMPAIGN_FRAMES, "journeys")
    assert sorted(journeys["Journey"]) == ["j4", "j5", "j8"]


def test_reps_min_volume_ranking_and_goal_edit(qbr_url):
    at = open_page("app_pages/reps.py")
    # min volume 10: no rep is ranked, all three are listed as left out (2 MQLs each)
    assert any("No rep has 10 or more MQLs" in i.value for i in at.info)
    assert at.dataframe[0].value["Rep"].tolist() == ["Rita", "sam", "Tom"]
    at.number_input(key="min_volume").set_value(2).run()
    won = at.dataframe[2].value  # the top lists of SQL, Opp, Won; bottoms are empty
    assert won["Rep"].tolist() == ["Rita", "sam", "Tom"]
    assert won["n/N"].tolist() == ["1/2", "0/2", "0/2"]
    assert won["Verdict"].tolist() == ["above goal", "on par with goal", "on par with goal"]
    engine = make_engine(qbr_url)
    set_goal(engine, from_stage="mql", to_stage="won", rate=0.2, quarter="2026-Q2")
    engine.dispose()
    at.run()
    won = at.dataframe[2].value
    assert won["Goal"].tolist() == ["20%"] * 3
    assert won["Verdict"].tolist() == ["on par with goal"] * 3


def test_velocity_page_says_which_column_to_map(qbr_url):
    at = open_page("app_pages/velocity.py")
    assert any("first_touch_at" in i.value for i in at.info)


def test_every_page_is_registered_and_tested():
    import re

    router = (Path(__file__).resolve().parent.parent / "app.py").read_text()
    registered = set(re.findall(r'"app_pages/(\w+)\.py"', router))
    on_disk = {p.stem for p in (Path(__file__).resolve().parent.parent / "app_pages").glob("*.py")}
    assert registered == on_disk
    tested = set()
    for test in Path(__file__).parent.glob("test_*.py"):
        text = test.read_text()
        tested |= {stem for stem in on_disk if f"{stem}.py" in text}
    assert on_disk <= tested | {"overview"}
