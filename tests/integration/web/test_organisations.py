"""Organisations and their settings (admin)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from gapsight.services.organisations import get_organisation
from gapsight.store.database import unit_of_work

from .helpers import Browser, as_role

SETTINGS = {"language": "en", "improvement_rule": "relative", "period_months": "24"}


def test_add_and_edit_an_organisation(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "admin")
    added = browser.submit(
        "/organisations",
        {"name": "Veldhuis", "sector": "facility services", **SETTINGS},
        token_from="/organisations",
    )
    assert added.status_code == 303
    org_id = int(added.headers["location"].rsplit("/", 1)[1])
    page = browser.get(added.headers["location"]).text
    assert "Organisation added." in page and 'value="facility services"' in page
    with unit_of_work(web_engine) as session:
        org = get_organisation(session, org_id)
        assert org.settings == {
            "language": "en",
            "improvement_rule": "relative",
            "period_months": 24,
        }
    saved = browser.submit(
        f"/organisations/{org_id}",
        {
            "name": "Veldhuis Facilitair",
            "sector": "",
            "language": "nl",
            "improvement_rule": "absolute",
            "period_months": "12",
        },
        token_from="/organisations",
    )
    assert saved.status_code == 303
    with unit_of_work(web_engine) as session:
        org = get_organisation(session, org_id)
        assert (org.name, org.sector, org.settings["period_months"]) == (
            "Veldhuis Facilitair",
            None,
            12,
        )


def test_invalid_settings_change_nothing(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "admin")
    response = browser.submit(
        f"/organisations/{people['acme']}",
        {"name": " ", "language": "de", "improvement_rule": "absolute", "period_months": "0"},
        token_from="/organisations",
    )
    assert response.status_code == 422
    for field in ("name", "language", "period_months"):
        assert f'href="#field-{field}"' in response.text
    assert "Enter a number of months from 1 to 60." in response.text
    with unit_of_work(web_engine) as session:
        org = get_organisation(session, people["acme"])
        assert org.name == "Acme" and org.settings == {}
    assert browser.get("/organisations/999").status_code == 404
