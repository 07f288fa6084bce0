"""Wave-over-wave change against SciPy and statsmodels.

Sources: Welch — ``scipy.stats.ttest_ind(equal_var=False)`` (and its ``confidence_interval``);
paired — ``scipy.stats.ttest_rel``; pooled z — statsmodels ``proportions_ztest`` and
``test_proportions_2indep(method="score", correction=False)``;
Newcombe hybrid score — ``statsmodels confint_proportions_2indep(method="newcomb")``;
Wald — ``confint_proportions_2indep(method="wald")``;
Wilson — ``proportion_confint(method="wilson")``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.proportion import (
    test_proportions_2indep as sm_test_proportions_2indep,  # not a pytest test
)

from gapsight.analysis.change import (
    mean_change,
    paired_mean_change,
    proportion_change,
    wilson_interval,
)
from gapsight.analysis.result import Undefined


def test_welch_matches_scipy_unequal_variance() -> None:
    rng = np.random.default_rng(6)
    a = rng.normal(6.5, 1.0, 40)
    b = rng.normal(7.0, 2.2, 75)
    a[2] = np.nan
    res = mean_change(a, b, confidence=0.9, scale=(0, 10), relative=True)
    ref = stats.ttest_ind(b, a[~np.isnan(a)], equal_var=False)
    ci = ref.confidence_interval(0.9)
    assert res.t == pytest.approx(ref.statistic)
    assert res.p == pytest.approx(ref.pvalue)
    assert res.df == pytest.approx(ref.df)
    assert (res.ci_low, res.ci_high) == pytest.approx((ci.low, ci.high))
    diff = np.mean(b) - np.nanmean(a)
    assert res.difference == pytest.approx(diff)
    assert res.pomp == pytest.approx(10 * diff)
    assert res.relative == pytest.approx(100 * diff / np.nanmean(a))
    # never the pooled test: it differs here because variances and n differ
    pooled = stats.ttest_ind(b, a[~np.isnan(a)])
    assert res.t != pytest.approx(pooled.statistic)
    assert "relative_pct" in res.to_frame().columns


def test_paired_on_matched_keys_matches_scipy_ttest_rel() -> None:
    rng = np.random.default_rng(7)
    keys_prev = np.arange(0, 60)
    keys_cur = np.arange(20, 90)  # 40 respondents in both waves
    prev = rng.normal(6, 1, 60)
    cur = rng.normal(6.4, 1, 70)
    cur[0] = np.nan  # key 20 unanswered now: not matched
    res = paired_mean_change(prev, cur, keys_prev, keys_cur)
    idx_prev = np.arange(21, 60)
    idx_cur = np.arange(1, 40)
    ref = stats.ttest_rel(cur[idx_cur], prev[idx_prev])
    assert res.method == "paired" and res.n_previous == 39
    assert res.t == pytest.approx(ref.statistic)
    assert res.p == pytest.approx(ref.pvalue)
    assert res.difference == pytest.approx(np.mean(cur[idx_cur] - prev[idx_prev]))
    assert res.n_unmatched_previous == 60 - 39 and res.n_unmatched_current == 69 - 39
    # order of the rows does not matter, only the keys
    perm = rng.permutation(70)
    res2 = paired_mean_change(prev, cur[perm], keys_prev, keys_cur[perm])
    assert res2.t == pytest.approx(res.t)
    with pytest.raises(ValueError, match="not unique"):
        paired_mean_change([1, 2], [1, 2], [1, 1], [1, 2])


def test_proportion_change_matches_statsmodels() -> None:
    x1, n1, x2, n2 = 30, 100, 45, 110
    res = proportion_change(x1, n1, x2, n2, confidence=0.95)
    z, p = proportions_ztest(np.array([x2, x1]), np.array([n2, n1]))
    assert res.z == pytest.approx(z) and res.p == pytest.approx(p)
    # the score test without continuity correction is the same pooled z
    score = sm_test_proportions_2indep(x2, n2, x1, n1, method="score", correction=False)
    assert res.z == pytest.approx(score.statistic) and res.p == pytest.approx(score.pvalue)
    lo, hi = confint_proportions_2indep(x2, n2, x1, n1, method="newcomb", compare="diff")
    assert (res.ci_low_pp, res.ci_high_pp) == pytest.approx((100 * lo, 100 * hi))
    assert res.difference_pp == pytest.approx(100 * (x2 / n2 - x1 / n1))
    wald = proportion_change(x1, n1, x2, n2, interval="wald", confidence=0.9)
    lo, hi = confint_proportions_2indep(x2, n2, x1, n1, method="wald", alpha=0.1)
    assert (wald.ci_low_pp, wald.ci_high_pp) == pytest.approx((100 * lo, 100 * hi))
    assert res.unit == "percentage points"


@pytest.mark.parametrize(("x", "n"), [(0, 12), (3, 12), (12, 12), (57, 400)])
def test_wilson_matches_statsmodels(x: int, n: int) -> None:
    assert wilson_interval(x, n) == pytest.approx(proportion_confint(x, n, method="wilson"))


def test_newcombe_at_the_boundary_matches_statsmodels() -> None:
    res = proportion_change(0, 20, 5, 25)
    lo, hi = confint_proportions_2indep(5, 25, 0, 20, method="newcomb", compare="diff")
    assert (res.ci_low_pp, res.ci_high_pp) == pytest.approx((100 * lo, 100 * hi))


def test_degenerate() -> None:
    assert isinstance(mean_change([], [1.0, 2.0]).t, Undefined)
    assert isinstance(mean_change([1.0], [1.0, 2.0]).t, Undefined)
    const = mean_change([5.0, 5.0], [5.0, 5.0])
    assert const.difference == 0.0 and isinstance(const.t, Undefined)
    assert isinstance(proportion_change(0, 10, 0, 12).z, Undefined)
    assert isinstance(proportion_change(0, 0, 3, 12).difference_pp, Undefined)
    assert isinstance(mean_change([1.0, 2.0], [3.0, 4.0]).pomp, Undefined)
    none = paired_mean_change([1.0], [2.0], ["a"], ["b"])
    assert none.n_previous == 0 and isinstance(none.difference, Undefined)
    with pytest.raises(ValueError, match="count"):
        proportion_change(5, 4, 1, 2)


def test_item_changes_welch_and_paired_per_item() -> None:
    from gapsight.analysis.change import item_changes
    from gapsight.analysis.matrix import ResponseMatrix

    rng = np.random.default_rng(12)
    prev = ResponseMatrix.from_columns(
        {"grade_service": rng.integers(1, 11, 50), "grade_quality": rng.integers(1, 11, 50)}
    )
    cur = ResponseMatrix.from_columns(
        {"grade_service": rng.integers(3, 11, 60), "grade_quality": rng.integers(1, 11, 60)}
    )
    res = item_changes(prev, cur, scales={"grade_service": (1, 10)})
    ref = stats.ttest_ind(
        cur.column("grade_service"), prev.column("grade_service"), equal_var=False
    )
    assert res.changes["grade_service"].t == pytest.approx(ref.statistic)
    assert isinstance(res.changes["grade_quality"].pomp, Undefined)
    assert list(res.to_frame()["code"]) == ["grade_service", "grade_quality"]
    keys_prev, keys_cur = np.arange(50), np.arange(10, 70)
    paired = item_changes(prev, cur, previous_keys=keys_prev, current_keys=keys_cur)
    ref_p = stats.ttest_rel(cur.column("grade_quality")[:40], prev.column("grade_quality")[10:])
    assert paired.changes["grade_quality"].method == "paired"
    assert paired.changes["grade_quality"].t == pytest.approx(ref_p.statistic)
    with pytest.raises(ValueError, match="both waves"):
        item_changes(prev, cur, previous_keys=keys_prev)
