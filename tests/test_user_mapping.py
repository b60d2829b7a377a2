"""A user's mapping (SPEC §5.1): constants, value maps, date orders, update mode, the fields
each kind accepts, and files in which every row is rejected (SPEC §5.3)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import DATA, journeys, load, state
from smarketing_data import schema
from smarketing_data.cli import main
from smarketing_data.ingest import IngestError, undo_upload
from smarketing_data.ingest.recognize import RecognitionError
from smarketing_data.ingest.user_mapping import accepted_fields, fields_help, match_from_mapping

TRACKED = DATA / "tracked"
MQL_LIST = {
    "kind": "leads",
    "source": "olist",
    "columns": {"record_id": "mql_id", "created_at": "first_contact_date", "channel": "origin"},
    "constants": {"entry_stage": "mql"},
}
SDR_UPDATE = {
    "kind": "leads",
    "source": "olist",
    "mode": "update",
    "columns": {"record_id": "mql_id", "rep": "sdr_id", "won_at": "won_date"},
}
HEADERS = ["mql_id", "first_contact_date", "landing_page_id", "origin"]


def _error(mapping: dict) -> str:
    with pytest.raises(RecognitionError) as info:
        match_from_mapping(HEADERS, mapping)
    return str(info.value)


def test_an_unknown_field_lists_the_fields_the_kind_accepts():
    message = _error({"kind": "leads", "columns": {"record_id": "mql_id", "owner": "origin"}})
    assert "unknown field 'owner'" in message
    assert "fields accepted for leads: " + ", ".join(accepted_fields("leads")) in message


def test_a_missing_required_field_is_named_with_the_accepted_fields():
    message = _error({"kind": "leads", "columns": {"record_id": "mql_id"}})
    assert message.startswith("the mapping does not say which column holds created_at")
    assert "fields accepted for leads" in message


@pytest.mark.parametrize(
    ("mapping", "says"),
    [
        (
            {"kind": "widgets", "columns": {}},
            "use one of leads, opportunities, campaigns, campaign_members, reps",
        ),
        ({"kind": "leads", "source": "x" * 40, "columns": {}}, "1 to 32 letters"),
        ({"kind": "leads", "source": "a\x1b[31mb", "columns": {}}, "1 to 32 letters"),
        ({"kind": "leads", "mode": "merge", "columns": {}}, "upsert or update"),
        ({"kind": "leads", "columns": {"record_id": "nope"}}, "column 'nope' is not in the file"),
        ({**MQL_LIST, "dates": {"first_contact_date": "DD/MM"}}, "must be one of D-M-Y, M-D-Y"),
        ({**MQL_LIST, "constants": {"entry_stage": "sql"}}, "entry_stage must be one of lead"),
        ({**MQL_LIST, "constants": {"channel": "Email"}}, "both a column and a constant"),
        ({**MQL_LIST, "values": {"segment": {"a": "b"}}}, "no column or constant feeds it"),
        ({**MQL_LIST, "script": "rm -rf /"}, "unknown key(s) 'script'"),
    ],
)
def test_bad_mappings_say_what_to_change(mapping, says):
    assert says in _error(mapping)


def test_the_escape_sequence_never_reaches_a_message():
    assert "\x1b" not in _error({"kind": "leads", "source": "a\x1b[31mb", "columns": {}})


def test_an_update_needs_only_the_id():
    match = match_from_mapping(
        ["mql_id", "sdr_id"],
        {"kind": "leads", "mode": "update", "columns": {"record_id": "mql_id", "rep": "sdr_id"}},
    )
    assert match.mode == "update" and match.profile.required == ("record_id",)


def test_fields_help_names_every_kind():
    lines = fields_help().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "leads",
        "opportunities",
        "campaigns",
        "campaign_members",
        "reps",
    ]


def _mql_list(engine):  # type: ignore[no-untyped-def]
    return load(engine, TRACKED / "marketing_qualified_leads.csv", mapping=MQL_LIST)


def test_update_changes_only_the_mapped_fields(any_engine):
    _mql_list(any_engine)
    before = journeys(any_engine).set_index("journey_id")
    result = load(any_engine, TRACKED / "closed_deals.csv", mapping=SDR_UPDATE)
    f = result.files[0]
    assert (f.inserted, f.updated, f.unchanged, f.rejected) == (0, 2, 0, 0)
    after = journeys(any_engine).set_index("journey_id")
    assert after.loc["olist:m1", "rep_id"] == "sdr1"
    assert str(after.loc["olist:m1", "won_at"]) == "2026-05-10 10:00:00"
    # the MQL date, channel and created date the first file gave are kept
    for col in ("created_at", "mql_at", "channel", "entry_stage"):
        assert after.loc["olist:m1", col] == before.loc["olist:m1", col], col

    # m2 and m4 are not in the won-deals file: untouched
    def plain(key: str) -> dict:
        return {k: None if pd.isna(v) else v for k, v in after.loc[key].to_dict().items()}

    for key in ("olist:m2", "olist:m4"):
        assert plain(key) == {
            k: None if pd.isna(v) else v for k, v in before.loc[key].to_dict().items()
        }


def data_state(engine):  # type: ignore[no-untyped-def]
    """The data tables (saved mappings are settings an undo keeps)."""
    return {k: v for k, v in state(engine).items() if k != "mappings"}


def test_update_is_idempotent_and_undo_restores_exactly(any_engine):
    _mql_list(any_engine)
    before = data_state(any_engine)
    first = load(any_engine, TRACKED / "closed_deals.csv", mapping=SDR_UPDATE)
    again = load(any_engine, TRACKED / "closed_deals.csv", mapping=SDR_UPDATE)
    assert (again.files[0].updated, again.files[0].unchanged) == (0, 2)
    undo_upload(any_engine, again.upload_id)
    undo_upload(any_engine, first.upload_id)
    assert data_state(any_engine) == before


def test_update_rejects_unknown_ids_and_keeps_the_rest(any_engine, tmp_path):
    _mql_list(any_engine)
    path = tmp_path / "deals.csv"
    path.write_text("mql_id,sdr_id,won_date\nm1,sdr1,2026-05-10\nzz,sdr9,2026-05-11\n")
    result = load(any_engine, path, mapping=SDR_UPDATE)
    f = result.files[0]
    assert (f.updated, f.rejected) == (1, 1)
    assert [(r.row, r.reason) for r in f.rejections] == [
        (3, "unknown id olist:zz: update mode changes only records already imported")
    ]


def test_an_update_that_matches_nothing_is_fatal(any_engine, tmp_path):
    _mql_list(any_engine)
    before = state(any_engine)
    path = tmp_path / "deals.csv"
    path.write_text("mql_id,sdr_id,won_date\nzz,sdr9,2026-05-11\n")
    with pytest.raises(IngestError, match="none of its rows matches a record already imported"):
        load(any_engine, path, mapping=SDR_UPDATE)
    assert state(any_engine) == before


def test_an_update_that_puts_stage_dates_out_of_order_is_rejected(any_engine, tmp_path):
    _mql_list(any_engine)
    path = tmp_path / "deals.csv"
    path.write_text("mql_id,sdr_id,won_date\nm1,sdr1,2026-05-10\nm3,sdr2,2026-01-01\n")
    f = load(any_engine, path, mapping=SDR_UPDATE).files[0]
    assert [(r.row, r.reason) for r in f.rejections] == [
        (
            3,
            "stage dates out of order after the update: won_at (2026-01-01) before "
            "created_at (2026-05-20)",
        )
    ]


def test_a_file_whose_every_row_is_rejected_is_fatal(engine, tmp_path):
    path = tmp_path / "mqls.csv"
    path.write_text("mql_id,first_contact_date\nm1,2018-02-30\nm2,2018-13-01\nm3,\n")
    before = state(engine)
    with pytest.raises(IngestError) as info:
        load(
            engine,
            path,
            mapping={
                "kind": "leads",
                "source": "x",
                "columns": {"record_id": "mql_id", "created_at": "first_contact_date"},
            },
        )
    message = str(info.value)
    assert message.startswith(
        "mqls.csv: all 3 rows were rejected, so nothing was imported and "
        "no mapping was saved. Most common reasons: unparseable date in "
        "'first_contact_date' (2 rows, e.g. row 2:"
    )
    assert '"dates": {"first_contact_date": "D-M-Y"}' in message
    assert state(engine) == before


def test_cli_says_it_and_exits_2_and_saves_no_mapping(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    path = tmp_path / "mqls.csv"
    path.write_text("mql_id,first_contact_date\nm1,2018-02-30\n")
    mapping = tmp_path / "m.json"
    mapping.write_text(
        json.dumps(
            {
                "kind": "leads",
                "source": "x",
                "columns": {"record_id": "mql_id", "created_at": "first_contact_date"},
            }
        )
    )
    assert main(["ingest", str(path), "--mapping", str(mapping), "--db", db]) == 2
    assert "all 1 rows were rejected" in capsys.readouterr().err
    from smarketing_data.db import make_engine

    with make_engine(db).connect() as conn:
        assert conn.execute(schema.mappings.select()).all() == []


def test_cli_help_lists_the_fields_of_each_kind(capsys):
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    out = capsys.readouterr().out
    for line in fields_help().splitlines():
        assert line in out


@pytest.mark.parametrize("content", [b"[" * 100_000, b" " * (2 << 20)])
def test_cli_refuses_mappings_that_are_not_small_json(tmp_path, capsys, content):
    mapping = tmp_path / "m.json"
    mapping.write_bytes(content)
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n")
    assert (
        main(
            [
                "ingest",
                str(path),
                "--mapping",
                str(mapping),
                "--db",
                f"sqlite:///{tmp_path / 'x.db'}",
            ]
        )
        == 2
    )
    assert "mapping" in capsys.readouterr().err


def test_a_saved_mapping_keeps_constants_values_and_dates(engine, tmp_path):
    mapping = {
        **MQL_LIST,
        "values": {"channel": {"paid_search": "Paid Search"}},
        "dates": {"first_contact_date": "D-M-Y"},
    }
    load(engine, TRACKED / "marketing_qualified_leads.csv", mapping=mapping)
    # next week's export, same header, no mapping given: the saved one applies whole
    path = tmp_path / "week2.csv"
    path.write_text(
        "mql_id,first_contact_date,landing_page_id,origin\nm9,03-04-2026,lp1,paid_search\n"
    )
    load(engine, path)
    stored = journeys(engine).set_index("journey_id")
    assert stored.loc["olist:m9", "entry_stage"] == "mql"
    assert stored.loc["olist:m9", "channel"] == "Paid Search"
    assert str(stored.loc["olist:m9", "created_at"]) == "2026-04-03 00:00:00"


def test_a_journeys_file_without_its_created_column_is_not_taken_for_campaigns(engine, tmp_path):
    path = tmp_path / "journeys.csv"
    path.write_text(
        "journey_id,campaign_id,rep_id,channel,mql_at,sql_at,opp_at,won_at\n"
        "j1,c1,r1,Email,2026-04-02,2026-04-03,,\n"
    )
    before = state(engine)
    with pytest.raises(IngestError, match="lacks the required column.*created_at"):
        load(engine, path)
    assert state(engine) == before


def test_a_journeys_file_without_its_id_column_is_not_taken_for_campaigns(engine, tmp_path):
    path = tmp_path / "journeys.csv"
    path.write_text(
        "created_at,campaign_id,rep_id,channel,mql_at,sql_at,opp_at,won_at\n"
        "2026-04-01,c1,r1,Email,2026-04-02,2026-04-03,,\n"
    )
    with pytest.raises(IngestError, match="journey_id"):
        load(engine, path)


def test_cross_file_conflicts_are_kept_and_listed(engine, tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("mql_id,first_contact_date\nm1,2026-04-10\nm2,2026-04-11\n")
    deals = tmp_path / "deals.csv"
    deals.write_text("mql_id,won_date\nm1,2026-04-01\nm2,2026-05-01\n")
    load(
        engine,
        leads,
        mapping={
            "kind": "leads",
            "source": "o",
            "columns": {"record_id": "mql_id", "created_at": "first_contact_date"},
            "constants": {"entry_stage": "mql"},
        },
    )
    result = load(
        engine,
        deals,
        mapping={
            "kind": "opportunities",
            "source": "o",
            "columns": {
                "record_id": "mql_id",
                "associated_lead_ids": "mql_id",
                "created_at": "won_date",
                "close_date": "won_date",
            },
            "constants": {"stage": "Won"},
        },
    )
    assert result.warnings == [
        "o:m1: opportunity date 2026-04-01 is before its MQL date 2026-04-10"
    ]
    assert str(journeys(engine).set_index("journey_id").loc["o:m1", "won_at"]) == (
        "2026-04-01 00:00:00"
    )
