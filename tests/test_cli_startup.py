"""The quick commands (--help, quarters, uploads) import none of the heavy libraries (SPEC §7,
C1). Checked by module, not by time: benchmarks/ times them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import DATA
from smarketing_data.cli import main

HEAVY = ("pandas", "numpy", "pyarrow", "plotly", "pptx", "openpyxl", "streamlit")

# Runs the commands in-process in a fresh interpreter, then lists the heavy modules loaded.
PROBE = """
import contextlib, io, json, sys
import smarketing_data.cli as c

codes = []
for argv in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            codes.append(c.main(argv))
        except SystemExit as exc:
            codes.append(exc.code)
heavy = sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)
print(json.dumps({"codes": codes, "heavy": heavy}))
"""


def _probe(*commands: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(commands)), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _loaded_db(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'startup.db'}"
    sf = DATA / "salesforce"
    assert main(["ingest", str(sf / "Lead.csv"), str(sf / "User.csv"), "--db", db]) == 0
    return db


def test_importing_the_command_line_loads_no_heavy_library():
    assert _probe() == {"codes": [], "heavy": []}


def test_help_loads_no_heavy_library():
    assert _probe(["--help"], ["ingest", "--help"], ["report", "--help"]) == {
        "codes": [0, 0, 0],
        "heavy": [],
    }


def test_quarters_and_uploads_load_no_heavy_library(tmp_path, capsys):
    db = _loaded_db(tmp_path)
    capsys.readouterr()
    commands = [
        ["quarters", "--db", db],
        ["quarters", "--json", "--db", db],
        ["uploads", "--db", db],
        ["uploads", "--json", "--db", db],
    ]
    assert _probe(*commands) == {"codes": [0, 0, 0, 0], "heavy": []}


def test_the_heavy_commands_still_load_what_they_need(tmp_path, capsys):
    """The guard above means something: a report does load pandas in the same probe."""
    db = _loaded_db(tmp_path)
    capsys.readouterr()
    quarter = json.loads(_quarters_json(db, capsys))[0]
    result = _probe(["report", "--quarter", quarter, "--db", db])
    assert result["codes"] == [0]
    assert "pandas" in result["heavy"]  # type: ignore[operator]


def _quarters_json(db: str, capsys) -> str:  # type: ignore[no-untyped-def]
    assert main(["quarters", "--json", "--db", db]) == 0
    return str(capsys.readouterr().out)
