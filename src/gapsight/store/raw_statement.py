"""Core statements run straight on the driver's cursor, for the hottest paths.

SQLAlchemy's execution of a Core statement — cache-key lookup, execution context,
result metadata, row objects — costs 50–100 µs per statement on top of the driver
(measured on a respondent's page save: 164 µs against 62 µs on PostgreSQL through
psycopg, 54 µs against 6 µs on SQLite). The page save runs two statements per page
while the whole server waits for its one writer thread, so that overhead is a fifth
of the page's CPU time. :class:`RawStatement` keeps what SQLAlchemy does *once* —
compiling the statement for the dialect and finding each value's bind and result
processors (JSON serialised the same way, JSON text decoded on SQLite) — and then
runs it on the DBAPI cursor of the session's own connection, in the same
transaction.

Only for plain statements with named ``bindparam`` values (no expanding ``IN``, no
ORM entities); results come back as named tuples of the selected columns' keys.

Example::

    >>> from sqlalchemy import column, select, table, bindparam
    >>> from gapsight.config import Settings
    >>> from gapsight.store.database import make_engine
    >>> stmt = select(column("x")).select_from(table("t")).where(column("x") > bindparam("low"))
    >>> engine = make_engine(Settings(database_url="sqlite://"))
    >>> with engine.begin() as conn:
    ...     _ = conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    ...     _ = conn.exec_driver_sql("INSERT INTO t VALUES (1), (2), (3)")
    ...     [row.x for row in RawStatement(stmt).rows(conn, {"low": 1})]
    [2, 3]
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import BindParameter

__all__ = ["RawStatement"]

_Processor = Callable[[Any], Any] | None


class _Compiled:
    """One statement compiled for one dialect and set of parameter names."""

    def __init__(self, statement: Any, dialect: Dialect, keys: Sequence[str]) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        self.sql: str = compiled.string
        binds: Mapping[str, BindParameter[Any]] = compiled.binds
        self.positional: tuple[str, ...] | None = (
            tuple(compiled.positiontup) if compiled.positional else None
        )
        self.fixed: dict[str, Any] = {}
        self.processors: dict[str, _Processor] = {}
        for name, bind in binds.items():
            self.processors[name] = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if not bind.required and bind.value is not None:
                self.fixed[name] = bind.value
        selected = getattr(statement, "selected_columns", None)
        if selected is None:
            self.row: Any = None
            self.loaders: list[_Processor] = []
        else:
            names = [c.key for c in selected]
            self.row = namedtuple("Row", names, rename=True)  # type: ignore[misc]
            self.loaders = [_loader(c.type, dialect) for c in selected]

    def parameters(self, values: Mapping[str, Any]) -> Any:
        """The driver's parameters: processed values by name, or in position order."""
        out: dict[str, Any] = {}
        for name, process in self.processors.items():
            value = values[name] if name in values else self.fixed.get(name)
            out[name] = value if process is None else process(value)
        if self.positional is None:
            return out
        return [out[name] for name in self.positional]


def _loader(type_: Any, dialect: Dialect) -> _Processor:
    """SQLAlchemy's result processor of a column type. The numeric types of the
    psycopg dialect choose theirs by the column's type code, known only after a
    query ran; without it they raise — and need none: psycopg itself returns
    ``float`` for ``double precision``/``real`` and ``Decimal`` for ``numeric``."""
    try:
        processor: _Processor = type_.dialect_impl(dialect).result_processor(dialect, None)
    except (TypeError, InvalidRequestError):
        return None
    return processor


class RawStatement:
    """A Core statement compiled once per dialect and run on the DBAPI cursor of a
    :class:`~sqlalchemy.Connection` (so in its transaction)."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, frozenset[str]], _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, dialect: Dialect, values: Mapping[str, Any]) -> _Compiled:
        key = (dialect.name, frozenset(values))
        found = self._compiled.get(key)
        if found is None:
            with self._lock:
                found = self._compiled.setdefault(
                    key, _Compiled(self.statement, dialect, sorted(values))
                )
        return found

    def execute(self, connection: Connection, values: Mapping[str, Any]) -> int:
        """Run the statement; the number of rows it changed (``UPDATE``, ``DELETE``)."""
        compiled = self._for(connection.dialect, values)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(compiled.sql, compiled.parameters(values))
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[Any]:
        """Run a ``SELECT``; its rows as named tuples of the selected columns' keys."""
        compiled = self._for(connection.dialect, values)
        if compiled.row is None:
            raise TypeError("RawStatement.rows needs a SELECT")
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(compiled.sql, compiled.parameters(values))
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        make, loaders = compiled.row._make, compiled.loaders
        if not any(loaders):
            return [make(r) for r in fetched]
        return [
            make([v if load is None else load(v) for v, load in zip(r, loaders, strict=True)])
            for r in fetched
        ]

    def one_or_none(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        """The one row of a ``SELECT``, ``None`` when there is none; ``ValueError``
        when there are several."""
        found = self.rows(connection, values)
        if len(found) > 1:
            raise ValueError(f"expected at most one row, got {len(found)}")
        return found[0] if found else None
