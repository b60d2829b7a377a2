"""Import of CRM exports: read, recognise, map, validate, upsert, resolve journeys, undo."""

from smarketing_data.ingest.pipeline import (
    FileInput,
    FileReport,
    IngestError,
    IngestResult,
    ingest,
)
from smarketing_data.ingest.undo import UndoError, UndoResult, undo_upload

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
