"""The case pages: list with filters, a case with its history, steps, notes, bulk
reassignment, who sees the respondent's answers, and the study's flags page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Engine

from gapsight.services import cases
from gapsight.store.database import unit_of_work

from ..services.loop_helpers import complete, loop_study
from .helpers import Browser, as_role

NOW = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)


def _cases(engine: Engine, organisation_id: int) -> int:
    rules = {
        "rules": [
            {"kind": "score", "code": "cvs_recommend", "label": "promoter", "min": 9, "max": 10},
            {"kind": "score", "code": "cvs_recommend", "label": "detractor", "min": 0, "max": 6},
        ],
        "recipients": {
            "characteristic": "business_unit",
            "by_value": {"Noord": "viewer@acme.example"},
            "fallback": ["zuid@acme.example"],
        },
    }
    study_id, tokens = loop_study(
        engine,
        organisation_id=organisation_id,
        rules=rules,
        segments=["Noord", "Zuid", "Zuid", "Noord"],
    )
    for token, value in zip(tokens.values(), ["2", "10", "8", "5"], strict=True):
        complete(engine, token, {"cvs_recommend": value}, anonymous=False, now=NOW)
    return study_id


def test_list_filters_and_hidden_respondents(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = _cases(web_engine, people["acme"])
    as_role(browser, "coordinator")
    page = browser.get("/cases")
    assert page.status_code == 200
    assert re.findall(r'href="/cases/(\d+)"', page.text) == ["1", "2", "3"]
    assert "Klant 0" in page.text and "Klant 3" in page.text
    assert re.findall(r'href="/cases/(\d+)"', browser.get("/cases?segment=Zuid").text) == ["2"]
    assert re.findall(
        r'href="/cases/(\d+)"', browser.get(f"/cases?study={study_id}&status=open").text
    ) == ["1", "2", "3"]
    assert "There are no cases." in browser.get("/cases?status=closed").text
    assert "There are no cases." in browser.get("/cases?overdue=1").text
    owner = browser.get("/cases?owner=zuid@acme.example").text
    assert re.findall(r'href="/cases/(\d+)"', owner) == ["2"]
    browser.post("/logout", data={"csrf_token": browser.token("/cases")})
    # The viewer owns the Noord cases (1 and 3) and sees those respondents only.
    as_role(browser, "viewer")
    page = browser.get("/cases").text
    assert "Klant 0" in page and "Klant 3" in page and "Klant 1" not in page
    assert page.count("hidden") >= 1
    assert 'name="case"' not in page  # no bulk reassignment for viewers
    case2 = browser.get("/cases/2")
    assert case2.status_code == 200 and "klant1@example.org" not in case2.text
    assert "Only coordinators and the owner of the case" in case2.text
    refused = browser.submit(
        "/cases/2/status", {"status": "forwarded", "contact_person": "X"}, token_from="/cases/2"
    )
    assert refused.status_code == 403


def test_a_case_page_steps_notes_and_history(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    _cases(web_engine, people["acme"])
    as_role(browser, "coordinator")
    page = browser.get("/cases/1")
    assert page.status_code == 200
    assert "klant0@example.org" in page.text and "K000" in page.text
    assert "cvs_recommend 0–6 → detractor" in page.text
    assert "All answers" in page.text and "<strong>2" in page.text
    missing = browser.submit(
        "/cases/1/status", {"status": "forwarded", "contact_person": ""}, token_from="/cases/1"
    )
    assert missing.status_code == 422
    assert "Enter the customer&#39;s contact person" in missing.text
    done = browser.submit(
        "/cases/1/status",
        {"status": "forwarded", "contact_person": "Piet de Vries"},
        token_from="/cases/1",
    )
    assert done.status_code == 303 and done.headers["location"] == "/cases/1"
    browser.submit("/cases/1/note", {"note": "Left a voicemail"}, token_from="/cases/1")
    browser.submit(
        "/cases/1/status",
        {"status": "followed_up", "note": "Called; delivery problem solved"},
        token_from="/cases/1",
    )
    page = browser.get("/cases/1").text
    history = page.split('id="history"')[1]
    assert history.index("forwarded to Piet de Vries") < history.index("Left a voicemail")
    assert history.index("Left a voicemail") < history.index("Called; delivery problem solved")
    assert history.count("coordinator@acme.example") == 3
    assert "done on time" in page
    dutch = browser.get("/cases/1?lang=nl").text
    assert "Geschiedenis" in dutch and "Criticaster" in dutch


def test_bulk_reassignment(browser: Browser, people: dict[str, Any], web_engine: Engine) -> None:
    _cases(web_engine, people["acme"])
    as_role(browser, "coordinator")
    moved = browser.submit(
        "/cases/reassign",
        {"case": ["1", "3"], "owner": "Bob@Acme.example", "back": "/cases?segment=Noord"},
        token_from="/cases",
    )
    assert moved.status_code == 303 and moved.headers["location"] == "/cases?segment=Noord"
    assert "2 cases reassigned." in browser.get("/cases").text
    with unit_of_work(web_engine) as session:
        assert [c.owner for c in cases.list_cases(session)] == [
            "bob@acme.example",
            "zuid@acme.example",
            "bob@acme.example",
        ]
        (event,) = [e for e in cases.events_of(session, 3) if e.kind == "assign"]
        assert event.by == "coordinator@acme.example"
    bad = browser.submit(
        "/cases/reassign", {"case": ["2"], "owner": "not an address"}, token_from="/cases"
    )
    assert bad.status_code == 303
    assert "Enter an e-mail address" in browser.get("/cases").text


def test_other_organisations_see_nothing(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    _cases(web_engine, people["acme"])
    browser.login("coordinator@other.example")
    assert "There are no cases." in browser.get("/cases").text
    assert browser.get("/cases/1").status_code == 404
    moved = browser.submit(
        "/cases/reassign", {"case": ["1"], "owner": "x@y.nl"}, token_from="/cases"
    )
    assert moved.status_code == 404


def test_the_flags_page_shows_rules_recipients_and_metrics(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = _cases(web_engine, people["acme"])
    as_role(browser, "viewer")
    page = browser.get(f"/studies/{study_id}/flags").text
    assert "cvs_recommend 9–10 → promoter" in page
    assert "business_unit = Noord: viewer@acme.example" in page
    assert "Everyone else</" not in page and "zuid@acme.example" in page
    assert re.search(r"Flags raised</dt><dd>3 \(promoters 1, detractors 2\)", page)
    assert browser.get(f"/studies/{study_id}").text.count(f"/studies/{study_id}/flags") == 1


def test_coordinators_set_flag_rules_on_a_draft_study_only(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    from gapsight.services import studies

    with unit_of_work(web_engine) as session:
        study = studies.create_study(
            session,
            organisation_id=people["acme"],
            name="KTO 2027",
            kind="customer",
            instrument="kto",
            anonymity_mode="choice",
        )
        study_id = study.id
    as_role(browser, "coordinator")
    path = f"/studies/{study_id}/flags"
    page = browser.get(path).text
    assert "Change the flag rules" in page and 'value="cvs_recommend"' in page
    assert "reach nobody" in page  # no flag recipients and no case coordinator yet
    bad = browser.submit(
        path,
        {
            "nps": "1",
            "code": "nope",
            "promoter_min": "9",
            "promoter_max": "10",
            "by_value": "Noord = not-an-address",
        },
        token_from=path,
    )
    assert bad.status_code == 422
    assert "the instrument has no item" in bad.text or "is not an e-mail" in bad.text
    saved = browser.submit(
        path,
        {
            "nps": "1",
            "code": "cvs_recommend",
            "promoter_min": "9",
            "promoter_max": "10",
            "detractor_min": "0",
            "detractor_max": "6",
            "grade": "1",
            "grade_max": "5",
            "characteristic": "business_unit",
            "by_value": "Noord = noord@acme.example\nZuid = z1@acme.example, z2@acme.example",
            "fallback": "rest@acme.example",
        },
        token_from=path,
    )
    assert saved.status_code == 303
    page = browser.get(path).text
    assert "any dimension grade ≤ 5 → detractor" in page and "reach nobody" not in page
    assert "business_unit = Zuid: z1@acme.example, z2@acme.example" in page
    with unit_of_work(web_engine) as session:
        stored = studies.get_study(session, study_id).flag_rules
        assert stored is not None and len(stored["rules"]) == 3
        studies.set_status(session, study_id, "fieldwork")
    assert "Change the flag rules" not in browser.get(path).text
    locked = browser.submit(path, {"grade": "1"}, token_from=path)
    assert locked.status_code == 409
    browser.post("/logout", data={"csrf_token": browser.token(path)})
    as_role(browser, "viewer")
    assert browser.submit(path, {"grade": "1"}, token_from=path).status_code == 403


def test_mirror_discrepancies_become_an_action_plan_on_the_web(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    from gapsight.services import mirror_plans
    from gapsight.services.instruments import register
    from gapsight.services.responses import store_table
    from gapsight.services.studies import create_study

    from ..services.helpers import small_instrument, table

    with unit_of_work(web_engine) as session:
        version = register(session, small_instrument())
        customer = create_study(
            session,
            organisation_id=people["acme"],
            name="KTO",
            kind="customer",
            instrument=version.id,
        )
        mirror = create_study(
            session,
            organisation_id=people["acme"],
            name="Spiegel",
            kind="mirror",
            instrument=version.id,
        )
        store_table(session, customer.id, table([[2, 4, 3]] * 3 + [[1, 4, 3], [3, 4, 3]]))
        store_table(session, mirror.id, table([[5, 4, 3]] * 3 + [[4, 4, 3], [5, 5, 3]]))
        customer_id, mirror_id = customer.id, mirror.id
    as_role(browser, "coordinator")
    path = f"/studies/{mirror_id}/mirror-plan"
    assert browser.get(f"/studies/{mirror_id}").text.count(path) == 1
    page = browser.get(path).text
    assert 'value="q1"' in page and 'value="q2"' not in page and "+2.80" in page  # 4.8 − 2.0
    missing = browser.submit(
        path,
        {"customer": str(customer_id), "owner": "", "actions": "", "due": "2026-09-01"},
        token_from=path,
    )
    assert missing.status_code == 422
    assert "Tick at least one item." in missing.text and "Enter who owns the plan." in missing.text
    made = browser.submit(
        path,
        {
            "customer": str(customer_id),
            "item": "q1",
            "owner": "Ann de Wit",
            "actions": "Workshop with the service desk\nCall five customers",
            "due": "2026-09-01",
        },
        token_from=path,
    )
    assert made.status_code == 303
    page = browser.get(made.headers["location"]).text
    assert "The action plan was created." in page and "Ann de Wit" in page
    with unit_of_work(web_engine) as session:
        (plan,) = mirror_plans.plans_for(session, people["acme"], customer_wave_id=customer_id)
        assert plan.plan == "- Workshop with the service desk\n- Call five customers"
    assert browser.get(f"/studies/{customer_id}/mirror-plan").status_code == 404
