"""User text from files (campaign and rep names) is rendered as text, never as markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from helpers import DATA, load
from smarketing_data.db import init_schema, make_engine

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HOSTILE = DATA / "hostile"
MARKUP = ("<script>", "<img", "](javascript:", "**Bold**")


def rendered_markdown(at: AppTest) -> list[str]:
    """Every text Streamlit renders as Markdown on the page (not dataframes or charts)."""
    texts = [m.value for m in at.markdown if not m.value.lstrip().startswith("<style>")]
    for kind in (at.caption, at.success, at.warning, at.error, at.info, at.subheader, at.title):
        texts += [str(e.value) for e in kind]
    texts += [e.label for e in at.expander]
    return texts


@pytest.mark.parametrize("page", [None, "app_pages/campaigns.py", "app_pages/reps.py"])
def test_hostile_names_never_render_as_markup(tmp_path, monkeypatch, page):
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    engine = make_engine(url)
    init_schema(engine)
    load(engine, HOSTILE / "campaigns.csv", HOSTILE / "journeys.csv")
    engine.dispose()
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page:
        at.switch_page(page).run()
    at.selectbox(key="quarter").set_value("2026-Q2").run()
    if page == "app_pages/reps.py":
        at.number_input(key="min_volume").set_value(1).run()
    assert not at.exception
    texts = rendered_markdown(at)
    assert texts, "the page rendered nothing to check"
    for text in texts:
        assert not any(m in text for m in MARKUP), text
