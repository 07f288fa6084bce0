"""The JSON API (/api/v1) with the in-process client: token authentication, roles and
organisation scope, studies, samples, fieldwork, exports, mail; problem documents for
every error; the OpenAPI document."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gapsight.config import Settings
from gapsight.services import api_tokens
from gapsight.store.database import unit_of_work
from gapsight.web.app import create_app

from .helpers import small_study

PROBLEM = "application/problem+json"


@pytest.fixture
def api(sqlite_settings: Settings) -> TestClient:
    return TestClient(
        create_app(sqlite_settings.with_(mail_sender=False)), raise_server_exceptions=False
    )


def _token(engine: Engine, email: str) -> dict[str, str]:
    with unit_of_work(engine) as session:
        token, _row = api_tokens.create_token(session, user_email=email)
    return {"Authorization": f"Bearer {token}"}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_no_token_bad_token_and_revoked_token_get_401(
    api: TestClient, people: dict[str, Any], web_engine: Engine
) -> None:
    assert _problem(api.get("/api/v1/studies"), 401)["detail"].startswith("send an API token")
    bad = {"Authorization": "Bearer gs_not-a-token"}
    _problem(api.get("/api/v1/studies", headers=bad), 401)
    headers = _token(web_engine, "viewer@acme.example")
    assert api.get("/api/v1/studies", headers=headers).status_code == 200
    with unit_of_work(web_engine) as session:
        for row in api_tokens.list_tokens(session):
            api_tokens.revoke_token(session, row.id)
    response = api.get("/api/v1/studies", headers=headers)
    _problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_studies_list_get_create_with_roles_and_scope(
    api: TestClient, people: dict[str, Any], web_engine: Engine
) -> None:
    mine = small_study(web_engine, people["acme"])
    theirs = small_study(web_engine, people["other"], name="Other study")
    viewer = _token(web_engine, "viewer@acme.example")
    coordinator = _token(web_engine, "coordinator@acme.example")
    listed = api.get("/api/v1/studies", headers=viewer).json()
    assert [s["id"] for s in listed] == [mine]
    got = api.get(f"/api/v1/studies/{mine}", headers=viewer).json()
    assert got["name"] == "KTO 2026" and got["instrument"] == "small@1"
    assert got["status"] == "draft"
    _problem(api.get(f"/api/v1/studies/{theirs}", headers=viewer), 404)
    _problem(api.get("/api/v1/studies/999999", headers=viewer), 404)
    new = {"name": "KTO 2027", "instrument": "servqual22", "reminder_days": [7, 14]}
    assert (
        "coordinator"
        in _problem(api.post("/api/v1/studies", json=new, headers=viewer), 403)["detail"]
    )
    created = api.post("/api/v1/studies", json=new, headers=coordinator)
    assert created.status_code == 201, created.text
    assert created.json()["organisation_id"] == people["acme"]
    assert created.json()["reminder_days"] == [7, 14]
    _problem(
        api.post("/api/v1/studies", json={**new, "instrument": "nope"}, headers=coordinator), 422
    )
    body = _problem(
        api.post("/api/v1/studies", json={**new, "min_group_size": 99}, headers=coordinator), 422
    )
    assert body["errors"][0]["loc"][-1] == "min_group_size"
    _problem(api.post("/api/v1/studies", content=b"{not json", headers=coordinator), 422)
    _problem(api.get("/api/v1/studies/abc", headers=viewer), 422)


def test_sample_fieldwork_mail_and_export(
    api: TestClient, people: dict[str, Any], web_engine: Engine
) -> None:
    study = small_study(web_engine, people["acme"])
    coordinator = _token(web_engine, "coordinator@acme.example")
    contacts = {
        "contacts": [
            {"email": "a@example.org", "name": "A", "characteristics": {"segment": "x"}},
            {"email": "b@example.org", "language": "en", "characteristics": {"segment": "y"}},
        ]
    }
    added = api.post(f"/api/v1/studies/{study}/sample", json=contacts, headers=coordinator)
    assert added.status_code == 200, added.text
    assert added.json()["added"] == 2 and added.json()["characteristics"] == {"segment": "string"}
    bad = {"contacts": [{"email": "c@example.org"}, {"email": "not-an-address"}]}
    body = _problem(api.post(f"/api/v1/studies/{study}/sample", json=bad, headers=coordinator), 422)
    assert body["errors"][0]["loc"][-1] == "email"
    again = {"contacts": [{"email": "c@example.org"}, {"email": "a@example.org"}]}
    body = _problem(
        api.post(f"/api/v1/studies/{study}/sample", json=again, headers=coordinator), 422
    )
    assert "already invited" in body["detail"]
    csv = b"email,name,language\nd@example.org,D,nl\n"
    uploaded = api.post(
        f"/api/v1/studies/{study}/sample/file",
        files={"file": ("sample.csv", io.BytesIO(csv), "text/csv")},
        headers=coordinator,
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["added"] == 1
    broken = b"email,name\ne@example.org,E\nnot-an-address,F\n"
    body = _problem(
        api.post(
            f"/api/v1/studies/{study}/sample/file",
            files={"file": ("sample.csv", io.BytesIO(broken), "text/csv")},
            headers=coordinator,
        ),
        422,
    )
    assert "nothing was stored" in body["detail"] and "not-an-address" in str(body["errors"])
    status = api.get(f"/api/v1/studies/{study}/fieldwork", headers=coordinator).json()
    assert (status["in_sample"], status["invited"], status["complete"]) == (3, 0, 0)
    _problem(api.post(f"/api/v1/studies/{study}/invitations", headers=coordinator), 409)
    _problem(api.post(f"/api/v1/studies/{study}/close", headers=coordinator), 409)
    launched = api.post(f"/api/v1/studies/{study}/launch", headers=coordinator)
    assert launched.status_code == 200 and launched.json()["status"] == "fieldwork"
    sent = api.post(f"/api/v1/studies/{study}/invitations", headers=coordinator).json()
    assert sent == {"study_id": study, "enqueued": 3, "skipped": 0}
    after = api.get(f"/api/v1/studies/{study}/fieldwork", headers=coordinator).json()
    assert after["invited"] == 3
    assert after["mail"] == {"pending": 3, "sending": 0, "sent": 0, "failed": 0}
    exported = api.get(f"/api/v1/studies/{study}/responses?format=csv", headers=coordinator)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "response_id" in exported.text.splitlines()[0]
    parquet = api.get(f"/api/v1/studies/{study}/responses?format=parquet", headers=coordinator)
    assert parquet.status_code == 200
    assert "response_id" in pd.read_parquet(io.BytesIO(parquet.content)).columns
    _problem(api.get(f"/api/v1/studies/{study}/responses?format=xls", headers=coordinator), 422)
    closed = api.post(f"/api/v1/studies/{study}/close", headers=coordinator)
    assert closed.json()["status"] == "closed"


def test_openapi_document_describes_every_endpoint(api: TestClient) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert set(paths) >= {
        "/studies",
        "/studies/{study_id}",
        "/studies/{study_id}/sample",
        "/studies/{study_id}/sample/file",
        "/studies/{study_id}/fieldwork",
        "/studies/{study_id}/responses",
        "/studies/{study_id}/invitations",
        "/studies/{study_id}/reminders",
        "/studies/{study_id}/launch",
        "/studies/{study_id}/close",
    }
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert "401" in operation["responses"], f"{method} {path}"
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


def test_fieldwork_of_a_study_without_invitations_has_null_rates(
    api: TestClient, people: dict[str, Any], web_engine: Engine
) -> None:
    """No valid invitations: the rates are undefined, returned as null — not a 500
    (found by the schemathesis run)."""
    study = small_study(web_engine, people["acme"])
    viewer = _token(web_engine, "coordinator@acme.example")
    got = api.get(f"/api/v1/studies/{study}/fieldwork", headers=viewer)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["in_sample"] == 0 and body["gross_rate"] is None and body["net_rate"] is None
