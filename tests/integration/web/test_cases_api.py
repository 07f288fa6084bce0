"""The closed-loop endpoints of the JSON API: a study's cases and loop metrics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gapsight.config import Settings
from gapsight.services import api_tokens, cases
from gapsight.store.database import unit_of_work
from gapsight.web.app import create_app

from ..services.loop_helpers import complete, loop_study


def _token(engine: Engine, email: str) -> dict[str, str]:
    with unit_of_work(engine) as session:
        token, _row = api_tokens.create_token(session, user_email=email)
    return {"Authorization": f"Bearer {token}"}


def test_cases_and_loop_metrics(
    sqlite_settings: Settings, people: dict[str, Any], web_engine: Engine
) -> None:
    api = TestClient(create_app(sqlite_settings.with_(mail_sender=False)))
    flagged = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    study_id, tokens = loop_study(web_engine, organisation_id=people["acme"], n=3)
    for token, value in zip(tokens.values(), ["1", "9", "7"], strict=True):
        complete(web_engine, token, {"cvs_recommend": value}, anonymous=False, now=flagged)
    with unit_of_work(web_engine) as session:
        cases.change_status(
            session, 2, "followed_up", by="a@x.nl", at=flagged + dt.timedelta(days=2), note="ok"
        )
    headers = _token(web_engine, "viewer@acme.example")
    listed = api.get(f"/api/v1/studies/{study_id}/cases", headers=headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert [(c["id"], c["kind"], c["status"], c["overdue"]) for c in body] == [
        (1, "detractor", "open", True),
        (2, "promoter", "followed_up", False),
    ]
    assert "respondent_email" not in body[0]
    metrics = api.get(f"/api/v1/studies/{study_id}/loop-metrics", headers=headers).json()
    assert metrics["flags"] == 2 and metrics["overdue_now"] == 1
    assert metrics["share_forwarded_on_time"] == 0.5  # the follow-up counts as forwarding
    other = _token(web_engine, "coordinator@other.example")
    assert api.get(f"/api/v1/studies/{study_id}/cases", headers=other).status_code == 404
    assert api.get("/api/v1/studies/999/loop-metrics", headers=headers).status_code == 404
    assert api.get(f"/api/v1/studies/{study_id}/cases").status_code == 401
