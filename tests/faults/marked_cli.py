"""`python -m smarketing_data` with progress marks on stderr, for tests that kill an import.

Runs the real command line unchanged; it only also writes ``@@ reading <file>`` when a file
starts being read and ``@@ progress <done> <total>`` whenever the import reports progress
(``0 <total>`` just before the write transaction, ``<total> <total>`` once every record is
written and only the links, rollups and commit are left), so a test can pick its moment.
"""

from __future__ import annotations

import sys
from typing import Any

import smarketing_data.ingest as ingest_package
from smarketing_data import cli
from smarketing_data.ingest import pipeline


def _mark(text: str) -> None:
    sys.stderr.write(f"@@ {text}\n")
    sys.stderr.flush()


_prepare_file = pipeline.prepare_file
_ingest = pipeline.ingest


def _marked_prepare_file(engine: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
    _mark(f"reading {item.name}")
    return _prepare_file(engine, item, *args, **kwargs)


def _marked_ingest(*args: Any, **kwargs: Any) -> Any:
    kwargs["progress"] = lambda done, total: _mark(f"progress {done} {total}")
    return _ingest(*args, **kwargs)


if __name__ == "__main__":
    pipeline.prepare_file = _marked_prepare_file  # type: ignore[assignment]
    # the command imports ``ingest`` from the package when it runs: it finds this one
    ingest_package.ingest = _marked_ingest  # type: ignore[assignment]
    sys.exit(cli.main(sys.argv[1:]))
