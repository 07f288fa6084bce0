"""The mail worker against a real SMTP server (aiosmtpd): delivered once, bounces,
the server down and back, and two workers sharing one database (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine, select

from gapsight.config import Settings
from gapsight.mail import outbox
from gapsight.mail.transport import SmtpTransport
from gapsight.mail.worker import Sender
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import Invitation, OutboxMessage

from .conftest import SmtpServer, study_with_sample


def _transport(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport(Settings(smtp_host="127.0.0.1", smtp_port=server.port), timeout=5)


def _enqueue(engine: Engine, n: int, invitation_ids: list[int] | None = None) -> None:
    with unit_of_work(engine) as session:
        for i in range(n):
            outbox.enqueue(
                session,
                kind="test",
                dedupe_key=f"test:{i}",
                recipient=f"person{i}@example.org",
                subject=f"Message {i}",
                text=f"Hello {i}",
                html=f"<p>Hello {i}</p>",
                invitation_id=invitation_ids[i] if invitation_ids else None,
            )


class Clock:
    """A clock the test moves forward (to step over the retry backoff)."""

    def __init__(self) -> None:
        self.now = outbox.utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def test_messages_are_delivered_once_with_both_parts(db_engine: Engine, smtp: SmtpServer) -> None:
    _enqueue(db_engine, 3)
    sender = Sender(db_engine, _transport(smtp), sender_address="gs@example.org")
    assert sender.run_once().sent == 3
    assert sender.run_once().claimed == 0
    assert sorted(m["To"] for m in smtp.messages) == [f"person{i}@example.org" for i in range(3)]
    first = smtp.handler.to("person0@example.org")[0]
    assert first["From"] == "gs@example.org"
    assert first.get_body(("plain",)).get_content().strip() == "Hello 0"  # type: ignore[union-attr]
    assert "<p>Hello 0</p>" in first.get_body(("html",)).get_content()  # type: ignore[union-attr]
    with unit_of_work(db_engine) as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"sent"}
        assert all(r.sent_at is not None and r.body_text is None for r in rows)


def test_server_down_then_back_delivers_once(db_engine: Engine, smtp_down: SmtpServer) -> None:
    _enqueue(db_engine, 2)
    clock = Clock()
    sender = Sender(db_engine, _transport(smtp_down), sender_address="gs@x.org", clock=clock)
    assert sender.run_once().retried == 2
    with unit_of_work(db_engine) as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"pending"}
        assert all(r.attempts == 1 and "Connection" in (r.last_error or "") for r in rows)
    assert sender.run_once().claimed == 0  # not due before the backoff has passed
    smtp_down.start()
    clock.advance(outbox.backoff(1))
    assert sender.run_once().sent == 2
    clock.advance(3600)
    assert sender.run_once().claimed == 0
    assert sorted(m["To"] for m in smtp_down.messages) == [
        "person0@example.org",
        "person1@example.org",
    ]


def test_refused_recipient_bounces_the_invitation_and_is_not_retried(
    db_engine: Engine, smtp: SmtpServer
) -> None:
    study_id = study_with_sample(
        db_engine, [("ok@example.org", "Ok", "nl"), ("gone@example.org", None, "en")]
    )
    with unit_of_work(db_engine) as session:
        ids = list(
            session.scalars(
                select(Invitation.id).where(Invitation.wave_id == study_id).order_by(Invitation.id)
            )
        )
        for i, (invitation_id, address) in enumerate(
            zip(ids, ["ok@example.org", "gone@example.org"], strict=True)
        ):
            outbox.enqueue(
                session,
                kind="invitation",
                dedupe_key=f"invitation:{invitation_id}",
                recipient=address,
                subject="s",
                text=f"t{i}",
                invitation_id=invitation_id,
            )
    smtp.handler.refuse["gone@example.org"] = "550 5.1.1 no such user"
    clock = Clock()
    sender = Sender(db_engine, _transport(smtp), sender_address="gs@x.org", clock=clock)
    result = sender.run_once()
    assert (result.sent, result.failed) == (1, 1)
    clock.advance(24 * 3600)
    assert sender.run_once().claimed == 0
    with unit_of_work(db_engine) as session:
        ok, gone = (session.get(Invitation, i) for i in ids)
        assert ok is not None and gone is not None
        assert ok.delivered_at is not None and ok.bounced_at is None
        assert gone.bounced_at is not None and gone.delivered_at is None
        failed = session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "gone@example.org")
        ).one()
        assert failed.status == "failed" and "550" in (failed.last_error or "")
    assert [m["To"] for m in smtp.messages] == ["ok@example.org"]


def test_temporary_refusal_is_retried(db_engine: Engine, smtp: SmtpServer) -> None:
    _enqueue(db_engine, 1)
    smtp.handler.refuse["person0@example.org"] = "451 4.7.1 greylisted, try again later"
    clock = Clock()
    sender = Sender(db_engine, _transport(smtp), sender_address="gs@x.org", clock=clock)
    assert sender.run_once().retried == 1
    smtp.handler.refuse.clear()
    clock.advance(outbox.backoff(1))
    assert sender.run_once().sent == 1
    assert len(smtp.messages) == 1


def test_two_workers_on_one_database_send_each_message_once(
    db_settings: Settings, smtp: SmtpServer
) -> None:
    n = 40
    engines = [make_engine(db_settings) for _ in range(2)]
    try:
        _enqueue(engines[0], n)
        counts = [0, 0]

        def work(index: int) -> None:
            sender = Sender(
                engines[index], _transport(smtp), sender_address="gs@x.org", batch_size=3
            )
            while True:
                result = sender.run_once()
                if result.claimed == 0:
                    return
                counts[index] += result.sent

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        received = sorted(m["To"] for m in smtp.messages)
        assert received == sorted(f"person{i}@example.org" for i in range(n))
        assert sum(counts) == n
        with unit_of_work(engines[0]) as session:
            assert outbox.counts(session) == {"pending": 0, "sending": 0, "sent": n, "failed": 0}
    finally:
        for e in engines:
            e.dispose()


def test_a_refused_sender_address_is_our_problem_not_a_bounce(
    db_engine: Engine, smtp: SmtpServer
) -> None:
    study_id = study_with_sample(db_engine, [("ok@example.org", None, "nl")])
    with unit_of_work(db_engine) as session:
        invitation_id = session.scalars(
            select(Invitation.id).where(Invitation.wave_id == study_id)
        ).one()
        outbox.enqueue(
            session,
            kind="invitation",
            dedupe_key="invitation:x",
            recipient="ok@example.org",
            subject="s",
            text="t",
            invitation_id=invitation_id,
        )
    smtp.handler.refuse_sender = "553 5.7.1 sender address rejected"
    clock = Clock()
    sender = Sender(db_engine, _transport(smtp), sender_address="bad@x.org", clock=clock)
    assert sender.run_once().retried == 1
    smtp.handler.refuse_sender = None
    clock.advance(outbox.backoff(1))
    assert sender.run_once().sent == 1
    with unit_of_work(db_engine) as session:
        invitation = session.get(Invitation, invitation_id)
        assert invitation is not None
        assert invitation.bounced_at is None and invitation.delivered_at is not None
