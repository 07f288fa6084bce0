"""``/api/v1/signals``: file and read signals with a token, the same rules and scopes
as the pages (a client manager's token sees their client groups only)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from gapsight.config import Settings
from gapsight.services import api_tokens
from gapsight.services.signal_access import assign_client_groups
from gapsight.store.database import unit_of_work
from gapsight.store.models import User
from gapsight.web.app import create_app


@pytest.fixture
def api(sqlite_settings: Settings) -> TestClient:
    return TestClient(create_app(sqlite_settings.with_(mail_sender=False)))


def _token(engine: Engine, email: str) -> dict[str, str]:
    with unit_of_work(engine) as session:
        token, _row = api_tokens.create_token(session, user_email=email)
    return {"Authorization": f"Bearer {token}"}


BODY: dict[str, Any] = {
    "received_at": "2026-03-02T10:15:00+01:00",
    "registrar": "ICT-Partner portal",
    "client_organisation": "Gemeente A",
    "client_group": "Onderwijs",
    "service_domain": "Werkplek",
    "category": "Storing",
    "supplier": "ICT-Partner",
    "description": "Printer on floor 3 down",
    "theme_tags": ["Printers"],
}


def test_file_list_and_read_a_signal(
    api: TestClient, web_engine: Engine, people: dict[str, Any]
) -> None:
    headers = _token(web_engine, "coordinator@acme.example")
    created = api.post("/api/v1/signals", json=BODY, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["category"], body["status"], body["channel"]) == (
        "disruption",
        "referred",
        "api",
    )
    assert body["theme_tags"] == ["printers"]
    assert body["status_url"].endswith("/signal-status/" + body["status_token"])
    status = api.get(body["status_url"].replace("http://testserver", ""))
    assert status.status_code == 200
    one = api.get(f"/api/v1/signals/{body['id']}", headers=headers).json()
    assert one["updates"][0]["what"].startswith("registered via api")
    assert "status_token" not in one
    listed = api.get("/api/v1/signals?supplier=ICT-Partner", headers=headers).json()
    assert [s["id"] for s in listed] == [body["id"]]
    assert api.get("/api/v1/signals?status=new", headers=headers).json() == []


def test_invalid_signals_get_a_problem_document(
    api: TestClient, web_engine: Engine, people: dict[str, Any]
) -> None:
    headers = _token(web_engine, "coordinator@acme.example")
    no_supplier = api.post("/api/v1/signals", json={**BODY, "supplier": None}, headers=headers)
    assert no_supplier.status_code == 422
    assert no_supplier.headers["content-type"] == "application/problem+json"
    assert "supplier" in no_supplier.json()["detail"]
    naive = api.post(
        "/api/v1/signals", json={**BODY, "received_at": "2026-03-02T10:15:00"}, headers=headers
    )
    assert naive.status_code == 422
    unknown = api.post("/api/v1/signals", json={**BODY, "category": "rant"}, headers=headers)
    assert unknown.status_code == 422
    assert api.get("/api/v1/signals", headers=headers).json() == []


def test_roles_and_client_groups_limit_what_a_token_sees(
    api: TestClient, web_engine: Engine, people: dict[str, Any]
) -> None:
    coordinator = _token(web_engine, "coordinator@acme.example")
    ids = {}
    for group in ("Onderwijs", "Zorg"):
        ids[group] = api.post(
            "/api/v1/signals", json={**BODY, "client_group": group}, headers=coordinator
        ).json()["id"]
    viewer = _token(web_engine, "viewer@acme.example")
    assert api.post("/api/v1/signals", json=BODY, headers=viewer).status_code == 403
    assert len(api.get("/api/v1/signals", headers=viewer).json()) == 2
    with unit_of_work(web_engine) as session:
        user = session.scalars(select(User).where(User.email == "viewer@acme.example")).one()
        assign_client_groups(session, user.id, ["Onderwijs"])
    seen = api.get("/api/v1/signals", headers=viewer).json()
    assert [s["client_group"] for s in seen] == ["Onderwijs"]
    assert api.get(f"/api/v1/signals/{ids['Zorg']}", headers=viewer).status_code == 404
    assert (
        api.post("/api/v1/signals", json={**BODY, "client_group": "Zorg"}, headers=viewer)
    ).status_code == 422
    assert api.post("/api/v1/signals", json=BODY, headers=viewer).status_code == 201
    other = _token(web_engine, "coordinator@other.example")
    assert api.get(f"/api/v1/signals/{ids['Onderwijs']}", headers=other).status_code == 404
    assert (
        api.get(f"/api/v1/signals?organisation_id={people['acme']}", headers=other).status_code
        == 404
    )
