"""The command line at its edges (SPEC §6): a mapping that is not a small regular file, input
that would print terminal escapes, and read-only commands on a database that does not exist.
Usage and input errors exit 2, anything else 1, always with one line and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DATA
from smarketing_data.cli import main

SF = DATA / "salesforce"
ESC = "\x1b"


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command line in its own process, as ops automation runs it."""
    return subprocess.run(
        [sys.executable, "-m", "smarketing_data", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr[-2000:]
    assert "Traceback" not in stderr
    return lines[0]


def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def uploads(db: str, capsys) -> list[object]:  # type: ignore[no-untyped-def]
    assert main(["uploads", "--json", "--db", db]) == 0
    return json.loads(capsys.readouterr().out)


# --- --mapping --------------------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> str:
    path = tmp_path / "mapping.json"
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_mapping_that_is_not_a_regular_file_is_refused(tmp_path, fifo, kind):
    path = {"fifo": fifo, "device": "/dev/zero", "directory": str(tmp_path)}[kind]
    # A FIFO with no writer would block the read for ever: the timeout fails the test.
    run = cli("ingest", str(SF / "User.csv"), "--mapping", path, "--db", db_url(tmp_path))
    assert run.returncode == 2
    assert one_error_line(run.stderr) == f"error: mapping {path} is not a regular file"
    assert not (tmp_path / "cli.db").exists()


def test_a_mapping_over_a_megabyte_is_refused(tmp_path, capsys):
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"kind": "leads", "pad": "x" * (1 << 20)}), encoding="utf-8")
    code = main(["ingest", str(SF / "User.csv"), "--mapping", str(big), "--db", db_url(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert (
        one_error_line(err)
        == f"error: mapping {big} is over 1024 KB; a mapping is a small JSON object"
    )


def test_deeply_nested_mapping_is_an_input_error(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code = main(["ingest", str(SF / "User.csv"), "--mapping", str(deep), "--db", db_url(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert one_error_line(err).startswith(f"error: cannot read mapping {deep}: ")


@pytest.mark.parametrize(
    ("source", "shown"),
    [("a" * 5000, "'aaaa"), ("ab\x1b[31mc", "'ab[31mc'"), ("a\nb", "'ab'")],
)
def test_a_bad_source_is_refused_up_front_and_printed_inert(tmp_path, capsys, source, shown):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {"kind": "reps", "source": source, "columns": {"record_id": "Id", "name": "Name"}}
        ),
        encoding="utf-8",
    )
    db = db_url(tmp_path)
    code = main(["ingest", str(SF / "User.csv"), "--mapping", str(mapping), "--db", db])
    err = capsys.readouterr().err
    assert code == 2
    line = one_error_line(err)
    assert ESC not in line and shown in line and "source" in line
    assert uploads(db, capsys) == []


# --- what the command line prints -------------------------------------------------------------


def test_file_names_and_values_are_printed_without_terminal_escapes(tmp_path, capsys):
    name = tmp_path / f"evil{ESC}[2Jname\u202e.csv"
    name.write_text("a,b\n1,2\n", encoding="utf-8")
    code = main(["ingest", str(name), "--db", db_url(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    line = one_error_line(err)
    assert line.startswith("error: evil\\x1b[2Jname\\u202e.csv: ")
    assert ESC not in line


def test_an_unknown_choice_is_printed_without_terminal_escapes(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--quarter", "2026-Q2", "--base", f"x{ESC}[2J"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert ESC not in err and "x\\x1b[2J" in err


def test_uploads_list_prints_stored_file_names_inert(tmp_path, capsys):
    source = tmp_path / "User.csv"
    source.write_bytes((SF / "User.csv").read_bytes())
    renamed = tmp_path / f"Us{ESC}]0;pwned{chr(7)}er.csv"
    source.rename(renamed)
    db = db_url(tmp_path)
    assert main(["ingest", str(renamed), "--db", db]) == 0
    out = capsys.readouterr().out
    assert ESC not in out and "Us\\x1b]0;pwned\\x07er.csv" in out
    assert main(["uploads", "--db", db]) == 0
    out = capsys.readouterr().out
    assert ESC not in out and "Us\\x1b]0;pwned\\x07er.csv" in out


# --- read-only commands never create a database -----------------------------------------------


READ_ONLY = [
    ["quarters"],
    ["uploads"],
    ["report", "--quarter", "2026-Q2"],
    ["export", "--quarter", "2026-Q2", "--format", "csv", "--out", "{out}"],
]


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: c[0])
def test_read_only_commands_on_a_missing_database_exit_1_and_create_nothing(
    tmp_path, capsys, kind, command
):
    missing = tmp_path / "typo" / "dir" / "x.db"
    args = [a.replace("{out}", str(tmp_path / "out.zip")) for a in command]
    code = main(["--db", f"{kind}:///{missing}", *args])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert one_error_line(captured.err) == f"error: no database at {missing}"
    assert list(tmp_path.iterdir()) == []


def test_read_only_commands_on_a_missing_file_in_an_existing_folder(tmp_path, capsys):
    missing = tmp_path / "x.db"
    assert main(["quarters", "--db", f"sqlite:///{missing}"]) == 1
    assert one_error_line(capsys.readouterr().err) == f"error: no database at {missing}"
    assert not missing.exists()


def test_init_and_ingest_still_create_the_database_and_its_folders(tmp_path, capsys):
    fresh = tmp_path / "new" / "dir" / "x.db"
    assert main(["init", "--db", f"sqlite:///{fresh}"]) == 0
    assert fresh.exists()
    other = tmp_path / "other" / "y.db"
    assert main(["ingest", str(SF / "User.csv"), "--db", f"sqlite:///{other}"]) == 0
    assert main(["quarters", "--db", f"sqlite:///{other}"]) == 0
    capsys.readouterr()
