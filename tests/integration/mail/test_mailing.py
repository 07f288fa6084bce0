"""services.mailing end to end: invitations and reminders through the outbox and the
worker to a real SMTP server; personal links that find their invitation; opt-out
through the web page; the reminder schedule; nothing twice."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from gapsight.config import Settings
from gapsight.mail.links import Links
from gapsight.mail.transport import SmtpTransport
from gapsight.services import mailing
from gapsight.services.samples import find_by_token
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import Invitation, OutboxMessage, Response
from gapsight.web.app import create_app
from gapsight.web.secret import secret_key

from .conftest import SmtpServer, study_with_sample

DAY = dt.timedelta(days=1)
CONTACTS = [
    ("anna@example.org", "Anna", "nl"),
    ("bob@example.org", "Bob", "en"),
    ("carla@example.org", None, "nl"),
]


@pytest.fixture
def settings(db_settings: Settings, smtp: SmtpServer) -> Settings:
    return db_settings.with_(
        secret_key="k" * 48,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        base_url="https://survey.example.org",
        mail_from="kto@example.org",
        mail_sender=False,
    )


def _send(settings: Settings, engine: Engine) -> int:
    sender = mailing.build_sender(
        settings, engine, secret_key(settings), transport=SmtpTransport(settings, timeout=5)
    )
    return sender.run_once().sent


def _links(settings: Settings) -> Links:
    return mailing.links_for(settings, secret_key(settings))


def _ids(engine: Engine, study_id: int) -> dict[str, int]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Invitation.email, Invitation.id).where(Invitation.wave_id == study_id)
        ).all()
    return {email: i for email, i in rows}


def test_invitations_arrive_once_in_the_contacts_language_with_a_working_link(
    settings: Settings, smtp: SmtpServer
) -> None:
    engine = make_engine(settings)
    try:
        study_id = study_with_sample(engine, CONTACTS, field_end=dt.date(2026, 12, 31))
        with unit_of_work(engine) as session:
            result = mailing.invite(session, study_id, _links(settings))
        assert (result.enqueued, result.skipped) == (3, 0)
        with unit_of_work(engine) as session:
            again = mailing.invite(session, study_id, _links(settings))
        assert (again.enqueued, again.skipped) == (0, 3)
        assert _send(settings, engine) == 3
        assert _send(settings, engine) == 0
        assert len(smtp.messages) == 3
        anna = smtp.handler.to("anna@example.org")[0]
        bob = smtp.handler.to("bob@example.org")[0]
        assert anna["Subject"] == "Uw mening over Acme: KTO 2026"
        assert bob["Subject"] == "Your opinion of Acme: KTO 2026"
        text = anna.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = anna.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "Beste Anna," in text and "31-12-2026" in text and "Meld u af" in text
        link = re.search(r"https://survey\.example\.org/r/(\S+)", text)
        assert link is not None and link.group(0) in html
        assert anna["List-Unsubscribe"].strip().startswith("<https://survey.example.org/optout/")
        assert anna["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        with unit_of_work(engine) as session:
            found = find_by_token(session, link.group(1))
            assert found is not None and found.email == "anna@example.org"
            assert found.invited_at is not None and found.delivered_at is not None
            bodies = session.scalars(select(OutboxMessage.body_text)).all()
            assert bodies == [None, None, None]  # the links are not kept after sending
    finally:
        engine.dispose()


def test_invitations_only_during_fieldwork(settings: Settings) -> None:
    engine = make_engine(settings)
    try:
        study_id = study_with_sample(engine, CONTACTS, launch=False)
        with unit_of_work(engine) as session, pytest.raises(ValueError, match="fieldwork"):
            mailing.invite(session, study_id, _links(settings))
    finally:
        engine.dispose()


def test_reminders_follow_the_schedule_skip_completed_and_opted_out(
    settings: Settings, smtp: SmtpServer
) -> None:
    engine = make_engine(settings)
    try:
        study_id = study_with_sample(engine, CONTACTS, reminder_days=[7, 14])
        ids = _ids(engine, study_id)
        start = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
        with unit_of_work(engine) as session:
            mailing.invite(session, study_id, _links(settings), now=start)
        assert _send(settings, engine) == 3
        # Anna completes (the respondent pages set the flag); Carla opts out.
        with unit_of_work(engine) as session:
            session.execute(
                update(Invitation)
                .where(Invitation.id == ids["anna@example.org"])
                .values(completed=True)
            )
        client = TestClient(create_app(settings))
        # The personal link in the mail opens the questionnaire (respondent pages).
        mailed = smtp.handler.to("bob@example.org")[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        personal = re.search(r"https://survey\.example\.org(/r/\S+)", mailed)
        assert personal is not None
        opened = client.get(personal.group(1))
        assert opened.status_code == 200, opened.text
        assert client.get("/r/not-a-real-token").status_code == 404
        optout = _links(settings).optout_url(ids["carla@example.org"]).split("example.org", 1)[1]
        page = client.get(optout)  # a link scanner's visit changes nothing
        assert page.status_code == 200 and "Afmelden voor dit onderzoek" in page.text
        with unit_of_work(engine) as session:
            carla = session.get(Invitation, ids["carla@example.org"])
            assert carla is not None and carla.opted_out_at is None
        done = client.post(optout, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200 and "U bent afgemeld" in done.text
        assert client.post(optout).status_code == 200  # idempotent
        assert "U bent afgemeld" in client.get(optout).text
        assert "You have opted out" in client.get(optout + "?lang=en").text
        assert client.get("/optout/forged-token").status_code == 404
        assert client.post("/optout/forged-token").status_code == 404

        def remind(at: dt.datetime) -> int:
            with unit_of_work(engine) as session:
                return mailing.remind(session, study_id, _links(settings), now=at).enqueued

        assert remind(start + 6 * DAY) == 0
        assert remind(start + 7 * DAY) == 1
        assert remind(start + 8 * DAY) == 0  # day 7 already sent
        assert _send(settings, engine) == 1
        reminder = smtp.handler.to("bob@example.org")[-1]
        assert reminder["Subject"] == "Reminder: your opinion of Acme"
        first = smtp.handler.to("bob@example.org")[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        again = reminder.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        link = re.compile(r"https://\S+/r/\S+")
        assert link.findall(first) == link.findall(again)  # the same personal link
        assert remind(start + 14 * DAY) == 1
        assert remind(start + 30 * DAY) == 0
        assert _send(settings, engine) == 1
        assert [m["To"] for m in smtp.messages].count("bob@example.org") == 3
        assert len(smtp.handler.to("carla@example.org")) == 1
        assert len(smtp.handler.to("anna@example.org")) == 1
    finally:
        engine.dispose()


def test_a_linked_complete_response_also_stops_reminders(settings: Settings) -> None:
    engine = make_engine(settings)
    try:
        study_id = study_with_sample(engine, CONTACTS[:1], reminder_days=[3])
        ids = _ids(engine, study_id)
        start = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
        with unit_of_work(engine) as session:
            mailing.invite(session, study_id, _links(settings), now=start)
            study = session.get(Invitation, ids["anna@example.org"])
            assert study is not None
            from gapsight.store.models import Study

            version = session.get(Study, study_id).instrument_version_id  # type: ignore[union-attr]
            session.add(
                Response(
                    wave_id=study_id,
                    instrument_version_id=version,
                    status="complete",
                    anonymous=False,
                    invitation_id=ids["anna@example.org"],
                    vector=b"",
                    answers={},
                )
            )
        with unit_of_work(engine) as session:
            assert (
                mailing.remind(session, study_id, _links(settings), now=start + 5 * DAY).enqueued
                == 0
            )
    finally:
        engine.dispose()
