"""The study page's mail buttons: invitations and due reminders are queued in the
outbox (coordinators only, fieldwork only, never twice)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine

from gapsight.io.table import SampleTable
from gapsight.mail import outbox
from gapsight.services.samples import store_sample
from gapsight.services.studies import set_status
from gapsight.store.database import unit_of_work

from .helpers import Browser, as_role, small_study


def _study_with_sample(engine: Engine, organisation_id: int, *, launch: bool) -> int:
    study = small_study(engine, organisation_id, reminder_days=[7])
    contacts = pd.DataFrame({"email": ["a@example.org", "b@example.org"]})
    with unit_of_work(engine) as session:
        store_sample(
            session,
            study,
            SampleTable(contacts=contacts, characteristics=pd.DataFrame(index=range(2))),
        )
        if launch:
            set_status(session, study, "fieldwork")
    return study


def _pending(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return outbox.counts(session)["pending"]


def test_coordinator_queues_invitations_once(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study = _study_with_sample(web_engine, people["acme"], launch=True)
    as_role(browser, "coordinator")
    page = browser.get(f"/studies/{study}")
    assert "Send invitations" in page.text and "Send due reminders" in page.text
    path = f"/studies/{study}"
    response = browser.submit(f"/studies/{study}/invitations", token_from=path)
    assert response.status_code == 303 and response.headers["location"] == path
    assert "2 invitations queued" in browser.get(path).text
    assert _pending(web_engine) == 2
    browser.submit(f"/studies/{study}/invitations", token_from=path)
    assert _pending(web_engine) == 2
    reminded = browser.submit(f"/studies/{study}/reminders", token_from=path)
    assert reminded.status_code == 303
    assert "0 reminders queued" in browser.get(path).text


def test_only_coordinators_and_only_in_fieldwork(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    draft = _study_with_sample(web_engine, people["acme"], launch=False)
    as_role(browser, "coordinator")
    assert "Send invitations" not in browser.get(f"/studies/{draft}").text
    path = f"/studies/{draft}"
    assert browser.submit(f"/studies/{draft}/invitations", token_from=path).status_code == 409
    assert browser.post(f"/studies/{draft}/invitations", data={}).status_code == 403  # no CSRF
    browser.get("/logout")
    viewer = Browser(browser.app, headers={"accept-language": "en"})
    as_role(viewer, "viewer")
    assert viewer.submit(f"/studies/{draft}/invitations", token_from=path).status_code == 403
    assert _pending(web_engine) == 0
