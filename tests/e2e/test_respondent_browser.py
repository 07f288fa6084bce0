"""A respondent on a phone answers a Dutch SERVQUAL + CVS survey in Chromium.

The whole journey of issue 5's check, in a real browser (Playwright driving Debian's
Chromium at 390 × 844, no JavaScript needed by the pages): the invitation is sent
through the outbox to a **real SMTP server** (aiosmtpd) and the personal link is taken
from the received mail; the respondent keeps the default "stay anonymous", answers
with a keyboard and the mouse, picks one "weet niet", makes one validation error
(a statement left open) and follows the error summary to it, stops halfway, comes back
through the same link in a fresh browser (resuming at the first unanswered page) and
completes. Meanwhile a coordinator, logged in on a desktop-size window, watches the
study's fieldwork page: halfway it shows one partial response, at the end one complete
one, with the counts and response rates. Screenshots are kept in
``test-artifacts/respondent/`` (git-ignored).
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine, select

from gapsight.config import Settings
from gapsight.domain.questionnaire import paginate
from gapsight.instruments import combine, load_builtin
from gapsight.services import mailing, users
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import Invitation, Response
from gapsight.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "respondent"
SURVEY = combine(
    "veldhuis_klant",
    {"nl": "Klantonderzoek Veldhuis", "en": "Veldhuis customer survey"},
    load_builtin("servqual22"),
    load_builtin("cvs"),
)
PAGES = paginate(SURVEY, SURVEY.modules)
SECRET = "browser-test-" + "s" * 40


def _missing(reason: str) -> None:
    if os.environ.get("GAPSIGHT_REQUIRE_ALL"):
        pytest.fail(f"{reason} (GAPSIGHT_REQUIRE_ALL is set)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def site(
    _sqlite_template: Path, tmp_path: Path, field_study: Any
) -> Iterator[tuple[str, Engine, Inbox, Settings]]:
    from aiosmtpd.controller import Controller

    if not Path(CHROMIUM).exists():
        _missing("Chromium is not installed (Debian package chromium)")
    db = tmp_path / "gapsight.db"
    shutil.copyfile(_sqlite_template, db)
    port, smtp_port = _free_port(), _free_port()
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{db}",
        secret_key=SECRET,
        base_url=f"http://127.0.0.1:{port}",
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        mail_sender=False,
    )
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    engine = make_engine(settings)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):
        if server.started:
            break
        thread.join(0.1)
    else:
        pytest.fail("the test server did not start")
    try:
        yield f"http://127.0.0.1:{port}", engine, inbox, settings
    finally:
        server.should_exit = True
        thread.join(30)
        smtp.stop()
        engine.dispose()


def _answer_page(page: Any, number: int, *, skip: str | None = None) -> None:
    """Answer every statement of questionnaire page ``number`` (except ``skip``)."""
    for code in PAGES[number - 1].codes:
        if code == skip:
            continue
        if code == "p01":
            page.check("#p01-dk")  # weet niet
        elif code.startswith("cvs_"):
            page.check(f"#{code}-8")
        else:
            page.check(f"#{code}-{5 if code.startswith('p') else 6}")


def _fieldwork_counts(page: Any, base: str, study_id: int) -> dict[str, str]:
    """The totals of the fieldwork page, ``{label: value}`` as the coordinator sees
    them."""
    page.goto(f"{base}/studies/{study_id}/fieldwork")
    counts = page.locator("dl.counts > div")
    return {
        counts.nth(i).locator("dt").inner_text(): counts.nth(i).locator("dd").inner_text()
        for i in range(counts.count())
    }


def test_a_respondent_answers_on_a_phone_stops_resumes_and_completes(
    site: tuple[str, Engine, Inbox, Settings], field_study: Any
) -> None:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install playwright)")
    base, engine, inbox, settings = site
    study_id, _ = field_study(engine, instrument=SURVEY, anonymity_mode="choice", n=1)
    with unit_of_work(engine) as session:
        mailing.invite(session, study_id, mailing.links_for(settings, SECRET))
        users.create_user(
            session,
            email="coordinator@veldhuis.example",
            name="Coördinator",
            password="coordinator-password-1",
            role="coordinator",
        )
    sender = mailing.build_sender(settings, engine, SECRET)
    sender.run_once()
    (mail,) = inbox.messages
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]+", body)
    assert link is not None, body
    url = link.group(0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    total = len(PAGES)
    halfway = total // 2

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = {"viewport": {"width": 390, "height": 844}, "locale": "nl-NL"}
        desk = browser.new_context(viewport={"width": 1200, "height": 900}, locale="nl-NL")
        coordinator = desk.new_page()
        try:
            coordinator.goto(f"{base}/login")
            coordinator.fill("#field-email", "coordinator@veldhuis.example")
            coordinator.fill("#field-password", "coordinator-password-1")
            coordinator.get_by_role("button", name="Inloggen").click()
            expect(coordinator.locator("h1")).not_to_have_text("Inloggen")
            before = _fieldwork_counts(coordinator, base, study_id)
            assert before["Uitgenodigd"] == "1" and before["Begonnen"] == "0", before

            context = browser.new_context(**phone)
            page = context.new_page()
            page.goto(url)
            expect(page.locator("h1")).to_have_text("Klantonderzoek Veldhuis")
            expect(page.locator("#anon-yes")).to_be_checked()  # anonymous by default
            page.screenshot(path=ARTIFACTS / "01-intro.png", full_page=True)
            page.get_by_role("button", name="Begin met de vragenlijst").click()
            expect(page.locator(".progress-text")).to_have_text(f"Pagina 1 van {total}")
            # Keyboard: focus the first statement's radios and move with the arrows.
            first = PAGES[0].codes[0]
            page.focus(f"#{first}-1")
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            expect(page.locator(f"#{first}-3")).to_be_checked()
            _answer_page(page, 1)
            page.screenshot(path=ARTIFACTS / "02-page-1.png", full_page=True)
            page.get_by_role("button", name="Volgende").click()
            # A validation error on page 2: one statement left open.
            missing = PAGES[1].codes[2]
            _answer_page(page, 2, skip=missing)
            page.get_by_role("button", name="Volgende").click()
            summary = page.locator(".error-summary")
            expect(summary).to_contain_text("Vraag 3: kies een antwoord.")
            page.screenshot(path=ARTIFACTS / "03-validation-error.png", full_page=True)
            summary.get_by_role("link").click()
            assert page.url.endswith(f"#field-{missing}")
            page.check(f"#{missing}-6")
            page.get_by_role("button", name="Volgende").click()
            for number in range(3, halfway + 1):
                expect(page.locator(".progress-text")).to_have_text(f"Pagina {number} van {total}")
                _answer_page(page, number)
                if "p01" in PAGES[number - 1].codes:
                    page.screenshot(path=ARTIFACTS / "04-dont-know.png", full_page=True)
                page.get_by_role("button", name="Volgende").click()
            context.close()  # stops halfway

            halfway_counts = _fieldwork_counts(coordinator, base, study_id)
            assert halfway_counts["Begonnen"] == "1", halfway_counts
            assert halfway_counts["Gedeeltelijk"] == "1", halfway_counts
            assert halfway_counts["Volledig"] == "0", halfway_counts
            assert halfway_counts["Bruto respons"] == "100.0%", halfway_counts
            coordinator.screenshot(path=ARTIFACTS / "08-fieldwork-halfway.png", full_page=True)

            context = browser.new_context(**phone)
            page = context.new_page()
            page.goto(url)
            expect(page.locator(".resume")).to_contain_text(
                f"U hebt {halfway} van de {total} pagina's beantwoord"
            )
            page.screenshot(path=ARTIFACTS / "05-resume.png", full_page=True)
            page.get_by_role("button", name="Verder").click()
            for number in range(halfway + 1, total + 1):
                expect(page.locator(".progress-text")).to_have_text(f"Pagina {number} van {total}")
                _answer_page(page, number)
                if "p01" in PAGES[number - 1].codes:
                    page.screenshot(path=ARTIFACTS / "04-dont-know.png", full_page=True)
                if number == total:
                    page.screenshot(path=ARTIFACTS / "06-last-page.png", full_page=True)
                    page.get_by_role("button", name="Afronden").click()
                else:
                    page.get_by_role("button", name="Volgende").click()
            expect(page.locator("h1")).to_have_text("Hartelijk dank!")
            page.screenshot(path=ARTIFACTS / "07-thank-you.png", full_page=True)
            context.close()

            final = _fieldwork_counts(coordinator, base, study_id)
            expect(coordinator.locator("h1")).to_have_text("Veldwerk en respons")
            assert final == {
                "In steekproef": "1",
                "Uitgenodigd": "1",
                "Afgeleverd": "1",  # the SMTP server accepted the invitation
                "Onbestelbaar": "0",
                "Geopend": "0",
                "Begonnen": "1",
                "Gedeeltelijk": "0",
                "Volledig": "1",
                "Bruto respons": "100.0%",
                "Netto respons": "100.0%",
            }, final
            coordinator.screenshot(path=ARTIFACTS / "09-fieldwork-complete.png", full_page=True)
        finally:
            desk.close()
            browser.close()

    with unit_of_work(engine) as session:
        (response,) = session.scalars(select(Response)).all()
        invitation = session.scalars(select(Invitation)).one()
        assert response.status == "complete" and response.anonymous
        assert response.invitation_id is None and invitation.completed
        assert response.answers["p01"] == "dk" and response.answers["cvs_recommend"] == 8
        assert response.answers[first] == 6 and response.answers[missing] == 6
    assert len(list(ARTIFACTS.glob("*.png"))) >= 9
