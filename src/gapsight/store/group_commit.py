"""Group commit: many small units of work, one durable commit.

A respondent's page save is a few row reads and one row write; on SQLite with durable
commits (``synchronous=FULL``) the ``COMMIT`` — an ``fsync`` of the write-ahead log —
costs more than all the rest, and SQLite admits one writer at a time, so with one
transaction per page the disk, not the CPU, sets the throughput. Databases solve this
with *group commit*: the writes that arrive while one commit is under way are made
durable together by the next one.

:class:`GroupCommit` does that above the database, one per engine
(:func:`for_engine`):

1. a caller hands in ``work`` — a function of an SQLAlchemy session — with
   :meth:`GroupCommit.submit` and gets a :class:`concurrent.futures.Future`
   (:meth:`GroupCommit.run` waits for it; async code awaits
   ``asyncio.wrap_future(...)`` and keeps no thread busy);
2. one writer thread takes everything queued (up to ``max_batch`` items), opens one
   transaction, takes SQLite's write lock at once, and runs each ``work`` in its own
   ``SAVEPOINT``: an exception rolls back that item only and is handed to its caller
   (work that raises only before it writes can skip the savepoint);
3. it flushes and commits once — the items run without autoflush, so the ORM writes
   the batch's changed rows together (one ``executemany`` per table and column set)
   — and only then resolves the futures — **no caller hears of success
   before its data is durable**, exactly as with a commit per item.

If the batch's commit (or ``BEGIN``) fails, every item is run again in a transaction
of its own, so one item cannot make the others fail (a rolled-back ``work`` left
nothing behind, so running it again is safe). Items run in arrival order, in
one thread, so two requests for the same link are serialised as they would be by the
database's own locks; another process writing the same database is kept out by
SQLite's lock or PostgreSQL's row locks as before.

Trade-off: an item waits for the items batched before it (each well under a
millisecond of database work) and for the one commit; under load that replaces the
queue in front of SQLite's single write lock. An idle writer thread ends after
``idle_seconds`` and is started again by the next item, so engines that are thrown
away (tests) leave no thread behind.

Example::

    >>> from gapsight.config import Settings
    >>> from gapsight.store.database import make_engine, text
    >>> writer = for_engine(make_engine(Settings(database_url="sqlite://")))
    >>> writer.run(lambda session: session.scalar(text("SELECT 41 + 1")))
    42
"""

from __future__ import annotations

import queue
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from gapsight.store.database import unit_of_work

__all__ = ["LOCKED", "GroupCommit", "for_engine"]

T = TypeVar("T")

LOCKED = "write_locked"
"""Key in ``session.info``: the transaction already holds the database write lock."""


@dataclass
class _Item:
    work: Callable[[Session], Any]
    savepoint: bool = True
    future: Future[Any] = field(default_factory=Future)


class GroupCommit:
    """Runs units of work for one engine in batches, one commit per batch."""

    def __init__(self, engine: Engine, *, max_batch: int = 64, idle_seconds: float = 2.0):
        self._engine = weakref.ref(engine)
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.batches = 0
        """Transactions committed so far (for tests and benchmarks)."""

    @property
    def engine(self) -> Engine:
        """The engine written to (held weakly: the engine owns its writer)."""
        engine = self._engine()
        if engine is None:
            raise RuntimeError("the engine of this GroupCommit was disposed of")
        return engine

    def submit(self, work: Callable[[Session], T], *, savepoint: bool = True) -> Future[T]:
        """Queue ``work``; its future holds what it returned (after the commit) or
        what it raised.

        ``savepoint=False`` skips the item's ``SAVEPOINT`` (two statements fewer) for
        work that *raises only before it changes anything*; a database error in it
        (``SQLAlchemyError``, also at the batch's flush) then abandons the whole batch,
        whose items all run again alone. Items run without autoflush: a query does
        not see rows that earlier items of the batch added (changed rows already loaded
        are the same objects, so their changes are seen).
        """
        item = _Item(work, savepoint)
        with self._lock:
            self._queue.put(item)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="gapsight-group-commit", daemon=True
                )
                self._thread.start()
        return item.future

    def run(self, work: Callable[[Session], T], *, savepoint: bool = True) -> T:
        """Queue ``work`` and wait for its outcome."""
        return self.submit(work, savepoint=savepoint).result()

    # -- the writer thread -------------------------------------------------------

    def _loop(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self.idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._batch(batch)

    def _batch(self, batch: list[_Item]) -> None:
        outcomes: list[tuple[_Item, Any, BaseException | None]] = []
        try:
            with unit_of_work(self.engine) as session, session.no_autoflush:
                _lock_for_writing(session)
                for item in batch:
                    try:
                        if item.savepoint:
                            with session.begin_nested():
                                result = item.work(session)
                        else:
                            result = item.work(session)
                    except SQLAlchemyError:
                        if not item.savepoint:
                            raise  # the transaction may be broken: all again, alone
                        outcomes.append((item, None, sys.exc_info()[1]))
                    except Exception as exc:
                        outcomes.append((item, None, exc))
                    else:
                        outcomes.append((item, result, None))
            self.batches += 1
        except Exception:
            for item in batch:
                self._alone(item)
            return
        for item, result, error in outcomes:
            if error is None:
                item.future.set_result(result)
            else:
                item.future.set_exception(error)

    def _alone(self, item: _Item) -> None:
        for attempt in range(5):
            try:
                with unit_of_work(self.engine) as session:
                    _lock_for_writing(session)
                    result = item.work(session)
            except OperationalError as exc:
                if "locked" in str(exc) and attempt < 4:
                    continue
                item.future.set_exception(exc)
            except Exception as exc:
                item.future.set_exception(exc)
            else:
                self.batches += 1
                item.future.set_result(result)
            return


def _lock_for_writing(session: Session) -> None:
    """On SQLite, start the transaction with ``BEGIN IMMEDIATE`` (the write lock at
    once), so that it never reads a snapshot it can no longer write from; PostgreSQL
    locks rows instead."""
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    session.info[LOCKED] = True


_writers: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def for_engine(engine: Engine) -> GroupCommit:
    """The engine's one :class:`GroupCommit` (created on first use)."""
    with _writers_lock:
        found = _writers.get(engine)
        if found is None:
            found = _writers[engine] = GroupCommit(engine)
        return found
