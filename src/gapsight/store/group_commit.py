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
2. a writer thread takes everything queued (up to ``max_batch`` items), opens one
   transaction, takes SQLite's write lock at once, and runs each ``work`` in its own
   ``SAVEPOINT``: an exception rolls back that item only and is handed to its caller
   (work that raises only before it writes can skip the savepoint);
3. it flushes and commits once — the items run without autoflush, so the ORM writes
   the batch's changed rows together (one ``executemany`` per table and column set)
   — and only then resolves the futures — **no caller hears of success
   before its data is durable**, exactly as with a commit per item.

If the batch's commit (or ``BEGIN``) fails, every item is run again in a transaction
of its own, so one item cannot make the others fail (a rolled-back ``work`` left
nothing behind, so running it again is safe). Items of one *lane* run in arrival
order, in one thread; the respondent pages put every request of a link in the same
lane, so two requests for the same link are serialised as they would be by the
database's own locks. Both databases get one lane (:data:`POSTGRES_LANES`): SQLite
admits one writer at a time anyway, and on PostgreSQL — where lanes could run side by
side, since their transactions lock disjoint rows — more lanes were measured to be
*slower* (the page save is bound by the process's one interpreter lock, not by the
database: four lanes gave 300–525 page saves/s, two 537/s, one 522–600/s, with the
p99 at 25 % of the ceiling 148–288 ms against 44–115 ms; ``benchmarks/RESULTS.md``).
Another process writing the same database is kept out by SQLite's lock or
PostgreSQL's row locks as before.

On SQLite a background thread checkpoints the write-ahead log while pages come in
(:meth:`GroupCommit._checkpoints`), so that no commit has to.

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
import time
import weakref
import zlib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from gapsight.store.database import unit_of_work

__all__ = ["CHECKPOINT_SECONDS", "LOCKED", "POSTGRES_LANES", "GroupCommit", "for_engine"]

T = TypeVar("T")

LOCKED = "write_locked"
"""Key in ``session.info``: the transaction already holds the database write lock."""


@dataclass
class _Item:
    work: Callable[[Session], Any]
    savepoint: bool = True
    future: Future[Any] = field(default_factory=Future)


class GroupCommit:
    """Runs units of work for one engine in batches, one commit per batch.

    ``lanes`` writer threads (each with its own queue and transaction) run batches
    side by side — only useful on PostgreSQL, whose transactions lock rows one by
    one, and only when the database rather than this process's CPU is the limit (not
    so for the page save: :func:`for_engine` uses one). Items with the same ``lane``
    key go to the same lane, in order.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        max_batch: int = 64,
        idle_seconds: float = 2.0,
        lanes: int = 1,
    ):
        self._engine = weakref.ref(engine)
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._lanes = [_Lane(self) for _ in range(max(1, lanes))]
        self._count_lock = threading.Lock()
        self._checkpointer: threading.Thread | None = None
        self._last_commit = time.monotonic()
        self.batches = 0
        """Transactions committed so far (for tests and benchmarks)."""
        self.checkpoints = 0
        """Background WAL checkpoints run so far (SQLite)."""

    @property
    def engine(self) -> Engine:
        """The engine written to (held weakly: the engine owns its writer)."""
        engine = self._engine()
        if engine is None:
            raise RuntimeError("the engine of this GroupCommit was disposed of")
        return engine

    def submit(
        self, work: Callable[[Session], T], *, savepoint: bool = True, lane: str | None = None
    ) -> Future[T]:
        """Queue ``work``; its future holds what it returned (after the commit) or
        what it raised.

        ``savepoint=False`` skips the item's ``SAVEPOINT`` (two statements fewer) for
        work that *raises only before it changes anything*; a database error in it
        (``SQLAlchemyError``, also at the batch's flush) then abandons the whole batch,
        whose items all run again alone. Items run without autoflush: a query does
        not see rows that earlier items of the batch added (changed rows already loaded
        are the same objects, so their changes are seen). Items with the same ``lane``
        key run in one lane, in the order submitted.
        """
        item = _Item(work, savepoint)
        index = zlib.crc32(lane.encode()) % len(self._lanes) if lane else 0
        self._lanes[index].put(item)
        if self.engine.dialect.name == "sqlite":
            with self._count_lock:
                if self._checkpointer is None:
                    self._checkpointer = threading.Thread(
                        target=self._checkpoints, name="gapsight-wal-checkpoint", daemon=True
                    )
                    self._checkpointer.start()
        return item.future

    def run(self, work: Callable[[Session], T], *, savepoint: bool = True) -> T:
        """Queue ``work`` and wait for its outcome."""
        return self.submit(work, savepoint=savepoint).result()

    def _committed(self) -> None:
        with self._count_lock:
            self.batches += 1
            self._last_commit = time.monotonic()

    def _checkpoints(self) -> None:
        """SQLite: copy the write-ahead log into the database file in the background.

        SQLite checkpoints by itself when a commit leaves 1000 pages in the log — in
        that commit, which then takes an ``fsync`` of the database file longer (tens
        to hundreds of milliseconds on a busy disk: the largest part of a page save's
        p99). A passive checkpoint every :data:`CHECKPOINT_SECONDS` from this thread
        keeps the log short, so commits never do it; it blocks no reader or writer
        and changes nothing about durability (a commit is durable in the log).
        """
        while True:
            time.sleep(CHECKPOINT_SECONDS)
            engine = self._engine()
            if engine is None:
                return
            try:
                raw = engine.raw_connection()
                try:
                    raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
                finally:
                    raw.close()
                self.checkpoints += 1
            except Exception:  # a failed checkpoint is simply tried again next time
                pass
            del engine
            with self._count_lock:
                if time.monotonic() - self._last_commit > self.idle_seconds:
                    self._checkpointer = None
                    return


class _Lane:
    """One writer thread with its queue; started by the first item, ended when idle."""

    def __init__(self, owner: GroupCommit) -> None:
        self.owner = owner
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def put(self, item: _Item) -> None:
        with self._lock:
            self._queue.put(item)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="gapsight-group-commit", daemon=True
                )
                self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self.owner.idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch = [first]
            while len(batch) < self.owner.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._batch(batch)

    def _batch(self, batch: list[_Item]) -> None:
        outcomes: list[tuple[_Item, Any, BaseException | None]] = []
        try:
            with unit_of_work(self.owner.engine) as session, session.no_autoflush:
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
            self.owner._committed()
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
                with unit_of_work(self.owner.engine) as session:
                    _lock_for_writing(session)
                    result = item.work(session)
            except OperationalError as exc:
                if "locked" in str(exc) and attempt < 4:
                    continue
                item.future.set_exception(exc)
            except Exception as exc:
                item.future.set_exception(exc)
            else:
                self.owner._committed()
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


CHECKPOINT_SECONDS = 0.25
"""How often the SQLite writer's background checkpoint runs while pages come in."""
POSTGRES_LANES = 1
"""Writer lanes on PostgreSQL (each holds one pooled connection while it writes). One:
more lanes only add interpreter-lock contention and smaller batches (see above)."""


def for_engine(engine: Engine) -> GroupCommit:
    """The engine's one :class:`GroupCommit` (created on first use): one lane on
    SQLite, :data:`POSTGRES_LANES` on PostgreSQL."""
    with _writers_lock:
        found = _writers.get(engine)
        if found is None:
            lanes = 1 if engine.dialect.name == "sqlite" else POSTGRES_LANES
            found = _writers[engine] = GroupCommit(engine, lanes=lanes)
        return found
