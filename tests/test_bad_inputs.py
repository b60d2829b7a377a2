"""SPEC §8 bad inputs: every file of ``tests/data/bad/`` (plus big ones generated at test time)
with its expected outcome.

A fatal file raises ``IngestError`` with a one-paragraph message, and the database is exactly as
before with no upload recorded. Any other file is imported: exact counts, exact rejected rows and
exactly the good rows afterwards. Nothing may raise another exception, and time and memory stay
bounded (peak RSS measured in a subprocess for the big generated inputs).
"""

from __future__ import annotations

import codecs
import concurrent.futures
import datetime as dt
import io
import json
import os
import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from helpers import journeys, state, ts
from smarketing_data.config import Settings
from smarketing_data.db import init_schema, make_engine
from smarketing_data.ingest import FileInput, IngestError, IngestResult, ingest, undo_upload
from smarketing_data.metrics.report_set import build_report_set
from smarketing_data.metrics.reports import quarters_with_data
from smarketing_data.uploads import list_uploads, rejected_rows

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "data" / "bad"
CANON = "journey_id,created_at,company,mql_at,sql_at,amount,channel"
SEED = f"{CANON}\nc:seed,2025-12-01,Seed Co,,,,Email\n"
TIME_LIMIT = 20.0  # seconds per case: generous, the machines are shared
MB = 2**20

SF = "sfdc:00Q5e00000"


@dataclass(frozen=True)
class Case:
    """One corpus file and what ingesting it must do.

    ``fatal``: a substring of the IngestError message (nothing written). Otherwise the file is
    imported: ``counts`` = (inserted, updated, unchanged, rejected); ``ids`` = every journey id
    afterwards besides the seed; ``values`` = column values of some of them; ``rejections`` =
    (row, reason) in order; ``notes`` = substrings of import-report notes.
    """

    file: str
    fatal: str | None = None
    kind: str = "canonical/journeys"
    rows: int | None = None
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)
    ids: frozenset[str] = frozenset()
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    rejections: tuple[tuple[int, str], ...] = ()
    notes: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)
    setup: str | None = None  # a corpus file uploaded first

    def __str__(self) -> str:
        return self.file


def ids(*keys: str) -> frozenset[str]:
    return frozenset(keys)


HUBSPOT_ROWS = dict(
    ids=ids("hubspot:501", "hubspot:502"),
    kind="hubspot/contacts",
    rows=2,
    counts=(2, 0, 0, 0),
    values={
        "hubspot:501": dict(
            company="Société Générale",
            rep_id="Zoë Ådler",
            created_at=ts("2026-03-05 14:07"),
            mql_at=ts("2026-03-10 00:00"),
        ),
        "hubspot:502": dict(company="Ünïcode GmbH", rep_id=None, mql_at=None),
    },
)
EMPTY = "cannot be imported because the file is empty"
BINARY = "contains binary data, not a text table"
BROKEN_XLSX = "looks like an Excel workbook but could not be opened"
DEL = [f"{SF}DeL0{n}EAA" for n in range(1, 8)]

CASES: list[Case] = [
    # --- files that cannot be read as a table, or are of no kind we know: fatal ---------
    Case("empty.csv", fatal=EMPTY),
    Case("whitespace_only.csv", fatal=EMPTY),
    Case("bom_only.csv", fatal=EMPTY),
    Case("binary_garbage.csv", fatal=BINARY),
    Case("nul_byte.csv", fatal=BINARY),
    Case("leads_export.pdf.csv", fatal="is a PDF document, not a CSV or XLSX table"),
    Case("not_a_workbook.xlsx", fatal="is a ZIP archive, not an Excel workbook"),
    Case("legacy.xls", fatal="old-style Excel 97-2003 (.xls) workbook"),
    Case("truncated.xlsx", fatal=BROKEN_XLSX),
    Case("damaged_workbook.xlsx", fatal=BROKEN_XLSX),
    Case("unclosed_quote.csv", fatal="a quoted value starting in record 2 is never closed"),
    Case("unknown_kind.csv", fatal="do not match any export we know"),
    Case(
        "salesforce_lead_no_createddate.csv",
        fatal='lacks the required column(s) created_at. Accepted names: "createddate"',
    ),
    Case("too_many_rows.csv", fatal="has more than 5 data rows", settings=Settings(max_rows=5)),
    # --- a header and no records: imported, nothing changes -------------------------------
    Case("header_only.csv", rows=0),
    Case("bom_header_only.csv", rows=0),
    # --- encodings and delimiters (SPEC §5.2) ---------------------------------------------
    Case("utf16_bom.csv", **HUBSPOT_ROWS),  # type: ignore[arg-type]
    Case("utf16_no_bom.csv", **HUBSPOT_ROWS),  # type: ignore[arg-type]
    Case(
        "cp1252.csv",
        rows=2,
        counts=(2, 0, 0, 0),
        ids=ids("c:cp1", "c:cp2"),
        values={
            "c:cp1": dict(company="Café Crème", amount=1200.0),
            "c:cp2": dict(company="Zoë & Cie", amount=250.0),
        },
    ),
    Case(
        "utf8_bom.csv",
        rows=1,
        counts=(1, 0, 0, 0),
        ids=ids("c:bom1"),
        values={"c:bom1": dict(company="Straße AG", amount=10.0)},
    ),
    Case(
        "semicolon_decimal_comma.csv",
        rows=3,
        counts=(3, 0, 0, 0),
        ids=ids("c:eu1", "c:eu2", "c:eu3"),
        values={
            "c:eu1": dict(company="Müller, Söhne", amount=1234.5, won_amount=1000.0),
            "c:eu2": dict(amount=12.5, won_amount=None),
            "c:eu3": dict(amount=0.99),
        },
        notes=("amount: column read with ',' as the decimal separator",),
    ),
    Case(
        "tab_delimited.tsv",
        rows=2,
        counts=(2, 0, 0, 0),
        ids=ids("c:t1", "c:t2"),
        values={"c:t1": dict(company="Tab, Inc.", amount=1500.0), "c:t2": dict(amount=None)},
    ),
    Case(
        "pipe_delimited.csv",
        rows=2,
        counts=(2, 0, 0, 0),
        ids=ids("c:p1", "c:p2"),
        values={
            "c:p1": dict(company="Pipe, Ltd", amount=300.0),
            "c:p2": dict(company="Comma, Co; Semi"),
        },
    ),
    Case(
        "cr_line_endings.csv",
        rows=2,
        counts=(2, 0, 0, 0),
        ids=ids("c:cr1", "c:cr2"),
        values={"c:cr2": dict(company="Classic")},
    ),
    Case(
        "quoted_newlines.csv",
        rows=4,
        counts=(3, 0, 0, 1),
        ids=ids("c:q1", "c:q2", "c:q4"),
        values={
            "c:q1": dict(company='Acme "Quoted" Inc'),
            "c:q2": dict(company="Line one\r\nLine two, with comma"),
            "c:q4": dict(company='"'),
        },
        rejections=((4, "unparseable date in 'created_at': 'not a date'"),),
    ),
    Case(
        "blank_lines.csv",
        rows=3,
        counts=(2, 0, 0, 1),
        ids=ids("c:b1", "c:b3"),
        rejections=((8, "negative amount in 'amount': '-1'"),),
        notes=("7 blank rows skipped",),
    ),
    Case(
        "header_case_space.csv",
        rows=2,
        counts=(2, 0, 0, 0),
        ids=ids("c:h1", "c:h2"),
        # the first of the columns named alike feeds the field; the others are ignored
        values={"c:h1": dict(company="First", amount=5.0), "c:h2": dict(company=None, amount=None)},
    ),
    Case(
        "ragged_rows.csv",
        rows=3,
        counts=(3, 0, 0, 0),
        ids=ids("c:r1", "c:r2", "c:r3"),
        # extra fields beyond the header are dropped, missing ones are blank
        values={
            "c:r1": dict(company="Wide", amount=10.0, channel="Email"),
            "c:r2": dict(company="Narrow", amount=None, channel=None),
        },
    ),
    Case(
        "salesforce_report_footer.csv",
        kind="salesforce/leads",
        rows=2,
        counts=(2, 0, 0, 0),
        ids=ids(f"{SF}RpTaAEAV", f"{SF}RpTaBEAV"),
        values={
            f"{SF}RpTaAEAV": dict(
                rep_id="Rita Rep", campaign_id="Spring Webinar", created_at=ts("2026-03-05 00:00")
            ),
            f"{SF}RpTaBEAV": dict(company="Beta", created_at=ts("2026-03-06 14:07")),
        },
        notes=("dropped Salesforce report footer (6 rows)", "2 blank rows skipped"),
    ),
    # --- values: dates, amounts, booleans -------------------------------------------------
    Case(
        "epoch_millis.csv",
        rows=2,
        counts=(2, 0, 0, 0),
        ids=ids("c:e1", "c:e2"),
        values={
            "c:e1": dict(created_at=ts("2026-01-01 10:00"), mql_at=ts("2026-01-02 10:00")),
            "c:e2": dict(created_at=ts("2026-01-02 10:00"), amount=2.0),
        },
    ),
    Case(
        "currency_amounts.csv",
        rows=3,
        counts=(3, 0, 0, 0),
        ids=ids("c:a1", "c:a2", "c:a3"),
        values={
            "c:a1": dict(amount=12000.0, won_amount=1500.0),
            "c:a2": dict(amount=250.0, won_amount=99.9),
            "c:a3": dict(amount=75.0),
        },
    ),
    Case(
        "ambiguous_day_month.csv",
        kind="hubspot/contacts",
        rows=3,
        counts=(3, 0, 0, 0),
        ids=ids("hubspot:601", "hubspot:602", "hubspot:603"),
        values={
            "hubspot:601": dict(created_at=ts("2026-03-05 00:00")),
            "hubspot:603": dict(created_at=ts("2026-01-02 09:30")),
        },
        notes=("Create Date: day/month order ambiguous; read as M/D/YYYY",),
    ),
    Case(
        "stage_order.csv",
        rows=5,
        counts=(3, 0, 0, 2),
        ids=ids("c:o2", "c:o3", "c:o5"),
        rejections=(
            (
                2,
                "stage dates out of order: 'mql_at' (2026-03-08 12:00) before 'created_at' "
                "(2026-03-10 12:00)",
            ),
            (
                5,
                "stage dates out of order: 'sql_at' (2026-03-15 00:00) before 'mql_at' "
                "(2026-03-20 00:00)",
            ),
        ),
        values={
            "c:o2": dict(mql_at=ts("2026-03-09 18:00")),
            "c:o3": dict(sql_at=ts("2026-03-11 01:00")),
        },
    ),
    Case(
        "negative_amount.csv",
        rows=6,
        counts=(2, 0, 0, 4),
        ids=ids("c:n3", "c:n6"),
        rejections=(
            (2, "negative amount in 'amount': '-5'"),
            (3, "negative amount in 'amount': '(250.00)'"),
            (5, "negative amount in 'amount': 'USD -1,000'"),
            (6, "unreadable amount in 'amount': 'twelve'"),
        ),
        values={"c:n3": dict(amount=0.0), "c:n6": dict(amount=12000.0)},
    ),
    Case(
        "unparseable_dates.csv",
        rows=7,
        counts=(1, 0, 0, 6),
        ids=ids("c:d5"),
        rejections=(
            (2, "unparseable date in 'created_at': '2026-13-45'"),
            (3, "unparseable date in 'created_at': 'yesterday'"),
            (4, "unparseable date in 'mql_at': '31/31/2026'"),
            (5, "unparseable date in 'created_at': '2026-02-30'"),
            (7, "no created date"),
            (8, "no id"),
        ),
        values={"c:d5": dict(mql_at=ts("2026-02-06 08:00"))},
    ),
    Case(
        "duplicate_ids.csv",
        rows=7,
        counts=(2, 0, 2, 3),
        ids=ids("c:u1", "c:u3"),
        rejections=tuple(
            (r, "duplicate id c:u2 with conflicting values (rows 3, 5, 8)") for r in (3, 5, 8)
        ),
        values={"c:u1": dict(company="Same", amount=100.0)},
    ),
    Case(
        "isdeleted_update.csv",
        setup="isdeleted_base.csv",
        kind="salesforce/leads",
        rows=7,
        # true / 1 / YES / checked delete; 'maybe' is rejected; deleting an unknown id and
        # an unchanged row count as unchanged
        counts=(0, 4, 2, 1),
        ids=ids(DEL[4], DEL[5]),
        rejections=((6, "not a true/false value in 'IsDeleted': 'maybe'"),),
        values={DEL[4]: dict(company="Co 4")},
    ),
    # --- text is stored as written, never interpreted --------------------------------------
    Case(
        "formula_payloads.csv",
        rows=7,
        counts=(7, 0, 0, 0),
        ids=ids("c:f1", "c:f2", "c:f3", "c:f4", "c:f5", "c:f6", "c:f7"),
        values={
            "c:f1": dict(company='=HYPERLINK("http://x","y")'),
            "c:f2": dict(company="+cmd|' /C calc'!A0"),
            "c:f3": dict(company="@SUM(1)"),
            "c:f4": dict(company="-2+3", channel="=1+1"),
            # the names an adversarial probe used: a DDE formula, a formula after a ';' (a
            # list separator in some locales), a bare-IP link and a right-to-left override;
            # stored as written (the exports and the screens make them inert)
            "c:f5": dict(company="=cmd|' /C calc'!A0"),
            "c:f6": dict(company="x;=1+1;"),
            "c:f7": dict(company="See http://3232235777/admin \u202eexe.cod"),
        },
    ),
    Case(
        "html_script.csv",
        rows=3,
        counts=(3, 0, 0, 0),
        ids=ids("c:x1", "c:x2", "c:x3"),
        values={
            "c:x1": dict(company="<script>alert(1)</script>", channel="<b>Email</b>"),
            "c:x2": dict(company="<img src=x onerror=alert('x')>"),
            "c:x3": dict(company="'; DROP TABLE journeys; --"),
        },
    ),
    Case(
        "long_company.csv",
        rows=3,
        counts=(2, 0, 0, 1),
        ids=ids("c:l2", "c:l3"),
        rejections=((2, f"value too long in 'company': '{'A' * 60}'"),),
        values={"c:l2": dict(company="Short Co"), "c:l3": dict(company="é" * 1000)},
    ),
]
BY_FILE = {case.file: case for case in CASES}


# --- helpers -------------------------------------------------------------------------------


def put(engine: Engine, name: str, data: bytes, settings: Settings | None = None) -> IngestResult:
    return ingest(engine, [FileInput(name, data)], settings or Settings())


def upload_ids(engine: Engine) -> set[int]:
    return {int(u) for u in list_uploads(engine)["upload_id"]}


def seed(engine: Engine) -> None:
    put(engine, "seed.csv", SEED.encode())


def check_journeys(
    engine: Engine, expected_ids: Iterable[str], values: dict[str, dict[str, object]]
) -> None:
    got = journeys(engine).set_index("journey_id")
    assert sorted(got.index) == sorted({"c:seed", *expected_ids})
    for key, fields in values.items():
        for name, value in fields.items():
            actual = got.loc[key, name]
            if value is None:
                assert actual is None or actual != actual, (key, name, actual)
            else:
                assert actual == value, (key, name, actual, value)


def expect_fatal(
    engine: Engine, name: str, data: bytes, needle: str, settings: Settings | None = None
) -> str:
    """Ingest must fail with IngestError containing ``needle`` and write nothing."""
    before, uploads = state(engine), upload_ids(engine)
    start = time.monotonic()
    with pytest.raises(IngestError) as caught:
        put(engine, name, data, settings)
    assert time.monotonic() - start < TIME_LIMIT
    message = str(caught.value)
    assert needle.casefold() in message.casefold(), message[:500]
    assert "\n" not in message  # one paragraph
    assert state(engine) == before
    assert upload_ids(engine) == uploads
    return message


def run_case(engine: Engine, case: Case, data: bytes | None = None) -> None:
    data = (BAD / case.file).read_bytes() if data is None else data
    seed(engine)
    if case.setup:
        put(engine, case.setup, (BAD / case.setup).read_bytes())
    if case.fatal is not None:
        expect_fatal(engine, case.file, data, case.fatal, case.settings)
        return
    uploads = upload_ids(engine)
    start = time.monotonic()
    result = put(engine, case.file, data, case.settings)
    assert time.monotonic() - start < TIME_LIMIT
    f = result.files[0]
    assert f"{f.format}/{f.kind}" == case.kind
    if case.rows is not None:
        assert f.rows == case.rows
    assert (f.inserted, f.updated, f.unchanged, f.rejected) == case.counts
    assert [(r.row, r.reason) for r in f.rejections] == list(case.rejections)
    for note in case.notes:
        assert any(note in n for n in f.notes), (note, f.notes)
    check_journeys(engine, case.ids, case.values)
    # the upload is recorded with its counts and its rejects
    assert upload_ids(engine) == uploads | {result.upload_id}
    recorded = list_uploads(engine).set_index("upload_id").loc[result.upload_id]
    assert [int(recorded[c]) for c in ("inserted", "updated", "unchanged", "rejected")] == list(
        case.counts
    )
    stored = rejected_rows(engine, result.upload_id)
    assert stored["row_number"].tolist() == [r for r, _ in case.rejections]


# --- the committed corpus, in-process, on SQLite -------------------------------------------


def test_corpus_is_complete_and_small() -> None:
    on_disk = {p.name for p in BAD.iterdir()}
    listed = {case.file for case in CASES} | {c.setup for c in CASES if c.setup}
    assert on_disk == listed
    assert len(CASES) >= 30
    assert sum((BAD / name).stat().st_size for name in on_disk) < 200 * 1024


@pytest.mark.parametrize("case", CASES, ids=str)
def test_corpus_file(engine: Engine, case: Case) -> None:
    run_case(engine, case)


# --- a representative handful on every engine ----------------------------------------------

EVERY_ENGINE = [
    "leads_export.pdf.csv",
    "salesforce_lead_no_createddate.csv",
    "negative_amount.csv",
    "duplicate_ids.csv",
    "isdeleted_update.csv",
]


@pytest.mark.parametrize("name", EVERY_ENGINE)
def test_corpus_file_on_every_engine(any_engine: Engine, name: str) -> None:
    run_case(any_engine, BY_FILE[name])


def test_second_upload_of_deletions_changes_nothing_and_undo_restores(engine: Engine) -> None:
    seed(engine)
    put(engine, "Lead.csv", (BAD / "isdeleted_base.csv").read_bytes())
    before = state(engine)
    data = (BAD / "isdeleted_update.csv").read_bytes()
    first = put(engine, "Lead.csv", data)
    again = put(engine, "Lead.csv", data)
    f = again.files[0]
    assert (f.inserted, f.updated, f.unchanged, f.rejected) == (0, 0, 6, 1)
    check_journeys(engine, {DEL[4], DEL[5]}, {})
    undo_upload(engine, again.upload_id)
    undo_upload(engine, first.upload_id)
    assert state(engine) == before


# --- generated inputs, in-process -----------------------------------------------------------


def xlsx(rows: list[list[object]], text_cells: Iterable[str] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref in text_cells:  # keep '=…' as text, not as a formula
        sheet[ref].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_excel_serial_dates(engine: Engine) -> None:
    data = xlsx(
        [
            ["journey_id", "created_at", "mql_at", "amount"],
            ["c:s1", 46023, 46024.5, 1500],
            ["c:s2", 46054.25, None, "1,200.00"],
            ["c:s3", dt.datetime(2026, 3, 1, 9, 30), dt.date(2026, 3, 2), 7.5],
        ]
    )
    run_case(
        engine,
        Case(
            "serial.xlsx",
            rows=3,
            counts=(3, 0, 0, 0),
            ids=ids("c:s1", "c:s2", "c:s3"),
            values={
                "c:s1": dict(
                    created_at=ts("2026-01-01 00:00"), mql_at=ts("2026-01-02 12:00"), amount=1500.0
                ),
                "c:s2": dict(created_at=ts("2026-02-01 06:00"), amount=1200.0),
                "c:s3": dict(created_at=ts("2026-03-01 09:30"), mql_at=ts("2026-03-02 00:00")),
            },
        ),
        data,
    )


def test_xlsx_title_row_above_the_header(engine: Engine) -> None:
    data = xlsx(
        [
            ["Leads export — Q1 2026"],
            [],
            ["journey_id", "created_at", "company"],
            ["c:t1", "2026-01-05", "Acme"],
            ["c:t2", "2026-01-06", "Beta"],
        ]
    )
    run_case(
        engine,
        Case(
            "title.xlsx",
            rows=2,
            counts=(2, 0, 0, 0),
            ids=ids("c:t1", "c:t2"),
            values={"c:t1": dict(company="Acme")},
            notes=("skipped 1 row above the header row",),
        ),
        data,
    )


def test_xlsx_formula_and_script_text_is_stored_verbatim(engine: Engine) -> None:
    data = xlsx(
        [
            ["journey_id", "created_at", "company"],
            ["c:1", "2026-01-05", '=HYPERLINK("http://x","y")'],
            ["c:2", "2026-01-06", "@SUM(1)"],
            ["c:3", "2026-01-07", "<script>alert(1)</script>"],
        ],
        text_cells=["C2"],
    )
    run_case(
        engine,
        Case(
            "payloads.xlsx",
            rows=3,
            counts=(3, 0, 0, 0),
            ids=ids("c:1", "c:2", "c:3"),
            values={
                "c:1": dict(company='=HYPERLINK("http://x","y")'),
                "c:2": dict(company="@SUM(1)"),
                "c:3": dict(company="<script>alert(1)</script>"),
            },
        ),
        data,
    )


def test_over_the_upload_size_limit(engine: Engine) -> None:
    data = b"journey_id,created_at\n" + b"c:1,2026-01-01\n" * (2 * MB // 15)
    seed(engine)
    expect_fatal(engine, "big.csv", data, "over the 1 MB upload limit", Settings(max_upload_mb=1))


def test_two_thousand_columns(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    write_wide(path, 2000, 100)
    run_case(
        engine,
        Case(
            "wide.csv",
            rows=100,
            counts=(100, 0, 0, 0),
            ids=frozenset(f"c:w{r}" for r in range(100)),
            values={"c:w7": dict(company="Wide 7", created_at=ts("2026-01-08 00:00"))},
        ),
        path.read_bytes(),
    )


# --- XLSX zip bombs -------------------------------------------------------------------------


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of deflated members (name, deflated bytes, crc32, declared size), written by hand
    so that one compressed payload can be reused and sizes can be declared at will."""
    out, central = io.BytesIO(), []
    for name, payload, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(encoded),
                0,
            )
            + encoded
            + payload
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start, directory = out.tell(), b"".join(central)
    out.write(directory)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0
        )
    )
    return out.getvalue()


def deflate(chunks: Iterable[bytes], level: int = 1) -> tuple[bytes, int, int]:
    """Raw-deflate the chunks: (payload, crc32, uncompressed size)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    parts, crc, size = [], 0, 0
    for chunk in chunks:
        parts.append(compressor.compress(chunk))
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    parts.append(compressor.flush())
    return b"".join(parts), crc, size


def workbook_members(
    replace: dict[str, tuple[bytes, int, int]] | None = None,
    declared: dict[str, int] | None = None,
    extra: Iterable[tuple[str, bytes, int, int]] = (),
) -> bytes:
    """A real small workbook, with members replaced by (payload, crc, size) triples."""
    base = zipfile.ZipFile(io.BytesIO(xlsx([["journey_id", "created_at"], ["c:1", "2026-01-01"]])))
    members = []
    for info in base.infolist():
        if replace and info.filename in replace:
            payload, crc, size = replace[info.filename]
        else:
            payload, crc, size = deflate([base.read(info.filename)])
        members.append((info.filename, payload, crc, (declared or {}).get(info.filename, size)))
    return raw_zip(members + list(extra))


SHEET = "xl/worksheets/sheet1.xml"


def ratio_bomb() -> bytes:
    """One sheet of 64 MiB that deflates to a few hundred KB."""
    block = bytes(MB)
    return workbook_members({SHEET: deflate(block for _ in range(64))})


def total_bomb() -> bytes:
    """24 members of 45 MiB each (under the per-member size check): over 1 GiB in all."""
    payload, crc, size = deflate((bytes(MB) for _ in range(45)), level=9)
    extra = [(f"xl/media/image{i}.bin", payload, crc, size) for i in range(24)]
    return workbook_members(extra=extra)


LEAD_HEADER = [
    "Id",
    "CreatedDate",
    "OwnerId",
    "LeadSource",
    "Status",
    "IsConverted",
    "Company",
    "Industry",
    "Country",
    "IsDeleted",
] + [f"Custom_{i}__c" for i in range(10)]
GARBAGE = b"garbage value gggggggggggggggggggggggggggggggg"


def garbage_workbook(rows: int) -> bytes:
    """The workbook of finding 5, scaled down: a Salesforce Lead header of 20 columns over rows
    of 45-character garbage, inline strings with references, ~96 bytes of XML a cell that
    deflate about 40:1 (30,000 rows: 54 MB of XML in a 1.4 MB file)."""
    letters = [openpyxl.utils.get_column_letter(j + 1).encode() for j in range(len(LEAD_HEADER))]

    def row(number: int, values: list[bytes]) -> bytes:
        cells = b"".join(
            b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (col, number, value)
            for col, value in zip(letters, values, strict=True)
        )
        return b'<row r="%d">%s</row>' % (number, cells)

    def chunks() -> Iterable[bytes]:
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        )
        yield row(1, [name.encode() for name in LEAD_HEADER])
        for start in range(2, rows + 2, 1000):
            end = min(start + 1000, rows + 2)
            yield b"".join(row(n, [GARBAGE] * len(letters)) for n in range(start, end))
        yield b"</sheetData></worksheet>"

    return workbook_members({SHEET: deflate(chunks(), level=6)})


def forged_size_bomb() -> bytes:
    """A 16 MiB sheet of real rows whose headers claim it unpacks to 1,000 bytes."""
    row = (
        b'<row><c t="inlineStr"><is><t>c:x</t></is></c>'
        b'<c t="inlineStr"><is><t>2026-01-01</t></is></c></row>'
    )
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    block = row * (MB // len(row))
    chunks = [head, *(block for _ in range(16)), b"</sheetData></worksheet>"]
    return workbook_members({SHEET: deflate(chunks)}, declared={SHEET: 1000})


@pytest.mark.parametrize(
    "make,needle",
    [
        (ratio_bomb, "would unpack to 64 MB"),
        (total_bomb, "would unpack to 1,0"),
        (forged_size_bomb, "could not be opened"),
    ],
    ids=["ratio", "total", "forged-size"],
)
def test_xlsx_zip_bombs_are_refused(engine: Engine, make: Callable[[], bytes], needle: str) -> None:
    data = make()
    assert len(data) < 2 * MB
    seed(engine)
    expect_fatal(engine, "bomb.xlsx", data, needle)


# --- the CLI in a subprocess: exit codes, no traceback, peak memory -------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def cli(
    args: list[str],
    out_dir: Path,
    env: dict[str, str] | None = None,
    memory_limit: int | None = None,
) -> Run:
    """Run ``python -m smarketing_data ARGS``; its own peak RSS comes from wait4's rusage."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SMARKETING_")}
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env or {})
    out_dir.mkdir(parents=True, exist_ok=True)

    start = time.monotonic()
    with (out_dir / "stdout").open("wb") as out, (out_dir / "stderr").open("wb") as err:
        # run from the scratch directory (PYTHONPATH finds the package) with core dumps off,
        # so a crashing child leaves nothing behind
        proc = subprocess.Popen(
            [sys.executable, "-m", "smarketing_data", *args],
            cwd=out_dir,
            env=environ,
            stdout=out,
            stderr=err,
        )
        resource.prlimit(proc.pid, resource.RLIMIT_CORE, (0, 0))
        if memory_limit:  # set from outside: the child spends its first second importing
            resource.prlimit(proc.pid, resource.RLIMIT_AS, (memory_limit, memory_limit))
        _, status, usage = os.wait4(proc.pid, 0)
        code = proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        code,
        (out_dir / "stdout").read_text(errors="replace"),
        (out_dir / "stderr").read_text(errors="replace"),
        time.monotonic() - start,
        usage.ru_maxrss / 1024,
    )


def sqlite_db(path: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{path}"
    eng = make_engine(url)
    init_schema(eng)
    seed(eng)
    return url, eng


@dataclass(frozen=True)
class CliCase:
    file: str
    code: int
    needle: str | None = None  # in stderr (fatal) ; None: a JSON report on stdout
    env: dict[str, str] = field(default_factory=dict)


CLI_CASES = [
    CliCase("leads_export.pdf.csv", 2, "is a PDF document"),
    CliCase("salesforce_lead_no_createddate.csv", 2, '"createddate"'),
    CliCase("too_many_rows.csv", 2, "more than 5 data rows", {"SMARKETING_MAX_ROWS": "5"}),
    CliCase("duplicate_ids.csv", 0),
    CliCase("formula_payloads.csv", 0),
]


def check_cli_run(
    run: Run, case: CliCase, eng: Engine, before: dict[str, list[tuple]], uploads: set[int]
) -> None:
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.code == case.code, run.stderr[-2000:]
    assert run.seconds < TIME_LIMIT
    if case.needle is not None:
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr[:2000]
        assert case.needle in lines[0]
        assert state(eng) == before
        assert upload_ids(eng) == uploads
        return
    report = json.loads(run.stdout)["files"][0]
    expected = BY_FILE[case.file]
    got = tuple(report[k] for k in ("inserted", "updated", "unchanged", "rejected"))
    assert got == expected.counts
    assert [(r["row"], r["reason"]) for r in report["rejections"]] == list(expected.rejections)
    check_journeys(eng, expected.ids, expected.values)


def test_cli_exit_codes_and_nothing_written(tmp_path: Path) -> None:
    prepared = []
    for i, case in enumerate(CLI_CASES):
        url, eng = sqlite_db(tmp_path / f"cli{i}.db")
        prepared.append((case, url, eng, state(eng), upload_ids(eng)))

    def one(i: int) -> Run:
        case, url = prepared[i][0], prepared[i][1]
        return cli(
            ["ingest", str(BAD / case.file), "--json", "--db", url], tmp_path / f"run{i}", case.env
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(one, range(len(prepared))))
    for (case, _, eng, before, uploads), run in zip(prepared, runs, strict=True):
        check_cli_run(run, case, eng, before, uploads)


def write_single_line(path: Path, size: int) -> None:
    chunk = b"journey_id,created_at," * (MB // 22)
    with path.open("wb") as out:
        while out.tell() < size:
            out.write(chunk)


def write_wide(path: Path, columns: int, rows: int) -> None:
    header = ["journey_id", "created_at", "company"] + [
        f"Custom Field {i}__c" for i in range(columns - 3)
    ]
    filler = ",".join(str(i % 10) for i in range(columns - 3))
    lines = [",".join(header)] + [
        f"c:w{r},2026-01-{1 + r % 28:02d},Wide {r},{filler}" for r in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n")


def write_garbage_leads(path: Path, rows: int) -> None:
    """Finding 5's CSV, scaled down: Salesforce Lead columns over garbage; one row in 50 has
    a real created date, so the file is imported with 49 rows in 50 rejected."""
    header = "Id,CreatedDate,OwnerId,LeadSource,Status,Company,Industry,Country,IsDeleted"
    with path.open("w") as out:
        out.write(header + "\n")
        for i in range(rows):
            junk = f"g{i:011d}"
            created = "2026-01-05" if i % 50 == 0 else junk
            out.write(f"00Q5e00000{i:08d},{created},{junk},{junk},{junk},{junk},{junk},{junk},\n")


def write_many_rows(path: Path, rows: int) -> None:
    lines = [CANON]
    for i in range(rows):
        amount = -1 if i == 4 else i % 1000
        lines.append(f"c:{i},2026-{1 + i % 12:02d}-{1 + i % 28:02d} 09:00,Co {i},,,{amount},Email")
    lines.append(lines[8])  # c:7 again, identical: imported once
    lines.append(lines[10].replace(",Co 9,", ",Other 9,"))  # c:9 again, conflicting
    path.write_text("\n".join(lines) + "\n")


def test_big_generated_inputs_stay_bounded(tmp_path: Path) -> None:
    """100 MB single line, 2 MB over a 1 MB limit, a zip bomb, 50,000 rows, and finding 5:
    a 40:1 workbook of garbage and 100,000 Salesforce leads of garbage."""
    line = tmp_path / "one_line.csv"
    write_single_line(line, 100 * MB)
    oversize = tmp_path / "oversize.csv"
    oversize.write_bytes(b"journey_id,created_at\n" + b"c:1,2026-01-01\n" * (2 * MB // 15))
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(ratio_bomb())
    many = tmp_path / "many.csv"
    write_many_rows(many, 50_000)
    garbage_xlsx = tmp_path / "Lead.xlsx"
    garbage_xlsx.write_bytes(garbage_workbook(30_000))
    garbage_csv = tmp_path / "Lead.csv"
    write_garbage_leads(garbage_csv, 100_000)
    jobs = [  # file, extra env, expected exit code, stderr needle, peak MB bound
        (line, {}, 2, "the first line is over 1 MB long", 450),
        (oversize, {"SMARKETING_MAX_UPLOAD_MB": "1"}, 2, "over the 1 MB limit", 500),
        (bomb, {}, 2, "would unpack to 64 MB", 500),
        (many, {}, 0, None, 600),
        # 54 MB of XML against 2 × 2 MB: refused before any of it is parsed
        (
            garbage_xlsx,
            {"SMARKETING_MAX_UPLOAD_MB": "2"},
            2,
            "would unpack to 54 MB of sheet data, more than the 4 MB",
            450,
        ),
        (garbage_csv, {}, 0, None, 450),
    ]
    dbs = [sqlite_db(tmp_path / f"big{i}.db") for i in range(len(jobs))]
    befores = [(state(eng), upload_ids(eng)) for _, eng in dbs]

    def one(i: int) -> Run:
        path, env = jobs[i][0], jobs[i][1]
        return cli(
            ["ingest", str(path), "--json", "--db", dbs[i][0]],
            tmp_path / f"out{i}",
            env,
            memory_limit=4 * 2**30,
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(one, range(len(jobs))))
    for (path, _, code, needle, bound), (_, eng), (before, uploads), run in zip(
        jobs, dbs, befores, runs, strict=True
    ):
        assert "Traceback" not in run.stderr, (path.name, run.stderr[-2000:])
        assert run.code == code, (path.name, run.stderr[-2000:])
        assert run.seconds < TIME_LIMIT, (path.name, run.seconds)
        assert run.peak_mb < bound, (path.name, run.peak_mb)
        if needle is not None:
            assert needle in run.stderr, (path.name, run.stderr[:500])
            assert len(run.stderr.strip().splitlines()) == 1
            assert state(eng) == before and upload_ids(eng) == uploads, path.name
    many_report = json.loads(runs[3].stdout)["files"][0]
    assert [many_report[k] for k in ("rows", "inserted", "updated", "unchanged", "rejected")] == [
        50_002,
        49_998,
        0,
        1,
        3,
    ]
    assert [(r["row"], r["reason"][:20]) for r in many_report["rejections"]] == [
        (6, "negative amount in '"),
        (11, "duplicate id c:9 wit"),
        (50_003, "duplicate id c:9 wit"),
    ]
    check_journeys(
        dbs[3][1],
        {f"c:{i}" for i in range(50_000)} - {"c:4", "c:9"},
        {"c:49999": dict(company="Co 49999", amount=999.0)},
    )
    check_garbage_leads(json.loads(runs[5].stdout)["files"][0], dbs[5][1])


def check_garbage_leads(report: dict[str, object], eng: Engine) -> None:
    """All 98,000 rejects counted, by reason; only the first 1,000 listed and stored."""
    counts = [report[k] for k in ("rows", "inserted", "updated", "unchanged", "rejected")]
    assert counts == [100_000, 2_000, 0, 0, 98_000]
    assert report["reasons"] == {"unparseable date in 'CreatedDate'": 98_000}
    listed = report["rejections"]
    assert isinstance(listed, list) and len(listed) == 1_000
    # rows 2, 52, 102 … are good: the first rejects are rows 3 to 51, then 53 …
    assert [r["row"] for r in listed[:3]] == [3, 4, 5] and listed[-1]["row"] == 1_022
    upload_id = int(list_uploads(eng)["upload_id"].max())
    stored = rejected_rows(eng, upload_id)
    assert stored["row_number"].tolist() == [r["row"] for r in listed]
    assert json.loads(stored["data"].iloc[0])["CreatedDate"] == "g00000000001"


# --- found bugs: the expected behaviour, marked until fixed ---------------------------------


def test_xlsx_with_a_far_away_cell_is_bounded(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["journey_id", "created_at"])
    sheet.append(["c:1", "2026-01-01"])
    sheet["XFD1048576"] = "x"
    path = tmp_path / "sparse.xlsx"
    workbook.save(path)
    url, eng = sqlite_db(tmp_path / "sparse.db")
    before, uploads = state(eng), upload_ids(eng)
    run = cli(
        ["ingest", str(path), "--json", "--db", url], tmp_path / "out", memory_limit=4 * 2**30
    )
    assert run.code in (0, 2), run.stderr[-1500:]
    assert "Traceback" not in run.stderr and "panicked" not in run.stderr
    assert run.seconds < TIME_LIMIT
    assert run.peak_mb < 1500
    if run.code == 2:  # refused: nothing written
        assert state(eng) == before and upload_ids(eng) == uploads
    else:  # read sparsely: the one good row
        check_journeys(eng, {"c:1"}, {})


def late_nul(bom: bytes, encoding: str) -> bytes:
    """A NUL character in a cell after the first 64 KiB, in a file with a BOM."""
    rows = "".join(f"c:{i},2026-01-01,Co {i},,,,Email\n" for i in range(3000))
    text = f"{CANON}\n{rows}c:nul,2026-01-02,Nul\x00Co,,,,Email\n"
    return bom + text.encode(encoding)


@pytest.mark.parametrize(
    "bom,encoding",
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")],
    ids=["utf8-bom", "utf16-bom"],
)
def test_nul_after_the_first_64k_with_a_bom(any_engine: Engine, bom: bytes, encoding: str) -> None:
    seed(any_engine)
    expect_fatal(any_engine, "late_nul.csv", late_nul(bom, encoding), BINARY)


def test_amount_overflowing_to_infinity_is_rejected(engine: Engine) -> None:
    text = (
        "journey_id,created_at,opp_at,amount\n"
        "c:i1,2026-01-01,2026-01-05,1e309\n"
        f"c:i2,2026-01-01,2026-01-05,{'9' * 400}\n"
        "c:i3,2026-01-01,2026-01-05,100\n"
    )
    seed(engine)
    before = state(engine)
    result = put(engine, "inf.csv", text.encode())
    f = result.files[0]
    assert (f.inserted, f.rejected) == (1, 2)
    assert [(r.row, r.reason[:17]) for r in f.rejections] == [
        (2, "unreadable amount"),
        (3, "unreadable amount"),
    ]
    check_journeys(engine, {"c:i3"}, {"c:i3": dict(amount=100.0)})
    undo_upload(engine, result.upload_id)
    assert state(engine) == before


def test_dates_at_the_ends_of_the_calendar_do_not_break_reports(engine: Engine) -> None:
    # one good row keeps the file from being fatal; the far ones are rejected row by row
    text = (
        f"{CANON}\nc:far1,9999-12-31,,,,,Email\nc:far2,0001-01-01,,,,,Email\n"
        "c:near,2026-02-01,,,,,Email\n"
    )
    seed(engine)
    put(engine, "far.csv", text.encode())
    for quarter in quarters_with_data(engine):
        build_report_set(engine, quarter=quarter)


def test_unknown_file_with_a_huge_header_cell_gets_a_short_message(engine: Engine) -> None:
    seed(engine)
    data = ("X" * 500_000 + ",Other\n1,2\n").encode()
    message = expect_fatal(engine, "huge_header.csv", data, "do not match any export")
    assert len(message) < 2000
