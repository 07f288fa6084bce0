"""Holm and Benjamini–Hochberg vs statsmodels ``multipletests``; properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from gapsight.analysis.adjust import adjust_pvalues, check_method
from gapsight.analysis.result import Undefined

PVALUES = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=30)


@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_matches_statsmodels(ours: str, theirs: str) -> None:
    rng = np.random.default_rng(9)
    p = np.concatenate([rng.uniform(0, 0.05, 8), rng.uniform(0, 1, 14)])
    res = adjust_pvalues(list(p), ours)
    expected = multipletests(p, method=theirs)[1]
    np.testing.assert_allclose(res.adjusted, expected, rtol=1e-12)
    assert res.family_size == 22 and res.method == ours


@settings(max_examples=15, deadline=None)  # statsmodels' holm takes ~0.2 s per call
@given(PVALUES)
def test_matches_statsmodels_for_any_family(p: list[float]) -> None:
    for ours, theirs in (("holm", "holm"), ("bh", "fdr_bh")):
        res = adjust_pvalues(p, ours)
        np.testing.assert_allclose(res.adjusted, multipletests(p, method=theirs)[1], atol=1e-12)


@given(PVALUES)
def test_adjusted_never_below_raw_and_holm_keeps_order(p: list[float]) -> None:
    for method in ("holm", "bh", "none"):
        adj = adjust_pvalues(p, method).adjusted
        assert all(a >= r - 1e-15 and a <= 1.0 for a, r in zip(adj, p, strict=True))
    holm = adjust_pvalues(p, "holm").adjusted
    order = np.argsort(p, kind="mergesort")
    assert all(np.diff(np.asarray(holm)[order]) >= -1e-15)


def test_undefined_p_values_stay_out_of_the_family() -> None:
    u = Undefined("zero variance: all values are equal")
    res = adjust_pvalues([0.01, u, 0.04], "holm")
    assert res.family_size == 2
    assert res.adjusted[1] is u
    assert res.adjusted[0] == pytest.approx(0.02) and res.adjusted[2] == pytest.approx(0.04)
    assert res.to_frame()["p_adjusted"].isna().tolist() == [False, True, False]


def test_none_returns_raw_and_aliases_resolve() -> None:
    assert adjust_pvalues([0.2, 0.01], "none").adjusted == (0.2, 0.01)
    assert check_method("fdr_bh") == "bh" and check_method("Holm") == "holm"


def test_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="holm, bh, none"):
        adjust_pvalues([0.1], "bonferroni")
    with pytest.raises(ValueError, match="between 0 and 1"):
        adjust_pvalues([1.5], "holm")
