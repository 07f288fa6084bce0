"""Key drivers against brute force and SciPy/statsmodels.

Sources: LMG is defined (Lindeman, Merenda & Gold 1980; Grömping 2006, relaimpo "lmg")
as the R² increment of each driver averaged over all p! orderings — computed here by
brute force with itertools.permutations and numpy least squares on the raw data; the
full-model R² from statsmodels OLS; Pearson r, p and Fisher CI from scipy.stats.pearsonr.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from gapsight.analysis.drivers import key_drivers, lmg, relative_importance
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Undefined


def _r2(X: np.ndarray, y: np.ndarray, cols: tuple[int, ...]) -> float:
    if not cols:
        return 0.0
    A = np.column_stack([np.ones(len(y)), X[:, list(cols)]])
    beta, *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ beta
    return 1.0 - float(resid @ resid) / float(((y - y.mean()) ** 2).sum())


def _brute_force_lmg(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = X.shape[1]
    total = np.zeros(p)
    perms = list(itertools.permutations(range(p)))
    for perm in perms:
        for k, j in enumerate(perm):
            total[j] += _r2(X, y, tuple(perm[: k + 1])) - _r2(X, y, tuple(perm[:k]))
    return total / len(perms)


def _data(seed: int, n: int = 150, p: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, 1))
    X = 0.6 * base + rng.normal(size=(n, p))  # correlated drivers: LMG ≠ r²
    y = X @ np.linspace(1.0, 0.0, p) + rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("seed", [1, 2])
def test_lmg_equals_brute_force_over_all_orderings(seed: int) -> None:
    X, y = _data(seed)
    shares, r2 = lmg(X, y)
    np.testing.assert_allclose(shares, _brute_force_lmg(X, y), rtol=1e-9, atol=1e-12)
    full = sm.OLS(y, sm.add_constant(X)).fit().rsquared
    assert r2 == pytest.approx(full)
    assert shares.sum() == pytest.approx(full)


def test_pearson_matches_scipy_and_ranks() -> None:
    X, y = _data(3, n=80, p=3)
    X[4, 1] = np.nan  # listwise: row 4 dropped for everything
    res = relative_importance(X, y, names=["a", "b", "c"], confidence=0.9)
    ok = ~np.isnan(X).any(axis=1)
    assert res.n == ok.sum() and res.n_excluded == 1
    for j, d in enumerate(res.drivers):
        ref = stats.pearsonr(X[ok, j], y[ok])
        ci = ref.confidence_interval(0.9)
        assert d.r == pytest.approx(ref.statistic)
        assert d.r_p == pytest.approx(ref.pvalue)
        assert (d.r_ci_low, d.r_ci_high) == pytest.approx((ci.low, ci.high))
    assert sorted(d.rank for d in res.drivers) == [1, 2, 3]
    assert sum(d.lmg_share for d in res.drivers) == pytest.approx(1.0)  # type: ignore[misc]


def test_bootstrap_is_seeded_and_brackets_estimate() -> None:
    X, y = _data(4, n=120, p=3)
    a = relative_importance(X, y, bootstrap=200, seed=7)
    b = relative_importance(X, y, bootstrap=200, seed=7)
    assert [d.lmg_ci_low for d in a.drivers] == [d.lmg_ci_low for d in b.drivers]
    for d in a.drivers:
        assert d.lmg_ci_low <= d.lmg <= d.lmg_ci_high  # type: ignore[operator]
    assert isinstance(relative_importance(X, y).drivers[0].lmg_ci_low, Undefined)


def test_key_drivers_on_dimensions_and_degenerate_cases() -> None:
    rng = np.random.default_rng(5)
    cols = {f"p0{i}": rng.integers(1, 6, 60).astype(float) for i in range(1, 5)}
    cols["grade_overall"] = cols["p01"] + cols["p03"] + rng.integers(0, 3, 60)
    cols["const"] = np.full(60, 3.0)
    m = ResponseMatrix.from_columns(cols)
    res = key_drivers(m, "grade_overall", {"tangibles": ["p01", "p02"], "rel": ["p03", "p04"]})
    t = (cols["p01"] + cols["p02"]) / 2
    assert res.drivers[0].r == pytest.approx(stats.pearsonr(t, cols["grade_overall"])[0])
    # a constant driver: r undefined, contributes 0
    c = key_drivers(m, "grade_overall", ["p01", "const"])
    assert isinstance(c.drivers[1].r, Undefined) and c.drivers[1].lmg == pytest.approx(0.0)
    assert c.drivers[0].lmg == pytest.approx(c.r_squared)
    # constant outcome and too few cases: undefined, no crash
    assert isinstance(key_drivers(m, "const", ["p01"]).r_squared, Undefined)
    small = relative_importance(np.ones((2, 2)), np.ones(2))
    assert isinstance(small.r_squared, Undefined)
    assert small.to_frame()["note"].iloc[0]
    with pytest.raises(ValueError, match="1-15"):
        lmg(np.zeros((40, 16)), np.zeros(40))


def test_collinear_drivers_share_equally_and_still_sum_to_r2() -> None:
    X, y = _data(6, n=100, p=3)
    X = np.column_stack([X, X[:, 0]])  # an exact duplicate of driver 0
    shares, r2 = lmg(X, y)
    assert shares[0] == pytest.approx(shares[3])
    np.testing.assert_allclose(shares, _brute_force_lmg(X, y), rtol=1e-7, atol=1e-10)
    assert shares.sum() == pytest.approx(r2)
