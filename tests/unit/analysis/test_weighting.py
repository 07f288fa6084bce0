"""Weighted SERVQUAL: hand-computed examples (the pandas comparison on generated data,
with both weight rules, is in ``test_servqual.py``)."""

from __future__ import annotations

import pytest

from gapsight.analysis.layout import Pair, ServqualLayout
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Undefined
from gapsight.analysis.weighting import weighted_servqual

LAYOUT = ServqualLayout(
    (Pair("01", "a", "e1", "p1"), Pair("02", "b", "e2", "p2")), weights={"a": "wa", "b": "wb"}
)


def test_weighted_example_by_hand() -> None:
    m = ResponseMatrix.from_columns(
        {"e1": [5, 5], "p1": [4, 5], "e2": [5, 6], "p2": [5, 4], "wa": [50, 70], "wb": [50, 20]}
    )
    # respondent 1: 0.5·(−1) + 0.5·0 = −0.5 ; respondent 2's points sum to 90
    res = weighted_servqual(m, LAYOUT)
    assert (res.gap, res.n, res.n_not_100, res.n_rejected) == (-0.5, 1, 1, 1)
    # renormalised: 70/90·0 + 20/90·(−2) = −4/9; mean of −0.5 and −4/9
    ren = weighted_servqual(m, LAYOUT, rule="renormalise")
    assert ren.gap == pytest.approx((-0.5 - 4 / 9) / 2) and ren.n_renormalised == 1
    assert ren.mean_weights["a"] == pytest.approx((0.5 + 70 / 90) / 2)


def test_negative_and_missing_points_are_counted() -> None:
    m = ResponseMatrix.from_columns(
        {"e1": [5, 5, 5], "p1": [4, 5, 6], "e2": [5, 6, 5], "p2": [5, 4, 5],
         "wa": [120, float("nan"), 40], "wb": [-20, 50, 60]}
    )  # fmt: skip
    res = weighted_servqual(m, LAYOUT, rule="renormalise")
    assert (res.n_invalid, res.n_weights_missing, res.n) == (1, 1, 1)
    assert res.gap == pytest.approx(0.4 * 1 + 0.6 * 0)


def test_nobody_usable_gives_undefined_with_reason() -> None:
    m = ResponseMatrix.from_columns(
        {"e1": [5], "p1": [4], "e2": [5], "p2": [5], "wa": [10], "wb": [10]}
    )
    res = weighted_servqual(m, LAYOUT)
    assert isinstance(res.gap, Undefined) and "no respondent" in res.gap.reason


def test_weighted_requires_weights_in_layout_and_a_known_rule() -> None:
    lay = ServqualLayout(LAYOUT.pairs)
    m = ResponseMatrix.from_columns({"e1": [5], "p1": [4], "e2": [5], "p2": [5]})
    with pytest.raises(ValueError, match="importance"):
        weighted_servqual(m, lay)
    with pytest.raises(ValueError, match="weight rule"):
        weighted_servqual(m, LAYOUT, rule="scale")  # type: ignore[arg-type]
