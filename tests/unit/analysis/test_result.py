"""Tests for the shared "undefined with a reason" convention."""

import math

from gapsight.analysis.result import (
    AnalysisWarning,
    Undefined,
    as_optional,
    defined,
    frame_value,
    is_defined,
    note_of,
)


def test_defined_keeps_finite_values() -> None:
    assert defined(2.5, "never used") == 2.5
    assert is_defined(defined(0.0, "never used"))


def test_non_finite_becomes_undefined_with_reason() -> None:
    for bad in (math.nan, math.inf, -math.inf):
        u = defined(bad, "zero variance")
        assert u == Undefined("zero variance")
        assert not u
        assert not is_defined(u)
        assert "zero variance" in str(u)


def test_conversions_for_json_and_frames() -> None:
    assert as_optional(Undefined("x")) is None
    assert as_optional(1.0) == 1.0
    assert math.isnan(frame_value(Undefined("x")))
    assert frame_value(3.0) == 3.0


def test_note_of_lists_distinct_reasons_in_order() -> None:
    assert note_of([1.0, Undefined("a"), Undefined("b"), Undefined("a")]) == "a; b"
    assert note_of([1.0, 2.0]) == ""


def test_warning_prints_its_message() -> None:
    w = AnalysisWarning("alpha_low", "alpha of E tangibles is 0.61 (< 0.7)", "E tangibles")
    assert str(w) == w.message
