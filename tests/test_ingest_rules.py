"""SPEC §5.2–5.4 end to end: tolerated inputs, rejected rows, fatal files, updates, undo."""

from __future__ import annotations

import json

import pytest

from helpers import assert_journeys, journeys, state, ts
from smarketing_data.config import Settings
from smarketing_data.ingest import FileInput, IngestError, UndoError, ingest, undo_upload
from smarketing_data.uploads import list_uploads, rejected_rows

HUBSPOT_HEADER = "Record ID,Create Date,Contact owner,Became a Marketing Qualified Lead Date,Amount"
CANON = "journey_id,created_at,mql_at,sql_at,amount,channel"


def put(engine, name: str, text: str | bytes, settings: Settings | None = None, **kw):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    return ingest(engine, [FileInput(name, data)], settings or Settings(), **kw)


def test_newer_export_updates_and_keeps_absent_records(engine):
    put(engine, "a.csv", f"{CANON}\nc:1,2026-01-01,,,100,Email\nc:2,2026-01-02,,,200,Email\n")
    result = put(engine, "b.csv", f"{CANON}\nc:1,2026-01-01,2026-01-03,,150,Email\n")
    f = result.files[0]
    assert (f.inserted, f.updated, f.unchanged) == (0, 1, 0)
    assert_journeys(
        engine,
        {"c:1": dict(amount=150.0, mql_at=ts("2026-01-03 00:00")), "c:2": dict(amount=200.0)},
    )


def test_is_deleted_removes_a_record_and_undo_brings_it_back(engine):
    header = (
        "Id,IsDeleted,CreatedDate,OwnerId,LeadSource,Status,IsConverted,"
        "ConvertedOpportunityId,Company"
    )
    put(engine, "Lead.csv", f"{header}\n00Q5e00000AbCdEEAV,false,2026-01-05,,Web,Open,false,,A\n")
    before = state(engine)
    gone = put(engine, "Lead.csv", f"{header}\n00Q5e00000AbCdEEAV,1,2026-01-05,,Web,Open,no,,A\n")
    assert gone.files[0].updated == 1
    assert journeys(engine).empty
    undo_upload(engine, gone.upload_id)
    assert state(engine) == before


def test_zoned_times_convert_to_the_business_time_zone(engine):
    berlin = Settings(timezone="Europe/Berlin")
    put(
        engine,
        "z.csv",
        f"{CANON}\nc:1,2026-01-05T10:00:00Z,2026-07-01T10:00:00+02:00,2026-07-02 08:00,,Email\n",
        berlin,
    )
    assert_journeys(
        engine,
        {
            "c:1": dict(
                created_at=ts("2026-01-05 11:00"),
                mql_at=ts("2026-07-01 10:00"),
                sql_at=ts("2026-07-02 08:00"),
            )
        },
    )


def test_undo_refuses_when_a_later_upload_changed_the_same_records(engine):
    first = put(engine, "a.csv", f"{CANON}\nc:1,2026-01-01,,,100,Email\n")
    second = put(engine, "b.csv", f"{CANON}\nc:1,2026-01-01,,,300,Email\n")
    with pytest.raises(UndoError, match=f"later upload\\(s\\) {second.upload_id}"):
        undo_upload(engine, first.upload_id)
    undo_upload(engine, second.upload_id)
    assert_journeys(engine, {"c:1": dict(amount=100.0)})
    undo_upload(engine, first.upload_id)
    assert journeys(engine).empty
    statuses = list_uploads(engine).set_index("upload_id")["status"].to_dict()
    assert statuses == {first.upload_id: "undone", second.upload_id: "undone"}


def test_unknown_file_with_a_mapping_is_saved_and_reused(engine):
    text = "Lead No,Opened On,Owner Name\nX-1,2026-02-01,Pat\nX-2,2026-02-03,Quinn\n"
    with pytest.raises(IngestError, match="do not match any export"):
        put(engine, "crm.csv", text)
    mapping = {
        "kind": "leads",
        "source": "crm",
        "columns": {"journey_id": "Lead No", "created_at": "Opened On", "rep_id": "Owner Name"},
    }
    put(engine, "crm.csv", text, mapping=mapping)
    again = put(engine, "crm-next-week.csv", text + "X-3,2026-02-05,Pat\n")
    assert (again.files[0].inserted, again.files[0].unchanged) == (1, 2)
    assert_journeys(
        engine,
        {
            "crm:X-1": dict(rep_id="Pat"),
            "crm:X-2": dict(rep_id="Quinn"),
            "crm:X-3": dict(created_at=ts("2026-02-05 00:00")),
        },
    )


@pytest.mark.parametrize(
    "name,data,needle",
    [
        ("empty.csv", b"", "empty"),
        ("garbage.csv", bytes(range(256)) * 40, "binary"),
        ("report.csv", b"%PDF-1.7\n1 0 obj<<>>endobj\n", "PDF"),
        (
            "nolead.csv",
            b"Id,OwnerId,LeadSource,Status,IsConverted,Company\n00Q1,x,Web,Open,false,A\n",
            "created_at",
        ),
    ],
)
def test_fatal_files_write_nothing(engine, name, data, needle):
    put(engine, "ok.csv", f"{CANON}\nc:1,2026-01-01,,,100,Email\n")
    before = state(engine)
    uploads_before = len(list_uploads(engine))
    with pytest.raises(IngestError, match=needle):
        ingest(
            engine,
            [
                FileInput("fine.csv", f"{CANON}\nc:9,2026-01-01,,,1,Email\n".encode()),
                FileInput(name, data),
            ],
            Settings(),
        )
    assert state(engine) == before
    assert len(list_uploads(engine)) == uploads_before


def test_bad_rows_are_rejected_with_reasons_and_good_rows_kept(engine):
    text = (
        f"{CANON}\n"
        "c:1,2026-01-01,,,100,Email\n"
        "c:2,2026-01-01,,,-5,Email\n"
        "c:3,2026-03-01,2026-02-01,,,Email\n"
        "c:4,2026-03-01,2026-03-02,2026-03-01 12:00,,Email\n"
        ",2026-01-01,,,,Email\n"
        "c:5,,,,,Email\n"
        "c:6,2026-01-01,,,1,Email\n"
        "c:6,2026-01-01,,,2,Email\n"
        "c:7,2026-01-01,,,7,Email\n"
        "c:7,2026-01-01,,,7,Email\n"
    )
    result = put(engine, "rows.csv", text)
    f = result.files[0]
    assert (f.rows, f.inserted, f.unchanged, f.rejected) == (10, 3, 1, 6)
    assert [(r.row, r.reason) for r in f.rejections] == [
        (3, "negative amount in 'amount': '-5'"),
        (
            4,
            "stage dates out of order: 'mql_at' (2026-02-01 00:00) before 'created_at' "
            "(2026-03-01 00:00)",
        ),
        (6, "no id"),
        (7, "no created date"),
        (8, "duplicate id c:6 with conflicting values (rows 8, 9)"),
        (9, "duplicate id c:6 with conflicting values (rows 8, 9)"),
    ]
    assert sorted(journeys(engine)["journey_id"]) == ["c:1", "c:4", "c:7"]
    stored = rejected_rows(engine, result.upload_id)
    assert stored["row_number"].tolist() == [3, 4, 6, 7, 8, 9]
    assert json.loads(stored["data"].iloc[0])["amount"] == "-5"


def test_tolerated_encodings_delimiters_and_formats(engine):
    rows = [("1", "3/5/2026 2:07 PM", "Rita", "13/04/2026"), ("2", "3/6/2026", "", "")]
    header = ["Record ID", "Create Date", "Contact owner", "Became a Marketing Qualified Lead Date"]
    variants = {
        "utf16.csv": ("\t".join(header) + "\n" + "\n".join("\t".join(r) for r in rows)).encode(
            "utf-16"
        ),
        "semicolon.csv": (";".join(header) + "\n" + "\n".join(";".join(r) for r in rows)).encode(
            "utf-8-sig"
        ),
        "pipe.csv": ("|".join(header) + "\r\n\r\n" + "\r\n".join("|".join(r) for r in rows)).encode(
            "cp1252"
        ),
        "spaced.csv": (
            ",".join(f"  {h.upper()} " for h in header)
            + "\n"
            + "\n".join(",".join(r) for r in rows)
        ).encode(),
    }
    for name, data in variants.items():
        eng_state_before = state(engine)
        result = put(engine, name, data)
        f = result.files[0]
        assert (f.format, f.kind, f.rejected) == ("hubspot", "contacts", 0), name
        assert_journeys(
            engine,
            {
                "hubspot:1": dict(
                    created_at=ts("2026-03-05 14:07"), rep_id="Rita", mql_at=ts("2026-04-13 00:00")
                ),
                "hubspot:2": dict(created_at=ts("2026-03-06 00:00"), rep_id=None, mql_at=None),
            },
        )
        if eng_state_before["journeys"]:
            assert f.unchanged == 2, name


def test_decimal_commas_and_epoch_milliseconds(engine):
    text = (
        "journey_id;created_at;amount;won_amount\n"
        'c:1;1767261600000;"1.234,50";"EUR 1.000,00"\n'
        "c:2;1767348000000;12,5;\n"
    )
    put(engine, "eu.csv", text)
    assert_journeys(
        engine,
        {
            "c:1": dict(created_at=ts("2026-01-01 10:00"), amount=1234.5, won_amount=1000.0),
            "c:2": dict(created_at=ts("2026-01-02 10:00"), amount=12.5),
        },
    )


def test_quoted_line_breaks_and_row_numbers(engine):
    text = f'{CANON}\nc:1,2026-01-01,,,100,"Email\nand more"\nc:2,bad date,,,1,Email\n'
    result = put(engine, "ml.csv", text)
    assert [(r.row, r.reason[:16]) for r in result.files[0].rejections] == [(3, "unparseable date")]


def test_progress_reports_rows_done_of_total(engine):
    seen: list[tuple[int, int]] = []
    ingest(
        engine,
        [
            FileInput("a.csv", f"{CANON}\nc:1,2026-01-01,,,1,Email\n".encode()),
            FileInput(
                "b.csv", f"{CANON}\nc:2,2026-01-01,,,1,Email\nc:3,2026-01-01,,,1,Email\n".encode()
            ),
        ],
        Settings(),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(0, 3), (1, 3), (3, 3)]


def test_saved_mapping_keeps_the_day_month_reading(engine):
    text = "Ref,Opened\nR-1,03/05/2026\n"
    mapping = {
        "kind": "leads",
        "source": "eu",
        "day_first": True,
        "columns": {"journey_id": "Ref", "created_at": "Opened"},
    }
    put(engine, "eu.csv", text, mapping=mapping)
    put(engine, "eu-next.csv", text + "R-2,04/05/2026\n")
    assert_journeys(
        engine,
        {
            "eu:R-1": dict(created_at=ts("2026-05-03 00:00")),
            "eu:R-2": dict(created_at=ts("2026-05-04 00:00")),
        },
    )


def test_campaign_members_can_be_mapped(engine):
    text = "Camp,Person,When\nC1,L1,2026-01-02\n"
    result = put(
        engine,
        "m.csv",
        text,
        mapping={
            "kind": "campaign_members",
            "source": "crm",
            "columns": {"campaign": "Camp", "lead_id": "Person", "created_at": "When"},
        },
    )
    assert (result.files[0].kind, result.files[0].inserted) == ("campaign_members", 1)
