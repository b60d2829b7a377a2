"""Engines for SQLite, DuckDB and PostgreSQL; schema creation/upgrade; bulk writes.

Driver errors leave this layer once, as ``DatabaseError`` with one readable line: every
engine from ``make_engine`` converts them where SQLAlchemy reports them, so callers (ui/,
pages, the CLI) catch only the package's own error.

SQLite gets WAL, a busy timeout and foreign keys; writers take the write lock at BEGIN
(``BEGIN IMMEDIATE``) so that concurrent imports queue instead of failing half-way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from smarketing_data import schema

if TYPE_CHECKING:
    # Loaded where frames are read or written: commands that only list or check rows start
    # without them.
    import numpy as np
    import pandas as pd

# Long enough to outlast a large import holding the write lock, short of a hung UI.
SQLITE_BUSY_TIMEOUT_MS = 60_000
WRITE_OPTION = "smarketing_write"


class DatabaseError(RuntimeError):
    """The database cannot be reached or used; str(exc) is one line for the user."""


# Whether make_engine may create a file database that is not there yet: with the folders it
# needs ("folders": init, imports, the default database), only in a folder that exists
# ("file": the app on a configured URL, where a mistyped folder is an error), or not at all
# ("never": commands that only read).
Creation = Literal["folders", "file", "never"]
FILE_BACKENDS = ("sqlite", "duckdb")

# Credentials in a URL ("scheme://user:secret@host", or "user:secret@host" when the scheme is
# missing) and in a driver's key=value connection string ("password=secret").
_URL_CREDENTIALS = re.compile(r"(^|//|[\s'\"(=])([^\s:/@'\"]*):(?!//)([^\s@'\"]+)@")
_KEYWORD_CREDENTIALS = re.compile(
    r"\b(password|passwd|pwd)(\s*=\s*)('[^']*'|\"[^\"]*\"|[^\s&;,)]+)", re.IGNORECASE
)
HIDDEN = "***"
# A shorter password is not searched for as such: it would blank ordinary words.
MIN_LITERAL_PASSWORD = 4


def redact(text: str, password: str | None = None) -> str:
    """``text`` with every password it may hold replaced by ***: error messages never show one
    (SPEC §8), whatever the driver put in them."""
    if password and len(password) >= MIN_LITERAL_PASSWORD:
        text = text.replace(password, HIDDEN)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}{m.group(2)}:{HIDDEN}@", text)
    return _KEYWORD_CREDENTIALS.sub(lambda m: f"{m.group(1)}{m.group(2)}{HIDDEN}", text)


def shown_url(url: str) -> str:
    """A database URL as messages show it: its password hidden, parseable or not."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return redact(url)


def make_engine(url: str, *, create: Creation = "folders") -> Engine:
    """An engine for ``url`` with the settings each backend needs; its driver errors are
    raised as ``DatabaseError`` with any password hidden. ``create`` says whether a file
    database that is not there yet may be created (see ``Creation``)."""
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    try:
        if backend in FILE_BACKENDS:
            _check_file(parsed.database, create)
        if backend == "sqlite":
            engine = _sqlite_engine(url, parsed.database)
        else:
            engine = create_engine(url, pool_pre_ping=backend == "postgresql")
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"no driver installed for {backend!r} URLs") from exc
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the folder for {parsed.database}: {exc.strerror or exc}"
        ) from exc
    except (ArgumentError, ValueError, TypeError) as exc:
        raise DatabaseError(
            f"cannot use the database URL {shown_url(url)!r}: {redact(str(exc), parsed.password)}"
        ) from exc
    password = parsed.password

    def as_database_error(context: ExceptionContext) -> BaseException | None:
        return _as_database_error(context, password)

    event.listen(engine, "handle_error", as_database_error)
    return engine


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {shown_url(url)!r}") from exc
    except ValueError as exc:  # the port, which SQLAlchemy reads as an integer
        raise DatabaseError(
            f"not a database URL: {shown_url(url)!r} (its port must be a number)"
        ) from exc


def _is_file(database: str | None) -> bool:
    """Whether a SQLite or DuckDB URL names a file (not memory or a SQLite "file:" URI)."""
    return bool(database) and database != ":memory:" and not str(database).startswith("file:")


def _check_file(database: str | None, create: Creation) -> None:
    """Make room for a file database, or refuse one that ``create`` does not allow to make."""
    if not _is_file(database):
        return
    path = Path(str(database))
    if path.exists():
        return
    if create == "never":
        raise DatabaseError(f"no database at {database}")
    if create == "file" and not path.parent.is_dir():
        raise DatabaseError(
            f"no folder {path.parent} for the database {database}: check the path "
            "(a database is created only in a folder that exists)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)


def _as_database_error(context: ExceptionContext, password: str | None) -> BaseException | None:
    """The driver's error (connecting or running a statement) as the package's own, one line
    from ``describe_error``; the driver's error stays its ``__cause__``. The package catches no
    particular driver error, so every one is converted."""
    if context.is_pre_ping:
        return None  # a failed ping makes the pool reconnect: not an error to report
    found = context.sqlalchemy_exception
    if not isinstance(found, DBAPIError):
        return None  # not the driver's: a bug or an interrupt, left as it is
    return DatabaseError(describe_error(found, password))


def _sqlite_engine(url: str, database: str | None) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event below decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


# Writers take one database-wide lock, as BEGIN IMMEDIATE does on SQLite: two imports that
# fold the rollups at once must not both read the same rows (PostgreSQL's READ COMMITTED).
POSTGRES_WRITE_LOCK = 0x5351_4252  # an arbitrary key for pg_advisory_xact_lock


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for a write: commits whole or not at all; writers queue."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_WRITE_LOCK}
                )
            yield conn


def backend(engine_or_conn: Engine | Connection) -> str:
    return engine_or_conn.dialect.name


def init_schema(engine: Engine) -> int:
    """Create or upgrade every table; returns the schema version now in place."""
    try:
        with write_transaction(engine) as conn:
            schema.metadata.create_all(conn, checkfirst=True)
            current = get_meta(conn, "schema_version")
            if current is None:
                set_meta(conn, "schema_version", str(schema.SCHEMA_VERSION))
                set_meta(conn, "data_version", "0")
            elif int(current) < schema.SCHEMA_VERSION:
                _upgrade(conn)
    except SQLAlchemyError as exc:
        raise DatabaseError(describe_error(exc)) from exc
    return schema.SCHEMA_VERSION


def _upgrade(conn: Connection) -> None:
    """Bring an older database's derived tables up to this version (raw data is kept)."""
    from smarketing_data.rollups import rebuild_rollups

    rebuild_rollups(conn)
    set_meta(conn, "schema_version", str(schema.SCHEMA_VERSION))
    bump_data_version(conn)


def describe_error(exc: BaseException, password: str | None = None) -> str:
    """One line that says what went wrong with the database, without a traceback or a
    password (``password``, when known, is hidden wherever the driver quoted it)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return f"database error: {redact(first, password)}"


def get_meta(conn: Connection, key: str) -> str | None:
    t = schema.meta
    return conn.execute(select(t.c.value).where(t.c.key == key)).scalar_one_or_none()


def set_meta(conn: Connection, key: str, value: str) -> None:
    t = schema.meta
    if get_meta(conn, key) is None:
        conn.execute(insert(t).values(key=key, value=value))
    else:
        conn.execute(update(t).where(t.c.key == key).values(value=value))


def bump_data_version(conn: Connection) -> int:
    """Mark the data as changed, so caches keyed by the version are invalidated."""
    version = int(get_meta(conn, "data_version") or 0) + 1
    set_meta(conn, "data_version", str(version))
    return version


def data_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(get_meta(conn, "data_version") or 0)


def read_frame(source: Engine | Connection, stmt: Any) -> pd.DataFrame:
    """Run a select and return its rows as a DataFrame named by the select's columns."""
    import pandas as pd

    if isinstance(source, Engine):
        with source.connect() as conn:
            return read_frame(conn, stmt)
    result = source.execute(stmt)
    # Plain tuples build a DataFrame many times faster than Row objects do.
    rows = [tuple(r) for r in result.all()]
    return pd.DataFrame(rows, columns=list(result.keys()))


# --- bulk writes -----------------------------------------------------------------------------

_SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _sqlite_column(series: pd.Series, column_type: Any) -> np.ndarray:
    """Values in the exact text form SQLAlchemy's SQLite types store and read back."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    from sqlalchemy import Date, DateTime

    if isinstance(column_type, DateTime):
        # pyarrow writes timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff', SQLAlchemy's SQLite format.
        ts = pd.to_datetime(series).to_numpy(dtype="datetime64[us]")
        return np.array(pa.array(ts).cast(pa.string()).to_pylist(), dtype=object)
    if isinstance(column_type, Date):
        days = pd.to_datetime(series).to_numpy(dtype="datetime64[D]")
        return np.array(pa.array(days).cast(pa.string()).to_pylist(), dtype=object)
    return _plain_column(series)


def _plain_column(series: pd.Series) -> np.ndarray:
    import pandas as pd

    values = series.astype(object).to_numpy()
    mask = pd.isna(series).to_numpy()
    if mask.any():
        values = values.copy()
        values[mask] = None
    return values


def _python_values() -> Callable[[Any], Any]:
    """The converter from numpy and pandas scalars to the plain values drivers bind; made once
    per write so the per-value call does not look the libraries up again."""
    import numpy as np
    import pandas as pd

    def convert(value: Any) -> Any:
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return float(value)
        if isinstance(value, np.bool_):
            return bool(value)
        return value

    return convert


def bulk_insert(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """Insert every row of ``frame`` (columns named as the table's) as fast as the backend can."""
    if frame.empty:
        return
    columns = [c for c in frame.columns if c in table.c]
    name = backend(conn)
    if name == "sqlite":
        # Columns with no value at all are left to their default (NULL): binding costs time.
        columns = [c for c in columns if not frame[c].isna().all()]
        arrays = [_sqlite_column(frame[c], table.c[c].type) for c in columns]
        rows = list(zip(*arrays, strict=True))
        placeholders = ", ".join("?" for _ in columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        # Values are bound, never formatted in; only the table's own column names are.
        sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})'
        conn.exec_driver_sql(sql, rows)  # type: ignore[arg-type]
        return
    if name == "duckdb":
        _duckdb_insert(conn, table, frame[columns])
        return
    if name == "postgresql" and conn.dialect.driver == "psycopg":
        _postgres_copy(conn, table, frame[columns])
        return
    records = frame[columns].astype(object).where(frame[columns].notna(), None)
    convert = _python_values()
    mappings: list[dict[str, Any]] = [
        {c: convert(v) for c, v in zip(columns, row, strict=True)}
        for row in records.itertuples(index=False, name=None)
    ]
    for start in range(0, len(mappings), 10_000):
        conn.execute(insert(table), mappings[start : start + 10_000])


def _postgres_copy(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """COPY is PostgreSQL's bulk path: an order of magnitude faster than INSERTs."""
    raw: Any = conn.connection.driver_connection
    columns = list(frame.columns)
    records = frame.astype(object).where(frame.notna(), None)
    quoted = ", ".join(f'"{c}"' for c in columns)
    convert = _python_values()
    try:
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in records.itertuples(index=False, name=None):
                copy.write_row([convert(v) for v in row])
    except Exception as exc:  # the driver's own errors, outside SQLAlchemy's wrapping
        raise DatabaseError(describe_error(exc)) from exc


def _duckdb_insert(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    import pandas as pd

    raw: Any = conn.connection.driver_connection
    view = f"_bulk_{table.name}"
    prepared = frame.copy()
    for c in prepared.columns:
        if prepared[c].dtype == object and table.c[c].type.python_type is dt.date:
            prepared[c] = pd.to_datetime(prepared[c]).dt.date
    raw.register(view, prepared)
    try:
        quoted = ", ".join(f'"{c}"' for c in prepared.columns)
        raw.execute(f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} FROM "{view}"')
    except conn.dialect.loaded_dbapi.Error as exc:  # the driver's own, outside SQLAlchemy's
        raise DatabaseError(describe_error(exc)) from exc
    finally:
        raw.unregister(view)
