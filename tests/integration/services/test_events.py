"""Event surveys: interactions registered by API and import, a sampled share invited
through the survey machinery (one invitation per person per wave), answers routed
once to the department that delivered the service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from gapsight.config import Settings
from gapsight.domain.problems import InvalidInput
from gapsight.io.table import ImportRejected
from gapsight.services import api_tokens, events, mailing, respondent
from gapsight.services.organisations import create_organisation
from gapsight.services.respondent import Link
from gapsight.services.studies import create_study, set_status
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation, OutboxMessage, ServiceEvent, User
from gapsight.web.app import create_app
from gapsight.web.secret import secret_key

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 3, 16, 12, tzinfo=AMS)


def _setup(engine: Engine, share: float = 0.5) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        org = create_organisation(
            session,
            "SSC",
            settings={
                "language": "en",
                "events": {
                    "share": share,
                    "departments": {
                        "Servicedesk": "servicedesk@ssc.example",
                        "Facilitair": "fac@ssc.example",
                    },
                },
            },
        )
        study = create_study(
            session,
            organisation_id=org.id,
            name="Contact survey 2026",
            kind="customer",
            instrument="event",
            anonymity_mode="identified",
        )
        set_status(session, study.id, "fieldwork")
        return org.id, study.id


def _event(i: int, **over: Any) -> dict[str, Any]:
    return {
        "occurred_at": NOW - dt.timedelta(hours=i),
        "kind": "helpdesk",
        "department": "Servicedesk" if i % 2 else "Facilitair",
        "email": f"client{i}@gemeente.example",
        "name": f"Client {i}",
        "language": "en",
        "reference": f"INC-{i}",
        **over,
    }


def test_a_sampled_share_is_invited_once_per_person(
    db_settings: Settings, db_engine: Engine
) -> None:
    _org, study = _setup(db_engine, share=0.5)
    links = mailing.links_for(db_settings, "s" * 48)
    rows = [_event(i) for i in range(40)] + [_event(i, reference=f"INC-{i}b") for i in range(10)]
    with unit_of_work(db_engine) as session:
        result = events.record_events(session, study, rows, links=links, now=NOW)
    with unit_of_work(db_engine) as session:
        stored = session.scalars(select(ServiceEvent).order_by(ServiceEvent.id)).all()
        # every event's fate follows its draw: sampled when draw < share
        for e in stored:
            assert (e.outcome != "not_sampled") == (events.draw(study, e.id) < 0.5)
        sampled = [e for e in stored if e.outcome != "not_sampled"]
        invited = [e for e in stored if e.outcome == "invited"]
        assert result.recorded == 50 and result.sampled == len(sampled)
        assert 15 <= len(sampled) <= 35  # about half of 50
        # the ten repeat contacts of clients 0-9: asked again only if not yet invited
        emails = [e.email for e in invited]
        assert len(emails) == len(set(emails)) == result.invited
        assert result.already_invited == len(sampled) - len(invited)
        invitations = session.scalars(select(Invitation)).all()
        assert {i.email for i in invitations} == set(emails)
        assert all(
            i.characteristics["department"] in {"Servicedesk", "Facilitair"} for i in invitations
        )
        mails = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "invitation")
        ).all()
        assert len(mails) == result.invited == result.enqueued


def test_nothing_is_stored_for_bad_events_or_a_wrong_study(
    db_settings: Settings, db_engine: Engine
) -> None:
    org, study = _setup(db_engine)
    links = mailing.links_for(db_settings, "s" * 48)
    with unit_of_work(db_engine) as session, pytest.raises(InvalidInput) as err:
        events.record_events(
            session,
            study,
            [_event(1), _event(2, email="nope", department=""), _event(3, occurred_at=None)],
            links=links,
            now=NOW,
        )
    assert {p.field for p in err.value.problems} == {
        "events[1].email",
        "events[1].department",
        "events[2].occurred_at",
    }
    with unit_of_work(db_engine) as session:
        assert session.scalars(select(ServiceEvent)).all() == []
        kto = create_study(
            session, organisation_id=org, name="KTO", kind="customer", instrument="kto"
        ).id
    with unit_of_work(db_engine) as session, pytest.raises(ValueError, match="event"):
        events.record_events(session, kto, [_event(1)], links=links, now=NOW)


def test_import_is_all_or_nothing(db_settings: Settings, db_engine: Engine, tmp_path: Path) -> None:
    _org, study = _setup(db_engine, share=1.0)
    links = mailing.links_for(db_settings, "s" * 48)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Datum;Soort;Afdeling;E-mail;Naam\n"
        "16-03-2026 09:00;verzoek;Facilitair;a@x.example;A\n"
        "gisteren;verzoek;Facilitair;b@x.example;B\n",
        encoding="utf-8",
    )
    with unit_of_work(db_engine) as session, pytest.raises(ImportRejected) as err:
        events.import_events(session, study, bad, links=links, now=NOW)
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "Datum")]
    good = tmp_path / "good.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace("gisteren", "16-03-2026"), "utf-8")
    with unit_of_work(db_engine) as session:
        result = events.import_events(session, study, good, links=links, now=NOW)
    assert (result.recorded, result.invited) == (2, 2)


def test_answers_go_once_to_the_department_that_delivered(
    db_settings: Settings, db_engine: Engine
) -> None:
    settings = db_settings.with_(secret_key="s" * 48, mail_sender=False)
    org, study = _setup(db_engine, share=1.0)
    with unit_of_work(db_engine) as session:
        session.add(
            User(
                email="c@ssc.example",
                name="C",
                password_hash="x",
                role="coordinator",
                organisation_id=org,
            )
        )
        session.flush()
        token, _row = api_tokens.create_token(session, user_email="c@ssc.example")
    api = TestClient(create_app(settings))
    body = {
        "events": [
            {
                "occurred_at": "2026-03-16T09:30:00+01:00",
                "kind": "request",
                "department": "Facilitair",
                "email": "ann@gemeente.example",
                "name": "Ann",
                "language": "en",
                "reference": "REQ-1",
            }
        ]
    }
    answer = api.post(
        f"/api/v1/studies/{study}/events", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["invited"] == 1
    with unit_of_work(db_engine) as session:
        invitation = session.scalars(select(Invitation)).one()
    links = mailing.links_for(settings, secret_key(settings))
    link = Link("personal", links.personal_token(invitation.id))
    visit = respondent.visit(db_engine, link)
    values = {"evt_satisfaction": "2", "evt_ces": "3", "evt_improve": "Call me back sooner"}
    for page in visit.survey.pages:
        form = [("_page", str(page.number)), *((c, values.get(c, "")) for c in page.codes)]
        assert respondent.submit(db_engine, link, page.number, form, now=NOW).saved
    for _ in range(2):
        with unit_of_work(db_engine) as session:
            events.route_feedback(session, org, now=NOW)
    with unit_of_work(db_engine) as session:
        routed = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "event_feedback")
        ).all()
        assert [(m.recipient, m.subject) for m in routed] == [
            ("fac@ssc.example", "Feedback on your service (Facilitair): request")
        ]
        text = routed[0].body_text
        assert "Satisfaction with how it was handled (1-5): 2" in text
        assert "What could be better: Call me back sooner" in text
        assert "Ann <ann@gemeente.example>" in text
    not_event = api.post(
        "/api/v1/studies/999/events", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert not_event.status_code == 404
