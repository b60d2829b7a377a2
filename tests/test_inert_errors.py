"""Error messages never show a password (SPEC §8), and a database URL that cannot be used is
the package's DatabaseError with one clear line: from make_engine, on the command line and on
the app's error page, which also refuses to create a database in a folder that is not there."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from helpers import APP
from smarketing_data.db import DatabaseError, describe_error, make_engine, redact

SECRET = "s3cret-Pw"
BAD_URLS = [
    # no scheme: not a URL SQLAlchemy can parse
    (f"nobody:{SECRET}@127.0.0.1/none", "not a database URL: 'nobody:***@127.0.0.1/none'"),
    (
        f"postgresql+psycopg://nobody:{SECRET}@127.0.0.1:notaport/none",
        "not a database URL: 'postgresql+psycopg://nobody:***@127.0.0.1:notaport/none' "
        "(its port must be a number)",
    ),
]


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_make_engine_refuses_a_bad_url_without_its_password(url, message):
    with pytest.raises(DatabaseError) as found:
        make_engine(url)
    assert str(found.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f'connection to "postgresql://nobody:{SECRET}@db:5432/x" failed',
            'connection to "postgresql://nobody:***@db:5432/x" failed',
        ),
        (
            f"invalid dsn: host=db user=nobody password={SECRET} dbname=x",
            "invalid dsn: host=db user=nobody password=*** dbname=x",
        ),
        (f"PWD='{SECRET}' refused", "PWD=*** refused"),
        (
            "password authentication failed for user nobody",
            "password authentication failed for user nobody",
        ),
    ],
)
def test_redact_hides_passwords_in_urls_and_connection_strings(text, expected):
    assert redact(text) == expected


def test_a_known_password_is_hidden_wherever_the_driver_quotes_it():
    error = RuntimeError(f"server said: bad secret {SECRET!r}")
    assert describe_error(error, SECRET) == "database error: server said: bad secret '***'"


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_the_command_line_shows_one_line_without_the_password(url, message):
    run = subprocess.run(
        [sys.executable, "-m", "smarketing_data", "quarters", "--db", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stderr == f"error: {message}\n"


def app_errors(monkeypatch, url: str) -> tuple[AppTest, list[str]]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SMARKETING_DB_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at, [str(e.value) for e in at.error]


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_the_app_error_page_hides_the_password(monkeypatch, url, message):
    _, errors = app_errors(monkeypatch, url)
    assert errors and all(SECRET not in e for e in errors), errors
    assert any(e.startswith("The database cannot be reached: ") for e in errors), errors


def test_the_app_refuses_a_database_in_a_folder_that_does_not_exist(monkeypatch, tmp_path):
    missing = tmp_path / "typo" / "qbr.db"
    at, errors = app_errors(monkeypatch, f"sqlite:///{missing}")
    assert len(errors) == 1 and "cannot be reached" in errors[0], errors
    assert "no folder" in errors[0] and "typo" in errors[0]
    assert list(tmp_path.iterdir()) == []


def test_the_app_creates_a_database_in_a_folder_that_exists(monkeypatch, tmp_path):
    fresh = tmp_path / "qbr.db"
    _, errors = app_errors(monkeypatch, f"sqlite:///{fresh}")
    assert errors == [] and fresh.exists()
