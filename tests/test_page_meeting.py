"""AppTest of the Meeting page on the hand-worked fixture of tests/data/qbr: commentary per
report written as the session's identity (edited and deleted only by its author, shown beside
the report on Campaigns), decisions whose status only editors, owners and recorders change,
with who and when in the page's change history, decisions carried into the next quarter's
Overview, and presenter mode."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from helpers import DATA, open_app
from smarketing_data import meeting as mt
from smarketing_data.db import make_engine
from ui import access
from ui.components import safe

QBR = DATA / "qbr"
REPORT = "campaigns.sql.top"


def meeting_page(quarter: str = "2026-Q2", report: str | None = REPORT) -> AppTest:
    at = open_app("app_pages/meeting.py", quarter=quarter)
    if report:
        at.selectbox(key="meeting_report").set_value(report).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def identity(monkeypatch):  # type: ignore[no-untyped-def]
    """Act as someone: what ``access.identity()`` answers from now on in this test."""

    def act_as(value: str | None) -> None:
        monkeypatch.setattr(access, "identity", lambda: value)

    return act_as


def add_note(at: AppTest, side: str, text: str) -> None:
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


def edit_keys(at: AppTest) -> list[str]:
    return sorted(str(t.key) for t in at.text_area if str(t.key).startswith("note_edit_"))


def test_notes_are_written_as_the_identity_and_changed_only_by_their_author(qbr_url, identity):
    identity("ann@example.com")
    at = meeting_page()
    assert not [t for t in at.text_input if "author" in str(t.key)]  # no name to type
    add_note(at, "sales", "Follow-up *was* fast <script>x</script>")
    identity("mia@example.com")
    add_note(at, "marketing", "Webinar leads were better qualified.")
    assert [s.value for s in at.success] == ["Marketing note saved\\."]
    assert at.text_area(key="note_text_marketing").value == ""  # cleared for the next note
    saved = notes(qbr_url)
    assert saved[["side", "author"]].values.tolist() == [
        ["sales", "ann@example.com"],
        ["marketing", "mia@example.com"],
    ]
    assert safe("Follow-up *was* fast <script>x</script>") in markdown(at)  # escaped
    ann_id, mia_id = (int(i) for i in saved["note_id"])

    # Mia is offered Edit on her own note only; the store refuses her Ann's all the same
    assert edit_keys(at) == [f"note_edit_text_{mia_id}"]
    assert [b.key for b in at.button if str(b.key).startswith("note_delete_")] == [
        f"note_delete_{mia_id}"
    ]
    engine = make_engine(qbr_url)
    try:
        with pytest.raises(mt.MeetingError, match="only ann@example.com can edit this note"):
            mt.edit_note(engine, note_id=ann_id, author="mia@example.com", text="Hijacked")
    finally:
        engine.dispose()

    # Ann (the e-mail in any case) edits hers
    identity("ANN@example.com")
    at.run()
    assert edit_keys(at) == [f"note_edit_text_{ann_id}"]
    at.text_area(key=f"note_edit_text_{ann_id}").input("Follow-up was fast.")
    at.button(key=f"note_edit_save_{ann_id}").click().run()
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
    sales, marketing = lines
    assert sales.startswith(f"**Sales** — {safe('ann@example.com')} (")
    assert sales.endswith(", edited): " + safe("Follow-up was fast."))
    assert marketing.startswith(f"**Marketing** — {safe('mia@example.com')} (")
    assert marketing.endswith("): " + safe("Webinar leads were better qualified."))
    assert "Commentary on “Top campaigns by SQLs”" in [c.value for c in at.caption]


def test_the_author_deletes_a_note(qbr_url, identity):
    identity("ann@example.com")
    at = meeting_page()
    add_note(at, "sales", "Draft")
    note_id = int(notes(qbr_url)["note_id"].iloc[0])
    at.button(key=f"note_delete_{note_id}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Note deleted\\."]
    assert notes(qbr_url).empty


def test_a_session_nobody_identified_cannot_write(qbr_url, identity, monkeypatch):
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", "edit-456")  # viewing open, no names
    identity(None)
    at = meeting_page()
    add_note(at, "sales", "Anonymous")
    assert [e.value for e in at.error] == [
        "A note records who did it, and this session has no name: sign in, or enter with "
        "your name and the passcode, then try again\\."
    ]
    assert notes(qbr_url).empty


def change_history(at: AppTest):  # type: ignore[no-untyped-def]
    """The table under the page's "Change history"."""
    [found] = [e for e in at.expander if e.label == "Change history"]
    return found.dataframe[0].value


def decide(at: AppTest, what: str, owner: str) -> None:
    at.text_area(key="decision_what").input(what)
    at.text_input(key="decision_owner").input(owner)
    at.button(key="decision_add").click().run()
    assert not at.exception


def test_a_decisions_status_is_changed_by_its_owner_or_recorder_with_who_kept(
    qbr_url, identity, monkeypatch
):
    monkeypatch.setenv("SMARKETING_EDITOR_PASSCODE", "edit-456")  # everyone here is a viewer
    identity("rob@example.com")
    at = meeting_page()
    decide(at, "Double the webinar budget", "Mia")
    engine = make_engine(qbr_url)
    decision_id = int(mt.decisions_for(engine, quarter="2026-Q2")["decision_id"].iloc[0])
    key = f"decision_status_{decision_id}"
    assert not at.selectbox(key=key).disabled  # Rob recorded it

    identity("kim@example.com")  # neither owner, recorder nor editor
    at.run()
    assert at.selectbox(key=key).disabled
    with pytest.raises(mt.MeetingError, match="only an editor"):
        mt.set_decision_status(engine, decision_id=decision_id, status="done", who="kim")

    identity("mia")  # the owner
    at.run()
    at.selectbox(key=key).set_value("done").run()
    assert not at.exception
    assert mt.decisions_for(engine, quarter="2026-Q2")["status"].tolist() == ["done"]
    engine.dispose()
    history = change_history(at)
    assert history.columns.tolist() == ["When (UTC)", "Who", "What", "Which", "Change"]
    assert history[["Who", "What", "Which", "Change"]].values.tolist() == [
        [
            "mia",
            "Decision",
            str(decision_id),
            "changed: “Double the webinar budget”: status open → done",
        ],
        [
            "rob@example.com",
            "Decision",
            str(decision_id),
            "recorded: “Double the webinar budget”, owner Mia, due 2026-Q3",
        ],
    ]


def test_an_empty_note_is_refused_with_a_message(qbr_url):
    at = meeting_page()
    add_note(at, "marketing", "   ")
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
