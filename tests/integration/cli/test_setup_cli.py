"""``gapsight init`` is idempotent and prints the login."""

from __future__ import annotations

from typing import Any


def test_init_twice(run: Any) -> None:
    first = run("init", "--admin-email", "boss@example.org", "--admin-password", "long enough")
    assert first.exit_code == 0, first.output
    assert "Created the database" in first.output
    assert "Created the organisation" in first.output
    assert "Login: boss@example.org" in first.output
    second = run("init")
    assert second.exit_code == 0, second.output
    assert "up to date" in second.output
    assert "admin user exists already (boss@example.org)" in second.output
    assert "Created" not in second.output


def test_init_without_password_generates_one(run: Any) -> None:
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "password:" in result.output and "generated" in result.output
