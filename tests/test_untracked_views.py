"""Every view shows only the stages the data has (SPEC §3.10, §4.1): the pages, the chart
builders, the CLI text, the exports and the meeting headlines, on the fixtures of
tests/test_tracked_stages.py (2026-Q2).

No SAL: leads n1-n5; MQL n1-n4; SQL n1 n2 n4; Opp n1 n2; Won n1.
A list of MQLs: MQL m1-m3; Opp = Won m1, m3; reps sdr1 {m1}, sdr2 {m3}, m2 unassigned.
Opportunity-only: Opp o1-o4; Won o1, o4; Anna Berg {o1 o2 o3}, Ben Okafor {o4}.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest
from pptx import Presentation
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from test_tracked_stages import MQL_LIST, PIPELINE, SDR_UPDATE, TEAMS, TRACKED, WON_DEALS

from helpers import dataset, load, open_app
from smarketing_data import charts
from smarketing_data import meeting as mt
from smarketing_data.charts import ABOVE, NEUTRAL
from smarketing_data.cli import main
from smarketing_data.db import make_engine
from smarketing_data.exports import export
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.report_set import build_report_set
from smarketing_data.metrics.reports import ReportOptions

Q2 = parse_quarter("2026-Q2")
NOT_APPLY_SQL = "Conversion to SQL does not apply to the Opportunity base."
NOT_APPLY_OPP = "Conversion to Opportunity does not apply to the Opportunity base."
SQL_UNTRACKED = "SQL is not tracked in this data."


# Template databases (conftest's ``databases``): each holds the files, each with its mapping.
@dataset("untracked_no_sal")
def no_sal(engine: Engine) -> None:
    load(engine, TRACKED / "no_sal.csv")


@dataset("untracked_mql_list")
def mql_list(engine: Engine) -> None:
    load(engine, TRACKED / "marketing_qualified_leads.csv", mapping=MQL_LIST)
    load(engine, TRACKED / "closed_deals.csv", mapping=WON_DEALS)
    load(engine, TRACKED / "closed_deals.csv", mapping=SDR_UPDATE)


@dataset("untracked_opp_only")
def opp_only(engine: Engine) -> None:
    load(engine, TRACKED / "sales_pipeline.csv", mapping=PIPELINE)
    load(engine, TRACKED / "sales_teams.csv", mapping=TEAMS)


@pytest.fixture
def opp_url(databases, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    url = databases.url("sqlite", "untracked_opp_only", "opp.db")
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    return url


@pytest.fixture
def mql_url(databases, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    url = databases.url("sqlite", "untracked_mql_list", "mql.db")
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    return url


def open_page(page: str | None) -> AppTest:
    return open_app(page, quarter="2026-Q2")


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


# --- pages ------------------------------------------------------------------------------------


def test_overview_of_an_opportunity_only_crm(opp_url):
    at = open_page(None)
    assert metrics(at) == {
        "Leads": ("—", ""),
        "MQLs": ("—", ""),
        "SQLs": ("—", ""),
        "Opportunities": ("4", ""),
        "Closed Won": ("2", ""),
        "Pipeline": ("$3k", ""),
        "Bookings": ("$3k", ""),
    }
    # the one step the data has: Opp o1-o4 → Won o1 o4, 50% against 25%
    assert [s.value for s in at.success] == ["Opportunity → Closed Won: 50% against a goal of 25%"]
    assert [w.value for w in at.warning] == []
    assert "Automatic (Opportunity: this data has no MQL or Lead stage)" in [
        c.value for c in at.sidebar.caption
    ]
    definitions = [c.value for c in at.caption]
    # the tiles' caption and both funnel charts' definitions name the untracked stages
    assert (
        sum(c.endswith("Not tracked in this data: Lead, MQL, SAL, SQL.") for c in definitions) == 3
    )
    assert {m.label: m.help for m in at.metric}["Leads"] == "Leads: not tracked in this data"


def test_overview_of_a_list_of_mqls(mql_url):
    at = open_page(None)
    got = metrics(at)
    assert {k: got[k] for k in ("Leads", "MQLs", "SQLs", "Opportunities", "Closed Won")} == {
        "Leads": ("—", ""),
        "MQLs": ("3", ""),
        "SQLs": ("—", ""),
        "Opportunities": ("2", ""),
        "Closed Won": ("2", ""),
    }
    # MQL → Opp joins over the untracked SAL and SQL, against 60% × 60% × 55% = 19.8%
    assert [s.value for s in at.success] == [
        "MQL → Opportunity: 67% against a goal of 20%",
        "Opportunity → Closed Won: 100% against a goal of 25%",
    ]
    assert "Automatic (MQL)" in [c.value for c in at.sidebar.caption]


def test_reps_of_an_opportunity_only_crm_rank_win_rates(opp_url):
    at = open_page("app_pages/reps.py")
    # min volume 10: both reps have a cohort, neither is ranked; no contradiction below
    assert infos(at) == [
        NOT_APPLY_SQL,
        NOT_APPLY_OPP,
        "No rep has 10 or more Opportunities in 2026-Q2. Lower the minimum "
        "cohort size in the sidebar, or see who was left out below.",
    ]
    left_out = at.dataframe[0].value
    assert left_out["Rep"].tolist() == ["Anna Berg", "Ben Okafor"]
    assert left_out["Opportunities this quarter"].tolist() == ["3", "1"]
    at.number_input(key="min_volume").set_value(1).run()
    assert not at.exception
    assert [h.value for h in at.subheader][:3] == [
        "Reps by conversion to SQL",
        "Reps by conversion to Opportunity",
        "Reps by conversion Opportunity → Closed Won",
    ]
    assert infos(at) == [NOT_APPLY_SQL, NOT_APPLY_OPP]
    won = at.dataframe[0].value  # the win-rate top list; both reps fit in it
    assert won["Rep"].tolist() == ["Ben Okafor", "Anna Berg"]
    assert won["n/N"].tolist() == ["1/1", "1/3"]
    assert won["Verdict"].tolist() == ["on par with goal", "on par with goal"]
    assert "Every rep with Opportunities this quarter has at least 1." in texts(at)
    assert not any("No rep has" in t for t in [*infos(at), *texts(at)])


def test_reps_on_a_base_the_data_does_not_track_say_so_once(opp_url):
    at = open_page("app_pages/reps.py")
    at.radio(key="base").set_value("mql").run()
    assert not at.exception
    assert infos(at) == ["The MQL base is not tracked in this data."] * 3
    assert "Nobody is ranked or left out: the MQL base is not tracked in this data." in texts(at)
    assert not any("No rep has" in t or "Every rep" in t for t in [*infos(at), *texts(at)])


def test_reps_of_a_list_of_mqls(mql_url):
    at = open_page("app_pages/reps.py")
    assert infos(at)[0] == SQL_UNTRACKED
    assert infos(at)[1].startswith("No rep has 10 or more MQLs in 2026-Q2.")
    assert at.dataframe[0].value["MQLs this quarter"].tolist() == ["1", "1"]


def test_campaigns_say_why_the_sql_report_is_absent(mql_url):
    at = open_page("app_pages/campaigns.py")
    assert infos(at) == [SQL_UNTRACKED, "No cost per SQL: SQL is not tracked in this data."]
    assert [h.value for h in at.subheader][:3] == [
        "Campaigns by SQLs",
        "Campaigns by Opportunities",
        "Campaigns by Closed Won",
    ]
    spend = at.dataframe[0].value
    assert "SQLs" not in spend.columns and "Cost / SQL" not in spend.columns


def test_velocity_of_an_opportunity_only_crm(opp_url):
    at = open_page("app_pages/velocity.py")
    assert (
        "Velocity is measured over an MQL or Lead cohort, and this data tracks neither "
        "stage." in infos(at)
    )
    assert (
        "The referral comparison is Lead → Closed Won, and this data does not track "
        "Lead." in infos(at)
    )


# --- chart builders ---------------------------------------------------------------------------


@pytest.fixture
def no_sal_set(databases):  # type: ignore[no-untyped-def]
    engine = databases.engine("sqlite", "untracked_no_sal", "no-sal.db")
    return build_report_set(engine, quarter=Q2, options=ReportOptions(min_volume=1))


def test_funnel_chart_labels_every_bar_and_says_sal_is_not_tracked(no_sal_set):
    fig = charts.funnel_chart(no_sal_set.funnel)
    bars = fig.data[0]
    assert list(fig.layout.yaxis.ticktext) == [
        "Lead",
        "MQL",
        "SAL",
        "SQL",
        "Opportunity",
        "Closed Won",
    ]
    assert list(bars.x) == [5, 4, 0, 3, 2, 1]
    assert list(bars.text) == [
        "5",
        "4 · 80% of Lead",
        "not tracked",
        "3 · 75% of MQL",
        "2 · 67% of SQL",
        "1 · 50% of Opportunity",
    ]
    # expected at goal from the tracked stage before: 5 × 25%, 4 × 36%, 3 × 55%, 2 × 25%
    marks = [t for t in fig.data if t.name == "Expected at goal"][0]
    assert [x for x in marks.x if x is not None][::3] == pytest.approx([1.25, 1.44, 1.65, 0.5])


def test_conversion_chart_joins_mql_to_sql_over_the_gap(no_sal_set):
    fig = charts.conversion_chart(no_sal_set.funnel)
    bars = fig.data[0]
    assert list(fig.layout.xaxis.ticktext) == [
        "Lead→MQL",
        "MQL→SQL",
        "SQL→Opportunity",
        "Opportunity→Closed Won",
    ]
    assert list(bars.text) == [
        "80% (goal 25%)",
        "75% (goal 36%)",
        "67% (goal 55%)",
        "50% (goal 25%)",
    ]
    assert list(bars.marker.color) == [ABOVE] * 4


def test_campaign_chart_without_an_expectation_is_neutral_and_unmarked():
    frame = pd.DataFrame(
        {
            "id": ["c1", "c2"],
            "name": ["Alpha", "Beta"],
            "channel": ["Email", None],
            "value": [3, 0],
            "upstream": [pd.NA, pd.NA],
            "goal": [None, None],
            "expected": [None, None],
            "vs_expected": [None, None],
            "verdict": [None, None],
        }
    )
    fig = charts.campaign_chart(frame, "Opportunities")
    assert list(fig.data[0].text) == ["3", "0"]
    assert list(fig.data[0].marker.color) == [NEUTRAL, NEUTRAL]
    assert [t.name for t in fig.data if t.showlegend] == []  # no expected-at-goal mark


def test_channel_chart_leaves_out_untracked_stages():
    channels = pd.DataFrame([dict(channel="Email", mql=4, sql=3, opp=2, won=1, spend=None)])
    fig = charts.channel_chart(channels, tracked={"lead", "mql", "opp", "won"})
    assert [t.name for t in fig.data] == ["Opps", "Closed Won"]


# --- CLI text ---------------------------------------------------------------------------------


def report_text(capsys, url: str) -> str:  # type: ignore[no-untyped-def]
    code = main(["report", "--db", url, "--quarter", "2026-Q2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_cli_text_says_not_tracked(databases, capsys):
    out = report_text(capsys, databases.url("sqlite", "untracked_no_sal", "no-sal.db"))
    assert "  SAL          not tracked\n" in out
    assert "  SQL                    3  step from MQL 75% vs goal 36%  at or above goal\n" in out
    assert "Campaigns by SQLs (activity count in the quarter; upstream: MQLs)\n" in out


def test_cli_text_of_an_opportunity_only_crm(databases, capsys):
    out = report_text(capsys, databases.url("sqlite", "untracked_opp_only", "opp.db"))
    assert "base: Opportunity" in out.splitlines()[0]
    assert "  Lead         not tracked\n" in out
    assert f"Campaigns by SQLs (activity count in the quarter)\n  {SQL_UNTRACKED}\n" in out
    assert f"Reps by conversion to SQL (cohort, min volume 10)\n  {NOT_APPLY_SQL}\n" in out
    assert "Reps by conversion Opportunity → Closed Won (cohort, min volume 10)\n" in out


# --- exports ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def opp_engine(templates, tmp_path_factory):  # type: ignore[no-untyped-def]
    engine = make_engine(
        templates.copy_file(
            "sqlite", "untracked_opp_only", tmp_path_factory.mktemp("untracked") / "opp.db"
        )
    )
    yield engine
    engine.dispose()


def slide_texts(slide) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def test_deck_says_why_the_sql_reports_are_absent(opp_engine):
    deck = Presentation(io.BytesIO(export(opp_engine, quarter=Q2, fmt="pptx")))
    slides = {s.shapes.title.text: s for s in deck.slides}
    assert SQL_UNTRACKED in slide_texts(slides["Top campaigns by SQLs"])
    assert NOT_APPLY_SQL in slide_texts(slides["Top reps by conversion to SQL"])
    assert not any(s.has_chart for s in slides["Top campaigns by SQLs"].shapes)
    funnel = [s.table for s in slides["Funnel against goals"].shapes if s.has_table][0]
    assert [[c.text for c in row.cells] for row in funnel.rows][1:5] == [
        ["Lead", "not tracked", "—", "—"],
        ["MQL", "not tracked", "—", "—"],
        ["SAL", "not tracked", "—", "—"],
        ["SQL", "not tracked", "—", "—"],
    ]
    (chart,) = [s.chart for s in slides["Funnel against goals"].shapes if s.has_chart]
    assert list(chart.plots[0].categories) == ["Opportunity", "Closed Won"]


def test_pre_read_says_why_the_sql_reports_are_absent(opp_engine):
    page = export(opp_engine, quarter=Q2, fmt="html").decode()
    assert f'<p class="empty">{SQL_UNTRACKED}</p>' in page
    assert f'<p class="empty">{NOT_APPLY_SQL}</p>' in page
    assert page.count('<td class="num short">not tracked</td>') == 4  # the funnel table
    assert "<li>Not tracked in this data: Lead, MQL, SAL, SQL</li>" in page


def test_csv_bundle_says_why_the_sql_reports_are_absent(opp_engine):
    bundle = zipfile.ZipFile(io.BytesIO(export(opp_engine, quarter=Q2, fmt="csv")))
    readme = bundle.read("README.txt").decode()
    assert f"- campaigns_sql_top.csv: Top campaigns by SQLs. Empty: {SQL_UNTRACKED}\n" in readme
    assert f"- reps_sql_top.csv: Top reps by conversion to SQL. Empty: {NOT_APPLY_SQL}\n" in (
        readme
    )
    assert "the Opportunities of the quarter (base stage Opportunity)" in readme
    rows = list(csv.reader(io.StringIO(bundle.read("campaigns_sql_top.csv").decode("utf-8-sig"))))
    assert rows == [
        ["rank", "id", "name", "channel", "value", "upstream", "goal", "expected", "verdict"]
    ]
    funnel = list(csv.reader(io.StringIO(bundle.read("funnel.csv").decode("utf-8-sig"))))
    assert funnel[1][:4] == ["lead", "Lead", "False", ""]


# --- meeting headlines ------------------------------------------------------------------------


def test_headlines_say_not_tracked_without_a_verdict(opp_engine):
    rs = build_report_set(opp_engine, quarter=Q2, options=ReportOptions(min_volume=1))
    assert mt.headline(rs, "campaigns.sql.top") == mt.Headline(
        "campaigns.sql.top", SQL_UNTRACKED, None
    )
    assert mt.headline(rs, "reps.opp.top") == mt.Headline("reps.opp.top", NOT_APPLY_OPP, None)
    assert mt.headline(rs, "reps.won.top") == mt.Headline(
        # 1 of 1: the interval 20.7%-100% straddles 25%, on par, so no verdict
        "reps.won.top",
        "Ben Okafor: 100% to Closed Won (1/1) against a goal of 25%",
        None,
    )
    assert mt.headline(rs, "funnel") == mt.Headline(
        "funnel", "Opportunity→Closed Won 50% (goal 25%) · not tracked: Lead, MQL, SAL, SQL", True
    )


def test_presenter_mode_says_why_a_report_is_absent(opp_url):
    at = open_page("app_pages/meeting.py")
    at.toggle(key="presenter").set_value(True).run()
    at.button(key="presenter_next").click().run()  # Top campaigns by SQLs
    assert not at.exception
    assert at.title[0].value == "Top campaigns by SQLs"
    assert [h.value for h in at.header] == ["SQL is not tracked in this data."]
