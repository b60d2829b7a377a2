"""The command line: exit codes, the --json shape of SPEC §6, and no traceback ever."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import DATA
from smarketing_data import audit
from smarketing_data.cli import main
from smarketing_data.db import make_engine

SF = DATA / "salesforce"


def run(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_json_shape_and_counts(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, err = run(
        capsys, "ingest", str(SF / "Lead.csv"), str(SF / "User.csv"), "--json", "--db", db
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"upload_id", "files", "warnings"}
    assert data["warnings"] == []
    assert data["upload_id"] == 1
    lead = data["files"][0]
    assert {
        k: lead[k]
        for k in ("file", "format", "kind", "rows", "inserted", "updated", "unchanged", "rejected")
    } == {
        "file": "Lead.csv",
        "format": "salesforce",
        "kind": "leads",
        "rows": 6,
        "inserted": 3,
        "updated": 0,
        "unchanged": 1,
        "rejected": 2,
    }
    assert lead["rejections"] == [
        {"row": 6, "reason": "unparseable date in 'CreatedDate': 'not a date'"},
        {"row": 7, "reason": "no id"},
    ]


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
    # the change history names the command line as who imported and who undid
    history = audit.changes(make_engine(db), kinds=["upload"])
    assert set(history["who"]) == {audit.command_line_user()}
    assert "undone" in set(history["action"])


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
        [
            sys.executable,
            "-m",
            "smarketing_data",
            "uploads",
            "--db",
            "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("error: database error")


QBR = DATA / "qbr"


def _qbr_db(tmp_path, capsys) -> str:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'qbr.db'}"
    files = [str(QBR / n) for n in ("campaigns.csv", "reps.csv", "journeys.csv")]
    assert run(capsys, "ingest", *files, "--db", db)[0] == 0
    return db


def test_quarters_json_newest_first(tmp_path, capsys):
    db = _qbr_db(tmp_path, capsys)
    code, out, _ = run(capsys, "quarters", "--json", "--db", db)
    assert code == 0
    assert json.loads(out) == ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4"]


def test_report_json_shape_and_options(tmp_path, capsys):
    db = _qbr_db(tmp_path, capsys)
    code, out, err = run(
        capsys,
        "report",
        "--quarter",
        "2026-Q2",
        "--top",
        "1",
        "--min-volume",
        "2",
        "--base",
        "lead",
        "--json",
        "--db",
        db,
    )
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == [
        "quarter",
        "start",
        "end",
        "base",
        "funnel",
        "tracked",
        "campaigns",
        "reps",
        "goals",
    ]
    assert (data["quarter"], data["start"], data["end"], data["base"]) == (
        "2026-Q2",
        "2026-04-01",
        "2026-07-01",
        "lead",
    )
    assert list(data["funnel"]) == [
        "leads",
        "mql",
        "sal",
        "sql",
        "opp",
        "won",
        "pipeline",
        "bookings",
    ]
    assert [r["name"] for r in data["campaigns"]["sql"]["top"]] == ["Alpha"]
    assert list(data["campaigns"]["sql"]["top"][0]) == [
        "id",
        "name",
        "value",
        "upstream",
        "expected",
    ]
    rep = data["reps"]["sql"]["top"][0]
    assert list(rep) == [
        "id",
        "name",
        "rate",
        "numerator",
        "denominator",
        "ci_low",
        "ci_high",
        "goal",
        "verdict",
    ]
    assert (rep["name"], rep["numerator"], rep["denominator"]) == ("Rita", 2, 2)


def test_report_text_and_empty_quarter(tmp_path, capsys):
    db = _qbr_db(tmp_path, capsys)
    code, out, _ = run(capsys, "report", "--quarter", "2026-Q2", "--db", db)
    assert code == 0
    assert "Campaigns by SQLs" in out and "Alpha" in out
    code, out, _ = run(capsys, "report", "--quarter", "2023-Q1", "--db", db)
    assert code == 0 and "no data in this quarter" in out


def test_report_bad_quarter_is_usage_error(tmp_path, capsys):
    db = _qbr_db(tmp_path, capsys)
    code, _, err = run(capsys, "report", "--quarter", "Q2-2026", "--db", db)
    assert code == 2 and "not a quarter" in err


def test_db_before_the_command_is_the_database_used(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'before.db'}"
    assert main(["--db", db, "init"]) == 0
    assert (tmp_path / "before.db").exists()
    # a read-only command finds it there (it would refuse a database that is not)
    assert main(["--db", db, "quarters", "--json"]) == 0
