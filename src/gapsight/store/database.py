"""Engines and units of work.

:func:`make_engine` turns :class:`~gapsight.config.Settings` into an SQLAlchemy engine:
the embedded SQLite file in the data directory (created if needed) or PostgreSQL via
psycopg 3 (``postgresql+psycopg://…``). Every SQLite connection gets the PRAGMAs that
make it safe for a multi-user application: write-ahead logging, foreign keys on,
durable commits (``synchronous=FULL``) and a busy timeout instead of "database is
locked" errors.

:func:`unit_of_work` is the one way services get a transaction: everything inside the
``with`` block commits together, or — on any exception — nothing does.

Example::

    >>> from gapsight.config import Settings
    >>> engine = make_engine(Settings(database_url="sqlite://"))
    >>> with unit_of_work(engine) as session:
    ...     session.scalar(text("PRAGMA foreign_keys"))
    1
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from gapsight.config import Settings

__all__ = [
    "SQLITE_PRAGMAS",
    "DatabaseUnavailable",
    "make_engine",
    "normalise_url",
    "reachable",
    "text",
    "unit_of_work",
]

SQLITE_PRAGMAS = (
    ("journal_mode", "WAL"),
    ("foreign_keys", "ON"),
    ("synchronous", "FULL"),
    ("busy_timeout", "5000"),
)
"""Applied to every new SQLite connection, in this order."""


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` / ``postgres://`` URLs.

    >>> normalise_url("postgresql://u@h/db")
    'postgresql+psycopg://u@h/db'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(settings: Settings, **kwargs: Any) -> Engine:
    """An engine for ``settings.database_url``; creates the SQLite file's directory.

    Raises ``ValueError`` for a database other than SQLite or PostgreSQL.
    """
    url = make_url(normalise_url(settings.database_url))
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that BEGIN
        # is emitted for every unit of work (pysqlite's legacy mode defers it).
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    raise ValueError(
        f"unsupported database URL {url.render_as_string(hide_password=True)!r}: "
        "expected sqlite:///path/to/file.db or postgresql+psycopg://user:pass@host/db"
    )


class DatabaseUnavailable(SQLAlchemyError, ValueError):
    """The database cannot be opened (server down, wrong password, unwritable file).

    A ``ValueError`` (the CLI prints it as one line) and an ``SQLAlchemyError`` (code
    that handles database errors catches it too)."""


@contextmanager
def reachable(engine: Engine) -> Iterator[None]:
    """Wrap the *opening* of a connection: a failure becomes :class:`DatabaseUnavailable`
    naming the database (without its password) and the driver's reason, instead of a
    driver traceback."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        text_ = str(exc.orig or exc).strip()
        reason = text_.splitlines()[0] if text_ else type(exc).__name__
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot use the database {where}: {reason}") from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite would otherwise open transactions implicitly; see _sqlite_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A connection opened with execution option ``sqlite_begin="IMMEDIATE"`` takes
    # the write lock at once (group commit); otherwise at its first write.
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql(f"BEGIN {mode}" if mode in ("IMMEDIATE", "EXCLUSIVE") else "BEGIN")


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: commit at the end, roll back on any exception.

    Objects stay usable after the commit (``expire_on_commit=False``), so a service can
    return them to a CLI or web handler.
    """
    # a Session, not a sessionmaker: each sessionmaker() creates a new Session
    # subclass — a type per transaction, freed only by the garbage collector's full
    # collections (one per page batch of the web server's group commit)
    session = Session(bind=engine, expire_on_commit=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()
