"""Instrument pages: lists, the read-only preview, copy and adapt."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from gapsight.store.database import unit_of_work
from gapsight.store.models import InstrumentVersion

from .helpers import Browser, as_role


def _versions(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(InstrumentVersion)) or 0)


def test_list_shows_the_builtin_library(browser: Browser, people: dict[str, Any]) -> None:
    as_role(browser, "viewer")
    page = browser.get("/instruments?lang=en").text
    for ref in ("servqual22@1", "cvs@1", "kto@1", "mto@1", "event@1"):
        assert f"<code>{ref}</code>" in page
    assert "/adapt" not in page  # viewers only look


def test_preview_is_read_only_and_fills_in_the_organisation(
    browser: Browser, people: dict[str, Any]
) -> None:
    as_role(browser, "coordinator")
    english = browser.get(f"/instruments/builtin/event?language=en&organisation={people['acme']}")
    assert english.status_code == 200
    assert "Acme made it easy for me to handle my request." in english.text
    assert '<fieldset class="question" disabled>' in english.text
    assert 'lang="en"' in english.text
    dutch = browser.get(f"/instruments/builtin/event?language=nl&organisation={people['acme']}")
    assert '<div class="questionnaire respond" lang="nl">' in dutch.text
    assert "{org}" not in dutch.text
    # an organisation the user may not see is not used
    other = browser.get(f"/instruments/builtin/event?language=en&organisation={people['other']}")
    assert "Other made it" not in other.text
    assert browser.get("/instruments/builtin/nope").status_code == 404
    assert browser.get("/instruments/versions/999").status_code == 404


def test_copy_and_adapt_stores_a_new_version(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    form = browser.get("/instruments/builtin/cvs/adapt").text
    assert 'name="text_cvs_satisfaction_nl"' in form
    response = browser.submit(
        "/instruments/builtin/cvs/adapt",
        {
            "organisation_id": str(people["acme"]),
            "instrument_id": "acme_cvs",
            "title_nl": "Acme klantwaarde",
            "title_en": "Acme customer value",
            "agreement_points": "",
            "text_cvs_satisfaction_en": "How satisfied are you with Acme overall?",
        },
        token_from="/instruments",
    )
    assert response.status_code == 303, response.text
    preview = browser.get(response.headers["location"] + "?language=en").text
    assert "Stored as acme_cvs@1." in preview
    assert "How satisfied are you with Acme overall?" in preview
    assert "Acme customer value" in preview
    listing = browser.get("/instruments").text
    assert "<code>acme_cvs@1</code>" in listing and "<code>cvs@1</code>" in listing
    # adapting the copy again gives the next version, never overwriting
    again = browser.submit(
        response.headers["location"] + "/adapt",
        {"organisation_id": str(people["acme"]), "remove": ["cvs_loyalty"]},
        token_from="/instruments",
    )
    assert again.status_code == 303
    assert "Stored as acme_cvs@2." in browser.get(again.headers["location"]).text


def test_invalid_adaptation_shows_problems_and_stores_nothing(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    before = _versions(web_engine)
    response = browser.submit(
        "/instruments/builtin/cvs/adapt",
        {
            "organisation_id": str(people["acme"]),
            "instrument_id": "Not A Valid Id!",
            "text_cvs_satisfaction_en": "Rate {company} please",
        },
        token_from="/instruments",
    )
    assert response.status_code == 422
    assert "The adapted instrument is not valid; nothing was stored" in response.text
    assert "I001" in response.text or "I006" in response.text
    assert 'value="Not A Valid Id!"' in response.text
    assert _versions(web_engine) == before
    other_org = browser.submit(
        "/instruments/builtin/cvs/adapt",
        {"organisation_id": str(people["other"]), "instrument_id": "x_cvs"},
        token_from="/instruments",
    )
    assert other_org.status_code == 422
    assert _versions(web_engine) == before
