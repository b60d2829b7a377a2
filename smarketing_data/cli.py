"""The command line (SPEC §6): a thin shell that parses arguments, calls the package and turns
its errors into one-line messages and exit codes (0 ok, 2 bad usage or input, 1 anything else).
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data import audit
from smarketing_data.config import ConfigError, Settings, load_settings, resolve_db_url
from smarketing_data.db import (
    Creation,
    DatabaseError,
    describe_error,
    init_schema,
    make_engine,
    redact,
)
from smarketing_data.ingest.errors import IngestError, UndoError
from smarketing_data.ingest.formats import FORMATS, KIND_ALIASES
from smarketing_data.ingest.user_mapping import fields_help
from smarketing_data.text import printable

# The import pipeline, the reports and the exports load pandas, pyarrow and more: each command
# imports what it runs, so --help, quarters and uploads answer at once (SPEC §7, C1).
if TYPE_CHECKING:
    from smarketing_data.ingest import FileInput, IngestResult
    from smarketing_data.metrics.quarters import Quarter
    from smarketing_data.metrics.reports import ReportOptions

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
BASES = ("mql", "lead", "opp")


class UsageError(ValueError):
    """Bad usage or a fatal input error: exit 2."""


def _say(line: object) -> None:
    """Print one line of output. Names and values from files or people are in it, so its
    control characters are printed as escapes: they never drive the terminal."""
    print(printable(line))


def _error(message: object) -> None:
    """The one line on stderr for a failure: inert like ``_say``, without any password."""
    print(f"error: {printable(redact(str(message)))}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _error(message)  # it quotes the argument given, which may hold anything
        raise SystemExit(EXIT_USAGE)


def load_settings_or_defaults() -> Settings:
    """Settings for argument defaults; a bad setting is reported when the command runs."""
    try:
        return load_settings()
    except ConfigError:
        return Settings()


def _engine(args: argparse.Namespace, create: Creation = "folders") -> Engine:
    """The database of --db (or the configured one), its schema in place. Commands that only
    read pass ``create="never"``: a mistyped path is an error, not a new empty database."""
    engine = make_engine(resolve_db_url(getattr(args, "db", None)), create=create)
    init_schema(engine)
    return engine


def cmd_init(args: argparse.Namespace) -> int:
    version = init_schema(make_engine(resolve_db_url(getattr(args, "db", None))))
    _say(f"schema version {version} ready")
    return EXIT_OK


def cmd_load_sample(args: argparse.Namespace) -> int:
    from smarketing_data.demo import load_sample

    result = load_sample(_engine(args), load_settings(), journeys=args.journeys, seed=args.seed)
    _print_ingest(result, as_json=False)
    return EXIT_OK


# A mapping is a few hundred bytes; anything far larger is not one.
MAX_MAPPING_BYTES = 1 << 20


def _read_mapping(path: str | None) -> dict[str, Any] | None:
    if not path:
        return None
    raw = _mapping_bytes(path)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting too deep
        raise UsageError(f"cannot read mapping {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"mapping {path} must be a JSON object")
    return data


def _mapping_bytes(path: str) -> bytes:
    """The bytes of a mapping file: a regular file of at most MAX_MAPPING_BYTES. It is opened
    without blocking and checked before it is read, so a FIFO or a device never hangs or
    floods the command."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UsageError(f"cannot read mapping {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"mapping {path} is not a regular file")
    try:
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_MAPPING_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read mapping {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_MAPPING_BYTES:
        raise UsageError(
            f"mapping {path} is over {MAX_MAPPING_BYTES >> 10} KB; a mapping is a small JSON object"
        )
    return raw


def _read_files(paths: Sequence[str], limit: int) -> list[FileInput]:
    from smarketing_data.ingest import FileInput

    files = []
    for p in paths:
        path = Path(p)
        try:
            size = path.stat().st_size
            if size > limit:
                raise UsageError(
                    f"{path.name}: the file is {size / 2**20:.0f} MB, over the "
                    f"{limit // 2**20} MB limit (SMARKETING_MAX_UPLOAD_MB)"
                )
            files.append(FileInput(path.name, path.read_bytes()))
        except OSError as exc:
            raise UsageError(f"cannot read {p}: {exc.strerror or exc}") from exc
    return files


def _print_ingest(result: IngestResult, *, as_json: bool) -> None:
    from smarketing_data.ingest.rejections import REJECTS_KEPT

    if as_json:
        print(json.dumps(result.to_json(), indent=2, default=str))  # JSON escapes controls
        return
    _say(f"upload {result.upload_id}")
    for f in result.files:
        state = "unchanged" if not (f.inserted or f.updated) else "imported"
        _say(
            f"  {f.file}: {f.format} {f.kind}, {f.rows} rows: {f.inserted} inserted, "
            f"{f.updated} updated, {f.unchanged} unchanged, {f.rejected} rejected ({state})"
        )
        for note in f.notes:
            _say(f"    note: {note}")
        for r in f.rejections[:20]:
            _say(f"    row {r.row}: {r.reason}")
        if f.rejected > 20:
            listed = min(len(f.rejections), REJECTS_KEPT)
            _say(
                f"    … {f.rejected - 20:,} more rejected rows (--json lists the first "
                f"{listed:,} and the count per reason)"
            )
    if result.warnings:
        _say("  warnings (kept as imported; check the source records):")
        for warning in result.warnings:
            _say(f"    {warning}")


def cmd_ingest(args: argparse.Namespace) -> int:
    from smarketing_data.ingest import ingest

    settings = load_settings()
    files = _read_files(args.files, settings.max_upload_bytes)
    mapping = _read_mapping(args.mapping)
    result = ingest(
        _engine(args),
        files,
        settings,
        format_name=args.format,
        kind=args.kind,
        mapping=mapping,
        user=audit.command_line_user(),
    )
    _print_ingest(result, as_json=args.json)
    return EXIT_OK


def cmd_uploads(args: argparse.Namespace) -> int:
    from smarketing_data.uploads import upload_rows

    rows = upload_rows(_engine(args, create="never"))
    if args.json:
        out: dict[int, dict[str, Any]] = {}
        for row in rows:
            up = out.setdefault(
                int(row.upload_id),
                {
                    "upload_id": int(row.upload_id),
                    "created_at": str(row.created_at),
                    "user": row.user_name,
                    "origin": row.origin,
                    "status": row.status,
                    "files": [],
                },
            )
            if isinstance(row.file_name, str):
                up["files"].append(
                    {
                        k: _plain(getattr(row, k))
                        for k in (
                            "file_name",
                            "sha256",
                            "format",
                            "kind",
                            "rows",
                            "inserted",
                            "updated",
                            "unchanged",
                            "rejected",
                        )
                    }
                )
        print(json.dumps(list(out.values()), indent=2))
        return EXIT_OK
    if not rows:
        _say("no uploads yet")
    for row in rows:
        _say(
            f"{row.upload_id:>5}  {str(row.created_at)[:19]}  {row.status:<8} "
            f"{row.file_name}  {row.format}/{row.kind}  rows={_plain(row.rows)} "
            f"inserted={_plain(row.inserted)} updated={_plain(row.updated)} "
            f"unchanged={_plain(row.unchanged)} rejected={_plain(row.rejected)}"
        )
    return EXIT_OK


def _plain(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def cmd_undo(args: argparse.Namespace) -> int:
    from smarketing_data.ingest import undo_upload

    result = undo_upload(_engine(args), args.upload_id, who=audit.command_line_user())
    _say(
        f"upload {result.upload_id} undone: {result.removed} records removed, "
        f"{result.restored} restored"
    )
    return EXIT_OK


def cmd_quarters(args: argparse.Namespace) -> int:
    from smarketing_data.metrics.quarters import quarters_with_data

    settings = load_settings()
    labels = [
        q.label
        for q in quarters_with_data(
            _engine(args, create="never"), fiscal_start_month=settings.fiscal_start_month
        )
    ]
    if args.json:
        print(json.dumps(labels))
    else:
        for line in labels or ["no data yet"]:
            _say(line)
    return EXIT_OK


def _quarter_and_options(args: argparse.Namespace) -> tuple[Quarter, ReportOptions]:
    """The --quarter and report options shared by report and export."""
    from smarketing_data.metrics.quarters import QuarterError, parse_quarter
    from smarketing_data.metrics.reports import ReportOptions

    settings = load_settings()
    try:
        quarter = parse_quarter(args.quarter, settings.fiscal_start_month)
    except QuarterError as exc:
        raise UsageError(str(exc)) from exc
    if args.top < 1 or args.min_volume < 1:
        raise UsageError("--top and --min-volume must be at least 1")
    return quarter, ReportOptions(
        top=args.top, min_volume=args.min_volume, base=args.base, ranking=args.rank
    )


def cmd_report(args: argparse.Namespace) -> int:
    from smarketing_data.metrics.report_set import build_report_set, to_json
    from smarketing_data.report_text import render_text

    quarter, options = _quarter_and_options(args)
    report = build_report_set(_engine(args, create="never"), quarter=quarter, options=options)
    if args.json:
        print(json.dumps(to_json(report), indent=2))
    else:
        for line in render_text(report).splitlines():
            _say(line)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from smarketing_data.exports import export

    quarter, options = _quarter_and_options(args)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: no such directory {out.parent}")
    data = export(_engine(args, create="never"), quarter=quarter, fmt=args.format, options=options)
    # Written beside the target and renamed over it, so a failed write leaves no half file.
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    _say(out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    # SUPPRESS: a --db given before the command must survive the command's own --db.
    common.add_argument(
        "--db", default=argparse.SUPPRESS, help="SQLAlchemy database URL (default: see README)"
    )
    parser = _Parser(
        prog="python -m smarketing_data",
        parents=[common],
        description="Smarketing QBR: import CRM exports and check the numbers.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str) -> Any:
        p = sub.add_parser(name, parents=[common], help=help_)
        p.set_defaults(func=func)
        return p

    add("init", cmd_init, "create or upgrade the schema")
    p = add("load-sample", cmd_load_sample, "load generated sample data")
    p.add_argument("--journeys", type=int, default=None, help="number of leads to generate")
    p.add_argument("--seed", type=int, default=42)
    p = add("ingest", cmd_ingest, "import CRM export files (CSV or XLSX)")
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = (
        "A mapping (--mapping FILE.json) for a file of any other shape:\n"
        '  {"kind": "leads", "source": "mycrm", "mode": "upsert" | "update",\n'
        '   "columns": {"record_id": "Lead No", "created_at": "Opened"},\n'
        '   "constants": {"entry_stage": "mql"},\n'
        '   "values": {"channel": {"paid_search": "Paid Search", "unknown": null}},\n'
        '   "dates": {"Opened": "D-M-Y"}}\n'
        "Fields each kind accepts:\n"
        + "\n".join(f"  {line}" for line in fields_help().splitlines())
    )
    p.add_argument("files", nargs="+")
    p.add_argument("--format", default="auto", choices=["auto", *FORMATS])
    p.add_argument("--kind", default="auto", choices=["auto", *KIND_ALIASES])
    p.add_argument("--mapping", help="JSON file mapping canonical fields to the file's columns")
    p.add_argument("--json", action="store_true")
    p = add("quarters", cmd_quarters, "the quarters that have data, newest first")
    p.add_argument("--json", action="store_true")
    defaults = load_settings_or_defaults()
    p = add("report", cmd_report, "the twelve reports, funnel and goals for a quarter")
    p.add_argument("--quarter", required=True, help="e.g. 2026-Q2 (or FY2027-Q1)")
    p.add_argument("--top", type=int, default=defaults.top_n)
    p.add_argument("--min-volume", type=int, default=defaults.min_volume)
    p.add_argument(
        "--base",
        choices=list(BASES),
        default=None,
        help="cohort base of the rep reports (default: mql, else lead, else opp, "
        "the first the data tracks)",
    )
    p.add_argument(
        "--rank",
        choices=["value", "confidence"],
        default="value",
        help="rank by count/rate, or by the interval's low end",
    )
    p.add_argument("--json", action="store_true")
    p = add("export", cmd_export, "the quarter's deck (pptx), HTML pre-read or CSV bundle")
    p.add_argument("--quarter", required=True, help="e.g. 2026-Q2 (or FY2027-Q1)")
    p.add_argument(
        "--format",
        required=True,
        choices=["pptx", "html", "csv"],
        help="pptx: slide deck; html: offline pre-read; csv: ZIP of CSV files",
    )
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument("--top", type=int, default=defaults.top_n)
    p.add_argument("--min-volume", type=int, default=defaults.min_volume)
    p.add_argument(
        "--base",
        choices=list(BASES),
        default=None,
        help="cohort base of the rep reports (default: mql, else lead, else opp, "
        "the first the data tracks)",
    )
    p.add_argument(
        "--rank",
        choices=["value", "confidence"],
        default="value",
        help="rank by count/rate, or by the interval's low end",
    )
    p = add("uploads", cmd_uploads, "list every upload")
    p.add_argument("--json", action="store_true")
    p = add("undo", cmd_undo, "undo one upload")
    p.add_argument("upload_id", type=int)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (UsageError, IngestError, UndoError, ConfigError) as exc:
        _error(exc)
        return EXIT_USAGE
    except DatabaseError as exc:
        _error(exc)
        return EXIT_FAILURE
    except SQLAlchemyError as exc:
        _error(describe_error(exc))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_FAILURE
    except Exception as exc:  # the CLI never shows a traceback
        _error(f"{type(exc).__name__}: {exc}")
        return EXIT_FAILURE
