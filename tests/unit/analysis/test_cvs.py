"""Tests for analysis.cvs. Expected values: NumPy on the complete cases (the definition in
analysis.md: mean of the three answers, all three required)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gapsight.analysis.cvs import CVS_CODES, customer_value_score, respondent_cvs
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Undefined


def _matrix(rng: np.random.Generator, n: int) -> ResponseMatrix:
    cols = {c: rng.integers(0, 11, n).astype(float) for c in CVS_CODES}
    cols["cvs_loyalty"][rng.random(n) < 0.15] = np.nan
    return ResponseMatrix.from_columns(cols)


def test_cvs_matches_numpy_on_complete_cases() -> None:
    m = _matrix(np.random.default_rng(3), 200)
    r = customer_value_score(m, confidence=0.95)
    block = m.columns(CVS_CODES)
    ok = ~np.isnan(block).any(axis=1)
    per = block[ok].mean(axis=1)
    assert r.n == ok.sum() and r.n_excluded == (~ok).sum()
    assert r.score.mean == pytest.approx(per.mean())
    assert r.score.sd == pytest.approx(per.std(ddof=1))
    lo, hi = stats.t.interval(0.95, per.size - 1, loc=per.mean(), scale=stats.sem(per))
    assert (r.score.ci_low, r.score.ci_high) == pytest.approx((lo, hi))
    # part means on the same respondents average exactly to the CVS
    parts = [r.parts[c].mean for c in CVS_CODES]
    assert np.mean(parts) == pytest.approx(r.mean)
    assert all(r.parts[c].n == r.n for c in CVS_CODES)
    np.testing.assert_allclose(respondent_cvs(m)[ok], per)
    assert np.isnan(respondent_cvs(m)[~ok]).all()


def test_norm_and_previous_wave() -> None:
    m = ResponseMatrix.from_columns(
        {"cvs_satisfaction": [6, 6], "cvs_loyalty": [6, 7], "cvs_recommend": [6, 5]}
    )
    r = customer_value_score(m, previous=5.0)
    assert r.mean == pytest.approx(6.0)
    assert r.norm.met and r.norm.rule_applied == "improvement_points"
    assert not customer_value_score(m, previous=5.5).norm.met
    assert set(r.to_frame()["measure"]) == {"cvs", *CVS_CODES}


def test_degenerate_and_invalid() -> None:
    nan = [np.nan, np.nan]
    m = ResponseMatrix.from_columns(
        {"cvs_satisfaction": [7, 8], "cvs_loyalty": nan, "cvs_recommend": [1, 2]}
    )
    r = customer_value_score(m)
    assert r.n == 0 and isinstance(r.mean, Undefined) and r.norm.rule_applied == "undefined"
    bad = ResponseMatrix.from_columns(
        {"cvs_satisfaction": [11], "cvs_loyalty": [1], "cvs_recommend": [1]}
    )
    with pytest.raises(ValueError, match="cvs_satisfaction"):
        customer_value_score(bad)
    with pytest.raises(KeyError, match="cvs_loyalty"):
        customer_value_score(ResponseMatrix.from_columns({"cvs_satisfaction": [1]}))
