"""A browser-like test client for the web tests."""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

PASSWORD = "correct-horse-battery"
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
"""An argon2 hash of PASSWORD with minimal cost: verification reads the cost from the
hash, so logins in tests take milliseconds instead of a second on a busy machine."""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser(TestClient):
    """A test client that reads the CSRF token from a page before posting a form."""

    def token(self, path: str = "/login") -> str:
        """The CSRF token shown on ``path`` (the session's token)."""
        page = self.get(path)
        found = CSRF.search(page.text)
        if found is None:
            raise AssertionError(f"no CSRF token on {path} ({page.status_code})")
        return found.group(1)

    def submit(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST ``data`` to ``path`` with the session's CSRF token (no redirects)."""
        form = {"csrf_token": self.token(kwargs.pop("token_from", "/login")), **(data or {})}
        return self.post(path, data=form, follow_redirects=False, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> Any:
        """Log in; returns the response to the login POST."""
        return self.submit("/login", {"email": email, "password": password})


def as_role(browser: Browser, role: str) -> Browser:
    """``browser`` logged in as the Acme user with ``role``."""
    response = browser.login(f"{role}@acme.example")
    assert response.status_code == 303, response.text
    return browser


def small_study(engine: Any, organisation_id: int, **overrides: Any) -> int:
    """A draft customer study of ``organisation_id`` on the small test instrument."""
    from gapsight.services.instruments import register
    from gapsight.services.studies import create_study
    from gapsight.store.database import unit_of_work

    from ..services.helpers import small_instrument

    with unit_of_work(engine) as session:
        version = register(session, small_instrument())
        settings: dict[str, Any] = {
            "organisation_id": organisation_id,
            "name": "KTO 2026",
            "kind": "customer",
            "instrument": version.id,
            "anonymity_mode": "choice",
            **overrides,
        }
        return create_study(session, **settings).id
