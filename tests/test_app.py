"""The app: first start on an empty database loads the sample data and says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from smarketing_data.metrics.quarters import parse_quarter

APP = Path(__file__).resolve().parent.parent / "app.py"


def test_first_start_loads_and_labels_the_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARKETING_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("sample data" in i.value.lower() for i in at.info)
    # the default quarter is the last complete one with data
    picker = at.selectbox(key="quarter")
    complete = [q for q in picker.options if parse_quarter(q).end <= dt.date.today()]
    assert picker.value == max(complete)
    leads = next(m for m in at.metric if m.label == "Leads")
    assert int(leads.value.replace("k", "00").replace(".", "")) > 0


def test_unreachable_database_shows_a_message_not_a_traceback(monkeypatch):
    monkeypatch.setenv("SMARKETING_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert "cannot be reached" in at.error[0].value
