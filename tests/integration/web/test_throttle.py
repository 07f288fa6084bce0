"""The failed-login throttle (gapsight.web.throttle) on both databases, with an
injected clock (no sleeping, no timing), and shared by two app instances the way
several workers share one database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from gapsight.config import Settings
from gapsight.store.database import unit_of_work
from gapsight.store.models import LoginFailure
from gapsight.web.app import create_app
from gapsight.web.throttle import MAX_FAILURES, WINDOW_SECONDS, LoginThrottle

from .helpers import Browser


def test_blocks_after_max_failures_per_address_and_per_client(db_engine: Engine) -> None:
    now = [1_000_000.0]
    throttle = LoginThrottle(db_engine, clock=lambda: now[0])
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("a@example.org", "10.0.0.1")
    assert not throttle.blocked("a@example.org", "10.0.0.1")
    throttle.failed("A@example.org ", "10.0.0.1")  # same address, other spelling
    assert throttle.blocked("a@example.org", "10.0.0.9")  # by address
    assert throttle.blocked("b@example.org", "10.0.0.1")  # by client
    assert not throttle.blocked("b@example.org", "10.0.0.9")


def test_failures_expire_after_the_window_and_are_deleted(db_engine: Engine) -> None:
    now = [1_000_000.0]
    throttle = LoginThrottle(db_engine, clock=lambda: now[0])
    for _ in range(MAX_FAILURES):
        throttle.failed("a@example.org", "10.0.0.1")
    assert throttle.blocked("a@example.org", "10.0.0.1")
    now[0] += WINDOW_SECONDS + 1
    assert not throttle.blocked("a@example.org", "10.0.0.1")
    throttle.failed("c@example.org", "10.0.0.3")  # a new failure clears the old rows
    with unit_of_work(db_engine) as session:
        assert session.scalar(select(func.count()).select_from(LoginFailure)) == 2


def test_success_forgets_the_address_not_the_client(db_engine: Engine) -> None:
    throttle = LoginThrottle(db_engine, clock=lambda: 5.0, max_failures=2)
    throttle.failed("a@example.org", "c1")
    throttle.succeeded("a@example.org")
    throttle.failed("a@example.org", "c2")
    assert not throttle.blocked("a@example.org", "c3")
    throttle.failed("z@example.org", "c2")
    assert throttle.blocked("new@example.org", "c2")


def test_the_database_holds_no_address_in_clear(db_engine: Engine) -> None:
    LoginThrottle(db_engine).failed("someone@example.org", "192.0.2.7")
    with unit_of_work(db_engine) as session:
        keys = list(session.scalars(select(LoginFailure.key)))
    assert len(keys) == 2
    assert all(len(k) == 64 and "example" not in k and "192" not in k for k in keys)


def test_two_workers_share_the_count(sqlite_settings: Settings, people: dict[str, Any]) -> None:
    """Failures on one app instance (one worker) block the login on another."""
    headers = {"accept-language": "en"}
    with (
        Browser(create_app(sqlite_settings), headers=headers) as first,
        Browser(create_app(sqlite_settings), headers=headers) as second,
    ):
        for n in range(MAX_FAILURES):
            worker = first if n % 2 == 0 else second
            assert worker.login("viewer@acme.example", "guess").status_code == 401
        assert second.login("viewer@acme.example").status_code == 429
        assert first.login("viewer@acme.example").status_code == 429
