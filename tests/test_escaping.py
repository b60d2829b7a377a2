"""User text from files (campaign and rep names) is rendered as text, never as markup."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from helpers import DATA, dataset, load, open_app

HOSTILE = DATA / "hostile"
MARKUP = ("<script>", "<img", "](javascript:", "**Bold**")


def rendered_markdown(at: AppTest) -> list[str]:
    """Every text Streamlit renders as Markdown on the page (not dataframes or charts)."""
    texts = [m.value for m in at.markdown if not m.value.lstrip().startswith("<style>")]
    for kind in (at.caption, at.success, at.warning, at.error, at.info, at.subheader, at.title):
        texts += [str(e.value) for e in kind]
    texts += [e.label for e in at.expander]
    return texts


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
