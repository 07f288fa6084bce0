"""Every coordinator page renders in Dutch and English, with a language switch, and
the language is chosen by ?lang=, then the session, then Accept-Language."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from .helpers import Browser, as_role, small_study

PAGES = [
    # (path, English heading, Dutch heading)
    ("/studies", "Studies", "Onderzoeken"),
    ("/studies/new", "New study", "Nieuw onderzoek"),
    ("/studies/new?organisation={acme}&instrument=servqual22", "New study", "Nieuw onderzoek"),
    ("/studies/{study}", "KTO 2026", "KTO 2026"),
    ("/studies/{study}/sample", "Upload sample", "Steekproef uploaden"),
    ("/studies/{study}/fieldwork", "Fieldwork and response", "Veldwerk en respons"),
    ("/instruments", "Instruments", "Vragenlijsten"),
    ("/instruments/builtin/cvs", "Customer Value Score", "Customer Value Score"),
    ("/instruments/builtin/kto/adapt", "Copy and adapt kto@1", "kto@1 kopiëren en aanpassen"),
    ("/organisations", "Organisations", "Organisaties"),
    ("/organisations/{acme}", "Acme", "Acme"),
    ("/users", "Users", "Gebruikers"),
]
MENU = {"en": "Instruments", "nl": "Vragenlijsten"}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_page_renders_in_both_languages(
    browser: Browser, people: dict[str, Any], web_engine: Engine, lang: str
) -> None:
    study = small_study(web_engine, people["acme"])
    as_role(browser, "admin")
    for path, english, dutch in PAGES:
        url = path.format(acme=people["acme"], study=study)
        sep = "&" if "?" in url else "?"
        page = browser.get(f"{url}{sep}lang={lang}", follow_redirects=True)
        assert page.status_code == 200, (url, page.text[:500])
        heading = english if lang == "en" else dutch
        assert f"<h1>{heading}" in page.text, (url, lang)
        assert f'<html lang="{lang}">' in page.text
        assert 'hreflang="nl"' in page.text and 'hreflang="en"' in page.text  # the switch
        assert MENU[lang] in page.text
        assert "<script" not in page.text


def test_language_order(browser: Browser, people: dict[str, Any]) -> None:
    dutch_browser = {"accept-language": "nl-NL,nl;q=0.9"}
    assert "<h1>Inloggen</h1>" in browser.get("/login", headers=dutch_browser).text
    # ?lang= wins over the header and is remembered in the session
    assert "<h1>Log in</h1>" in browser.get("/login?lang=en", headers=dutch_browser).text
    assert "<h1>Log in</h1>" in browser.get("/login", headers=dutch_browser).text
    # the choice survives logging in and out
    as_role(browser, "viewer")
    browser.get("/studies?lang=nl")
    browser.submit("/logout", token_from="/studies")
    after = browser.get("/login").text
    assert "<h1>Inloggen</h1>" in after and "U bent uitgelogd." in after


def test_default_language_when_nothing_is_known(sqlite_settings: Any) -> None:
    from gapsight.web.app import create_app

    for default, heading in (("nl", "Inloggen"), ("en", "Log in")):
        app = create_app(sqlite_settings.with_(default_language=default))
        with Browser(app) as client:
            assert f"<h1>{heading}</h1>" in client.get("/login").text


def test_language_switch_keeps_the_page(browser: Browser, people: dict[str, Any]) -> None:
    as_role(browser, "viewer")
    page = browser.get("/instruments/builtin/cvs?language=en").text
    assert 'href="http://testserver/instruments/builtin/cvs?language=en&amp;lang=nl"' in page
