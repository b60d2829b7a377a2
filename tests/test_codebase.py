"""Checks of the codebase itself: the domain package never imports Streamlit, every setting
is documented, pages and ui/ hold no SQL, page scripts stay thin."""

from __future__ import annotations

import re
from pathlib import Path

from smarketing_data.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_domain_package_does_not_import_streamlit():
    offenders = [
        p
        for p in (ROOT / "smarketing_data").rglob("*.py")
        if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(), re.M)
    ]
    assert offenders == []


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert [s.env for s in SETTINGS if s.env not in readme] == []


def test_pages_and_ui_build_no_sql():
    builders = re.compile(
        r"from sqlalchemy(\.sql)? import .*\b(select|insert|update|delete|text)\b"
    )
    raw = re.compile(r"[\"'](SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b", re.I)
    offenders = [
        p.name
        for folder in ("app_pages", "ui")
        for p in (ROOT / folder).rglob("*.py")
        if builders.search(p.read_text()) or raw.search(p.read_text())
    ]
    assert offenders == []


def test_pages_and_ui_catch_only_the_packages_errors():
    """The database layer turns driver errors into DatabaseError; nothing above it sees them."""
    driver = re.compile(
        r"^\s*(from sqlalchemy\.exc import|import sqlalchemy\.exc)|SQLAlchemyError", re.M
    )
    offenders = [
        p.name
        for folder in ("app_pages", "ui")
        for p in (ROOT / folder).rglob("*.py")
        if driver.search(p.read_text())
    ]
    assert offenders == []


def test_pages_and_ui_never_parse_a_quarter_label():
    """The quarter widget's label becomes a Quarter in ui/filters.py; below it, only Quarters."""
    offenders = [
        p.name
        for folder in ("app_pages", "ui")
        for p in (ROOT / folder).rglob("*.py")
        if "parse_quarter" in p.read_text()
    ]
    assert offenders == []


# A page reads its filters and calls ui/ sections; anything longer belongs in ui/.
MAX_PAGE_LINES = 25


def test_page_scripts_are_thin():
    lines = {p.name: len(p.read_text().splitlines()) for p in (ROOT / "app_pages").glob("*.py")}
    assert {name: n for name, n in lines.items() if n > MAX_PAGE_LINES} == {}
