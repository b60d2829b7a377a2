"""Checks of the codebase itself: the domain package never imports Streamlit, every setting
is documented, pages hold no SQL."""

from __future__ import annotations

import re
from pathlib import Path

from smarketing_data.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_domain_package_does_not_import_streamlit():
    offenders = [p for p in (ROOT / "smarketing_data").rglob("*.py")
                 if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(), re.M)]
    assert offenders == []


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert [s.env for s in SETTINGS if s.env not in readme] == []


def test_pages_and_ui_build_no_sql():
    builders = re.compile(
        r"from sqlalchemy(\.sql)? import .*\b(select|insert|update|delete|text)\b")
    raw = re.compile(r"[\"'](SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b", re.I)
    offenders = [p.name for folder in ("app_pages", "ui") for p in (ROOT / folder).glob("*.py")
                 if builders.search(p.read_text()) or raw.search(p.read_text())]
    assert offenders == []
