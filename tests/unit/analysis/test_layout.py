"""SERVQUAL layouts: built by hand and from the built-in servqual22 instrument.

Expected values come from ``instruments.md`` (SERVQUAL-22: Tangibles 1–4, Reliability
5–9, Responsiveness 10–13, Assurance 14–17, Empathy 18–22; codes e01…, p01…, m01…,
d01…, w_<dimension>).
"""

from __future__ import annotations

import pytest

from gapsight.analysis.layout import Pair, ServqualLayout, servqual_layout
from gapsight.instruments import load_builtin


def test_layout_from_the_builtin_servqual22_instrument() -> None:
    lay = servqual_layout(load_builtin("servqual22"))
    assert len(lay.pairs) == 22 and lay.has_zone
    assert lay.dimensions == ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
    assert [len(lay.pairs_of(d)) for d in lay.dimensions] == [4, 5, 4, 4, 5]
    assert lay.pairs[4] == Pair("05", "reliability", "e05", "p05", "m05", "d05")
    assert lay.weights == {d: f"w_{d}" for d in lay.dimensions}
    assert lay.expectation_codes("empathy") == ("e18", "e19", "e20", "e21", "e22")


def test_layout_validation_messages() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ServqualLayout(())
    with pytest.raises(ValueError, match="duplicate pair"):
        ServqualLayout((Pair("01", "a", "e1", "p1"), Pair("01", "a", "e2", "p2")))
    with pytest.raises(ValueError, match="more than once in the layout: e1"):
        ServqualLayout((Pair("01", "a", "e1", "p1"), Pair("02", "a", "e1", "p2")))
    with pytest.raises(ValueError, match="without items: zz"):
        ServqualLayout((Pair("01", "a", "e1", "p1"),), weights={"a": "wa", "zz": "wz"})
    with pytest.raises(ValueError, match=r"importance-points item for dimension\(s\): \['b'\]"):
        ServqualLayout(
            (Pair("01", "a", "e1", "p1"), Pair("02", "b", "e2", "p2")), weights={"a": "wa"}
        )
    lay = ServqualLayout((Pair("01", "a", "e1", "p1"),))
    with pytest.raises(KeyError, match="nope"):
        lay.pairs_of("nope")
    assert not lay.has_zone
