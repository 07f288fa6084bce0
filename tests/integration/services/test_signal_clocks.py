"""Signal clocks with an injected clock over weekends and Dutch holidays; reminders and
escalations enter the outbox once and are sent once (fake transport)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from gapsight.domain.calendar import WorkingCalendar
from gapsight.domain.clocks import ClockState
from gapsight.domain.signals import SignalConfig
from gapsight.mail.transport import FakeTransport
from gapsight.mail.worker import Sender
from gapsight.services import signals
from gapsight.services.organisations import create_organisation
from gapsight.store.database import unit_of_work

AMS = ZoneInfo("Europe/Amsterdam")
SETTINGS = {
    "signals": {"coordinator_email": "coord@ssc.example", "status_update_days": 14},
    "calendar": {"liberation_day": "lustrum"},
}


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=AMS)


def _setup(engine: Engine, received: dt.datetime, category: str = "complaint") -> tuple[int, int]:
    with unit_of_work(engine) as session:
        org = create_organisation(session, "SSC", settings=SETTINGS)
        reg = signals.register_signal(
            session,
            org.id,
            {
                "received_at": received,
                "channel": "phone",
                "registrar": "Ann",
                "registrar_email": "ann@ssc.example",
                "client_organisation": "Gemeente A",
                "client_group": "Sociaal domein",
                "service_domain": "Werkplek",
                "supplier": "ICT-Partner",
                "category": category,
                "description": "No laptop",
            },
            now=received,
        )
        return org.id, reg.signal.id


def _run(engine: Engine, org_id: int, now: dt.datetime) -> list[tuple[str, str, str]]:
    with unit_of_work(engine) as session:
        return [
            (m.clock, m.occasion, m.recipient) for m in signals.run_clocks(session, org_id, now=now)
        ]


def test_acknowledge_clock_over_a_weekend_reminds_then_escalates_once(db_engine: Engine) -> None:
    org_id, _ = _setup(db_engine, at(2026, 11, 20, 16))  # Friday; due Tuesday 24th
    assert _run(db_engine, org_id, at(2026, 11, 22, 12)) == []  # Sunday: on time
    assert _run(db_engine, org_id, at(2026, 11, 23, 9)) == [
        ("acknowledge", "reminder", "ann@ssc.example")
    ]
    assert _run(db_engine, org_id, at(2026, 11, 24, 17)) == []  # already reminded
    assert _run(
        db_engine,
        org_id,
        at(
            2026,
            11,
            25,
            0,
        ),
    ) == [("acknowledge", "escalation", "coord@ssc.example")]
    assert _run(db_engine, org_id, at(2026, 11, 26)) == []
    transport = FakeTransport()
    sender = Sender(
        db_engine,
        transport,
        sender_address="gapsight@ssc.example",
        clock=lambda: at(2026, 11, 26, 11).astimezone(dt.UTC),
    )
    assert sender.run_once().sent == 2
    assert sender.run_once().sent == 0
    assert transport.sent[0].recipient == "ann@ssc.example"
    # the organisation's language (Dutch by default): mail/templates/signal_*.nl.*
    assert "(uiterlijk 2026-11-24)" in transport.sent[0].subject
    assert transport.sent[1].subject.startswith("Te laat: signaal 1")
    assert "(termijn 2026-11-24)" in transport.sent[1].subject


def test_christmas_and_the_status_update_cycle(db_engine: Engine) -> None:
    # Thursday 24 Dec 2026: Fri 25 and Sat 26 are holidays/weekend -> due Tue 29 Dec
    org_id, sid = _setup(db_engine, at(2026, 12, 24, 9))
    with unit_of_work(db_engine) as session:
        signal = signals.get_signal(session, sid)
        clocks = signals.signal_clocks(
            signal,
            SignalConfig.from_settings(SETTINGS["signals"]),
            WorkingCalendar(),
        )
        assert clocks["acknowledge"].due_date == dt.date(2026, 12, 29)
        # complaint: 10 working days after 24 Dec: 28-31 Dec (4), 4-8 Jan (5), 11 Jan
        # (New Year's Day skipped)
        assert clocks["resolution"].due_date == dt.date(2027, 1, 11)
    assert _run(db_engine, org_id, at(2026, 12, 28, 9)) == [
        ("acknowledge", "reminder", "ann@ssc.example")
    ]
    with unit_of_work(db_engine) as session:
        signals.add_update(
            session,
            sid,
            at=at(2026, 12, 29, 11),
            by="Ann",
            what="We are on it",
            kind="client_message",
        )
        signal = signals.get_signal(session, sid)
        ack = signals.signal_clocks(
            signal,
            SignalConfig.from_settings(SETTINGS["signals"]),
            WorkingCalendar(),
        )["acknowledge"]
        assert ack.state(at(2027, 2, 1)) is ClockState.MET_ON_TIME
    # resolution reminder two working days before 11 Jan (Thu 7); status update due
    # 14 days after 29 Dec = 12 Jan, reminder two days before (10 Jan)
    assert _run(db_engine, org_id, at(2027, 1, 6, 9)) == []
    assert _run(db_engine, org_id, at(2027, 1, 7, 9)) == [
        ("resolution", "reminder", "ann@ssc.example")
    ]
    assert _run(db_engine, org_id, at(2027, 1, 10, 9)) == [
        ("status_update", "reminder", "ann@ssc.example")
    ]
    # a new message restarts the status-update clock: a new cycle, a new reminder later
    with unit_of_work(db_engine) as session:
        signals.add_update(
            session,
            sid,
            at=at(2027, 1, 11, 9),
            by="Ann",
            what="Still waiting for ICT",
            kind="client_message",
        )
    assert _run(db_engine, org_id, at(2027, 1, 11, 10)) == []
    assert _run(db_engine, org_id, at(2027, 1, 12, 0)) == [
        ("resolution", "escalation", "coord@ssc.example")
    ]
    assert _run(db_engine, org_id, at(2027, 1, 22, 23)) == []
    assert _run(db_engine, org_id, at(2027, 1, 23, 9)) == [
        ("status_update", "reminder", "ann@ssc.example")
    ]
    assert _run(db_engine, org_id, at(2027, 1, 23, 10)) == []


def test_referred_signals_have_no_running_clocks(db_engine: Engine) -> None:
    org_id, _ = _setup(db_engine, at(2026, 11, 20, 16), category="disruption")
    assert _run(db_engine, org_id, at(2026, 12, 31)) == []
