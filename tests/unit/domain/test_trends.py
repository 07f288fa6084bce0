"""Trend detection (Poisson exceedance against a key's own history)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapsight.domain.trends import TrendSettings, detect_trends, poisson_exceedance


def test_poisson_exceedance_by_hand() -> None:
    # P(X >= 3 | 0.5) = 1 - e^-0.5 (1 + 0.5 + 0.125)
    assert poisson_exceedance(3, 0.5) == pytest.approx(1 - math.exp(-0.5) * 1.625)
    assert poisson_exceedance(0, 2.0) == 1.0


def test_a_planted_rise_is_flagged_and_a_stable_key_is_not() -> None:
    trends = detect_trends({"late-delivery": [2, 1, 2, 1, 2, 1, 9], "wifi": [3, 4, 3, 2, 3, 4, 4]})
    rising = [t for t in trends if t.kind == "rising"]
    assert [t.key for t in rising] == ["late-delivery"]
    assert rising[0].expected == pytest.approx(1.5) and rising[0].ratio == pytest.approx(6)
    assert "9 this period" in rising[0].explain()


def test_min_count_and_floor() -> None:
    assert detect_trends({"new": [0, 0, 0, 0, 0, 0, 2]}) == []  # below min_count
    assert detect_trends({"new": [0, 0, 0, 0, 0, 0, 3]}) == []  # p = 0.014 >= 0.01
    flagged = detect_trends({"new": [0, 0, 0, 0, 0, 0, 4]})
    assert flagged[0].kind == "rising" and flagged[0].expected == 0.5


def test_recurring() -> None:
    trends = detect_trends({"parking": [1, 0, 1, 1, 0, 1, 1], "gone": [1, 1, 1, 1, 1, 1, 0]})
    assert [(t.key, t.kind) for t in trends] == [("parking", "recurring")]


def test_short_series_are_padded_and_settings_checked() -> None:
    assert detect_trends({"x": [5]})[0].kind == "rising"
    with pytest.raises(ValueError):
        TrendSettings(alpha=0)


@given(st.lists(st.integers(0, 20), min_size=1, max_size=12), st.integers(0, 30))
def test_a_higher_current_count_is_never_less_suspicious(past: list[int], extra: int) -> None:
    low = detect_trends({"k": [*past, 3]}, TrendSettings(alpha=0.5, min_count=1))
    high = detect_trends({"k": [*past, 3 + extra]}, TrendSettings(alpha=0.5, min_count=1))
    if any(t.kind == "rising" for t in low):
        assert any(t.kind == "rising" for t in high)
