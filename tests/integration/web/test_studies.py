"""Creating studies, uploading samples, launching and closing fieldwork, and the
fieldwork page."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, func, select

from gapsight.services.studies import get_study, info
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation, Study

from ..services.test_fieldwork import fill_fieldwork
from .helpers import Browser, as_role, small_study


def _count(engine: Engine, model: type[Study] | type[Invitation]) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _study(engine: Engine, study_id: int) -> Any:
    with unit_of_work(engine) as session:
        return info(get_study(session, study_id))


def _form(org: int, **changes: str) -> dict[str, Any]:
    form: dict[str, Any] = {
        "organisation": str(org),
        "instrument": "servqual22",
        "name": "Klantonderzoek 2026",
        "series": "KTO",
        "kind": "customer",
        "anonymity_mode": "choice",
        "min_group_size": "5",
        "confidence_level": "0.95",
        "field_start": "2026-03-01",
        "field_end": "2026-03-31",
        "population_size": "1200",
        "reminder_days": "7, 14",
        "flag_recipients": "kcc@acme.example\nteam@acme.example",
        "modules": ["importance"],
    }
    form.update(changes)
    return form


def test_create_a_study_in_two_steps(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    step1 = browser.get("/studies/new")
    assert 'name="instrument"' in step1.text and 'name="min_group_size"' not in step1.text
    step2 = browser.get(f"/studies/new?organisation={people['acme']}&instrument=servqual22")
    assert 'name="min_group_size"' in step2.text
    assert 'for="field-min_group_size"' in step2.text  # labelled
    assert 'min="3" max="10" inputmode="numeric"' in step2.text  # limits for phones
    assert 'value="importance"' in step2.text  # the instrument's optional modules
    created = browser.submit("/studies", _form(people["acme"]), token_from="/studies")
    assert created.status_code == 303, created.text
    study_id = int(created.headers["location"].rsplit("/", 1)[1])
    study = _study(web_engine, study_id)
    assert (study.name, study.kind, study.status) == ("Klantonderzoek 2026", "customer", "draft")
    assert study.instrument_ref == "servqual22@1"
    assert study.reminder_days == (7, 14)
    assert study.flag_recipients == ("kcc@acme.example", "team@acme.example")
    assert study.population_size == 1200 and study.min_group_size == 5
    assert study.modules["importance"] is True
    assert all(not on for m, on in study.modules.items() if m != "importance")
    page = browser.get(created.headers["location"]).text
    assert "Study created." in page and "kcc@acme.example, team@acme.example" in page
    preview = re.search(r'href="(/instruments/versions/\d+\?organisation=\d+)"', page)
    assert preview is not None  # the study links to its questionnaire
    shown = browser.get(preview.group(1).replace("&amp;", "&") + "&language=en").text
    assert "<code>servqual22@1</code>" in shown and "Acme" in shown


def test_invalid_settings_are_shown_next_to_the_fields_and_nothing_is_stored(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    response = browser.submit(
        "/studies?lang=en",
        _form(
            people["acme"],
            name="",
            kind="employee",
            min_group_size="2",
            field_end="2026-02-01",
            population_size="many",
            reminder_days="7, seven",
            flag_recipients="not-an-address",
        ),
        token_from="/studies",
    )
    assert response.status_code == 422
    text = response.text
    expected = {
        "name": "Enter a name for the study.",
        "min_group_size": "Enter a minimum group size from 3 to 10.",
        "field_end": "The field period cannot end before it starts.",
        "population_size": "Enter a whole number, such as 5.",
        "reminder_days": "Enter whole numbers separated by commas",
        "flag_recipients": "Enter e-mail addresses such as name@example.org",
    }
    for field, message in expected.items():
        assert f'<a href="#field-{field}">{message}' in text, field  # summary → field
        assert f'<p class="field-error" id="error-{field}">{message}' in text, field
        assert f'id="field-{field}"' in text, field
    assert 'aria-invalid="true"' in text
    assert 'value="many"' in text  # what the user typed is kept
    assert _count(web_engine, Study) == 0


def test_employee_studies_are_always_anonymous(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    form = browser.get(f"/studies/new?organisation={people['acme']}&instrument=mto").text
    assert 'value="employee" selected' in form  # the instrument's variant is the default
    assert 'value="anonymous" checked' in form
    response = browser.submit(
        "/studies",
        _form(
            people["acme"], instrument="mto", kind="employee", anonymity_mode="choice", modules=[]
        ),
        token_from="/studies",
    )
    assert response.status_code == 303, response.text
    study_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert _study(web_engine, study_id).anonymity_mode == "anonymous"
    page = browser.get(response.headers["location"]).text
    assert "Employee surveys are always anonymous, so this study is anonymous." in page


def test_dutch_messages_for_invalid_settings(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    browser.get("/studies?lang=nl")
    response = browser.submit(
        "/studies", _form(people["acme"], min_group_size="11"), token_from="/studies"
    )
    assert response.status_code == 422
    assert "Vul een minimale groepsgrootte in van 3 tot en met 10." in response.text
    assert _count(web_engine, Study) == 0


def test_tampered_organisation_or_instrument_is_refused(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    other_org = browser.submit("/studies", _form(people["other"]), token_from="/studies")
    unknown = browser.submit(
        "/studies", _form(people["acme"], instrument="nope"), token_from="/studies"
    )
    assert other_org.status_code == 422 and unknown.status_code == 422
    assert _count(web_engine, Study) == 0


def test_other_organisations_studies_are_not_found(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    theirs = small_study(web_engine, people["other"])
    as_role(browser, "coordinator")
    assert browser.get(f"/studies/{theirs}").status_code == 404
    assert browser.get(f"/studies/{theirs}/fieldwork").status_code == 404
    assert "KTO 2026" not in browser.get("/studies").text


def test_sample_upload_stores_contacts_with_characteristics(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = small_study(web_engine, people["acme"])
    as_role(browser, "coordinator")
    csv = (
        "email,name,language,segment,region\n"
        "a@example.org,Ann,nl,A,north\nb@example.org,Bob,en,B,south\n"
    )
    response = browser.submit(
        f"/studies/{study_id}/sample",
        {"characteristics": "segment, region"},
        files={"file": ("sample.csv", csv.encode())},
        token_from="/studies",
    )
    assert response.status_code == 303, response.text
    assert "2 contacts added to the sample." in browser.get(f"/studies/{study_id}").text
    with unit_of_work(web_engine) as session:
        rows = session.scalars(select(Invitation).order_by(Invitation.email)).all()
        assert [(r.email, r.language, r.characteristics) for r in rows] == [
            ("a@example.org", "nl", {"segment": "A", "region": "north"}),
            ("b@example.org", "en", {"segment": "B", "region": "south"}),
        ]


def test_rejected_sample_shows_the_capped_problem_list_and_stores_nothing(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = small_study(web_engine, people["acme"])
    as_role(browser, "coordinator")
    bad = "email,segment\n" + "".join(f"not-an-address-{i},A\n" for i in range(30))
    response = browser.submit(
        f"/studies/{study_id}/sample",
        {"characteristics": "segment"},
        files={"file": ("sample.csv", bad.encode())},
        token_from="/studies",
    )
    assert response.status_code == 422
    assert "The file was not imported; nothing was stored" in response.text
    assert "30 problems were found." in response.text
    assert "The first 20 are listed." in response.text
    assert response.text.count("<li>row ") == 20
    assert _count(web_engine, Invitation) == 0
    unknown_column = browser.submit(
        f"/studies/{study_id}/sample",
        {},
        files={"file": ("sample.csv", b"email,segment\na@example.org,A\n")},
        token_from="/studies",
    )
    assert unknown_column.status_code == 422 and "segment" in unknown_column.text
    no_file = browser.submit(f"/studies/{study_id}/sample", {}, token_from="/studies")
    assert no_file.status_code == 422 and "Choose a file to upload." in no_file.text
    wrong_type = browser.submit(
        f"/studies/{study_id}/sample",
        {},
        files={"file": ("sample.pdf", b"%PDF-1.4")},
        token_from="/studies",
    )
    assert wrong_type.status_code == 422
    assert _count(web_engine, Invitation) == 0


def test_launch_and_close_with_confirmation(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = small_study(web_engine, people["acme"])
    as_role(browser, "coordinator")
    # closing a draft is not possible: 409, nothing changes
    assert browser.submit(f"/studies/{study_id}/close", token_from="/studies").status_code == 409
    assert _study(web_engine, study_id).status == "draft"
    assert browser.get(f"/studies/{study_id}/close", follow_redirects=False).status_code == 303
    launched = browser.submit(f"/studies/{study_id}/launch", token_from="/studies")
    assert launched.status_code == 303
    assert _study(web_engine, study_id).status == "fieldwork"
    page = browser.get(f"/studies/{study_id}").text
    assert "Fieldwork has started." in page and f'href="/studies/{study_id}/close"' in page
    confirm = browser.get(f"/studies/{study_id}/close")
    assert "Yes, close fieldwork" in confirm.text
    assert _study(web_engine, study_id).status == "fieldwork"  # asking changes nothing
    closed = browser.submit(f"/studies/{study_id}/close", token_from="/studies")
    assert closed.status_code == 303
    assert _study(web_engine, study_id).status == "closed"
    assert "Reopen fieldwork" in browser.get(f"/studies/{study_id}").text


def test_viewer_sees_the_study_but_cannot_launch_it(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = small_study(web_engine, people["acme"])
    as_role(browser, "viewer")
    page = browser.get(f"/studies/{study_id}").text
    assert "Launch fieldwork" not in page and "Upload sample" not in page
    assert browser.submit(f"/studies/{study_id}/launch", token_from="/studies").status_code == 403
    assert browser.get(f"/studies/{study_id}/sample").status_code == 403
    assert _study(web_engine, study_id).status == "draft"


def test_fieldwork_page_counts_and_suppression(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = small_study(web_engine, people["acme"])
    with unit_of_work(web_engine) as session:
        fill_fieldwork(session, study_id)
    as_role(browser, "viewer")
    page = browser.get(f"/studies/{study_id}/fieldwork?lang=en").text
    for label, value in [
        ("In sample", 21),
        ("Invited", 21),
        ("Delivered", 20),
        ("Bounced", 1),
        ("Opened", 10),
        ("Started", 14),
        ("Partial", 3),
        ("Complete", 11),
    ]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page, label
    assert "<dt>Gross response rate</dt><dd>70.0%</dd>" in page
    assert "<dt>Net response rate</dt><dd>70.0%</dd>" in page
    assert "<h2>By region</h2>" in page
    north = page[page.index('<th scope="row">north</th>') :][:200]
    assert "<td>10</td>" in north and "<td>7</td>" in north
    south = page[page.index('<th scope="row">south</th>') :][:300]
    assert "fewer than 5 responses" in south and "<td>2</td>" not in south
    east = page[page.index('<th scope="row">east</th>') :][:300]
    assert "fewer than 5 responses" in east and "<td>5</td>" not in east

    def hidden_cell(row: str) -> str:
        return row[row.index('class="suppressed"') :].split("</td>")[0]

    # The small group and the one hidden with it read the same: which is small stays unknown.
    assert hidden_cell(south) == hidden_cell(east)
    dutch = browser.get(f"/studies/{study_id}/fieldwork?lang=nl").text
    assert "minder dan 5 antwoorden" in dutch and "<dt>Bruto respons</dt><dd>70.0%</dd>" in dutch


# -- the open link (anonymous studies) ---------------------------------------------


def _open_link(engine: Engine, study_id: int) -> str | None:
    with unit_of_work(engine) as session:
        return get_study(session, study_id).open_link


def test_a_coordinator_switches_the_open_link_on_and_off(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    from gapsight.services.studies import set_status

    study_id = small_study(web_engine, people["acme"], anonymity_mode="anonymous")
    with unit_of_work(web_engine) as session:
        set_status(session, study_id, "fieldwork")
    as_role(browser, "coordinator")
    page = browser.get(f"/studies/{study_id}")
    assert "No open link." in page.text and 'value="on"' in page.text
    assert "/o/" not in page.text

    on = browser.submit(
        f"/studies/{study_id}/open-link", {"action": "on"}, token_from=f"/studies/{study_id}"
    )
    assert on.status_code == 303
    public = _open_link(web_engine, study_id)
    assert public is not None and len(public) >= 22  # 128 bits, URL-safe base64
    page = browser.get(f"/studies/{study_id}")
    assert "The open link is on" in page.text  # the flash message
    assert f'value="http://127.0.0.1:8000/o/{public}" readonly' in page.text
    assert 'for="open-link-url"' in page.text  # labelled
    respondent = browser.get(f"/o/{public}")
    assert respondent.status_code == 200 and 'action="/o/' in respondent.text

    # Switching on again keeps the same address (links already published stay valid).
    browser.submit(
        f"/studies/{study_id}/open-link", {"action": "on"}, token_from=f"/studies/{study_id}"
    )
    assert _open_link(web_engine, study_id) == public

    off = browser.submit(
        f"/studies/{study_id}/open-link", {"action": "off"}, token_from=f"/studies/{study_id}"
    )
    assert off.status_code == 303
    assert _open_link(web_engine, study_id) is None
    page = browser.get(f"/studies/{study_id}")
    assert "The open link is off" in page.text and f"/o/{public}" not in page.text
    assert browser.get(f"/o/{public}").status_code == 404


def test_identified_studies_have_no_open_link(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = small_study(web_engine, people["acme"], anonymity_mode="identified")
    as_role(browser, "coordinator")
    page = browser.get(f"/studies/{study_id}")
    assert "Open link" not in page.text
    forged = browser.submit(
        f"/studies/{study_id}/open-link", {"action": "on"}, token_from=f"/studies/{study_id}"
    )
    assert forged.status_code == 409
    assert _open_link(web_engine, study_id) is None


def test_the_open_link_needs_a_coordinator_of_the_organisation(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    study_id = small_study(web_engine, people["acme"], anonymity_mode="choice")
    as_role(browser, "viewer")
    page = browser.get(f"/studies/{study_id}")
    assert "No open link." in page.text and 'value="on"' not in page.text
    denied = browser.submit(
        f"/studies/{study_id}/open-link", {"action": "on"}, token_from=f"/studies/{study_id}"
    )
    assert denied.status_code == 403
    browser.submit("/logout", token_from="/studies")
    assert browser.login("coordinator@other.example").status_code == 303
    other = browser.submit(
        f"/studies/{study_id}/open-link", {"action": "on"}, token_from="/studies"
    )
    assert other.status_code in (403, 404)
    browser.submit("/logout", token_from="/studies")
    as_role(browser, "coordinator")
    bad = browser.submit(
        f"/studies/{study_id}/open-link", {"action": "maybe"}, token_from="/studies"
    )
    assert bad.status_code == 400
    assert _open_link(web_engine, study_id) is None
