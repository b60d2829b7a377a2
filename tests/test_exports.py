"""The exports (SPEC §9 page 6) on the hand-worked qbr fixture of test_reports.py: the deck
read back with python-pptx, the HTML pre-read, the ZIP of CSVs, and the CLI command."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from helpers import DATA, load
from smarketing_data import meeting
from smarketing_data.cli import main
from smarketing_data.db import init_schema, make_engine, set_meta, write_transaction
from smarketing_data.demo import SAMPLE_META_KEY
from smarketing_data.exports import ExportError, export, file_name
from smarketing_data.exports.content import ChartData, Series
from smarketing_data.exports.csv_safe import neutralise
from smarketing_data.exports.pptx_deck import chart_data
from smarketing_data.metrics import catalog
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.reports import ReportOptions

QBR = DATA / "qbr"
Q2 = parse_quarter("2026-Q2")
# min_volume 2 so the fixture's three reps (cohorts of 2) are ranked; top 5 puts every
# eligible campaign and rep in the top lists and leaves the bottom lists empty.
OPTIONS = ReportOptions(min_volume=2)
PREPARED = dt.datetime(2026, 7, 3, 9, 0)
MQL_SQL, SQL_OPP, OPP_WON = 0.6 * 0.6, 0.55, 0.25
MQL_OPP = MQL_SQL * SQL_OPP
MQL_WON = MQL_OPP * OPP_WON
ANN = "Alpha's SQLs came from the two April webinars."
BOB = "beta's SQLs were leads from Q1 & they only converted now."
DECISION = "Move half of beta's budget to Alpha's webinar series"
CARRIED = "Coach sam on follow-up within 24 hours"
CSV_FILES = [
    "README.txt",
    "funnel.csv",
    "campaigns_sql_top.csv",
    "campaigns_sql_bottom.csv",
    "campaigns_opp_top.csv",
    "campaigns_opp_bottom.csv",
    "campaigns_won_top.csv",
    "campaigns_won_bottom.csv",
    "reps_sql_top.csv",
    "reps_sql_bottom.csv",
    "reps_opp_top.csv",
    "reps_opp_bottom.csv",
    "reps_won_top.csv",
    "reps_won_bottom.csv",
    "contribution.csv",
    "goals.csv",
    "decisions.csv",
    "commentary.csv",
]


def qbr_engine(path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{path}")
    init_schema(engine)
    load(engine, QBR / "campaigns.csv", QBR / "reps.csv", QBR / "journeys.csv")
    return engine


def rename_alpha(engine, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """A newer campaigns export that renames camp-a (a name from a file is user text)."""
    path = tmp_path / "campaigns-renamed.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["campaign_id", "name", "channel", "start_date", "end_date", "budget", "actual_cost"]
        )
        writer.writerow(["camp-a", name, "Webinar", "2026-04-01", "2026-06-30", "1000", "900"])
    load(engine, path)


@pytest.fixture(scope="module")
def qbr(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The fixture with commentary on one report, a decision on it, and a decision of the
    quarter before, all written through the meeting module."""
    engine = qbr_engine(tmp_path_factory.mktemp("exports") / "qbr.db")
    meeting.add_note(
        engine,
        quarter="2026-Q2",
        report="campaigns.sql.top",
        side="marketing",
        author="Bob",
        text=BOB,
    )
    meeting.add_note(
        engine, quarter="2026-Q2", report="campaigns.sql.top", side="sales", author="Ann", text=ANN
    )
    meeting.add_note(
        engine,
        quarter="2026-Q2",
        report="reps.won.top",
        side="sales",
        author="Ann",
        text="Rita closed the only won deal of the cohort.",
    )
    meeting.add_decision(
        engine,
        quarter="2026-Q2",
        report="campaigns.sql.top",
        what=DECISION,
        owner="Ann",
        due_quarter="2026-Q3",
    )
    meeting.add_decision(
        engine,
        quarter="2026-Q1",
        report="reps.sql.top",
        what=CARRIED,
        owner="Bob",
        due_quarter="2026-Q2",
    )
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def deck(qbr):  # type: ignore[no-untyped-def]
    data = export(qbr, quarter=Q2, fmt="pptx", options=OPTIONS, prepared_at=PREPARED)
    return Presentation(io.BytesIO(data))


@pytest.fixture(scope="module")
def page(qbr) -> str:  # type: ignore[no-untyped-def]
    return export(qbr, quarter=Q2, fmt="html", options=OPTIONS, prepared_at=PREPARED).decode(
        "utf-8"
    )


@pytest.fixture(scope="module")
def bundle(qbr) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    data = export(qbr, quarter=Q2, fmt="csv", options=OPTIONS, prepared_at=PREPARED)
    return zipfile.ZipFile(io.BytesIO(data))


def rows_of(bundle: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = bundle.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- the deck ---------------------------------------------------------------------------------


def charts_of(slide):  # type: ignore[no-untyped-def]
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def series_of(chart) -> dict[str, list[float | None]]:  # type: ignore[no-untyped-def]
    return {
        s.name: [None if v is None else round(v, 6) for v in s.values]
        for s in chart.plots[0].series
    }


def table_of(slide) -> list[list[str]]:  # type: ignore[no-untyped-def]
    tables = [shape.table for shape in slide.shapes if shape.has_table]
    assert len(tables) == 1
    return [[cell.text for cell in row.cells] for row in tables[0].rows]


def notes_of(slide) -> str:  # type: ignore[no-untyped-def]
    return slide.notes_slide.notes_text_frame.text


def test_deck_is_16_9_with_one_slide_per_report(deck):
    # title + goals + funnel + 12 reports + contribution + decisions + carried decisions
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles == [
        "Smarketing QBR · 2026-Q2",
        "Goals in force and the basis of each number",
        *[ref.title for ref in catalog.ALL],
        "Decisions and action items",
        "Decisions carried from earlier quarters",
    ]


def test_deck_without_decisions_has_17_slides(tmp_path):
    engine = qbr_engine(tmp_path / "plain.db")
    deck = Presentation(io.BytesIO(export(engine, quarter=Q2, fmt="pptx", options=OPTIONS)))
    assert len(deck.slides) == 17
    assert "No decisions recorded for 2026-Q2 yet." in [
        shape.text_frame.text for shape in deck.slides[16].shapes if shape.has_text_frame
    ]
    assert notes_of(deck.slides[3]).startswith("No commentary yet.")


def test_title_slide_says_quarter_preparation_and_freshness(deck, qbr):
    texts = [shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame]
    subtitle = texts[1]
    assert "Apr 1, 2026 – Jun 30, 2026" in subtitle
    assert re.search(
        r"Prepared 2026-07-03 · data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC$", subtitle
    ), subtitle
    assert "sample data" not in " ".join(texts).lower()
    assert deck.core_properties.title == "Smarketing QBR · 2026-Q2"


def test_sample_data_is_said_on_the_title_slide_and_in_the_pre_read(tmp_path):
    engine = qbr_engine(tmp_path / "sample.db")
    with write_transaction(engine) as conn:  # the way demo.load_sample records its uploads
        set_meta(conn, SAMPLE_META_KEY, "[1]")
    deck = Presentation(io.BytesIO(export(engine, quarter=Q2, fmt="pptx", options=OPTIONS)))
    texts = " ".join(
        shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame
    )
    assert "· sample data" in texts and "Sample data: these numbers come from" in texts
    html = export(engine, quarter=Q2, fmt="html", options=OPTIONS).decode()
    assert "· sample data</p>" in html


def test_goals_slide_lists_goals_in_force_and_bases(deck):
    slide = deck.slides[1]
    assert table_of(slide)[:7] == [
        ["Transition", "Goal", "Set by", "Used by"],
        ["Lead→MQL", "25%", "default (published B2B benchmark)", "funnel step"],
        ["MQL→SAL", "60%", "default (published B2B benchmark)", "funnel step"],
        ["SAL→SQL", "60%", "default (published B2B benchmark)", "funnel step"],
        [
            "SQL→Opportunity",
            "55%",
            "default (published B2B benchmark)",
            "funnel step; campaigns by Opportunities (expected at goal)",
        ],
        [
            "Opportunity→Closed Won",
            "25%",
            "default (published B2B benchmark)",
            "funnel step; campaigns by Closed Won (expected at goal)",
        ],
        [
            "MQL→SQL",
            "36%",
            "product of the adjacent goals",
            "campaigns by SQLs (expected at goal); reps by conversion to SQL",
        ],
    ]
    bases = " ".join(
        shape.text_frame.text
        for shape in slide.shapes
        if shape.has_text_frame and not shape.is_placeholder
    )
    for fact in (
        "activity basis",
        "cohort basis",
        "base stage MQL",
        "lists of 5",
        "at least 2 MQLs",
        "Wilson 95% interval",
    ):
        assert fact in bases


def test_funnel_slide_chart_table_and_step_conversion(deck):
    slide = deck.slides[2]
    (chart,) = charts_of(slide)
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(chart.plots[0].categories) == [
        "Lead",
        "MQL",
        "SAL",
        "SQL",
        "Opportunity",
        "Closed Won",
    ]
    # expected at goal: the stage before × its step goal (7 × 25%, 7 × 60%, 6 × 60% …)
    assert series_of(chart) == {
        "Count": [7, 7, 6, 6, 3, 2],
        "Expected at goal": [None, 1.75, 4.2, 3.6, 3.3, 0.75],
    }
    assert table_of(slide)[1:3] == [["Lead", "7", "—", "+250%"], ["MQL", "7", "1.75", "+600%"]]
    text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert "SQL → Opportunity: 50% against a goal of 55% (missed)" in text
    assert "Pipeline $450 · bookings $400" in text


def test_every_chart_holds_the_reports_numbers(deck):
    slides = {s.shapes.title.text: s for s in deck.slides}
    # SQLs: Alpha 2 of 4 MQLs, beta 2 of 1, Gamma none; Opps: 1 of 2 SQLs each; Won: 1 of 1
    campaigns = [
        ("SQLs", [2, 2, 0], [4 * MQL_SQL, 1 * MQL_SQL, 0]),
        ("Opportunities", [1, 1, 0], [2 * SQL_OPP, 2 * SQL_OPP, 0]),
        ("Closed Won", [1, 1, 0], [OPP_WON, OPP_WON, 0]),
    ]
    for noun, values, expected in campaigns:
        (chart,) = charts_of(slides[f"Top campaigns by {noun}"])
        assert list(chart.plots[0].categories) == ["Alpha", "beta", "Gamma"]
        assert series_of(chart) == {
            noun: values,
            "Expected at goal": [round(e, 6) for e in expected],
        }
        assert charts_of(slides[f"Bottom campaigns by {noun}"]) == []
    reps = {
        "SQL": (["Rita", "Tom", "sam"], [1, 1, 0.5], MQL_SQL),
        "Opportunity": (["Rita", "Tom", "sam"], [0.5, 0.5, 0], MQL_OPP),
        "Closed Won": (["Rita", "sam", "Tom"], [0.5, 0, 0], MQL_WON),
    }
    for label, (names, rates, goal) in reps.items():
        (chart,) = charts_of(slides[f"Top reps by conversion to {label}"])
        assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        assert list(chart.plots[0].categories) == names
        assert series_of(chart) == {f"Conversion to {label}": rates, "Goal": [round(goal, 6)] * 3}
    (chart,) = charts_of(slides["Marketing contribution"])
    assert series_of(chart) == {"Marketing-sourced": [400, 400], "Total": [450, 400]}


def test_charts_are_native_with_their_data_embedded(deck):
    charts = [c for s in deck.slides for c in charts_of(s)]
    assert len(charts) == 8  # funnel, 3 campaign tops, 3 rep tops, contribution
    for chart in charts:
        workbook = chart.part.chart_workbook.xlsx_part
        assert workbook is not None and len(workbook.blob) > 0


def test_report_slides_have_a_table_and_a_basis_line(deck):
    slides = {s.shapes.title.text: s for s in deck.slides}
    assert table_of(slides["Top campaigns by SQLs"]) == [
        ["Campaign", "SQLs", "MQLs", "Expected at goal", "Verdict"],
        ["Alpha", "2", "4", "1.44", "at or above expected"],
        ["beta", "2", "1", "0.36", "at or above expected"],
        ["Gamma", "0", "0", "0", ""],
    ]
    assert table_of(slides["Top reps by conversion to Closed Won"]) == [
        ["Rep", "Rate", "n/N", "95% interval", "Goal", "Verdict"],
        ["Rita", "50%", "1/2", "9.5%–91%", "5%", "above goal"],
        ["sam", "0%", "0/2", "0%–66%", "5%", "on par with goal"],
        ["Tom", "0%", "0/2", "0%–66%", "5%", "on par with goal"],
    ]
    texts = [
        shape.text_frame.text
        for shape in slides["Top campaigns by SQLs"].shapes
        if shape.has_text_frame and not shape.is_placeholder
    ]
    assert any(
        t.startswith("Activity basis: SQLs whose SQL date falls in 2026-Q2")
        and "MQLs in the quarter × goal MQL→SQL 36%" in t
        for t in texts
    )
    empty = [
        shape.text_frame.text
        for shape in slides["Bottom reps by conversion to SQL"].shapes
        if shape.has_text_frame
    ]
    assert "No reps left for a bottom list: all 3 eligible reps are in the top 5." in empty


def test_notes_hold_each_sides_commentary_and_decisions(deck):
    slides = {s.shapes.title.text: s for s in deck.slides}
    notes = notes_of(slides["Top campaigns by SQLs"])
    assert notes.splitlines()[:2] == [f"Sales — Ann: {ANN}", f"Marketing — Bob: {BOB}"]
    assert f"- {DECISION} (owner Ann, due 2026-Q3, open)" in notes
    assert notes_of(slides["Top reps by conversion to Closed Won"]).startswith(
        "Sales — Ann: Rita closed the only won deal of the cohort."
    )
    assert notes_of(slides["Top campaigns by Opportunities"]).startswith("No commentary yet.")
    decided = table_of(slides["Decisions and action items"])
    assert decided == [
        ["Decision", "Report", "Owner", "Due", "Status"],
        [DECISION, "Top campaigns by SQLs", "Ann", "2026-Q3", "open"],
    ]
    carried = table_of(slides["Decisions carried from earlier quarters"])
    assert carried[1][:5] == [
        CARRIED,
        "2026-Q1 · Top reps by conversion to SQL",
        "Bob",
        "2026-Q2",
        "open",
    ]
    assert carried[1][5] == "Rita: 100% to SQL (2/2) against a goal of 36%"


# --- the HTML pre-read ------------------------------------------------------------------------


def test_pre_read_has_every_report_with_numbers_and_commentary(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "Prepared 2026-07-03 · data as of " in page
    for ref in catalog.ALL:
        assert f"<h2>{ref.title}</h2>" in page
    for cell in ("1.44", "0.36", "34%–100%", "9.5%–91%", "above goal", "$450"):
        assert f">{cell}</td>" in page, cell
    assert "No campaigns left for a bottom list: all 3 eligible campaigns are in the top 5." in (
        page
    )
    assert "<strong>Ann:</strong> Alpha&#x27;s SQLs came from the two April webinars." in page
    assert "beta&#x27;s SQLs were leads from Q1 &amp; they only converted now." in page
    assert f"<li>{html.escape(DECISION)} (owner Ann, due 2026-Q3, open)</li>" in page
    assert "Rita: 100% to SQL (2/2) against a goal of 36%" in page
    # a chart for each non-empty report: funnel (2), 3 campaign tops, 3 rep tops, contribution
    assert page.count("Plotly.newPlot(") == 9


def test_pre_read_fetches_nothing_and_inlines_plotly_once(page):
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    head, library_and_rest = page.split("<script>", 1)
    library, markup = library_and_rest.split("</script>", 1)
    assert len(library) > 3_000_000 and "plotly.js" in library  # inlined, once
    assert "<script src" not in page and "<link" not in page
    # the library, one small script per chart, and one fitting the charts to a printed page
    assert page.count("<script") == 1 + 9 + 1
    # outside the library: no attribute that loads anything, only links within the page
    assert re.findall(r"""\b(?:src|href)=["']?([^"'\s>]*)""", head + markup) == [
        f"#{a}" for a in ["goals", *(r.key.replace(".", "-") for r in catalog.ALL), "decisions"]
    ]
    assert "@import" not in head + markup and "url(" not in head + markup


def test_pre_read_escapes_user_text(tmp_path):
    engine = qbr_engine(tmp_path / "xss.db")
    rename_alpha(engine, tmp_path, "<script>alert(1)</script>")
    meeting.add_note(
        engine,
        quarter="2026-Q2",
        report="funnel",
        side="sales",
        author="<img src=x onerror=alert(2)>",
        text="<b>bold</b> & more",
    )
    html = export(engine, quarter=Q2, fmt="html", options=OPTIONS).decode()
    assert "<script>alert(1)</script>" not in html
    assert "alert(1)</" not in html and "<img" not in html and "<b>bold" not in html
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html
    assert "&lt;img src=x onerror=alert(2)&gt;:</strong> &lt;b&gt;bold&lt;/b&gt; &amp; more" in (
        html
    )


# --- the CSV bundle ---------------------------------------------------------------------------


def test_csv_bundle_has_a_file_per_report_and_a_readme(bundle):
    assert bundle.namelist() == CSV_FILES
    assert rows_of(bundle, "campaigns_sql_top.csv") == [
        {
            "rank": "1",
            "id": "camp-a",
            "name": "Alpha",
            "channel": "Webinar",
            "value": "2",
            "upstream": "4",
            "goal": "0.36",
            "expected": "1.44",
            "verdict": "at_or_above",
        },
        {
            "rank": "2",
            "id": "camp-b",
            "name": "beta",
            "channel": "Email",
            "value": "2",
            "upstream": "1",
            "goal": "0.36",
            "expected": "0.36",
            "verdict": "at_or_above",
        },
        {
            "rank": "3",
            "id": "camp-c",
            "name": "Gamma",
            "channel": "Trade Show",
            "value": "0",
            "upstream": "0",
            "goal": "0.36",
            "expected": "0.0",
            "verdict": "",
        },
    ]
    assert [r["name"] for r in rows_of(bundle, "reps_won_top.csv")] == ["Rita", "sam", "Tom"]
    assert rows_of(bundle, "reps_won_top.csv")[0]["verdict"] == "above"
    assert rows_of(bundle, "campaigns_sql_bottom.csv") == []
    funnel = rows_of(bundle, "funnel.csv")
    assert [(r["stage"], r["count"], r["expected"]) for r in funnel] == [
        ("lead", "7", ""),
        ("mql", "7", "1.75"),
        ("sal", "6", "4.2"),
        ("sql", "6", "3.6"),
        ("opp", "3", "3.3"),
        ("won", "2", "0.75"),
    ]
    goals = {(r["from_stage"], r["to_stage"]): r["goal"] for r in rows_of(bundle, "goals.csv")}
    assert goals[("mql", "sql")] == "0.36" and goals[("mql", "won")] == "0.0495"
    readme = bundle.read("README.txt").decode()
    assert readme.startswith("Smarketing QBR · 2026-Q2\nPrepared 2026-07-03 · data as of ")
    for fact in (
        "2026-Q2 (2026-04-01 to 2026-06-30)",
        "activity basis",
        "cohort basis",
        "- MQL→SQL: 36%",
        "campaigns_sql_top.csv: Top campaigns by SQLs",
    ):
        assert fact in readme


def test_csv_bundle_carries_commentary_and_decisions(bundle):
    notes = rows_of(bundle, "commentary.csv")
    assert [(n["report"], n["side"], n["author"]) for n in notes] == [
        ("campaigns.sql.top", "sales", "Ann"),
        ("campaigns.sql.top", "marketing", "Bob"),
        ("reps.won.top", "sales", "Ann"),
    ]
    decisions = rows_of(bundle, "decisions.csv")
    assert [(d["what"], d["decided_in"], d["carried"]) for d in decisions] == [
        (DECISION, "2026-Q2", "False"),
        (CARRIED, "2026-Q1", "True"),
    ]


def test_csv_cells_are_neutralised(tmp_path):
    engine = qbr_engine(tmp_path / "formula.db")
    rename_alpha(engine, tmp_path, '=HYPERLINK("http://x","y")')
    meeting.add_note(
        engine, quarter="2026-Q2", report="funnel", side="sales", author="@Ann", text="-5% is fine"
    )
    bundle = zipfile.ZipFile(io.BytesIO(export(engine, quarter=Q2, fmt="csv", options=OPTIONS)))
    top = rows_of(bundle, "campaigns_sql_top.csv")
    assert top[0]["name"] == '\'=HYPERLINK("http://x","y")'
    note = rows_of(bundle, "commentary.csv")[0]
    assert (note["author"], note["text"]) == ("'@Ann", "'-5% is fine")
    assert rows_of(bundle, "decisions.csv") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Alpha", "Alpha"),
        ("a=b", "a=b"),
        ("", ""),
        (-1, -1),
        (0.5, 0.5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


# --- the API and the command line -------------------------------------------------------------


def test_unknown_format_and_file_names(qbr):
    with pytest.raises(ExportError, match="unknown export format 'pdf'"):
        export(qbr, quarter=Q2, fmt="pdf")  # type: ignore[arg-type]
    assert file_name(Q2, "pptx") == "smarketing-qbr-2026-Q2.pptx"
    assert file_name(Q2, "csv") == "smarketing-qbr-2026-Q2.zip"


def run(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def qbr_url(qbr) -> str:  # type: ignore[no-untyped-def]
    return str(qbr.url)


@pytest.mark.parametrize(
    ("fmt", "suffix", "magic"),
    [("pptx", ".pptx", b"PK"), ("html", ".html", b"<!DOCTYPE html>"), ("csv", ".zip", b"PK")],
)
def test_cli_export_writes_the_file_and_prints_its_path(
    tmp_path, capsys, qbr_url, fmt, suffix, magic
):
    out = tmp_path / f"qbr{suffix}"
    code, printed, err = run(
        capsys,
        "export",
        "--quarter",
        "2026-Q2",
        "--format",
        fmt,
        "--out",
        str(out),
        "--min-volume",
        "2",
        "--top",
        "2",
        "--db",
        qbr_url,
    )
    assert code == 0, err
    assert printed == f"{out}\n"
    assert out.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no partial file left


def test_cli_export_options_reach_the_numbers(tmp_path, capsys, qbr_url):
    out = tmp_path / "qbr.zip"
    code, _, err = run(
        capsys,
        "export",
        "--quarter",
        "2026-Q2",
        "--format",
        "csv",
        "--out",
        str(out),
        "--top",
        "1",
        "--min-volume",
        "2",
        "--base",
        "lead",
        "--db",
        qbr_url,
    )
    assert code == 0, err
    bundle = zipfile.ZipFile(out)
    assert [r["name"] for r in rows_of(bundle, "campaigns_sql_top.csv")] == ["Alpha"]
    assert [r["name"] for r in rows_of(bundle, "campaigns_sql_bottom.csv")] == ["Gamma"]
    # Lead cohorts: Rita {j1, j2}, sam {j3} (left out), Tom {j6, j10, j11}
    assert [r["name"] for r in rows_of(bundle, "reps_sql_top.csv")] == ["Rita"]
    assert "base stage lead" in bundle.read("README.txt").decode()


def test_cli_export_bad_quarter_and_unwritable_path_exit_2(tmp_path, capsys, qbr_url):
    out = tmp_path / "qbr.pptx"
    code, printed, err = run(
        capsys,
        "export",
        "--quarter",
        "Q2-2026",
        "--format",
        "pptx",
        "--out",
        str(out),
        "--db",
        qbr_url,
    )
    assert (code, printed) == (2, "") and "not a quarter" in err and not out.exists()
    for target in (tmp_path / "missing-dir" / "qbr.pptx", tmp_path):
        code, printed, err = run(
            capsys,
            "export",
            "--quarter",
            "2026-Q2",
            "--format",
            "pptx",
            "--out",
            str(target),
            "--db",
            qbr_url,
        )
        assert (code, printed) == (2, "")
        assert len(err.strip().splitlines()) == 1
        assert err.startswith(f"error: cannot write {target}")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SystemExit) as exc:
        main(["export", "--quarter", "2026-Q2", "--format", "pdf", "--out", str(out)])
    assert exc.value.code == 2


def test_a_long_name_is_cut_with_an_ellipsis_on_the_deck_chart():
    long = "2026-Q1 Social: LinkedIn Thought Leadership Series for Enterprise Buyers in EMEA"
    data = ChartData(["Alpha", long], [Series("SQLs", [3.0, 2.0], "0")], value_format="0")
    categories = list(chart_data(data).categories)
    assert categories[0].label == "Alpha"
    cut = categories[1].label
    assert cut.endswith("…") and long.startswith(cut[:-1].rstrip())
    assert len(cut) < len(long)
