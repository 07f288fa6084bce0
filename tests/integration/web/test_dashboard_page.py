"""The service dashboard page: the demo organisation's drivers and results with their
intervals and importance, in Dutch and English, following new responses, and closed to
other organisations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gapsight.io.table import ResponseTable
from gapsight.reports.model import Num
from gapsight.services import demo
from gapsight.services.dashboard import organisation_dashboard
from gapsight.services.demo_data import generate
from gapsight.services.responses import store_table
from gapsight.store.database import make_engine, unit_of_work
from gapsight.web.app import create_app

from .helpers import CHEAP_HASH, Browser


def _metric(view: Any, key: str) -> Any:
    return next(m for m in view.board.metrics if m.key == key)


@pytest.mark.slow
def test_the_dashboard_shows_drivers_results_and_importance(sqlite_settings: Any) -> None:
    result = demo.install(sqlite_settings)
    engine = make_engine(sqlite_settings)
    view = organisation_dashboard(engine, result.organisation_id)
    engine.dispose()
    enps, csat = _metric(view, "enps"), _metric(view, "csat")
    with Browser(create_app(sqlite_settings), headers={"accept-language": "nl"}) as browser:
        assert browser.login(demo.DEMO_EMAIL, demo.DEMO_PASSWORD).status_code == 303
        assert 'href="/dashboard"' in browser.get("/studies").text
        page = browser.get("/dashboard")
        assert page.status_code == 200
        text = page.text
        for name in ("Servicedashboard", "Drijfveren", "Resultaten", "Medewerkers-NPS (eNPS)"):
            assert name in text
        # the numbers are the service's, formatted with a decimal comma
        assert Num(enps.current.value, 0).text("nl") in text
        assert Num(csat.current.value, 1).text("nl") in text
        assert Num(csat.previous.value, 1).text("nl") in text  # two customer waves: a trend
        assert "Klantonderzoek 2024" in text and "Klantonderzoek 2025" in text
        assert "Welke drijfveer samengaat met welk resultaat" in text
        assert "klantverloop" in text  # metrics no questionnaire measures are named
    with Browser(create_app(sqlite_settings), headers={"accept-language": "en"}) as browser:
        browser.login(demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
        text = browser.get("/dashboard").text
        assert "Service dashboard" in text and "Employee NPS (eNPS)" in text
        assert Num(enps.current.value, 0).text("en") in text


@pytest.mark.slow
def test_the_dashboard_follows_new_responses(sqlite_settings: Any) -> None:
    result = demo.install(sqlite_settings)
    employee = next(w for w in result.waves if w.key == "medewerkers-2025")
    engine = make_engine(sqlite_settings)
    before = _metric(organisation_dashboard(engine, result.organisation_id), "esat")
    source = generate().wave("medewerkers-2025").table
    pick = list(range(12))
    m = source.matrix
    extra = ResponseTable(
        instrument_ref=source.instrument_ref,
        matrix=type(m)(
            codes=m.codes,
            values=m.values[pick],
            dont_know=None if m.dont_know is None else m.dont_know[pick],
        ),
        texts={c: [col[i] for i in pick] for c, col in source.texts.items()},
        characteristics=source.characteristics.iloc[pick].reset_index(drop=True),
    )
    with unit_of_work(engine) as session:
        store_table(session, employee.study_id, extra)
    after = _metric(organisation_dashboard(engine, result.organisation_id), "esat")
    engine.dispose()
    answered = int((~np.isnan(extra.matrix.column("esat"))).sum())
    assert after.current.n == before.current.n + answered
    with Browser(create_app(sqlite_settings), headers={"accept-language": "en"}) as browser:
        browser.login(demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
        assert Num(after.current.value, 1).text("en") in browser.get("/dashboard").text


@pytest.mark.slow
def test_other_organisations_cannot_read_the_dashboard(sqlite_settings: Any) -> None:
    from gapsight.services import organisations
    from gapsight.store.models import User

    result = demo.install(sqlite_settings)
    engine = make_engine(sqlite_settings)
    with unit_of_work(engine) as session:
        other = organisations.create_organisation(session, "Other")
        session.add(
            User(
                email="viewer@other.example",
                name="Viewer",
                password_hash=CHEAP_HASH,
                role="viewer",
                organisation_id=other.id,
            )
        )
    engine.dispose()
    with Browser(create_app(sqlite_settings), headers={"accept-language": "en"}) as browser:
        assert browser.login("viewer@other.example").status_code == 303
        own = browser.get("/dashboard")
        assert own.status_code == 200 and "No waves with these metrics yet." in own.text
        assert browser.get(f"/dashboard?organisation={result.organisation_id}").status_code == 404
    with Browser(create_app(sqlite_settings)) as anonymous:
        assert anonymous.get("/dashboard", follow_redirects=False).status_code in (303, 401)
