"""t-tests vs SciPy (``scipy.stats.ttest_rel`` / ``ttest_1samp`` and their CIs)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gapsight.analysis.result import Undefined, is_defined
from gapsight.analysis.ttest import (
    one_sample_ttest,
    paired_ttest,
    ttest_from_summary,
    ttests_from_summary,
)


@pytest.mark.parametrize("confidence", [0.95, 0.99, 0.8])
def test_paired_matches_scipy_ttest_rel(confidence: float) -> None:
    rng = np.random.default_rng(1)
    a = rng.integers(1, 8, 40).astype(float)
    b = rng.integers(1, 8, 40).astype(float)
    a[[3, 7]] = np.nan
    b[[7, 20]] = np.nan
    res = paired_ttest(a, b, confidence=confidence)
    ok = ~np.isnan(a) & ~np.isnan(b)
    ref = stats.ttest_rel(a[ok], b[ok])
    ci = ref.confidence_interval(confidence)
    d = a[ok] - b[ok]
    assert res.n == 37
    assert res.t == pytest.approx(ref.statistic, rel=1e-12)
    assert res.p == pytest.approx(ref.pvalue, rel=1e-10)
    assert res.df == ref.df
    assert res.ci_low == pytest.approx(ci.low, rel=1e-12)
    assert res.ci_high == pytest.approx(ci.high, rel=1e-12)
    # d_z = mean(d) / sd(d) (Cohen 1988, paired design)
    assert res.d_z == pytest.approx(d.mean() / d.std(ddof=1), rel=1e-12)


def test_one_sample_matches_scipy_with_mu() -> None:
    x = np.array([4.1, 5.0, 3.2, 6.3, 5.5, 4.4])
    res = one_sample_ttest(x, mu=4.0, confidence=0.9)
    ref = stats.ttest_1samp(x, 4.0)
    ci = ref.confidence_interval(0.9)
    assert res.t == pytest.approx(ref.statistic, rel=1e-12)
    assert res.p == pytest.approx(ref.pvalue, rel=1e-12)
    assert (res.ci_low, res.ci_high) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_summary_form_equals_raw_form() -> None:
    x = np.array([0.5, -1.0, 2.0, 0.0, 1.5])
    raw = one_sample_ttest(x)
    summ = ttest_from_summary(5, float(x.mean()), float(x.std(ddof=1)))
    assert raw == summ
    many = ttests_from_summary([5, 5], [x.mean(), x.mean()], [x.std(ddof=1)] * 2)
    assert many == (summ, summ)


def test_no_observations_is_undefined_with_reason() -> None:
    res = one_sample_ttest([math.nan, math.nan])
    assert res.n == 0
    assert isinstance(res.mean, Undefined) and "no observations" in res.mean.reason
    assert not is_defined(res.p)


def test_single_observation_keeps_mean_but_no_test() -> None:
    res = paired_ttest([5.0], [3.0])
    assert res.mean == 2.0
    assert isinstance(res.t, Undefined) and "one observation" in res.t.reason
    assert not is_defined(res.ci_low)


def test_zero_variance_gaps_give_undefined_t_and_collapsed_ci() -> None:
    res = paired_ttest([5.0, 6.0, 7.0], [4.0, 5.0, 6.0])
    assert res.mean == 1.0 and res.sd == 0.0
    assert isinstance(res.t, Undefined) and "zero variance" in res.t.reason
    assert isinstance(res.p, Undefined) and isinstance(res.d_z, Undefined)
    assert (res.ci_low, res.ci_high) == (1.0, 1.0)


def test_invalid_input_raises_clear_errors() -> None:
    with pytest.raises(ValueError, match="confidence"):
        one_sample_ttest([1.0, 2.0], confidence=95)
    with pytest.raises(ValueError, match="differ in length"):
        paired_ttest([1.0, 2.0], [1.0])


def test_to_frame_explains_undefined_values() -> None:
    frame = paired_ttest([5.0], [3.0]).to_frame()
    assert frame.loc[0, "n"] == 1 and math.isnan(frame.loc[0, "t"])
    assert "one observation" in frame.loc[0, "note"]
