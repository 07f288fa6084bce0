"""Flag e-mails through the real outbox and a real SMTP server (aiosmtpd): delivered
once when the server was down as the flag fired, once with two workers, and case
reminders/escalations once however often the clock tick and the sender run."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from gapsight.config import Settings
from gapsight.mail import outbox
from gapsight.mail.transport import SmtpTransport
from gapsight.mail.worker import Sender
from gapsight.services import cases
from gapsight.store.database import make_engine, unit_of_work

from ..services.loop_helpers import complete, loop_study
from .conftest import SmtpServer

AMS = ZoneInfo("Europe/Amsterdam")
FLAGGED = dt.datetime(2026, 4, 24, 10, 0, tzinfo=AMS)


class Clock:
    """A clock the test moves forward (to step over the retry backoff)."""

    def __init__(self) -> None:
        self.now = outbox.utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def _transport(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport(
        Settings(smtp_host="127.0.0.1", smtp_port=server.port, mail_sender=False), timeout=5
    )


def test_server_down_when_the_flag_fires_delivers_once_after_it_is_back(
    db_engine: Engine, smtp_down: SmtpServer
) -> None:
    _, tokens = loop_study(db_engine)
    complete(
        db_engine, next(iter(tokens.values())), {"cvs_recommend": "4"}, anonymous=False, now=FLAGGED
    )
    clock = Clock()
    sender = Sender(db_engine, _transport(smtp_down), sender_address="gs@x.org", clock=clock)
    assert sender.run_once().retried == 1  # the server is down
    assert sender.run_once().claimed == 0  # not due before the backoff has passed
    smtp_down.start()
    clock.advance(outbox.backoff(1))
    assert sender.run_once().sent == 1
    for _ in range(3):
        clock.advance(3600)
        assert sender.run_once().claimed == 0
    (mail,) = smtp_down.messages
    assert mail["To"] == "flags@veldhuis.example"
    assert mail["Subject"] == "Signalering: Klant 0 (KTO 2026)"
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "klant0@example.org" in plain and "Antwoord: 4" in plain
    assert "https://gapsight.example/cases/1" in html


def test_two_workers_deliver_each_flag_once(db_settings: Settings, smtp: SmtpServer) -> None:
    engines = [make_engine(db_settings) for _ in range(2)]
    try:
        _, tokens = loop_study(engines[0], n=6)
        for i, token in enumerate(tokens.values()):
            value = "2" if i % 2 else "10"
            complete(engines[0], token, {"cvs_recommend": value}, anonymous=False, now=FLAGGED)
        counts = [0, 0]

        def work(index: int) -> None:
            sender = Sender(
                engines[index], _transport(smtp), sender_address="gs@x.org", batch_size=1
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
        subjects = sorted(m["Subject"] for m in smtp.messages)
        assert subjects == sorted(
            f"{'Signalering' if i % 2 else 'Kans'}: Klant {i} (KTO 2026)" for i in range(6)
        )
        assert sum(counts) == 6
        with unit_of_work(engines[0]) as session:
            assert outbox.counts(session, kind="flag") == {
                "pending": 0,
                "sending": 0,
                "sent": 6,
                "failed": 0,
            }
    finally:
        for e in engines:
            e.dispose()


def test_case_reminder_and_escalation_arrive_once(db_engine: Engine, smtp: SmtpServer) -> None:
    _, tokens = loop_study(db_engine)
    complete(
        db_engine, next(iter(tokens.values())), {"cvs_recommend": "1"}, anonymous=False, now=FLAGGED
    )
    sender = Sender(db_engine, _transport(smtp), sender_address="gs@x.org")
    for day, hour in ((1, 9), (1, 17), (4, 12), (5, 9), (6, 9), (7, 9)):
        with unit_of_work(db_engine) as session:
            cases.run_clocks(session, now=dt.datetime(2026, 5, day, hour, tzinfo=AMS))
        sender.run_once()
    assert [(m["To"], m["Subject"]) for m in smtp.messages] == [
        ("flags@veldhuis.example", "Signalering: Klant 0 (KTO 2026)"),
        ("flags@veldhuis.example", "Case 1: doorsturen uiterlijk 2026-05-04"),
        ("coordinator@veldhuis.example", "Case 1: doorsturen is te laat (uiterlijk 2026-05-04)"),
    ]
