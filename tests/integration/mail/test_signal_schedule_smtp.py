"""The signals scheduler inside the mail sender (what ``gapsight serve`` runs every
minute), driven by an injected clock from Friday 24 April to Saturday 9 May 2026 —
over two weekends and King's Day (Monday 27 April) — through a real SMTP server:
every reminder, escalation and trend mail arrives once, on the day worked out by hand
below, in the organisation's language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from gapsight.config import Settings
from gapsight.mail.transport import SmtpTransport
from gapsight.services import mailing, signals
from gapsight.services.organisations import create_organisation
from gapsight.store.database import unit_of_work

from .conftest import SmtpServer

AMS = ZoneInfo("Europe/Amsterdam")


def _values(**extra: object) -> dict[str, object]:
    return {
        "channel": "phone",
        "registrar": "Ann",
        "registrar_email": "ann@ssc.example",
        "client_organisation": "Gemeente A",
        "client_group": "Onderwijs",
        "service_domain": "Werkplek",
        **extra,
    }


def test_the_scheduler_sends_each_clock_mail_and_the_trend_mail_once(
    db_settings: Settings, db_engine: Engine, smtp: SmtpServer
) -> None:
    settings = db_settings.with_(
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        mail_sender=False,
        base_url="https://gs.example.org",
    )
    friday = dt.datetime(2026, 4, 24, 16, tzinfo=AMS)
    with unit_of_work(db_engine) as session:
        org = create_organisation(
            session,
            "SSC",
            settings={
                "language": "en",
                "signals": {"coordinator_email": "coord@ssc.example", "status_update_days": 3},
            },
        )
        # A: a wish nobody acknowledges. 2 working days from Friday, skipping the
        # weekend and King's Day (Mon 27 April): due Wed 29 April; reminder from
        # Tue 28 (1 working day before), escalation from Thu 30 April 00:00.
        a = signals.register_signal(
            session, org.id, _values(category="wish", description="A: portal"), now=friday
        ).signal.id
        # B: a complaint acknowledged at once, then silence. Status update after 3
        # calendar days: due Mon 27, reminder from Sat 25, escalation from Tue 28.
        # Resolution 10 working days (King's Day off, 5 May 2026 worked): due Mon
        # 11 May, reminder from Thu 7 May (2 working days before).
        b = signals.register_signal(
            session, org.id, _values(category="complaint", description="B: laptop"), now=friday
        ).signal.id
        signals.add_update(
            session, b, at=friday, by="Ann", what="We are on it.", kind="client_message"
        )
        # The planted trend: 5 closed compliments about printers in April, none
        # before (μ = 0.5, P(X ≥ 5) ≈ 0.00017): theme and category rising → two mails
        # to the coordinator from Fri 1 May, about April.
        for day in (1, 6, 9, 14, 20):
            signals.register_signal(
                session,
                org.id,
                _values(
                    received_at=dt.datetime(2026, 4, day, 10, tzinfo=AMS),
                    category="compliment",
                    description="Printers fixed quickly",
                    theme_tags="printers",
                    status="closed",
                    resolution="Thanked the team",
                ),
                now=friday,
            )
    moment = [friday]
    sender = mailing.build_sender(
        settings,
        db_engine,
        "s" * 48,
        transport=SmtpTransport(settings, timeout=5),
        clock=lambda: moment[0].astimezone(dt.UTC),
    )
    arrivals: list[tuple[str, str, str]] = []
    now = friday + dt.timedelta(hours=2)
    while now < dt.datetime(2026, 5, 9, tzinfo=AMS):
        moment[0] = now
        before = len(smtp.messages)
        sender.run_tasks()
        sender.run_once()
        for m in smtp.messages[before:]:
            arrivals.append((now.strftime("%a %d %b"), str(m["To"]), str(m["Subject"]).strip()))
        now += dt.timedelta(hours=3)
    assert arrivals == [
        (
            "Sat 25 Apr",
            "ann@ssc.example",
            f"Signal {b}: send the client a status update (due 2026-04-27)",
        ),
        ("Tue 28 Apr", "ann@ssc.example", f"Signal {a}: acknowledge the client (due 2026-04-29)"),
        (
            "Tue 28 Apr",
            "coord@ssc.example",
            f"Overdue: signal {b}: send the client a status update (deadline 2026-04-27)",
        ),
        (
            "Thu 30 Apr",
            "coord@ssc.example",
            f"Overdue: signal {a}: acknowledge the client (deadline 2026-04-29)",
        ),
        ("Fri 01 May", "coord@ssc.example", "Signals 2026-04: 1 trend(s) worth a closer look"),
        ("Fri 01 May", "coord@ssc.example", "Signals 2026-04: 1 trend(s) worth a closer look"),
        ("Thu 07 May", "ann@ssc.example", f"Signal {b}: resolve the signal (due 2026-05-11)"),
    ]
    trend_mails = [m for m in smtp.messages if "trend" in str(m["Subject"])]
    texts = [m.get_body(("plain",)).get_content() for m in trend_mails]  # type: ignore[union-attr]
    assert any("- printers (rising): 5 this month, 0.5 expected" in t for t in texts)
    assert any("- Compliment (rising): 5 this month" in t for t in texts)
    reminder = smtp.messages[1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"https://gs.example.org/signals/{a}" in reminder and "A: portal" in reminder
