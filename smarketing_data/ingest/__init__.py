"""Import of CRM exports: read, recognise, map, validate, upsert, resolve journeys, undo.

The names below are loaded on first use: the pipeline pulls in pandas and pyarrow, and the
command line reads the format and field lists for its --help without running an import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from smarketing_data.ingest.errors import IngestError, UndoError

if TYPE_CHECKING:
    from smarketing_data.ingest.pipeline import FileInput, FileReport, IngestResult, ingest
    from smarketing_data.ingest.undo import UndoResult, undo_upload

# Each lazily loaded name and the module that defines it.
_LAZY = {
    "FileInput": "pipeline",
    "FileReport": "pipeline",
    "IngestResult": "pipeline",
    "ingest": "pipeline",
    "UndoResult": "undo",
    "undo_upload": "undo",
}

__all__ = [
    "FileInput",
    "FileReport",
    "IngestError",
    "IngestResult",
    "UndoError",
    "UndoResult",
    "ingest",
    "undo_upload",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value
