"""The command line: exit codes, the --json shape of SPEC §6, and no traceback ever."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import DATA
from smarketing_data.cli import main

SF = DATA / "salesforce"


def run(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_json_shape_and_counts(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, err = run(capsys, "ingest", str(SF / "Lead.csv"), str(SF / "User.csv"),
                         "--json", "--db", db)
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"upload_id", "files"}
    assert data["upload_id"] == 1
    lead = data["files"][0]
    assert {k: lead[k] for k in ("file", "format", "kind", "rows", "inserted", "updated",
                                 "unchanged", "rejected")} == {
        "file": "Lead.csv", "format": "salesforce", "kind": "leads", "rows": 6, "inserted": 3,
        "updated": 0, "unchanged": 1, "rejected": 2}
    assert lead["rejections"] == [
        {"row": 6, "reason": "unparseable date in 'CreatedDate': 'not a date'"},
        {"row": 7, "reason": "no id"}]


def test_same_file_twice_is_unchanged_then_undo(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert run(capsys, "ingest", str(SF / "User.csv"), "--db", db)[0] == 0
    code, out, _ = run(capsys, "ingest", str(SF / "User.csv"), "--json", "--db", db)
    second = json.loads(out)["files"][0]
    assert (second["inserted"], second["updated"], second["unchanged"]) == (0, 0, 2)
    code, out, _ = run(capsys, "uploads", "--json", "--db", db)
    uploads = json.loads(out)
    assert [u["upload_id"] for u in uploads] == [2, 1]
    assert uploads[1]["files"][0]["inserted"] == 2
    assert run(capsys, "undo", "1", "--db", db)[0] == 0
    code, _, err = run(capsys, "undo", "1", "--db", db)
    assert code == 2 and "already been undone" in err


def test_bad_file_exits_2_and_writes_nothing(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")
    code, out, err = run(capsys, "ingest", str(SF / "User.csv"), str(junk), "--db", db)
    assert code == 2
    assert "junk.csv" in err and "do not match any export" in err
    code, out, _ = run(capsys, "uploads", "--json", "--db", db)
    assert json.loads(out) == []


def test_missing_file_and_bad_usage_exit_2(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert run(capsys, "ingest", str(tmp_path / "nope.csv"), "--db", db)[0] == 2
    code = None
    try:
        main(["frobnicate"])
    except SystemExit as exc:
        code = exc.code
    assert code == 2


def test_unreachable_database_is_one_line_exit_1():
    proc = subprocess.run(
        [sys.executable, "-m", "smarketing_data", "uploads", "--db",
         "postgresql+psycopg://nobody@127.0.0.1:1/nothing"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("error: database error")
