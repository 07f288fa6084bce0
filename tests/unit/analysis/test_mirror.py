"""Tests for analysis.mirror. Expected values: SciPy ``ttest_ind(equal_var=False)`` per
item, statsmodels ``multipletests(method="holm")`` for the adjustment, NumPy means for
the dimension aggregation (mean of item means, analysis.md)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.mirror import mirror_gaps
from gapsight.analysis.result import Undefined

CODES = ["e01", "e02", "e03", "e04"]
DIMS = {"e01": "tangibles", "e02": "tangibles", "e03": "reliability", "e04": "reliability"}


def _groups() -> tuple[ResponseMatrix, ResponseMatrix]:
    rng = np.random.default_rng(8)
    cust = {c: rng.integers(1, 8, 120).astype(float) for c in CODES}
    staff = {c: rng.integers(1, 8, 35).astype(float) for c in CODES}
    staff["e01"] = np.clip(staff["e01"] + 2, 1, 7)  # a real gap
    cust["e02"][:10] = np.nan
    return ResponseMatrix.from_columns(cust), ResponseMatrix.from_columns(staff)


def test_items_match_scipy_welch_and_holm() -> None:
    cust, staff = _groups()
    res = mirror_gaps(cust, staff, dimensions=DIMS, scales={c: (1, 7) for c in CODES})
    raw = []
    for item, c in zip(res.items, CODES, strict=True):
        a = cust.column(c)[~np.isnan(cust.column(c))]
        b = staff.column(c)[~np.isnan(staff.column(c))]
        ref = stats.ttest_ind(b, a, equal_var=False)
        assert item.gap == pytest.approx(b.mean() - a.mean())
        assert item.t == pytest.approx(ref.statistic)
        assert item.df == pytest.approx(ref.df)
        assert item.p == pytest.approx(ref.pvalue)
        ci = ref.confidence_interval(0.95)
        assert (item.ci_low, item.ci_high) == pytest.approx((ci.low, ci.high))
        assert item.threshold == pytest.approx(0.5 * 6 / 4)  # 7-point: 0.75
        raw.append(ref.pvalue)
    holm = multipletests(raw, method="holm")[1]
    assert [i.p_adjusted for i in res.items] == pytest.approx(list(holm))
    for i in res.items:
        assert i.flagged == (abs(i.gap) > 0.75 and i.p_adjusted < 0.05)  # type: ignore[operator]
    assert "e01" in res.flagged


def test_dimension_is_mean_of_item_means_and_swap_negates() -> None:
    cust, staff = _groups()
    res = mirror_gaps(cust, staff, dimensions=DIMS)
    tang = next(d for d in res.dimensions if d.dimension == "tangibles")
    exp_ref = np.mean([np.nanmean(cust.column(c)) for c in ("e01", "e02")])
    exp_cmp = np.mean([np.nanmean(staff.column(c)) for c in ("e01", "e02")])
    assert tang.reference_mean == pytest.approx(exp_ref)
    assert tang.gap == pytest.approx(exp_cmp - exp_ref)
    # dimension test: Welch on respondent dimension scores (mean of valid items)
    s1 = np.nanmean(cust.columns(["e01", "e02"]), axis=1)
    s2 = np.nanmean(staff.columns(["e01", "e02"]), axis=1)
    assert tang.t == pytest.approx(stats.ttest_ind(s2, s1, equal_var=False).statistic)
    swapped = mirror_gaps(staff, cust, dimensions=DIMS)
    for a, b in zip(res.items, swapped.items, strict=True):
        assert a.gap == pytest.approx(-b.gap)  # type: ignore[operator]
        assert a.p == pytest.approx(b.p)
    assert len(res.to_frame()) == 4 and len(res.dimensions_frame()) == 2


def test_codes_default_to_shared_items_and_missing_code_is_keyerror() -> None:
    a = ResponseMatrix.from_columns({"p01": [1, 2, 3], "p02": [2, 3, 4]})
    b = ResponseMatrix.from_columns({"p02": [3, 4, 5], "p03": [1, 1, 1]})
    assert [i.code for i in mirror_gaps(a, b).items] == ["p02"]
    with pytest.raises(KeyError, match="p03"):
        mirror_gaps(a, b, codes=["p03"])


def test_degenerate_items_are_undefined_not_flagged() -> None:
    a = ResponseMatrix.from_columns({"p01": [np.nan, np.nan], "p02": [3.0, 3.0]})
    b = ResponseMatrix.from_columns({"p01": [4.0, 5.0], "p02": [5.0, 5.0]})
    res = mirror_gaps(a, b)
    i1, i2 = res.items
    assert isinstance(i1.gap, Undefined) and not i1.flagged
    assert i2.gap == 2.0 and isinstance(i2.t, Undefined) and not i2.flagged
    assert "zero variance" in res.to_frame()["note"].iloc[1]


def test_instrument_supplies_dimensions_and_ranges() -> None:
    from gapsight.instruments import load_builtin

    sq = load_builtin("servqual22")
    lo, hi = sq.scale_of("e01").bounds()
    rng = np.random.default_rng(9)
    cols = ["e01", "e05"]
    a = ResponseMatrix.from_columns({c: rng.integers(lo, hi + 1, 30) for c in cols})
    b = ResponseMatrix.from_columns({c: rng.integers(lo, hi + 1, 30) for c in cols})
    res = mirror_gaps(a, b, instrument=sq)
    assert [i.dimension for i in res.items] == ["tangibles", "reliability"]
    assert res.items[0].threshold == pytest.approx(0.5 * (hi - lo) / 4)
    assert res.warnings == ()  # every range came from the instrument


def test_an_assumed_range_is_a_warning() -> None:
    """Without ``scales`` or ``instrument`` the 1–5 range is assumed for the threshold,
    and the result says so per item (review-analysis.md item 9)."""
    cust, staff = _groups()
    res = mirror_gaps(cust, staff, scales={"e01": (1.0, 7.0)})
    assumed = [w.subject for w in res.warnings if w.code == "range_assumed"]
    assert assumed == ["e02", "e03", "e04"]
    assert res.items[0].threshold == pytest.approx(0.75)  # 0.5 x 6/4 on the given 1-7
    assert res.items[1].threshold == pytest.approx(0.5)  # assumed 1-5
