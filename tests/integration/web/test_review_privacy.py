"""Privacy review checks (docs/review-privacy.md): organisation scope on every study
route of the pages and the API, employee studies anonymous through the API, and the
published fieldwork status not telling a small hidden group from the one hidden with it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from gapsight.config import Settings
from gapsight.services import api_tokens
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation, OutboxMessage, Study
from gapsight.web.app import create_app

from ..services.test_fieldwork import fill_fieldwork
from .helpers import Browser, as_role, small_study


@pytest.fixture
def api(sqlite_settings: Settings) -> TestClient:
    return TestClient(
        create_app(sqlite_settings.with_(mail_sender=False)), raise_server_exceptions=False
    )


def _token(engine: Engine, email: str) -> dict[str, str]:
    with unit_of_work(engine) as session:
        token, _row = api_tokens.create_token(session, user_email=email)
    return {"Authorization": f"Bearer {token}"}


def _state(engine: Engine, study_id: int) -> tuple[str, int, int]:
    with unit_of_work(engine) as session:
        status = session.get(Study, study_id)
        assert status is not None
        invitations = session.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.wave_id == study_id)
        )
        mails = session.scalar(select(func.count()).select_from(OutboxMessage))
        return status.status, int(invitations or 0), int(mails or 0)


def test_api_coordinator_of_one_organisation_cannot_touch_another_ones_study(
    api: TestClient, people: dict[str, Any], web_engine: Engine
) -> None:
    theirs = small_study(web_engine, people["other"], name="Other study")
    with unit_of_work(web_engine) as session:
        fill_fieldwork(session, theirs)
    before = _state(web_engine, theirs)
    acme = _token(web_engine, "coordinator@acme.example")
    base = f"/api/v1/studies/{theirs}"
    contacts = {"contacts": [{"email": "x@example.org"}]}
    calls = [
        api.get(base, headers=acme),
        api.get(f"{base}/fieldwork", headers=acme),
        api.get(f"{base}/responses", headers=acme),
        api.get(f"{base}/responses?format=parquet", headers=acme),
        api.post(f"{base}/sample", json=contacts, headers=acme),
        api.post(
            f"{base}/sample/file",
            files={"file": ("s.csv", b"email\ny@example.org\n")},
            headers=acme,
        ),
        api.post(f"{base}/launch", headers=acme),
        api.post(f"{base}/close", headers=acme),
        api.post(f"{base}/invitations", headers=acme),
        api.post(f"{base}/reminders", headers=acme),
        api.post(
            "/api/v1/studies",
            json={"name": "x", "instrument": "servqual22", "organisation_id": people["other"]},
            headers=acme,
        ),
    ]
    assert [c.status_code for c in calls] == [404] * len(calls), [c.text for c in calls]
    assert "Other study" not in api.get("/api/v1/studies", headers=acme).text
    assert _state(web_engine, theirs) == before
    # Every API route needs a token.
    for path in ("", "/fieldwork", "/responses"):
        assert api.get(f"{base}{path}").status_code == 401


def test_pages_coordinator_of_one_organisation_cannot_touch_another_ones_study(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    theirs = small_study(web_engine, people["other"], name="Other study")
    with unit_of_work(web_engine) as session:
        fill_fieldwork(session, theirs)
    before = _state(web_engine, theirs)
    as_role(browser, "coordinator")
    base = f"/studies/{theirs}"
    gets = [browser.get(f"{base}{p}") for p in ("", "/sample", "/close", "/fieldwork", "/report")]
    posts = [
        browser.submit(f"{base}{p}", token_from="/studies")
        for p in ("/launch", "/close", "/invitations", "/reminders")
    ]
    upload = browser.submit(
        f"{base}/sample",
        {"characteristics": ""},
        files={"file": ("s.csv", b"email\ny@example.org\n")},
        token_from="/studies",
    )
    codes = [r.status_code for r in [*gets, *posts, upload]]
    assert codes == [404] * len(codes)
    assert _state(web_engine, theirs) == before


def test_api_employee_study_is_always_anonymous(
    api: TestClient, people: dict[str, Any], web_engine: Engine
) -> None:
    coordinator = _token(web_engine, "coordinator@acme.example")
    body = {"name": "MTO", "instrument": "servqual22", "kind": "employee"}
    for mode in ("choice", "identified"):
        response = api.post(
            "/api/v1/studies", json={**body, "anonymity_mode": mode}, headers=coordinator
        )
        assert response.status_code == 422, response.text
    created = api.post("/api/v1/studies", json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    assert created.json()["anonymity_mode"] == "anonymous"


def test_api_fieldwork_does_not_tell_which_hidden_group_is_small(
    api: TestClient, people: dict[str, Any], web_engine: Engine
) -> None:
    study = small_study(web_engine, people["acme"])
    with unit_of_work(web_engine) as session:
        fill_fieldwork(session, study)  # south: 2 responses, east: 5 (hidden with it)
    viewer = _token(web_engine, "viewer@acme.example")
    status = api.get(f"/api/v1/studies/{study}/fieldwork", headers=viewer).json()
    (region,) = status["characteristics"]
    cells = {g["group"]: g for g in region["groups"]}
    assert cells["south"]["status"] == cells["east"]["status"] == "suppressed"
    assert cells["south"]["started"] is None and cells["east"]["started"] is None
    assert cells["north"]["status"] == "shown"


def test_an_unexpected_error_on_a_respondent_page_never_logs_the_link_token(
    sqlite_settings: Settings,
    people: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from gapsight.services import respondent

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(respondent, "visit", broken)
    client = TestClient(
        create_app(sqlite_settings.with_(mail_sender=False)), raise_server_exceptions=False
    )
    token = "SECRET-link-token-0123456789abcdefghijklmnop"
    with caplog.at_level("ERROR", logger="gapsight.web"):
        response = client.get(f"/r/{token}")
    assert response.status_code == 500
    assert "unexpected error on GET /r/…" in caplog.text
    assert token not in caplog.text
