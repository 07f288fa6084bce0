"""Group commit (gapsight.store.group_commit) on both databases: batches, isolation of
a failing item, and nothing acknowledged that was not committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gapsight.store.group_commit import GroupCommit, for_engine
from gapsight.store.models import Organisation


def _add(name: str) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        session.add(Organisation(name=name))
        return name

    return work


def _names(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(Organisation.name)))


def _queue_behind_a_gate(
    writer: GroupCommit, works: list[Callable[[Session], object]]
) -> list[Future[object]]:
    """Hold the writer in a first item until all ``works`` are queued, so that they
    form one batch."""
    gate, entered = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        entered.set()
        gate.wait(10)

    first = writer.submit(hold)
    entered.wait(10)
    futures = [writer.submit(w) for w in works]
    gate.set()
    first.result(10)
    return futures


def test_queued_items_share_one_commit(db_engine: Engine) -> None:
    writer = GroupCommit(db_engine)
    futures = _queue_behind_a_gate(writer, [_add(f"org {i}") for i in range(20)])
    assert [f.result(10) for f in futures] == [f"org {i}" for i in range(20)]
    assert writer.batches == 2  # the gate's batch, then all twenty together
    assert {f"org {i}" for i in range(20)} <= _names(db_engine)


def test_a_failing_item_is_rolled_back_alone(db_engine: Engine) -> None:
    writer = GroupCommit(db_engine)

    def half_then_fail(session: Session) -> None:
        session.add(Organisation(name="half"))
        session.flush()
        raise ValueError("changed my mind")

    futures = _queue_behind_a_gate(writer, [_add("before"), half_then_fail, _add("after")])
    assert futures[0].result(10) == "before"
    with pytest.raises(ValueError, match="changed my mind"):
        futures[1].result(10)
    assert futures[2].result(10) == "after"
    names = _names(db_engine)
    assert {"before", "after"} <= names
    assert "half" not in names


def test_a_database_error_without_savepoint_reruns_the_others_alone(db_engine: Engine) -> None:
    writer = GroupCommit(db_engine)

    def duplicate(session: Session) -> None:
        session.add(Organisation(id=1, name="one"))
        session.add(Organisation(id=1, name="the same id"))
        session.flush()

    gate, entered = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        entered.set()
        gate.wait(10)

    writer.submit(hold)
    entered.wait(10)
    ok = writer.submit(_add("unaffected"), savepoint=False)
    bad = writer.submit(duplicate, savepoint=False)
    gate.set()
    assert ok.result(10) == "unaffected"
    with pytest.raises(IntegrityError):
        bad.result(10)
    assert "unaffected" in _names(db_engine)
    assert "the same id" not in _names(db_engine)


def test_one_writer_per_engine_and_its_thread_ends_when_idle(db_engine: Engine) -> None:
    writer = for_engine(db_engine)
    assert for_engine(db_engine) is writer
    quick = GroupCommit(db_engine, idle_seconds=0.05)
    counted = quick.run(lambda s: s.scalar(select(func.count()).select_from(Organisation)))
    assert counted is not None
    lane = quick._lanes[0]
    thread = lane._thread
    if thread is not None:
        thread.join(5)
    assert lane._thread is None
    # and it starts again for the next item
    assert quick.run(lambda s: 7) == 7


def test_several_lanes_keep_each_keys_order(db_engine: Engine) -> None:
    """With several lanes (PostgreSQL could use them), the items of one lane key run in
    the order submitted, in one thread; every item is committed (on SQLite the lanes
    take turns with the write lock)."""
    writer = GroupCommit(db_engine, lanes=3)
    seen: dict[str, list[int]] = {}
    lock = threading.Lock()

    def step(key: str, n: int) -> Callable[[Session], None]:
        def work(session: Session) -> None:
            session.add(Organisation(name=f"{key}-{n}"))
            with lock:
                seen.setdefault(key, []).append(n)

        return work

    futures = [
        writer.submit(step(key, n), lane=key) for n in range(20) for key in ("a", "b", "c", "d")
    ]
    for future in futures:
        future.result(30)
    assert seen == {key: list(range(20)) for key in "abcd"}
    assert {f"{k}-{n}" for k in "abcd" for n in range(20)} <= _names(db_engine)
    assert len(for_engine(db_engine)._lanes) == 1
