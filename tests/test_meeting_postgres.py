"""Two app processes sharing one PostgreSQL schema: a note written through one shows up in the
other on its next run, although the other had already cached the page without it (every
write bumps the data version that keys the caches).

Each process is this file run as a script: it drives the app with AppTest and talks to the
test over its standard input and output, one JSON line per step.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
REPORT = "campaigns.sql.top"
NOTE = "Webinar leads were called within a day."
STEP_TIMEOUT = 90  # seconds for one step of a worker, imports included


# --- the two app processes --------------------------------------------------------------------


def _say(**message: object) -> None:
    print(json.dumps(message), flush=True)


def _commentary(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.value for m in at.markdown if m.value.startswith(("**Sales** —", "**Marketing** —"))]


def _reader() -> None:
    """Campaigns page: report the commentary shown, rerun on every line received."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/campaigns.py")
    at.run()
    at.selectbox(key="quarter").set_value("2026-Q2").run()
    _say(exception=bool(at.exception), commentary=_commentary(at))
    for _ in sys.stdin:
        at.run()
        _say(exception=bool(at.exception), commentary=_commentary(at))


def _writer() -> None:
    """Meeting page: once told to, add a Sales note on the report through the form, as Ann
    (the identity the sign-in would give this process)."""
    from streamlit.testing.v1 import AppTest

    from ui import access

    access.identity = lambda: "Ann"  # type: ignore[assignment]
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/meeting.py")
    at.run()
    at.selectbox(key="quarter").set_value("2026-Q2").run()
    at.selectbox(key="meeting_report").set_value(REPORT).run()
    _say(ready=True)
    sys.stdin.readline()
    at.text_area(key="note_text_sales").input(NOTE)
    at.button(key="note_add_sales").click().run()
    _say(exception=bool(at.exception), saved=[s.value for s in at.success])


# --- the test ---------------------------------------------------------------------------------


@pytest.fixture
def pg_app_url(databases) -> str:  # type: ignore[no-untyped-def]
    """A fresh schema holding the hand-worked fixture, as the URL both processes use."""
    return databases.url("postgresql", "qbr")


class Worker:
    def __init__(self, role: str, url: str, log: Path) -> None:
        env = {
            **os.environ,
            "SMARKETING_DB_URL": url,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
        }
        self.log = log
        # the log is a file, not a pipe: a chatty worker can never block on a full pipe
        self.proc = subprocess.Popen(
            [sys.executable, __file__, role],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
            text=True,
        )

    def read(self) -> dict:
        out = self.proc.stdout
        assert out is not None
        ready, _, _ = select.select([out], [], [], STEP_TIMEOUT)
        line = out.readline() if ready else ""
        if not line:
            self.proc.kill()
            raise AssertionError(f"the worker gave no answer: {self.log.read_text()[-3000:]}")
        return json.loads(line)

    def send(self) -> None:
        self.proc.stdin.write("go\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()  # type: ignore[union-attr]
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def test_a_note_written_in_one_app_process_is_seen_by_another(pg_app_url, tmp_path):
    reader = Worker("reader", pg_app_url, tmp_path / "reader.log")
    writer = Worker("writer", pg_app_url, tmp_path / "writer.log")
    try:
        before = reader.read()
        assert before == {"exception": False, "commentary": []}
        assert writer.read() == {"ready": True}
        writer.send()
        assert writer.read() == {"exception": False, "saved": ["Sales note saved\\."]}
        reader.send()
        after = reader.read()
        assert not after["exception"]
        [line] = after["commentary"]
        assert line.startswith("**Sales** — Ann (")
        assert line.endswith("): Webinar leads were called within a day\\.")
    finally:
        reader.close()
        writer.close()


if __name__ == "__main__":
    {"reader": _reader, "writer": _writer}[sys.argv[1]]()
