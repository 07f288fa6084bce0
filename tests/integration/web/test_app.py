"""The app factory: health, start page, security headers, error pages, body limit."""

from __future__ import annotations

from typing import Any

from gapsight.web.security import CSP

from .helpers import Browser, as_role


def test_health(browser: Browser) -> None:
    assert browser.get("/health").json()["status"] == "ok"


def test_start_page_sends_visitors_to_login_and_users_to_studies(
    browser: Browser, people: dict[str, Any]
) -> None:
    assert browser.get("/", follow_redirects=False).headers["location"] == "/login"
    as_role(browser, "viewer")
    assert browser.get("/", follow_redirects=False).headers["location"] == "/studies"


def test_pages_need_login(browser: Browser) -> None:
    response = browser.get("/studies/new?organisation=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/studies/new%3Forganisation%3D1"


def test_security_headers_on_pages(browser: Browser) -> None:
    headers = browser.get("/login").headers
    csp = headers["content-security-policy"]
    assert csp == CSP
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'none'" in csp and "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    cookie = headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_error_pages_in_the_users_language(browser: Browser) -> None:
    english = browser.get("/no-such-page")
    assert english.status_code == 404
    assert "<h1>Page not found</h1>" in english.text
    assert "Traceback" not in english.text
    dutch = browser.get("/no-such-page", headers={"accept-language": "nl"})
    assert "<h1>Pagina niet gevonden</h1>" in dutch.text
    assert '<html lang="nl">' in dutch.text


def test_invalid_path_value_is_422_page_not_500(browser: Browser, people: dict[str, Any]) -> None:
    as_role(browser, "viewer")
    response = browser.get("/studies/not-a-number")
    assert response.status_code == 422
    assert "<h1>Invalid request</h1>" in response.text


def test_oversized_body_is_413_page_and_nothing_stored(
    sqlite_settings: Any, people: dict[str, Any], web_engine: Any
) -> None:
    from sqlalchemy import func, select

    from gapsight.store.database import unit_of_work
    from gapsight.store.models import Organisation
    from gapsight.web.app import create_app

    app = create_app(sqlite_settings.with_(max_body_mb=1))
    with Browser(app, headers={"accept-language": "en"}) as client:
        as_role(client, "admin")
        token = client.token("/organisations")
        big = "x" * (1024 * 1024 + 10)
        response = client.post(
            "/organisations",
            data={"csrf_token": token, "name": "Huge", "sector": big, "period_months": "12"},
            follow_redirects=False,
        )
        assert response.status_code == 413
        assert "<h1>Too large</h1>" in response.text
        upload = client.post(
            "/studies/1/sample",
            data={"csrf_token": token},
            files={"file": ("sample.csv", b"email\n" + b"a" * (1024 * 1024 + 10))},
        )
        assert upload.status_code == 413
    with unit_of_work(web_engine) as session:
        names = session.scalars(select(Organisation.name)).all()
        assert "Huge" not in names
        assert session.scalar(select(func.count()).select_from(Organisation)) == 2


def test_unexpected_errors_are_a_plain_500_page(browser: Browser, monkeypatch: Any) -> None:
    from gapsight.web.routes import auth

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(auth, "_safe_next", broken)
    client = Browser(browser.app, raise_server_exceptions=False)
    response = client.get("/login")
    assert response.status_code == 500
    assert "boom" not in response.text and "Traceback" not in response.text
    assert "Something went wrong" in response.text or "Er ging iets mis" in response.text


def test_chunked_body_over_the_limit_is_413(sqlite_settings: Any, people: dict[str, Any]) -> None:
    from collections.abc import Iterator

    from gapsight.web.app import create_app

    app = create_app(sqlite_settings.with_(max_body_mb=1))
    with Browser(app, headers={"accept-language": "en"}) as client:
        as_role(client, "admin")
        token = client.token("/organisations")

        def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
            yield f"csrf_token={token}&name=Huge&sector=".encode()
            for _ in range(40):
                yield b"x" * 32_768

        response = client.post(
            "/organisations",
            content=chunks(),
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        assert response.status_code == 413
        assert "<h1>Too large</h1>" in response.text


def test_native_telemetry_is_asked_for_only_when_switched_on(
    sqlite_settings: Any, monkeypatch: Any
) -> None:
    """Setting ``telemetry`` (off by default): FastAPI then never consults the global
    OpenTelemetry providers per request; on, it does (and, with no SDK configured,
    instruments nothing)."""
    from opentelemetry import trace

    from gapsight.web.app import create_app

    asked: list[int] = []
    real = trace.get_tracer_provider

    def counting() -> Any:
        asked.append(1)
        return real()

    monkeypatch.setattr(trace, "get_tracer_provider", counting)
    for on in (False, True):
        asked.clear()
        app = create_app(sqlite_settings.with_(telemetry=on))
        with Browser(app) as client:
            for _ in range(3):
                assert client.get("/health").status_code == 200
        assert (len(asked) >= 3) is on, (on, len(asked))
