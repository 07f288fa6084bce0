"""Tests for analysis.grades. Expected values: NumPy / SciPy on the valid answers and the
definitions in analysis.md (share ≥ 7, share ≤ 5 of valid answers)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gapsight.analysis.grades import grade, report_grades
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Undefined


def test_grade_statistics_match_numpy() -> None:
    rng = np.random.default_rng(4)
    x = rng.integers(1, 11, 300).astype(float)
    x[rng.random(300) < 0.1] = np.nan
    g = grade(x, code="grade_quality", confidence=0.99)
    v = x[~np.isnan(x)]
    assert g.n == v.size and g.dimension == "quality"
    assert g.estimate.mean == pytest.approx(v.mean())
    lo, hi = stats.t.interval(0.99, v.size - 1, loc=v.mean(), scale=stats.sem(v))
    assert (g.estimate.ci_low, g.estimate.ci_high) == pytest.approx((lo, hi))
    assert g.share_sufficient == pytest.approx((v >= 7).mean())
    assert g.share_insufficient == pytest.approx((v <= 5).mean())
    assert g.distribution == {k: int((v == k).sum()) for k in range(1, 11)}


def test_report_grades_picks_present_codes_and_checks_norm_per_dimension() -> None:
    m = ResponseMatrix.from_columns(
        {"grade_service": [8, 7, 9], "grade_handling": [5, 6, 6], "other": [1, 2, 3]}
    )
    res = report_grades(m, previous={"grade_handling": 4.5})
    assert [g.code for g in res.grades] == ["grade_service", "grade_handling"]
    assert res.by_code("grade_service").norm.rule_applied == "level"
    assert res.by_code("grade_handling").norm.rule_applied == "improvement_points"
    assert len(res.to_frame()) == 2
    with pytest.raises(KeyError):
        res.by_code("grade_crm")


def test_degenerate_and_invalid() -> None:
    g = grade([np.nan, np.nan], code="grade_service")
    assert g.n == 0 and isinstance(g.share_sufficient, Undefined)
    assert isinstance(g.estimate.mean, Undefined)
    assert g.to_frame()["note"].iloc[0]
    with pytest.raises(ValueError, match="grade_service"):
        grade([0.0, 5.0], code="grade_service")


def test_non_integer_answers_use_the_values_not_the_rounded_counts() -> None:
    x = np.array([6.5, 7.0, 7.5, 9.0])
    g = grade(x, code="grade_service")
    assert g.estimate.mean == pytest.approx(x.mean())
    assert g.estimate.sd == pytest.approx(x.std(ddof=1))
    assert g.share_sufficient == pytest.approx(0.75)  # 7.0, 7.5 and 9.0 are >= 7
    assert sum(g.distribution.values()) == 4
