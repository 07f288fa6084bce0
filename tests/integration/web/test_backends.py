"""One coordinator journey on both databases (SQLite and PostgreSQL): create a study,
upload its sample, launch, watch fieldwork, close."""

from __future__ import annotations

from gapsight.config import Settings
from gapsight.services import organisations
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import User
from gapsight.web.app import create_app

from .helpers import CHEAP_HASH, Browser


def test_coordinator_journey(web_settings: Settings) -> None:
    engine = make_engine(web_settings)
    try:
        with unit_of_work(engine) as session:
            org = organisations.create_organisation(session, "Acme", sector="cleaning")
            org_id = org.id
            session.add(
                User(
                    email="c@acme.example",
                    name="C",
                    password_hash=CHEAP_HASH,
                    role="coordinator",
                    organisation_id=org_id,
                )
            )
    finally:
        engine.dispose()
    with Browser(create_app(web_settings), headers={"accept-language": "en"}) as browser:
        assert browser.login("c@acme.example").status_code == 303
        created = browser.submit(
            "/studies",
            {
                "organisation": str(org_id),
                "instrument": "cvs",
                "name": "CVS 2026",
                "kind": "customer",
                "anonymity_mode": "choice",
                "min_group_size": "3",
                "confidence_level": "0.95",
                "reminder_days": "5",
                "flag_recipients": "",
            },
            token_from="/studies",
        )
        assert created.status_code == 303, created.text
        study = created.headers["location"]
        sample = "email,segment\n" + "".join(
            f"p{i}@example.org,{'A' if i < 4 else 'B'}\n" for i in range(6)
        )
        uploaded = browser.submit(
            f"{study}/sample",
            {"characteristics": "segment"},
            files={"file": ("sample.csv", sample.encode())},
            token_from="/studies",
        )
        assert uploaded.status_code == 303, uploaded.text
        assert browser.submit(f"{study}/launch", token_from="/studies").status_code == 303
        page = browser.get(f"{study}/fieldwork").text
        assert "<dt>In sample</dt><dd>6</dd>" in page
        assert "<dt>Started</dt><dd>0</dd>" in page
        assert "<h2>By segment</h2>" in page
        assert browser.submit(f"{study}/close", token_from="/studies").status_code == 303
        assert "Reopen fieldwork" in browser.get(study).text
