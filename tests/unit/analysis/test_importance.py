"""Tests for analysis.importance. Expected quadrants follow from the definition in
analysis.md (Martilla & James 1977): crosshairs at the grand means by default."""

from __future__ import annotations

import pytest

from gapsight.analysis.importance import importance_performance
from gapsight.analysis.result import Number, Undefined

PERF = {"a": 6.0, "b": 8.0, "c": 6.5, "d": 8.5}
IMP = {"a": 0.4, "b": 0.3, "c": 0.1, "d": 0.2}


def test_quadrants_at_grand_means() -> None:
    r = importance_performance(PERF, IMP)
    assert r.performance_cross == pytest.approx(7.25)  # (6 + 8 + 6.5 + 8.5) / 4
    assert r.importance_cross == pytest.approx(0.25)
    assert {p.name: p.quadrant for p in r.points} == {
        "a": "concentrate_here",
        "b": "keep_up_the_good_work",
        "c": "low_priority",
        "d": "possible_overkill",
    }
    assert r.cross_source == ("grand_mean", "grand_mean")


def test_given_crosshairs_and_ties_count_as_high() -> None:
    r = importance_performance(PERF, IMP, performance_cross=7.0, importance_cross=0.3)
    assert r.quadrant_of("b") == "keep_up_the_good_work"  # importance equal to the cross
    assert r.quadrant_of("d") == "possible_overkill"
    assert r.cross_source == ("given", "given")


def test_undefined_points_are_left_out_with_reason() -> None:
    perf: dict[str, Number] = {**PERF, "e": Undefined("no valid answers")}
    imp = {**IMP, "e": 0.9}
    r = importance_performance(perf, imp)
    assert r.n_points == 4 and r.performance_cross == pytest.approx(7.25)
    assert r.quadrant_of("e") is None
    assert r.to_frame().set_index("name").loc["e", "note"] == "no valid answers"
    with pytest.raises(ValueError, match="same items"):
        importance_performance({"a": 1.0}, {"b": 1.0})
    with pytest.raises(KeyError):
        r.quadrant_of("zzz")


def test_value_equal_to_the_grand_mean_counts_as_high_despite_float_rounding() -> None:
    # stated weights summing to 1 over 5 dimensions: the grand mean is 0.2 exactly, but
    # (0.05 + 0.02 + 0.56 + 0.17 + 0.2) / 5 is 0.20000000000000004 in binary floating point
    imp = {"a": 0.05, "b": 0.02, "c": 0.56, "d": 0.17, "e": 0.2}
    perf = {"a": 5.0, "b": 5.0, "c": 5.0, "d": 5.0, "e": 4.0}  # e below the mean 4.8
    r = importance_performance(perf, imp)
    assert r.quadrant_of("e") == "concentrate_here"  # importance 0.2 = mean: high
