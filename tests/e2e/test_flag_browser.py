"""The closed loop in a real browser with a real SMTP server (issue 6's check).

Two customers of a ``choice`` study get their invitation through the outbox and a real
SMTP server (aiosmtpd); the links are taken from the received mail. In Chromium
(Playwright, Debian's Chromium), customer A allows contact and answers 3 on the
recommendation question (a detractor), customer B stays anonymous and answers 2.
Exactly one flag e-mail arrives — about A, to the study's flag recipient, naming A,
with A's contact details, the flagged question and answer and a link to the case —
and none about B. Following the link, the coordinator logs in and sees the case with
A's answers. Screenshots go to ``test-artifacts/flags/`` (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from gapsight.config import Settings
from gapsight.services import mailing
from gapsight.store.database import unit_of_work
from gapsight.store.models import Case, OutboxMessage, Response, Study, User

from .test_respondent_browser import ARGS, CHROMIUM, SECRET, Inbox, _missing, site  # noqa: F401

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "flags"
PASSWORD = "coordinator-password"


def _study(engine: Engine, field_study: Any) -> int:
    study_id, _ = field_study(engine, instrument="cvs", anonymity_mode="choice", n=2)
    with unit_of_work(engine) as session:
        study = session.get(Study, study_id)
        assert study is not None
        study.flag_recipients = ["accountteam@veldhuis.example"]  # agreed before fieldwork
        from gapsight.store.models import Invitation

        for i, invitation in enumerate(session.scalars(select(Invitation).order_by(Invitation.id))):
            invitation.name = ["Anna de Boer", "Bram Visser"][i]
        session.add(
            User(
                email="coordinator@veldhuis.example",
                name="Coordinator",
                password_hash=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(
                    PASSWORD
                ),
                role="coordinator",
                organisation_id=study.organisation_id,
            )
        )
    return study_id


def _answer(page: Any, recommend: int) -> None:
    page.check("#cvs_satisfaction-5")
    page.check("#cvs_loyalty-5")
    page.check(f"#cvs_recommend-{recommend}")


def test_a_contactable_detractor_is_flagged_once_and_an_anonymous_one_not(
    site: tuple[str, Engine, Inbox, Settings],  # noqa: F811
    field_study: Any,
) -> None:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install playwright)")
    base, engine, inbox, settings = site
    _study(engine, field_study)
    with unit_of_work(engine) as session:
        study_id = session.scalars(select(Study.id)).one()
        mailing.invite(session, study_id, mailing.links_for(settings, SECRET))
    sender = mailing.build_sender(settings, engine, SECRET)
    sender.run_once()
    links = {}
    for mail in inbox.messages:
        body = mail.get_body(preferencelist=("plain",)).get_content()
        found = re.search(r"http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]+", body)
        assert found is not None, body
        links[mail["To"]] = found.group(0)
    assert sorted(links) == ["klant0@example.org", "klant1@example.org"]
    inbox.messages.clear()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            # A: allows contact, a detractor.
            page = browser.new_context(locale="nl-NL").new_page()
            page.goto(links["klant0@example.org"])
            page.check("#anon-no")
            page.screenshot(path=ARTIFACTS / "01-contact-allowed.png", full_page=True)
            page.get_by_role("button", name="Begin met de vragenlijst").click()
            _answer(page, 3)
            page.get_by_role("button", name="Afronden").click()
            expect(page.locator("h1")).to_have_text("Hartelijk dank!")
            # The same last page posted again (a double submit) stores nothing new.
            again = page.request.post(
                f"{links['klant0@example.org']}/p/1",
                form={
                    "_page": "1",
                    "cvs_satisfaction": "5",
                    "cvs_loyalty": "5",
                    "cvs_recommend": "3",
                },
            )
            assert again.ok and again.url.endswith("/done")
            # B: stays anonymous (the default), also a detractor.
            page = browser.new_context(locale="nl-NL").new_page()
            page.goto(links["klant1@example.org"])
            expect(page.locator("#anon-yes")).to_be_checked()
            page.get_by_role("button", name="Begin met de vragenlijst").click()
            _answer(page, 2)
            page.get_by_role("button", name="Afronden").click()
            expect(page.locator("h1")).to_have_text("Hartelijk dank!")

            for _ in range(3):
                sender.run_once()
            (flag,) = inbox.messages
            assert flag["To"] == "accountteam@veldhuis.example"
            assert flag["Subject"] == "Signalering: Anna de Boer (Klantonderzoek)"
            text = flag.get_body(preferencelist=("plain",)).get_content()
            assert "Respondent: Anna de Boer" in text and "E-mail: klant0@example.org" in text
            assert "Klantnummer: K000" in text
            assert "Antwoord: 3" in text and "cvs_recommend 0–6 → detractor" in text
            assert "Bram" not in text and "klant1" not in text
            case_link = re.search(rf"{re.escape(base)}/cases/\d+", text)
            assert case_link is not None, text

            # The coordinator follows the link, logs in, and sees the case.
            page = browser.new_context(locale="nl-NL").new_page()
            page.goto(case_link.group(0))
            page.fill("#field-email", "coordinator@veldhuis.example")
            page.fill("#field-password", PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            expect(page.locator("h1")).to_contain_text("Criticaster")
            expect(page.locator("main")).to_contain_text("klant0@example.org")
            page.get_by_text("Alle antwoorden").click()
            page.screenshot(path=ARTIFACTS / "02-case.png", full_page=True)
            page.goto(f"{base}/cases")
            expect(page.locator("tbody tr")).to_have_count(1)
            page.screenshot(path=ARTIFACTS / "03-case-list.png", full_page=True)
        finally:
            browser.close()

    with unit_of_work(engine) as session:
        (case,) = session.scalars(select(Case)).all()
        assert case.respondent_email == "klant0@example.org" and case.kind == "detractor"
        flags = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "flag")).all()
        assert len(flags) == 1 and flags[0].status == "sent"
        responses = session.scalars(select(Response).order_by(Response.anonymous)).all()
        assert [r.anonymous for r in responses] == [False, True]
