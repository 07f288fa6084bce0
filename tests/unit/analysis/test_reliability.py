"""Cronbach's alpha: formulas, Feldt CI, missing-data rules, degenerate input.

Sources of expected numbers: pingouin ``cronbach_alpha`` (raw alpha on complete data),
direct NumPy evaluations of the textbook formulas (Cronbach 1951; item–rest correlation
with ``numpy.corrcoef``), the Feldt CI evaluated directly with ``scipy.stats.f``.
PSPP and R psych comparisons are in ``tests/reference``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import gapsight.analysis.moments as moments
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.reliability import (
    cronbach_alpha,
    feldt_interval,
    servqual_reliability,
)
from gapsight.analysis.result import Undefined, is_defined
from gapsight.analysis.servqual import Pair, ServqualLayout


def _scale(seed: int, n: int, k: int, missing: float = 0.0, load: float = 0.9) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.normal(0, 1, n)
    x = np.clip(np.rint(4 + load * g[:, None] + rng.normal(0, 1, (n, k))), 1, 7)
    x[rng.random(x.shape) < missing] = np.nan
    return pd.DataFrame(x, columns=[f"i{j + 1}" for j in range(k)])


def _alpha(x: np.ndarray) -> float:
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_listwise_matches_formulas_and_pingouin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moments, "BLOCK_ROWS", 23)
    df = _scale(1, 200, 5, missing=0.05)
    rel = cronbach_alpha(ResponseMatrix.from_frame(df), list(df.columns))
    complete = df.dropna().to_numpy()
    assert rel.n == len(complete) and rel.n_excluded == 200 - len(complete)
    assert rel.alpha == pytest.approx(_alpha(complete), rel=1e-12)
    assert rel.alpha == pytest.approx(pg.cronbach_alpha(df.dropna())[0], rel=1e-12)
    r = np.corrcoef(complete, rowvar=False)
    k = 5
    rbar = (r.sum() - k) / (k * (k - 1))
    assert rel.standardized_alpha == pytest.approx(k * rbar / (1 + (k - 1) * rbar))
    for i, item in enumerate(rel.items):
        rest = np.delete(complete, i, axis=1)
        assert item.alpha_if_deleted == pytest.approx(_alpha(rest), rel=1e-12)
        assert item.item_rest_r == pytest.approx(
            np.corrcoef(complete[:, i], rest.sum(axis=1))[0, 1], rel=1e-12
        )
        assert item.mean == pytest.approx(complete[:, i].mean())
    assert rel.missing_label.startswith("listwise")


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_feldt_interval_uses_the_cases_actually_used(confidence: float) -> None:
    df = _scale(2, 150, 4, missing=0.1)
    rel = cronbach_alpha(ResponseMatrix.from_frame(df), list(df.columns), confidence=confidence)
    n, k, a = rel.n, 4, float(rel.alpha)
    assert n < 150  # listwise deletion happened: psych/pingouin would use 150 here
    g = 1 - confidence
    lo = 1 - (1 - a) * stats.f.ppf(1 - g / 2, n - 1, (n - 1) * (k - 1))
    hi = 1 - (1 - a) * stats.f.ppf(g / 2, n - 1, (n - 1) * (k - 1))
    assert (rel.ci_low, rel.ci_high) == (pytest.approx(lo), pytest.approx(hi))
    wrong = feldt_interval(a, 150, k, confidence)
    assert rel.ci_low != pytest.approx(wrong[0], abs=1e-6)


def test_feldt_on_complete_data_matches_pingouin() -> None:
    # pingouin's CI is the Feldt interval (rounded to 3 decimals) with n = all rows,
    # which is right when nothing is missing
    df = _scale(3, 80, 6)
    rel = cronbach_alpha(ResponseMatrix.from_frame(df), list(df.columns))
    _, ci = pg.cronbach_alpha(df)
    assert (round(rel.ci_low, 3), round(rel.ci_high, 3)) == (ci[0], ci[1])


def test_pairwise_option_uses_pairwise_covariances() -> None:
    df = _scale(4, 120, 5, missing=0.1)
    rel = cronbach_alpha(ResponseMatrix.from_frame(df), list(df.columns), missing="pairwise")
    c = df.cov().to_numpy()  # pandas: pairwise-complete covariances
    k = 5
    assert rel.alpha == pytest.approx(k / (k - 1) * (1 - np.trace(c) / c.sum()), rel=1e-12)
    counts = df.notna().astype(int).T @ df.notna().astype(int)
    assert rel.n == counts.to_numpy()[~np.eye(k, dtype=bool)].min()
    assert rel.n_excluded == int((df.notna().sum(axis=1) < 2).sum())
    assert "pairwise" in rel.missing_label and "psych" in rel.missing_label


def test_warnings_for_low_alpha_and_items_worth_deleting() -> None:
    df = _scale(5, 150, 4, load=0.8)
    df["noise"] = np.random.default_rng(0).integers(1, 8, 150).astype(float)
    rel = cronbach_alpha(ResponseMatrix.from_frame(df), list(df.columns), scale="P test")
    codes = {w.code for w in rel.warnings}
    assert float(rel.alpha) < 0.7 and "alpha_low" in codes
    worth = [w for w in rel.warnings if w.code == "alpha_if_deleted_higher"]
    assert [w.subject for w in worth] == ["noise"]
    assert float(rel.item("noise").alpha_if_deleted) > float(rel.alpha)
    good = cronbach_alpha(
        ResponseMatrix.from_frame(_scale(6, 300, 6, load=1.5)), [f"i{j}" for j in range(1, 7)]
    )
    assert float(good.alpha) > 0.7 and not [w for w in good.warnings if w.code == "alpha_low"]


def test_zero_variance_item_makes_alpha_undefined_with_reason() -> None:
    df = _scale(7, 50, 3)
    df["const"] = 4.0
    rel = cronbach_alpha(ResponseMatrix.from_frame(df), list(df.columns))
    assert isinstance(rel.alpha, Undefined) and "zero variance of const" in rel.alpha.reason
    assert isinstance(rel.standardized_alpha, Undefined) and isinstance(rel.ci_low, Undefined)
    assert isinstance(rel.item("const").item_rest_r, Undefined)
    # deleting the constant item leaves a computable alpha
    assert rel.item("const").alpha_if_deleted == pytest.approx(_alpha(df.iloc[:, :3].to_numpy()))
    assert isinstance(rel.item("i1").alpha_if_deleted, Undefined)
    assert any(w.code == "zero_variance" for w in rel.warnings)
    frame = rel.to_frame()
    assert math.isnan(frame.attrs["alpha"]) and "zero variance" in frame.attrs["note"]


def test_too_few_cases_and_items_are_undefined_not_errors() -> None:
    one = cronbach_alpha(ResponseMatrix.from_columns({"a": [1.0], "b": [2.0]}), ["a", "b"])
    assert isinstance(one.alpha, Undefined) and "fewer than 2 cases" in one.alpha.reason
    dk = ResponseMatrix.from_columns({"a": [np.nan] * 3, "b": [1.0, 2.0, 3.0]})
    assert isinstance(cronbach_alpha(dk, ["a", "b"]).alpha, Undefined)
    single = cronbach_alpha(ResponseMatrix.from_columns({"a": [1.0, 2.0, 3.0]}), ["a"])
    assert isinstance(single.alpha, Undefined) and "at least 2 items" in single.alpha.reason
    two = cronbach_alpha(ResponseMatrix.from_frame(_scale(8, 30, 2)), ["i1", "i2"])
    assert is_defined(two.alpha)
    assert isinstance(two.items[0].alpha_if_deleted, Undefined)


def test_bad_arguments_raise_clear_errors() -> None:
    m = ResponseMatrix.from_frame(_scale(9, 10, 3))
    with pytest.raises(KeyError, match="i9"):
        cronbach_alpha(m, ["i1", "i9"])
    with pytest.raises(ValueError, match="listwise"):
        cronbach_alpha(m, ["i1", "i2"], missing="available")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="duplicate"):
        cronbach_alpha(m, ["i1", "i1"])
    with pytest.raises(ValueError, match="confidence"):
        cronbach_alpha(m, ["i1", "i2"], confidence=0)


def test_servqual_helper_gives_e_and_p_per_dimension_and_full_scales() -> None:
    rng = np.random.default_rng(10)
    cols = {}
    dims = ("a", "a", "a", "b", "b")
    for i in range(1, 6):
        cols[f"e{i}"] = rng.integers(1, 8, 60).astype(float)
        cols[f"p{i}"] = rng.integers(1, 8, 60).astype(float)
    cols["p2"][:5] = np.nan
    m = ResponseMatrix.from_columns(cols)
    lay = ServqualLayout(
        tuple(Pair(f"{i:02d}", d, f"e{i}", f"p{i}") for i, d in enumerate(dims, 1))
    )
    table = servqual_reliability(m, lay)
    assert [s.scale for s in table.scales] == [
        "expectation.a", "expectation.b", "perception.a", "perception.b",
        "expectation", "perception",
    ]  # fmt: skip
    for s in table.scales:  # each scale equals a separate listwise computation
        alone = cronbach_alpha(m, s.codes)
        assert s.alpha == pytest.approx(alone.alpha, rel=1e-12) and s.n == alone.n
    assert table.scale("perception.a").n == 55 and table.scale("expectation.a").n == 60
    assert list(table.to_frame().index) == [s.scale for s in table.scales]
    pw = servqual_reliability(m, lay, missing="pairwise", full_scales=False)
    assert len(pw.scales) == 4 and all(s.missing == "pairwise" for s in pw.scales)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(2, 6),
    st.integers(3, 30),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["listwise", "pairwise"]),
)
def test_alpha_never_exceeds_one(k: int, n: int, seed: int, missing: str) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, (n, k)).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan
    m = ResponseMatrix(codes=tuple(f"i{j}" for j in range(k)), values=x)
    rel = cronbach_alpha(m, m.codes, missing=missing)  # type: ignore[arg-type]
    for value in (rel.alpha, rel.standardized_alpha, *(i.alpha_if_deleted for i in rel.items)):
        assert not is_defined(value) or value <= 1.0 + 1e-12
    if is_defined(rel.alpha):
        assert is_defined(rel.ci_low) and rel.ci_low <= rel.alpha <= rel.ci_high
    perm = rng.permutation(n)
    again = cronbach_alpha(
        ResponseMatrix(codes=m.codes, values=x[perm]),
        m.codes,
        missing=missing,  # type: ignore[arg-type]
    )
    if is_defined(rel.alpha):
        assert again.alpha == pytest.approx(rel.alpha, rel=1e-9, abs=1e-12)
    else:
        assert again.alpha == rel.alpha


def test_inconsistent_pairwise_covariances_are_reported_not_printed_above_one() -> None:
    # found by hypothesis: with 3 respondents and missing cells, pairwise covariances
    # imply a correlation above 1 and the raw formula would give alpha-if-deleted > 1
    rng = np.random.default_rng(1)
    x = rng.integers(1, 6, (3, 3)).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan
    m = ResponseMatrix(codes=("i0", "i1", "i2"), values=x)
    rel = cronbach_alpha(m, m.codes, missing="pairwise")
    values = [rel.alpha, *(i.alpha_if_deleted for i in rel.items)]
    assert any(isinstance(v, Undefined) and "inconsistent" in v.reason for v in values)
    assert all(not is_defined(v) or v <= 1 for v in values)
    assert any(w.code == "pairwise_inconsistent" for w in rel.warnings)
