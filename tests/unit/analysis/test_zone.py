"""Zone of tolerance: hand-computed examples (the pandas comparison on generated data
is in ``test_servqual.py``, through :func:`servqual`)."""

from __future__ import annotations

import pytest

from gapsight.analysis.layout import Pair, ServqualLayout
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Undefined
from gapsight.analysis.zone import zone_of_tolerance


def test_zone_classification_by_hand() -> None:
    lay = ServqualLayout((Pair("01", "a", "e1", "p1", "m1", "d1"),))
    m = ResponseMatrix.from_columns(
        {"e1": [7] * 4, "p1": [4, 6, 8, 9], "m1": [5, 5, 6, 5], "d1": [7, 8, 5, 8]}
    )
    z = zone_of_tolerance(m, lay)
    item = z.items[0]
    # 4 < 5 below; 5 ≤ 6 ≤ 8 within; desired 5 < minimum 6 inverted; 9 > 8 above
    assert (item.below, item.within, item.above, item.inverted) == (1, 1, 1, 1)
    assert item.width == pytest.approx((2 + 3 - 1 + 3) / 4)
    assert item.msa == pytest.approx((-1 + 1 + 2 + 4) / 4)  # P − minimum
    assert item.mss == pytest.approx((-3 - 2 + 3 + 1) / 4)  # P − desired
    assert item.position == "within"  # mean MSA ≥ 0 and mean MSS ≤ 0
    assert z.inverted == 1 and z.warnings[0].code == "zone_inverted"
    assert z.dimensions[0].position == "within"


def test_position_below_and_above_and_undefined() -> None:
    lay = ServqualLayout(
        (Pair("01", "a", "e1", "p1", "m1", "d1"), Pair("02", "a", "e2", "p2", "m2", "d2"))
    )
    m = ResponseMatrix.from_columns(
        {"e1": [7, 7], "p1": [3, 4], "m1": [5, 5], "d1": [7, 7],
         "e2": [7, 7], "p2": [9, 9], "m2": [float("nan")] * 2, "d2": [7, 8]}
    )  # fmt: skip
    z = zone_of_tolerance(m, lay)
    assert z.items[0].position == "below"
    pos = z.items[1].position
    assert isinstance(pos, Undefined) and "no valid" in pos.reason
    assert isinstance(z.items[1].msa, Undefined) and z.items[1].mss == 1.5


def test_zone_needs_minimum_and_desired_columns() -> None:
    lay = ServqualLayout((Pair("01", "t", "e01", "p01"),))
    m = ResponseMatrix.from_columns({"e01": [5.0], "p01": [4.0]})
    with pytest.raises(ValueError, match="minimum/desired"):
        zone_of_tolerance(m, lay)
