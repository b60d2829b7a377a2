"""User text from files (campaign and rep names) and from people (notes, decisions) is rendered
as plain text (SPEC §8): never as markup, never as a link, and without the bidirectional
controls that make a name display other than it reads."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from helpers import DATA, dataset, load, open_app
from smarketing_data import meeting
from smarketing_data.db import make_engine

HOSTILE = DATA / "hostile"
MARKUP = ("<script>", "<img", "](javascript:", "**Bold**")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A backslash escape of ASCII punctuation, as CommonMark resolves it before Streamlit's
# GitHub-flavoured autolinker reads the text.
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# The autolinker's patterns (remark-gfm, as bundled by Streamlit); JavaScript's \w is ASCII.
URL_LITERAL = re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE | re.ASCII)
EMAIL_LITERAL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.ASCII)
# The parser's own syntax: a scheme, a directive (":red" colours what follows, with or
# without "[...]") and a character reference ("&#x202E;" is a control once decoded); and the
# test by which Streamlit turns emoji shortcodes on (on the text as written).
RAW_SCHEME = re.compile(r"(?<!\\):/")
DIRECTIVE = re.compile(r"(?<!\\):[A-Za-z]")
ENTITY = re.compile(r"(?<!\\)&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
SHORTCODE = re.compile(r":(?!material/|streamlit:)[\w+-][\w+-]*:")


# The app's own directives (badges, icons) in the text it writes around user text.
APP_SYNTAX = re.compile(r":[a-z]+-badge\[|:material/[a-z_]+:")


def rendered_markdown(at: AppTest) -> list[str]:
    """Every text Streamlit renders as Markdown on the page (not dataframes or charts)."""
    texts = [m.value for m in at.markdown if not m.value.lstrip().startswith("<style>")]
    for kind in (at.caption, at.success, at.warning, at.error, at.info, at.subheader, at.title):
        texts += [str(e.value) for e in kind]
    texts += [e.label for e in at.expander]
    return texts


def live_parts(markdown: str) -> list[str]:
    """What Streamlit's Markdown would turn into a link, a colour directive or reversed text."""
    text = ESCAPE.sub(r"\1", markdown)
    found = [m.group() for m in URL_LITERAL.finditer(text)]
    found += [m.group() for m in EMAIL_LITERAL.finditer(text)]
    found += [
        m.group()
        for p in (RAW_SCHEME, DIRECTIVE, ENTITY, SHORTCODE, BIDI)
        for m in p.finditer(markdown)
    ]
    return found


@dataset("hostile")
def hostile(engine) -> None:  # type: ignore[no-untyped-def]
    load(engine, HOSTILE / "campaigns.csv", HOSTILE / "journeys.csv")


@pytest.mark.parametrize("page", [None, "app_pages/campaigns.py", "app_pages/reps.py"])
def test_hostile_names_never_render_as_markup(databases, monkeypatch, page):
    url = databases.url("sqlite", "hostile", "hostile.db")
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    at = open_app(page, quarter="2026-Q2")
    if page == "app_pages/reps.py":
        at.number_input(key="min_volume").set_value(1).run()
    assert not at.exception
    texts = rendered_markdown(at)
    assert texts, "the page rendered nothing to check"
    for text in texts:
        assert not any(m in text for m in MARKUP), text
        assert live_parts(APP_SYNTAX.sub("", text)) == [], text


def test_tables_and_pickers_show_names_without_bidirectional_controls(databases, monkeypatch):
    monkeypatch.setenv("SMARKETING_DB_URL", databases.url("sqlite", "hostile", "hostile.db"))
    at = open_app("app_pages/campaigns.py", quarter="2026-Q2")
    tables = [t.value for t in at.dataframe if t.value.columns[-1] == "Verdict"]
    names = {str(n) for t in tables for n in t.iloc[:, 0].tolist()}
    options = set(at.selectbox(key="campaign_drill").options)
    for shown in (names, options):
        assert "exe.cod" in shown
        assert [n for n in shown if BIDI.search(n)] == []


LINKS = "See http://3232235777/admin or https://evil\u3002example/login (www.evil.example)"
REVERSED = "\u202eexe.cod"


def hostile_meeting(url: str) -> None:
    """A note and a decision on the funnel whose words would link, colour and reverse."""
    engine = make_engine(url)
    meeting.add_note(
        engine,
        quarter="2026-Q2",
        report="funnel",
        side="sales",
        author="ops@evil.example",
        text=f"{LINKS}\n:red[red] :smile: {REVERSED}\nhttps://a.example/x\\y",
    )
    meeting.add_decision(
        engine,
        quarter="2026-Q2",
        report="funnel",
        what=f"Open {LINKS}",
        owner=REVERSED,
        due_quarter="2026-Q3",
    )
    engine.dispose()


def test_notes_and_decisions_render_inert_on_the_overview_and_in_presenter_mode(
    databases, monkeypatch
):
    url = databases.url("sqlite", "hostile", "hostile.db")
    hostile_meeting(url)
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    at = open_app(None, quarter="2026-Q2")
    overview = rendered_markdown(at)
    at.switch_page("app_pages/meeting.py")
    at.run()
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    presenter = rendered_markdown(at)
    for texts in (overview, presenter):
        assert any("3232235777" in t for t in texts), "the note is not on the page"
        for text in texts:
            assert live_parts(APP_SYNTAX.sub("", text)) == [], text
    # what shows is the words as typed, less the override
    shown = [ESCAPE.sub(r"\1", t) for t in presenter]
    assert any("exe.cod" in t and "red[red]" in t for t in shown), presenter
