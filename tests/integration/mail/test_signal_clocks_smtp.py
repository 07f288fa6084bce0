"""Signal reminders and escalations through the real outbox and a real SMTP server
(aiosmtpd): each arrives once, however often the clocks and the sender run."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from gapsight.config import Settings
from gapsight.mail.transport import SmtpTransport
from gapsight.mail.worker import Sender
from gapsight.services import signals
from gapsight.services.organisations import create_organisation
from gapsight.store.database import unit_of_work

from .conftest import SmtpServer

AMS = ZoneInfo("Europe/Amsterdam")


def test_each_reminder_and_escalation_arrives_once(
    db_settings: Settings, db_engine: Engine, smtp: SmtpServer
) -> None:
    settings = db_settings.with_(smtp_host="127.0.0.1", smtp_port=smtp.port, mail_sender=False)
    received = dt.datetime(2026, 4, 30, 15, tzinfo=AMS)  # a Thursday
    with unit_of_work(db_engine) as session:
        org = create_organisation(
            session,
            "SSC",
            settings={"language": "en", "signals": {"coordinator_email": "coord@ssc.example"}},
        )
        signals.register_signal(
            session,
            org.id,
            {
                "received_at": received,
                "channel": "web_form",
                "registrar": "Ann",
                "registrar_email": "ann@ssc.example",
                "client_organisation": "Gemeente A",
                "client_group": "Sociaal domein",
                "service_domain": "Werkplek",
                "category": "wish",
                "description": "Please add a self-service portal",
            },
            now=received,
        )
        org_id = org.id
    sender = Sender(
        db_engine, SmtpTransport(settings, timeout=5), sender_address="gapsight@ssc.example"
    )
    # Thu 30 April 2026 + 2 working days = Mon 4 May (Fri 1 May works; 5 May is no
    # lustrum year's holiday): reminder on Fri 1 May, escalation from Tue 5 May 00:00.
    for hour in (9, 12, 18):
        with unit_of_work(db_engine) as session:
            signals.run_clocks(session, org_id, now=dt.datetime(2026, 5, 1, hour, tzinfo=AMS))
        sender.run_once()
    for day in (5, 6):
        with unit_of_work(db_engine) as session:
            signals.run_clocks(session, org_id, now=dt.datetime(2026, 5, day, 9, tzinfo=AMS))
        sender.run_once()
    assert [(m["To"], m["Subject"].strip()) for m in smtp.messages] == [
        ("ann@ssc.example", "Signal 1: acknowledge the client (due 2026-05-04)"),
        ("coord@ssc.example", "Overdue: signal 1: acknowledge the client (deadline 2026-05-04)"),
    ]
    body = smtp.messages[1].get_body(("plain",))
    assert body is not None and "Please add a self-service portal" in body.get_content()
