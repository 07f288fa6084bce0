"""Logging in and out, wrong passwords, the throttle, CSRF and roles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from gapsight.store.database import unit_of_work
from gapsight.store.models import Organisation, Study

from .helpers import Browser, as_role


def _count(engine: Engine, model: type[Organisation] | type[Study]) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_login_and_logout(browser: Browser, people: dict[str, Any]) -> None:
    response = browser.login("Coordinator@Acme.example")  # e-mail is case-insensitive
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = browser.get("/studies")
    assert page.status_code == 200
    assert "Log out" in page.text and "Coordinator (coordinator)" in page.text
    out = browser.submit("/logout", token_from="/studies")
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert "You are logged out." in browser.get("/login").text
    assert browser.get("/studies", follow_redirects=False).status_code == 303


def test_login_goes_to_next_but_never_off_site(browser: Browser, people: dict[str, Any]) -> None:
    ok = browser.submit(
        "/login",
        {
            "email": "viewer@acme.example",
            "password": "correct-horse-battery",
            "next": "/instruments",
        },
    )
    assert ok.headers["location"] == "/instruments"
    browser.submit("/logout", token_from="/studies")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = browser.submit(
            "/login",
            {"email": "viewer@acme.example", "password": "correct-horse-battery", "next": target},
        )
        assert response.headers["location"] == "/", target
        browser.submit("/logout", token_from="/studies")


def test_wrong_password_and_unknown_user_get_the_same_message(
    browser: Browser, people: dict[str, Any]
) -> None:
    wrong = browser.login("viewer@acme.example", "not-the-password")
    unknown = browser.login("nobody@acme.example", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "The e-mail address or password is not correct." in response.text
        assert 'href="#field-email"' in response.text  # the summary links to the field
    assert 'value="viewer@acme.example"' in wrong.text  # the address is kept
    assert browser.get("/studies", follow_redirects=False).status_code == 303


def test_repeated_failures_are_throttled(browser: Browser, people: dict[str, Any]) -> None:
    for _ in range(5):
        assert browser.login("viewer@acme.example", "guess").status_code == 401
    blocked = browser.login("viewer@acme.example")  # even the right password now
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text


def test_session_is_renewed_at_login(browser: Browser, people: dict[str, Any]) -> None:
    before = browser.token("/login")
    as_role(browser, "viewer")
    after = browser.token("/studies")
    assert before != after


def test_login_form_needs_csrf(browser: Browser, people: dict[str, Any]) -> None:
    response = browser.post(
        "/login",
        data={"email": "viewer@acme.example", "password": "correct-horse-battery"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "The form has expired" in response.text


def test_forged_or_missing_csrf_token_changes_nothing(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "admin")
    before = _count(web_engine, Organisation)
    form = {
        "name": "Forged BV",
        "language": "nl",
        "improvement_rule": "absolute",
        "period_months": "12",
    }
    missing = browser.post("/organisations", data=form, follow_redirects=False)
    forged = browser.post(
        "/organisations", data={**form, "csrf_token": "x" * 43}, follow_redirects=False
    )
    for response in (missing, forged):
        assert response.status_code == 403
        assert "nothing was changed" in response.text
    assert _count(web_engine, Organisation) == before
    # the token of another session does not work either
    other = Browser(browser.app, headers={"accept-language": "en"})
    foreign = other.token("/login")
    stolen = browser.post(
        "/organisations", data={**form, "csrf_token": foreign}, follow_redirects=False
    )
    assert stolen.status_code == 403
    assert _count(web_engine, Organisation) == before


def test_forged_csrf_page_is_in_dutch_for_dutch_users(
    browser: Browser, people: dict[str, Any]
) -> None:
    as_role(browser, "admin")
    response = browser.post("/organisations?lang=nl", data={"name": "X", "csrf_token": "wrong"})
    assert response.status_code == 403
    assert "Het formulier is verlopen" in response.text


def test_viewer_cannot_create_a_study(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "viewer")
    assert browser.get("/studies/new").status_code == 403
    response = browser.submit(
        "/studies",
        {
            "organisation": people["acme"],
            "instrument": "cvs",
            "name": "Sneaky",
            "kind": "customer",
            "anonymity_mode": "choice",
            "min_group_size": "5",
        },
        token_from="/studies",
    )
    assert response.status_code == 403
    assert "Your role does not allow this." in response.text
    assert _count(web_engine, Study) == 0


def test_coordinator_cannot_manage_organisations_or_users(
    browser: Browser, people: dict[str, Any]
) -> None:
    as_role(browser, "coordinator")
    assert browser.get("/organisations").status_code == 403
    assert browser.get("/users").status_code == 403
    page = browser.get("/studies").text
    assert 'href="/organisations"' not in page  # the menu hides what the role cannot do


def test_admin_adds_a_user_who_can_then_log_in(browser: Browser, people: dict[str, Any]) -> None:
    as_role(browser, "admin")
    short = browser.submit(
        "/users",
        {
            "email": "new@acme.example",
            "name": "New",
            "password": "short",
            "role": "viewer",
            "organisation_id": str(people["acme"]),
        },
        token_from="/users",
    )
    assert short.status_code == 422
    assert "Use at least 8 characters." in short.text
    assert 'value="short"' not in short.text  # passwords are never echoed
    added = browser.submit(
        "/users",
        {
            "email": "new@acme.example",
            "name": "New",
            "password": "long-enough-pw",
            "role": "viewer",
            "organisation_id": str(people["acme"]),
        },
        token_from="/users",
    )
    assert added.status_code == 303
    browser.submit("/logout", token_from="/users")
    assert browser.login("new@acme.example", "long-enough-pw").status_code == 303
    assert browser.get("/studies/new").status_code == 403  # a viewer


def test_admin_changes_a_role_but_the_last_admin_stays(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    from gapsight.services.users import find_user

    with unit_of_work(web_engine) as session:
        viewer = find_user(session, "viewer@acme.example")
        me = find_user(session, "admin@acme.example")
        assert viewer is not None and me is not None
        viewer_id, my_id = viewer.id, me.id
    as_role(browser, "admin")
    page = browser.get(f"/users/{viewer_id}")
    assert page.status_code == 200 and 'value="viewer" checked' in page.text
    promoted = browser.submit(
        f"/users/{viewer_id}",
        {"role": "coordinator", "organisation_id": str(people["acme"])},
        token_from="/users",
    )
    assert promoted.status_code == 303
    demoted = browser.submit(
        f"/users/{my_id}", {"role": "viewer", "organisation_id": ""}, token_from="/users"
    )
    assert demoted.status_code == 422
    assert "At least one user must stay administrator." in demoted.text
    with unit_of_work(web_engine) as session:
        assert find_user(session, "viewer@acme.example").role == "coordinator"  # type: ignore[union-attr]
        assert find_user(session, "admin@acme.example").role == "admin"  # type: ignore[union-attr]
    assert browser.get("/users/99999").status_code == 404
