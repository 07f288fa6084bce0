"""mail.outbox on SQLite and PostgreSQL: dedupe keys, claiming, leases, giving up.
The sending side uses the fake transport here; tests/integration/mail/test_worker.py
uses a real SMTP server."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from gapsight.mail import outbox
from gapsight.mail.transport import FakeTransport
from gapsight.mail.worker import Sender
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation, OutboxMessage

from .conftest import study_with_sample

T0 = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def _put(engine: Engine, key: str, *, invitation_id: int | None = None) -> bool:
    with unit_of_work(engine) as session:
        return outbox.enqueue(
            session,
            kind="test",
            dedupe_key=key,
            recipient="a@example.org",
            subject="s",
            text="t",
            invitation_id=invitation_id,
            now=T0,
        )


def test_the_same_dedupe_key_is_enqueued_once(db_engine: Engine) -> None:
    assert _put(db_engine, "flag:1") is True
    assert _put(db_engine, "flag:1") is False
    assert _put(db_engine, "flag:2") is True
    with unit_of_work(db_engine) as session:
        assert outbox.counts(session)["pending"] == 2


def test_enqueue_rolls_back_with_its_transaction(db_engine: Engine) -> None:
    try:
        with unit_of_work(db_engine) as session:
            outbox.enqueue(
                session, kind="t", dedupe_key="k", recipient="a@x.org", subject="s", text="t"
            )
            raise RuntimeError("the event failed")
    except RuntimeError:
        pass
    with unit_of_work(db_engine) as session:
        assert outbox.counts(session)["pending"] == 0


def test_claimed_rows_are_not_claimed_again_until_the_lease_runs_out(db_engine: Engine) -> None:
    _put(db_engine, "a")
    first = outbox.claim(db_engine, "w1", now=T0)
    assert [c.attempt for c in first] == [1]
    assert outbox.claim(db_engine, "w2", now=T0 + dt.timedelta(minutes=5)) == []
    later = T0 + outbox.LEASE + dt.timedelta(seconds=1)
    second = outbox.claim(db_engine, "w2", now=later)
    assert [c.attempt for c in second] == [2]
    # The first worker's lease is gone: its late result changes nothing.
    assert outbox.mark_sent(db_engine, first[0], "w1", now=later) is False
    assert outbox.mark_sent(db_engine, second[0], "w2", now=later) is True
    with unit_of_work(db_engine) as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.status == "sent" and row.locked_by == "w2"


def test_messages_not_due_yet_wait(db_engine: Engine) -> None:
    _put(db_engine, "a")
    assert outbox.claim(db_engine, "w", now=T0 - dt.timedelta(seconds=1)) == []
    assert len(outbox.claim(db_engine, "w", now=T0)) == 1


def test_transient_failures_give_up_after_max_attempts_without_bouncing(
    db_engine: Engine,
) -> None:
    study_id = study_with_sample(db_engine, [("a@example.org", None, "nl")])
    with unit_of_work(db_engine) as session:
        invitation_id = session.scalars(
            select(Invitation.id).where(Invitation.wave_id == study_id)
        ).one()
    _put(db_engine, "a", invitation_id=invitation_id)
    fake = FakeTransport()
    fake.go_down(times=100)
    now = [T0]
    sender = Sender(
        db_engine, fake, sender_address="gs@x.org", max_attempts=3, clock=lambda: now[0]
    )
    outcomes = []
    for _ in range(5):
        outcomes.append(sender.run_once())
        now[0] += dt.timedelta(hours=2)
    assert [(r.retried, r.failed) for r in outcomes] == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    with unit_of_work(db_engine) as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.attempts, row.body_text) == ("failed", 3, None)
        invitation = session.get(Invitation, invitation_id)
        assert invitation is not None and invitation.bounced_at is None
    assert fake.sent == []


def test_periodic_tasks_run_and_their_errors_do_not_stop_the_sender(db_engine: Engine) -> None:
    calls: list[str] = []

    def broken() -> None:
        calls.append("broken")
        raise RuntimeError("boom")

    sender = Sender(
        db_engine,
        FakeTransport(),
        sender_address="gs@x.org",
        tasks=[broken, lambda: calls.append("ok")],
    )
    sender.run_tasks()
    assert calls == ["broken", "ok"]


class _Broken:
    def send(self, message: object) -> None:
        raise ValueError("header contains a newline")


def test_an_unexpected_error_while_sending_is_retried_not_stuck(db_engine: Engine) -> None:
    _put(db_engine, "a")
    _put(db_engine, "b")
    sender = Sender(db_engine, _Broken(), sender_address="gs@x.org", clock=lambda: T0)
    assert sender.run_once().retried == 2
    with unit_of_work(db_engine) as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"pending"}
        assert all("ValueError" in (r.last_error or "") for r in rows)
