"""Driver errors cross the database layer once: an engine from ``make_engine`` raises the
package's ``DatabaseError`` with one readable line, the driver's error as its cause."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import insert, text

from smarketing_data import schema
from smarketing_data.db import DatabaseError, init_schema, make_engine, write_transaction


def test_an_unopenable_database_is_a_database_error(tmp_path):
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder}")
    with pytest.raises(DatabaseError) as found, engine.connect():
        pass
    assert str(found.value) == "database error: unable to open database file"
    assert isinstance(found.value.__cause__, sqlite3.OperationalError)


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_statement_and_constraint_errors_are_database_errors(kind, tmp_path):
    engine = make_engine(f"{kind}:///{tmp_path / 'qbr.db'}")
    init_schema(engine)
    with pytest.raises(DatabaseError, match=r"^database error: .*nope"), engine.connect() as conn:
        conn.execute(text("SELECT * FROM nope"))
    duplicate = insert(schema.meta).values(key="schema_version", value="1")
    with pytest.raises(DatabaseError, match="^database error: "), write_transaction(engine) as c:
        c.execute(duplicate)
    with engine.connect() as conn:  # the failed write left nothing behind, the engine works
        assert conn.execute(text("SELECT count(*) FROM meta")).scalar_one() == 2
