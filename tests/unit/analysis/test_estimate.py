"""Tests for analysis.estimate: expected values from SciPy (t.interval) and NumPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gapsight.analysis.estimate import grouped_moments, mean_estimate
from gapsight.analysis.result import Undefined, is_defined


def test_mean_ci_matches_scipy_t_interval() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(7, 1.3, 57)
    x[[3, 9]] = np.nan
    est = mean_estimate(x, confidence=0.9)
    xv = x[~np.isnan(x)]
    # independent: scipy.stats.t.interval with scale = sem (ddof=1)
    lo, hi = stats.t.interval(0.9, len(xv) - 1, loc=xv.mean(), scale=stats.sem(xv))
    assert est.n == 55
    assert est.mean == pytest.approx(xv.mean())
    assert est.sd == pytest.approx(np.std(xv, ddof=1))
    assert est.ci_low == pytest.approx(lo)
    assert est.ci_high == pytest.approx(hi)


def test_degenerate_inputs_are_undefined_not_nan() -> None:
    empty = mean_estimate([np.nan, np.nan])
    assert empty.n == 0 and isinstance(empty.mean, Undefined)
    one = mean_estimate([4.0])
    assert one.mean == 4.0 and isinstance(one.sd, Undefined) and isinstance(one.ci_low, Undefined)
    const = mean_estimate([5.0, 5.0, 5.0])
    assert const.sd == 0.0 and const.ci_low == 5.0 and const.ci_high == 5.0
    frame = empty.to_frame()
    assert frame["note"].iloc[0] != ""


def test_bad_confidence_rejected() -> None:
    with pytest.raises(ValueError, match="confidence"):
        mean_estimate([1.0, 2.0], confidence=95)


def test_grouped_moments_match_per_group_numpy() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(100, 5, 500)  # large mean: the two-pass variance must stay accurate
    x[rng.random(500) < 0.1] = np.nan
    g = rng.integers(0, 6, 500)
    counts, means, var = grouped_moments(x, g.astype(np.intp), 7)
    for k in range(6):
        v = x[(g == k) & ~np.isnan(x)]
        assert counts[k] == v.size
        assert means[k] == pytest.approx(v.mean())
        assert var[k] == pytest.approx(np.var(v, ddof=1))
    assert counts[6] == 0 and np.isnan(means[6])
    assert is_defined(mean_estimate(x).mean)


@pytest.mark.parametrize("n_groups", [3, 40])  # mask path and bincount path
def test_grouped_moments_matrix_equals_column_by_column(n_groups: int) -> None:
    from gapsight.analysis.estimate import grouped_moments_matrix

    rng = np.random.default_rng(15)
    n = 70_000  # more than one block of rows
    M = rng.normal(100, 4, (n, 6))
    M[rng.random((n, 6)) < 0.1] = np.nan
    M[:, 4] = np.nan  # an item nobody answered
    g = rng.integers(0, n_groups, n).astype(np.intp)
    cols = [5, 0, 4, 2]
    counts, means, var = grouped_moments_matrix(M, g, n_groups + 1, cols)
    for j, c in enumerate(cols):
        c1, m1, v1 = grouped_moments(M[:, c], g, n_groups + 1)
        np.testing.assert_array_equal(counts[:, j], c1)
        np.testing.assert_allclose(means[:, j], m1, rtol=1e-12)
        np.testing.assert_allclose(var[:, j], v1, rtol=1e-9)
    assert (counts[:, 2] == 0).all() and np.isnan(means[:, 2]).all()
