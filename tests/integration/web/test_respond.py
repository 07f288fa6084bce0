"""Respondent pages through the web: links, pages, validation, resume, open links.

Runs on SQLite and PostgreSQL (``db_settings``). Every bad request must be answered
with a page and a 4xx status — never a 500 — and must not lose what was saved before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from gapsight.config import Settings
from gapsight.domain.questionnaire import Page, paginate
from gapsight.instruments import load_builtin
from gapsight.instruments.model import Instrument
from gapsight.services import links, studies
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import Invitation, Response
from gapsight.web.app import create_app

SERVQUAL = load_builtin("servqual22")


def valid_answers(instrument: Instrument, page: Page) -> dict[str, str]:
    """A valid answer to every item of ``page`` (importance points 20 each)."""
    out: dict[str, str] = {"_page": str(page.number)}
    for code in page.codes:
        scale = instrument.scale_of(code)
        if scale.kind == "text":
            out[code] = "prima"
        elif scale.kind == "points":
            out[code] = "20"
        else:
            lo, hi = scale.bounds()
            out[code] = str((lo + hi) // 2)
    return out


@pytest.fixture
def app_settings(db_settings: Settings) -> Settings:
    return db_settings.with_(secret_key="r" * 48)


@pytest.fixture
def db(app_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(app_settings)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(
        create_app(app_settings), follow_redirects=False, headers={"accept-language": "en"}
    ) as c:
        yield c


@pytest.fixture
def field_study(field_study: Callable[..., Any]) -> Callable[..., Any]:
    """Invitations in English unless a test asks otherwise."""

    def make(db: Engine, **options: Any) -> Any:
        return field_study(db, **{"language": "en", **options})

    return make


def _responses(db: Engine) -> list[Response]:
    with unit_of_work(db) as session:
        return list(session.scalars(select(Response).order_by(Response.id)))


def test_personal_link_from_intro_to_thank_you(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    _study_id, tokens = field_study(db)
    token = next(iter(tokens.values()))
    intro = client.get(f"/r/{token}")
    assert intro.status_code == 200
    assert "Veldhuis" in intro.text and "veilig werken" in intro.text
    assert "_anonymity" not in intro.text  # an anonymous study offers no choice
    start = client.post(f"/r/{token}/start")
    assert start.headers["location"] == f"/r/{token}/p/1"
    pages = paginate(SERVQUAL, SERVQUAL.modules)
    assert all(len(p.codes) <= 5 for p in pages)
    for page in pages:
        shown = client.get(f"/r/{token}/p/{page.number}")
        assert f"Page {page.number} of {len(pages)}" in shown.text
        sent = client.post(f"/r/{token}/p/{page.number}", data=valid_answers(SERVQUAL, page))
        assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/r/{token}/done"
    assert "Thank you" in client.get(f"/r/{token}/done").text
    (response,) = _responses(db)
    assert response.status == "complete" and response.anonymous
    assert response.answers["p01"] == 4
    # The link is used up: a visit says so (410), a late resubmission changes nothing.
    assert client.get(f"/r/{token}").status_code == 410
    again = client.post(f"/r/{token}/p/1", data=valid_answers(SERVQUAL, pages[0]))
    assert again.headers["location"] == f"/r/{token}/done"
    assert len(_responses(db)) == 1


def test_missing_and_out_of_range_answers_are_explained_and_nothing_is_lost(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    _, tokens = field_study(db)
    token = next(iter(tokens.values()))
    pages = paginate(SERVQUAL, SERVQUAL.modules)
    assert client.post(f"/r/{token}/p/1", data=valid_answers(SERVQUAL, pages[0])).status_code == 303
    before = _responses(db)[0].answers
    form = valid_answers(SERVQUAL, pages[1])
    del form[pages[1].codes[0]]
    form[pages[1].codes[1]] = "8"
    bad = client.post(f"/r/{token}/p/2", data=form)
    assert bad.status_code == 422
    assert 'class="error-summary"' in bad.text
    assert f'href="#field-{pages[1].codes[0]}">Question 1: choose an answer.' in bad.text
    assert "Question 2: enter a whole number from 1 to 7." in bad.text
    # What the respondent chose is still selected on the page shown again.
    assert 'value="4" checked' in bad.text
    assert _responses(db)[0].answers == before


@pytest.mark.parametrize(
    "change",
    [
        {"zz_unknown": "3"},  # an item the page does not ask
        {"_page": "2"},  # the hidden page number tampered with
        {"e01": "dk"},  # don't know on an expectation (only perceptions offer it)
        {f"x{i}": "1" for i in range(1001)},  # more fields than the reader accepts
    ],
)
def test_tampered_forms_get_400_and_store_nothing(
    client: TestClient, db: Engine, field_study: Callable[..., Any], change: dict[str, str]
) -> None:
    _, tokens = field_study(db)
    token = next(iter(tokens.values()))
    page = paginate(SERVQUAL, SERVQUAL.modules)[0]
    response = client.post(f"/r/{token}/p/1", data={**valid_answers(SERVQUAL, page), **change})
    assert response.status_code == 400
    assert "nothing was stored" in response.text
    assert _responses(db) == []


def test_bad_links_and_bodies_get_clear_pages(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    study_id, tokens = field_study(db)
    token = next(iter(tokens.values()))
    unknown = client.get("/r/" + "x" * 43)
    assert unknown.status_code == 404 and "Link not recognised" in unknown.text
    assert client.post("/r/" + "x" * 43 + "/p/1", data={"_page": "1"}).status_code == 404
    assert client.get("/r/" + "x" * 500).status_code == 404
    assert client.get(f"/r/{token}/p/99").status_code == 404
    assert client.get(f"/r/{token}/p/abc").status_code == 422
    huge = client.post(
        f"/r/{token}/p/1",
        content=b"a=" + b"x" * (21 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413
    with unit_of_work(db) as session:
        studies.set_status(session, study_id, "closed")
    closed = client.get(f"/r/{token}")
    assert closed.status_code == 410 and "closed" in closed.text
    assert _responses(db) == []


def test_resubmitting_a_page_is_idempotent_and_resume_finds_the_first_open_page(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    _, tokens = field_study(db)
    token = next(iter(tokens.values()))
    pages = paginate(SERVQUAL, SERVQUAL.modules)
    for page in (pages[0], pages[1], pages[0]):
        assert (
            client.post(
                f"/r/{token}/p/{page.number}", data=valid_answers(SERVQUAL, page)
            ).status_code
            == 303
        )
    (response,) = _responses(db)
    assert response.status == "partial" and response.pages == [1, 2]
    intro = client.get(f"/r/{token}")
    assert "You have answered 2 of" in intro.text
    assert client.post(f"/r/{token}/start").headers["location"] == f"/r/{token}/p/3"
    shown = client.get(f"/r/{token}/p/1")
    assert f'id="{pages[0].codes[0]}-4" name="{pages[0].codes[0]}" value="4" checked' in shown.text


def test_importance_points_must_add_up_to_100_and_the_total_is_shown(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    _, tokens = field_study(db, modules={"importance": True})
    token = next(iter(tokens.values()))
    pages = paginate(SERVQUAL, {"importance": True})
    page = next(p for p in pages if "w_tangibles" in p.codes)
    form = valid_answers(SERVQUAL, page)
    form["w_tangibles"] = "10"
    bad = client.post(f"/r/{token}/p/{page.number}", data=form)
    assert bad.status_code == 422
    assert "The points add up to 90; they must add up to 100." in bad.text
    assert "Total: 90 of 100 points" in bad.text
    form["w_tangibles"] = "120"
    assert "from 0 to 100" in client.post(f"/r/{token}/p/{page.number}", data=form).text
    form["w_tangibles"] = "20"
    assert client.post(f"/r/{token}/p/{page.number}", data=form).status_code == 303
    assert "Total: 100 of 100 points" in client.get(f"/r/{token}/p/{page.number}").text


def test_dutch_pages_follow_the_invitation_language(
    app_settings: Settings, db: Engine, field_study: Callable[..., Any]
) -> None:
    _, tokens = field_study(db, language="nl")
    token = next(iter(tokens.values()))
    with TestClient(create_app(app_settings), follow_redirects=False) as client:
        page = client.get(f"/r/{token}/p/1")
        assert "Pagina 1 van" in page.text and "goede dienstverlener" in page.text
        english = client.get(f"/r/{token}/p/1?lang=en")
        assert "Page 1 of" in english.text and "excellent provider" in english.text


def test_open_link_starts_a_new_anonymous_response_per_visitor(
    app_settings: Settings, db: Engine, field_study: Callable[..., Any]
) -> None:
    cvs = load_builtin("cvs")
    study_id, _ = field_study(db, instrument="cvs", n=0)
    with unit_of_work(db) as session:
        public = links.enable_open_link(session, study_id)
    (page,) = paginate(cvs, cvs.modules)
    for _ in range(2):
        with TestClient(create_app(app_settings), follow_redirects=False) as visitor:
            assert visitor.get(f"/o/{public}").status_code == 200
            assert (
                visitor.post(f"/o/{public}/p/1", data=valid_answers(cvs, page)).headers["location"]
                == f"/o/{public}"
            )  # no response yet: back to the intro
            started = visitor.post(f"/o/{public}/start")
            assert started.headers["location"] == f"/o/{public}/p/1"
            assert "httponly" in started.headers["set-cookie"].lower()
            done = visitor.post(f"/o/{public}/p/1", data=valid_answers(cvs, page))
            assert done.headers["location"] == f"/o/{public}/done"
            assert visitor.get(f"/o/{public}/done").status_code == 200
    rows = _responses(db)
    assert [r.status for r in rows] == ["complete", "complete"]
    assert all(r.anonymous and r.invitation_id is None and r.resume_hash is None for r in rows)
    assert TestClient(create_app(app_settings)).get("/o/not-a-study").status_code == 404


def test_choice_study_converts_the_response_when_the_respondent_changes_their_mind(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    _, tokens = field_study(db, anonymity_mode="choice", segments=["A", "A", "A", "B", "B", "C"])
    invitation_id, token = next(iter(tokens.items()))
    assert "Stay anonymous" in client.get(f"/r/{token}").text
    client.post(f"/r/{token}/start", data={"_anonymity": "contact"})
    page = paginate(SERVQUAL, SERVQUAL.modules)[0]
    client.post(f"/r/{token}/p/1", data=valid_answers(SERVQUAL, page))
    (identified,) = _responses(db)
    assert not identified.anonymous and identified.invitation_id == invitation_id
    assert identified.respondent_key == "K000" and identified.started_at is not None
    client.post(f"/r/{token}/start", data={"_anonymity": "anonymous"})
    (anonymous,) = _responses(db)
    assert anonymous.anonymous and anonymous.invitation_id is None
    assert anonymous.id != identified.id and anonymous.respondent_key is None
    assert anonymous.started_at is None and anonymous.answers == identified.answers
    assert client.post(f"/r/{token}/start", data={"_anonymity": "maybe"}).status_code == 400
    client.post(f"/r/{token}/start", data={"_anonymity": "contact"})
    (back,) = _responses(db)
    assert back.invitation_id == invitation_id and back.characteristics == {"segment": "A"}
    with unit_of_work(db) as session:
        count = session.scalar(select(func.count()).select_from(Response))
        assert count == 1
        assert not session.get(Invitation, invitation_id).completed  # type: ignore[union-attr]


def test_employee_studies_offer_no_choice(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    _, tokens = field_study(db, instrument="mto", kind="employee")
    token = next(iter(tokens.values()))
    intro = client.get(f"/r/{token}")
    assert "_anonymity" not in intro.text and "Your answers are anonymous" in intro.text
    client.post(f"/r/{token}/start", data={"_anonymity": "contact"})
    (response,) = _responses(db)
    assert response.anonymous and response.invitation_id is None


def test_closing_fieldwork_erases_what_could_resume_an_unfinished_response(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    study_id, tokens = field_study(db)
    token = next(iter(tokens.values()))
    page = paginate(SERVQUAL, SERVQUAL.modules)[0]
    client.post(f"/r/{token}/p/1", data=valid_answers(SERVQUAL, page))
    assert _responses(db)[0].resume_hash is not None
    with unit_of_work(db) as session:
        studies.set_status(session, study_id, "closed")
    (response,) = _responses(db)
    assert response.resume_hash is None and response.status == "partial"
    assert client.get(f"/r/{token}").status_code == 410


def test_text_answers_keep_their_characters(
    client: TestClient, db: Engine, field_study: Callable[..., Any]
) -> None:
    """The URL-encoded reader decodes percent-escaped UTF-8 and ``+`` like a browser."""
    modules = {"control": True}
    _, tokens = field_study(db, modules=modules)
    token = next(iter(tokens.values()))
    pages = paginate(SERVQUAL, modules)
    (page,) = [p for p in pages if "ctl_relationship_other" in p.codes]
    for earlier in pages[: page.number - 1]:
        sent = client.post(f"/r/{token}/p/{earlier.number}", data=valid_answers(SERVQUAL, earlier))
        assert sent.status_code == 303
    text = "Café + thé, 100% goed & meer"
    answers = {**valid_answers(SERVQUAL, page), "ctl_relationship_other": text}
    assert client.post(f"/r/{token}/p/{page.number}", data=answers).status_code == 303
    (stored,) = _responses(db)
    assert stored.texts == {"ctl_relationship_other": text}
