"""The failed-login throttle (with an injected clock: no sleeping, no timing)."""

from __future__ import annotations

from gapsight.web.security import MAX_FAILURES, WINDOW_SECONDS, LoginThrottle


def test_blocks_after_max_failures_per_address_and_per_client() -> None:
    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("a@example.org", "10.0.0.1")
    assert not throttle.blocked("a@example.org", "10.0.0.1")
    throttle.failed("A@example.org ", "10.0.0.1")  # same address, other spelling
    assert throttle.blocked("a@example.org", "10.0.0.9")  # by address
    assert throttle.blocked("b@example.org", "10.0.0.1")  # by client
    assert not throttle.blocked("b@example.org", "10.0.0.9")


def test_failures_expire_after_the_window() -> None:
    now = [100.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for _ in range(MAX_FAILURES):
        throttle.failed("a@example.org", "10.0.0.1")
    assert throttle.blocked("a@example.org", "10.0.0.1")
    now[0] += WINDOW_SECONDS + 1
    assert not throttle.blocked("a@example.org", "10.0.0.1")


def test_success_forgets_the_address() -> None:
    throttle = LoginThrottle(clock=lambda: 0.0, max_failures=2)
    throttle.failed("a@example.org", "c1")
    throttle.succeeded("a@example.org")
    throttle.failed("a@example.org", "c2")
    assert not throttle.blocked("a@example.org", "c3")
