"""The public signal form (no login): files a signal, acknowledges it with a private
status link only after the commit, tells where disruptions go, and resists bad
input — honeypot, time to submit, oversized fields, markup, floods from one address."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from gapsight.config import Settings
from gapsight.domain.intake import make_stamp
from gapsight.services import organisations
from gapsight.store.database import unit_of_work
from gapsight.store.models import Signal, SignalIntake
from gapsight.web.app import create_app

STAMP = re.compile(r'name="stamp" value="([^"]+)"')
LINK = re.compile(r'href="(http://testserver/signal-status/[^"]+)"')


@pytest.fixture
def org_id(web_engine: Engine) -> int:
    with unit_of_work(web_engine) as session:
        org = organisations.create_organisation(
            session,
            "SSC Noord",
            settings={
                "signals": {
                    "disruption_contact": {
                        "nl": "Bel de servicedesk van ICT-Partner: 0800-1234.",
                        "en": "Call the ICT-Partner service desk: 0800-1234.",
                    }
                }
            },
        )
        return org.id


def _client(settings: Settings, host: str = "203.0.113.7") -> TestClient:
    return TestClient(
        create_app(settings.with_(mail_sender=False)),
        headers={"accept-language": "en"},
        client=(host, 50000),
    )


def _post(
    client: TestClient, settings: Settings, org_id: int, age: float = 60, **fields: Any
) -> Any:
    page = client.get(f"/signal/{org_id}")
    assert page.status_code == 200
    found = STAMP.search(page.text)
    assert found is not None
    stamp = found.group(1)
    if age:  # a person took `age` seconds to fill in the form
        stamp = make_stamp(settings.secret_key or "", time.time() - age)
    data = {
        "stamp": stamp,
        "category": "complaint",
        "description": "The new badge readers reject my card every morning.",
        "client_organisation": "Gemeente Noord",
        "client_group": "Publiekszaken",
        "service_domain": "Facilitair",
        "contact_person": "Mo",
        "contact_email": "mo@noord.example",
        **fields,
    }
    return client.post(f"/signal/{org_id}", data=data, follow_redirects=False)


def _count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Signal)) or 0)


def test_the_form_files_a_signal_and_gives_a_private_status_link(
    sqlite_settings: Settings, web_engine: Engine, org_id: int
) -> None:
    with _client(sqlite_settings) as client:
        form = client.get(f"/signal/{org_id}")
        assert "Call the ICT-Partner service desk: 0800-1234." in form.text
        answer = _post(client, sqlite_settings, org_id)
        dutch = client.get(f"/signal/{org_id}?lang=nl").text
        assert "Bel de servicedesk van ICT-Partner: 0800-1234." in dutch
    assert answer.status_code == 201, answer.text
    link = LINK.search(answer.text)
    assert link is not None
    token = link.group(1).rsplit("/", 1)[1]
    assert len(token) >= 32  # 24 random bytes = 192 bits, base64url
    # committed before the acknowledgement was shown: a fresh app finds it
    with unit_of_work(web_engine) as session:
        signal = session.scalars(select(Signal)).one()
        assert (signal.channel, signal.registrar, signal.status) == ("web_form", "web form", "new")
        assert signal.language == "en"
    with _client(sqlite_settings, host="198.51.100.1") as stranger:
        status = stranger.get(link.group(1).replace("http://testserver", ""))
        assert status.status_code == 200
        assert "Complaint" in status.text and "received" in status.text
        assert stranger.get("/signal-status/" + "x" * 32).status_code == 404
        assert stranger.get("/signal-status/" + token[:-1]).status_code == 404


def test_the_status_page_shows_that_one_signal_and_nothing_internal(
    sqlite_settings: Settings, web_engine: Engine, org_id: int
) -> None:
    with _client(sqlite_settings) as client:
        first = LINK.search(_post(client, sqlite_settings, org_id).text)
        second = _post(
            client,
            sqlite_settings,
            org_id,
            description="Secret of another client: the canteen is too cold.",
            contact_person="Zoe Other",
        )
        assert first is not None and second.status_code == 201
        with unit_of_work(web_engine) as session:
            from gapsight.services import signals

            first_id = session.scalars(select(Signal.id).order_by(Signal.id)).first()
            assert first_id is not None
            signals.add_update(
                session,
                first_id,
                at=signals.dt.datetime.now(signals.dt.UTC),
                by="Staff Member Ann",
                what="Internal: supplier blames the cards",
                kind="note",
            )
            signals.add_update(
                session,
                first_id,
                at=signals.dt.datetime.now(signals.dt.UTC),
                by="Staff Member Ann",
                what="We asked the supplier to replace the readers.",
                kind="client_message",
            )
        page = client.get(first.group(1).replace("http://testserver", "")).text
    assert "We asked the supplier to replace the readers." in page
    assert "acknowledged" in page
    for secret in (
        "Staff Member Ann",
        "Internal",
        "canteen",
        "Zoe Other",
        "mo@noord.example",
        "web form",
        "Gemeente Noord",
    ):
        assert secret not in page


def test_a_disruption_is_referred_and_the_client_told_where_to_go(
    sqlite_settings: Settings, web_engine: Engine, org_id: int
) -> None:
    with _client(sqlite_settings) as client:
        answer = _post(
            client, sqlite_settings, org_id, category="disruption", supplier="ICT-Partner"
        )
    assert answer.status_code == 201
    assert "You reported a disruption" in answer.text
    assert "Call the ICT-Partner service desk: 0800-1234." in answer.text
    with unit_of_work(web_engine) as session:
        assert session.scalars(select(Signal.status)).one() == "referred"


def test_the_honeypot_and_the_time_stamp_stop_robots(
    sqlite_settings: Settings, web_engine: Engine, org_id: int
) -> None:
    with _client(sqlite_settings) as client:
        assert (
            _post(client, sqlite_settings, org_id, website="http://spam.example").status_code == 400
        )
        too_fast = _post(client, sqlite_settings, org_id, age=0)
        assert too_fast.status_code == 422 and "very fast" in too_fast.text
        # what was typed is kept for the next try
        assert "The new badge readers reject my card" in too_fast.text
        forged = _post(client, sqlite_settings, org_id, stamp="1.deadbeef")
        assert forged.status_code == 422
        old = make_stamp(sqlite_settings.secret_key or "", time.time() - 3 * 24 * 3600)
        assert _post(client, sqlite_settings, org_id, stamp=old).status_code == 422
    assert _count(web_engine) == 0


def test_oversized_and_missing_fields_are_refused_with_messages(
    sqlite_settings: Settings, web_engine: Engine, org_id: int
) -> None:
    with _client(sqlite_settings) as client:
        long = _post(client, sqlite_settings, org_id, description="x" * 5001)
        assert long.status_code == 422 and "This text is too long." in long.text
        missing = _post(client, sqlite_settings, org_id, client_group="", category="")
        assert missing.status_code == 422
        assert missing.text.count("Fill in this field.") >= 2
        bad_mail = _post(client, sqlite_settings, org_id, contact_email="not-an-address")
        assert bad_mail.status_code == 422
        huge = client.post(f"/signal/{org_id}", data={"description": "x" * (3 * 1024 * 1024)})
        assert huge.status_code == 400  # Starlette refuses a form field over 1 MB
    assert _count(web_engine) == 0


def test_markup_is_stored_as_text_and_shown_escaped(
    sqlite_settings: Settings, web_engine: Engine, org_id: int
) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with _client(sqlite_settings) as client:
        refused = _post(client, sqlite_settings, org_id, description=attack, client_group="")
        assert refused.status_code == 422
        assert "<script>alert" not in refused.text and "&lt;script&gt;" in refused.text
        answer = _post(
            client, sqlite_settings, org_id, description=attack, contact_person=attack[:150]
        )
        assert answer.status_code == 201
    with unit_of_work(web_engine) as session:
        assert session.scalars(select(Signal.description)).one() == attack


def test_floods_from_one_address_are_rate_limited(
    sqlite_settings: Settings, web_engine: Engine, org_id: int
) -> None:
    with _client(sqlite_settings, host="192.0.2.50") as flood:
        codes = [_post(flood, sqlite_settings, org_id).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]
    with _client(sqlite_settings, host="192.0.2.51") as neighbour:
        assert _post(neighbour, sqlite_settings, org_id).status_code == 201
    assert _count(web_engine) == 6
    with unit_of_work(web_engine) as session:
        hashes = set(session.scalars(select(SignalIntake.address_hash)))
    assert len(hashes) == 2 and not any("192.0.2" in h for h in hashes)


def test_an_unknown_organisation_or_a_switched_off_form_is_404(
    sqlite_settings: Settings, web_engine: Engine
) -> None:
    with unit_of_work(web_engine) as session:
        org = organisations.create_organisation(
            session, "Closed", settings={"signals": {"public_form": False}}
        )
        closed = org.id
    with _client(sqlite_settings) as client:
        assert client.get("/signal/999").status_code == 404
        assert client.get(f"/signal/{closed}").status_code == 404


def test_configured_client_groups_are_the_only_choices(
    sqlite_settings: Settings, web_engine: Engine
) -> None:
    with unit_of_work(web_engine) as session:
        org = organisations.create_organisation(
            session, "SSC", settings={"signals": {"client_groups": ["Onderwijs", "Zorg"]}}
        ).id
    with _client(sqlite_settings) as client:
        assert '<option value="Zorg">Zorg</option>' in client.get(f"/signal/{org}").text
        assert _post(client, sqlite_settings, org, client_group="Publiekszaken").status_code == 422
        assert _post(client, sqlite_settings, org, client_group="Zorg").status_code == 201
    assert _count(web_engine) == 1
