"""The administrators' API tokens page: create (shown once), list, revoke; the token
works on the API until it is revoked; other roles are refused."""

from __future__ import annotations

import re
from typing import Any

from .helpers import Browser, as_role


def test_admin_creates_uses_and_revokes_a_token(browser: Browser, people: dict[str, Any]) -> None:
    as_role(browser, "admin")
    assert 'href="/tokens"' in browser.get("/studies").text
    created = browser.submit(
        "/tokens",
        {"user": "viewer@acme.example", "name": "nightly export"},
        token_from="/tokens",
    )
    assert created.status_code == 200
    found = re.search(r"<code>(gs_[A-Za-z0-9_-]+)</code>", created.text)
    assert found is not None
    token = found.group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert browser.get("/api/v1/studies", headers=headers).status_code == 200
    listing = browser.get("/tokens").text
    assert "nightly export" in listing and token not in listing
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', listing)
    assert token_id is not None
    revoked = browser.submit(f"/tokens/{token_id.group(1)}/revoke", token_from="/tokens")
    assert revoked.status_code == 303
    assert "revoked" in browser.get("/tokens").text
    assert browser.get("/api/v1/studies", headers=headers).status_code == 401


def test_unknown_user_and_other_roles(browser: Browser, people: dict[str, Any]) -> None:
    as_role(browser, "admin")
    page = browser.submit("/tokens", {"user": "nobody@example.org"}, token_from="/tokens")
    assert page.status_code == 200 and "There is no user with this e-mail address." in page.text
    assert browser.submit("/tokens/999/revoke", token_from="/tokens").status_code == 404
    other = Browser(browser.app, headers={"accept-language": "en"})
    as_role(other, "coordinator")
    assert other.get("/tokens").status_code == 403
