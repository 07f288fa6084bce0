"""mail.outbox: the pure backoff rule (the database side is tested in
tests/integration/mail)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gapsight.mail.outbox import BACKOFF_BASE_SECONDS, BACKOFF_CAP_SECONDS, backoff


def test_backoff_doubles_from_the_base() -> None:
    assert [backoff(a) for a in (1, 2, 3, 4)] == [30.0, 60.0, 120.0, 240.0]


@given(st.integers(min_value=-5, max_value=10_000))
def test_backoff_is_bounded_and_never_decreases(attempt: int) -> None:
    wait = backoff(attempt)
    assert BACKOFF_BASE_SECONDS <= wait <= BACKOFF_CAP_SECONDS
    assert backoff(attempt + 1) >= wait
