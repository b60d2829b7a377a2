"""AppTest of the Meeting page on the hand-worked fixture of tests/data/qbr: commentary per
report (author-only edits, shown beside the report on Campaigns), decisions carried into
the next quarter's Overview, and presenter mode."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from helpers import DATA, open_app
from smarketing_data import meeting as mt
from smarketing_data.db import make_engine
from ui.components import safe

QBR = DATA / "qbr"
REPORT = "campaigns.sql.top"


def meeting_page(quarter: str = "2026-Q2", report: str | None = REPORT) -> AppTest:
    at = open_app("app_pages/meeting.py", quarter=quarter)
    if report:
        at.selectbox(key="meeting_report").set_value(report).run()
    assert not at.exception, at.exception
    return at


def add_note(at: AppTest, side: str, author: str, text: str) -> None:
    at.text_input(key=f"note_author_{side}").input(author)
    at.text_area(key=f"note_text_{side}").input(text)
    at.button(key=f"note_add_{side}").click().run()
    assert not at.exception, at.exception


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def notes(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        return mt.notes_for(engine, quarter="2026-Q2", report=REPORT)
    finally:
        engine.dispose()


def test_notes_per_side_author_only_edits_and_commentary_beside_the_report(qbr_url):
    at = meeting_page()
    add_note(at, "sales", "Ann", "Follow-up *was* fast <script>x</script>")
    add_note(at, "marketing", "Mia", "Webinar leads were better qualified.")
    assert [s.value for s in at.success] == ["Marketing note saved\\."]
    assert at.text_area(key="note_text_sales").value == ""  # cleared for the next note
    saved = notes(qbr_url)
    assert saved[["side", "author"]].values.tolist() == [["sales", "Ann"], ["marketing", "Mia"]]
    shown = markdown(at)
    assert safe("Follow-up *was* fast <script>x</script>") in shown  # escaped, never markup
    sales_id = int(saved["note_id"].iloc[0])

    # another author is refused; the note is unchanged
    at.text_input(key=f"note_edit_author_{sales_id}").input("Mia")
    at.text_area(key=f"note_edit_text_{sales_id}").input("Hijacked")
    at.button(key=f"note_edit_save_{sales_id}").click().run()
    assert [e.value for e in at.error] == ["Only Ann can edit this note"]
    assert notes(qbr_url)["text"].iloc[0] == "Follow-up *was* fast <script>x</script>"

    # its author (any case, spaces around) may
    at.text_input(key=f"note_edit_author_{sales_id}").input(" ann ")
    at.text_area(key=f"note_edit_text_{sales_id}").input("Follow-up was fast.")
    at.button(key=f"note_edit_save_{sales_id}").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Note updated\\."]
    assert notes(qbr_url)["text"].tolist() == [
        "Follow-up was fast.",
        "Webinar leads were better qualified.",
    ]

    at.switch_page("app_pages/campaigns.py")
    at.run()
    assert not at.exception
    lines = [m for m in markdown(at) if m.startswith(("**Sales** —", "**Marketing** —"))]
    assert len(lines) == 2
    assert lines[0].startswith("**Sales** — Ann (") and lines[0].endswith(
        ", edited): " + safe("Follow-up was fast.")
    )
    assert lines[1].startswith("**Marketing** — Mia (") and lines[1].endswith(
        "): " + safe("Webinar leads were better qualified.")
    )
    assert "Commentary on “Top campaigns by SQLs”" in [c.value for c in at.caption]


def test_an_empty_note_is_refused_with_a_message(qbr_url):
    at = meeting_page()
    add_note(at, "marketing", "Mia", "   ")
    assert [e.value for e in at.error] == ["The note is empty"]
    assert notes(qbr_url).empty


def test_a_decision_of_last_quarter_shows_on_the_overview_beside_its_number(qbr_url):
    at = meeting_page()
    at.text_area(key="decision_what").input("Double the webinar budget")
    at.text_input(key="decision_owner").input("Mia")
    assert at.selectbox(key="decision_due").value == "2026-Q3"  # default: next quarter
    at.button(key="decision_add").click().run()
    assert not at.exception
    assert at.text_area(key="decision_what").value == ""
    # the quarter's list: one decision, on this report
    table = at.dataframe[0].value
    assert table.values.tolist() == [
        ["Top campaigns by SQLs", "Double the webinar budget", "Mia", "2026-Q3", "Open"]
    ]

    at.switch_page("app_pages/overview.py")
    at.run()
    at.selectbox(key="quarter").set_value("2026-Q3").run()
    assert not at.exception
    carried = at.dataframe[-1].value
    assert carried.to_dict("records") == [
        {
            "Decided": "2026-Q2",
            "What": "Double the webinar budget",
            "Report": "Top campaigns by SQLs",
            "Owner": "Mia",
            "Status": "Open",
            # Q3 holds only j10's MQL (Alpha): 1 MQL × 36% expected, no SQL yet
            "2026-Q3 now": "Alpha: 0 SQLs against 0.36 expected at goal",
            "Goal": "❌ below goal",
        }
    ]

    # marked done in the Q3 meeting, under "Carried from 2026-Q2"
    at.switch_page("app_pages/meeting.py")
    at.run()
    engine = make_engine(qbr_url)
    decision_id = int(mt.decisions_for(engine, quarter="2026-Q2")["decision_id"].iloc[0])
    engine.dispose()
    at.selectbox(key=f"decision_status_{decision_id}").set_value("done").run()
    assert not at.exception
    at.switch_page("app_pages/overview.py")
    at.run()
    assert at.dataframe[-1].value["Status"].tolist() == ["Done"]


def test_presenter_mode_walks_the_reports(qbr_url):
    at = meeting_page(report=None)
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception

    def where() -> tuple[str, str]:
        position = next(m for m in markdown(at) if m.endswith(" / 14**"))
        return at.title[0].value, position

    assert where() == ("Funnel against goals", "2026-Q2 · **1 / 14**")
    assert at.button(key="presenter_prev").disabled
    at.button(key="presenter_next").click().run()
    assert where() == ("Top campaigns by SQLs", "2026-Q2 · **2 / 14**")
    at.button(key="presenter_next").click().run()
    assert where() == ("Bottom campaigns by SQLs", "2026-Q2 · **3 / 14**")
    at.button(key="presenter_prev").click().run()
    assert where() == ("Top campaigns by SQLs", "2026-Q2 · **2 / 14**")
    # back to the working view on the report being shown
    at.button(key="presenter_exit").click().run()
    assert not at.exception
    assert at.selectbox(key="meeting_report").value == REPORT
    assert at.title[0].value == "Meeting · 2026-Q2"
    assert at.toggle(key="presenter").value is False


def test_exports_are_offered_for_download(qbr_url):
    at = meeting_page()
    assert not at.get("download_button")
    at.button(key="exports_prepare").click().run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [
        "Slide deck (.pptx)",
        "Pre-read (HTML, opens offline)",
        "Every report as CSV (.zip)",
    ]
