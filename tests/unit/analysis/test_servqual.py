"""SERVQUAL gaps, tests, aggregations, weights, zone and SERVPERF.

Independent implementations used as the source of expected numbers:

- a straightforward pandas implementation of the ``analysis.md`` formulas, written
  here row by row (``_pandas_reference``), for means, aggregations and weights;
- ``scipy.stats.ttest_rel`` / ``ttest_1samp`` for the item and dimension tests;
- ``statsmodels.stats.multitest.multipletests`` for Holm and BH;
- small hand-computed examples (rounded item means, zone classification).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

import gapsight.analysis.moments as moments
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Undefined, is_defined
from gapsight.analysis.servqual import (
    Pair,
    ServqualLayout,
    round_half_up,
    servperf,
    servqual,
)

DIMS = ("tangibles",) * 2 + ("reliability",) * 3 + ("empathy",) * 2
DIM_IDS = tuple(dict.fromkeys(DIMS))
LAYOUT = ServqualLayout(
    tuple(
        Pair(f"{i:02d}", d, f"e{i:02d}", f"p{i:02d}", f"m{i:02d}", f"d{i:02d}")
        for i, d in enumerate(DIMS, 1)
    ),
    weights={d: f"w_{d}" for d in DIM_IDS},
)


def _frame(seed: int = 1, n: int = 240, missing: float = 0.08) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.normal(0, 1, n)
    cols: dict[str, np.ndarray] = {}
    for i, _ in enumerate(DIMS, 1):
        c = f"{i:02d}"
        cols[f"e{c}"] = np.clip(np.rint(5.5 + 0.7 * g + rng.normal(0, 1, n)), 1, 7)
        cols[f"p{c}"] = np.clip(np.rint(4.8 + 0.9 * g + rng.normal(0, 1, n)), 1, 7)
        cols[f"m{c}"] = np.clip(np.rint(4.0 + rng.normal(0, 1.2, n)), 1, 9)
        cols[f"d{c}"] = np.clip(np.rint(7.0 + rng.normal(0, 1.2, n)), 1, 9)
    df = pd.DataFrame(cols)
    df = df.mask(rng.random(df.shape) < missing)
    w = rng.multinomial(100, [0.3, 0.45, 0.25], n).astype(float)
    if n >= 14:
        w[:10, 0] += 5  # sums to 105: not 100
        w[10:13, 1] = np.nan  # unanswered points
        w[13, :] = 0.0  # sums to 0
    for j, d in enumerate(DIM_IDS):
        df[f"w_{d}"] = w[:, j]
    return df


def _pandas_reference(df: pd.DataFrame, min_share: float = 0.5) -> dict[str, object]:
    """The analysis.md formulas, written out with pandas."""
    out: dict[str, object] = {}
    e_mean = {p.code: df[p.expectation].mean() for p in LAYOUT.pairs}
    p_mean = {p.code: df[p.perception].mean() for p in LAYOUT.pairs}
    out["item_gap"] = {c: p_mean[c] - e_mean[c] for c in e_mean}
    dim_e, dim_p, dim_g, resp = {}, {}, {}, {}
    for d in DIM_IDS:
        ps = [p for p in LAYOUT.pairs if p.dimension == d]
        dim_e[d] = np.mean([e_mean[p.code] for p in ps])
        dim_p[d] = np.mean([p_mean[p.code] for p in ps])
        dim_g[d] = dim_p[d] - dim_e[d]
        gaps = pd.DataFrame({p.code: df[p.perception] - df[p.expectation] for p in ps})
        need = math.ceil(min_share * len(ps))
        resp[d] = gaps.mean(axis=1).where(gaps.notna().sum(axis=1) >= need)
    out.update(dim_e=dim_e, dim_p=dim_p, dim_g=dim_g, resp=pd.DataFrame(resp))
    return out


@pytest.fixture
def frame() -> pd.DataFrame:
    return _frame()


@pytest.fixture
def matrix(frame: pd.DataFrame) -> ResponseMatrix:
    return ResponseMatrix.from_frame(frame)


# ------------------------------------------------------------------ items and tests
def test_item_gaps_and_paired_tests_match_scipy(
    frame: pd.DataFrame, matrix: ResponseMatrix, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moments, "BLOCK_ROWS", 31)  # many blocks
    res = servqual(matrix, LAYOUT, confidence=0.9)
    ref = _pandas_reference(frame)
    for item, pair in zip(res.items, LAYOUT.pairs, strict=True):
        e, p = frame[pair.expectation], frame[pair.perception]
        assert item.gap == pytest.approx(ref["item_gap"][pair.code], rel=1e-12)  # type: ignore[index]
        assert item.n_expectation == e.count() and item.n_perception == p.count()
        ok = e.notna() & p.notna()
        scipy_res = stats.ttest_rel(p[ok], e[ok])
        ci = scipy_res.confidence_interval(0.9)
        t = item.test
        assert item.n_pairs == ok.sum()
        assert t.t == pytest.approx(scipy_res.statistic, rel=1e-10)
        assert t.p == pytest.approx(scipy_res.pvalue, rel=1e-9)
        assert (t.ci_low, t.ci_high) == (pytest.approx(ci.low), pytest.approx(ci.high))
        d = (p - e)[ok]
        assert t.d_z == pytest.approx(d.mean() / d.std(), rel=1e-10)


@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_item_family_adjustment_matches_statsmodels(
    matrix: ResponseMatrix, ours: str, theirs: str
) -> None:
    res = servqual(matrix, LAYOUT, adjust=ours)
    raw = [float(it.test.p) for it in res.items]
    expected = multipletests(raw, method=theirs)[1]
    np.testing.assert_allclose([float(it.p_adjusted) for it in res.items], expected)
    assert res.adjustment == ours
    assert servqual(matrix, LAYOUT, adjust="none").items[0].p_adjusted == raw[0]


# ------------------------------------------------------------------ aggregations
def test_mean_of_item_means_aggregation(frame: pd.DataFrame, matrix: ResponseMatrix) -> None:
    res = servqual(matrix, LAYOUT)
    ref = _pandas_reference(frame)
    for d in res.by_item_means.dimensions:
        assert d.expectation == pytest.approx(ref["dim_e"][d.dimension])  # type: ignore[index]
        assert d.perception == pytest.approx(ref["dim_p"][d.dimension])  # type: ignore[index]
        assert d.gap == pytest.approx(ref["dim_g"][d.dimension])  # type: ignore[index]
    dims = ref["dim_g"]
    overall = np.mean(list(dims.values()))  # type: ignore[attr-defined]
    assert res.overall.gap == pytest.approx(overall)
    # overall is the mean of the dimension values, not of the 7 items
    assert res.overall.gap != pytest.approx(np.mean(list(ref["item_gap"].values())))  # type: ignore[attr-defined]
    assert res.aggregation == "item_means" and res.chosen.label == "mean of item means"


def test_respondent_level_aggregation_and_dimension_tests(
    frame: pd.DataFrame, matrix: ResponseMatrix
) -> None:
    res = servqual(matrix, LAYOUT, aggregation="respondent")
    resp = _pandas_reference(frame)["resp"]
    for d in res.dimensions:
        col = resp[d.dimension].dropna()  # type: ignore[index]
        assert d.n == len(col)
        assert d.gap == pytest.approx(col.mean(), rel=1e-12)
        ref = stats.ttest_1samp(col, 0.0)
        assert d.test is not None
        assert d.test.t == pytest.approx(ref.statistic, rel=1e-10)
        assert d.test.p == pytest.approx(ref.pvalue, rel=1e-9)
    assert res.overall.gap == pytest.approx(np.mean([float(d.gap) for d in res.dimensions]))
    assert res.by_respondent.label == "mean of respondent-level means"


def test_min_share_changes_which_respondents_count(frame: pd.DataFrame) -> None:
    m = ResponseMatrix.from_frame(frame)
    for share in (0.5, 1.0, 0.01):
        res = servqual(m, LAYOUT, aggregation="respondent", min_share=share)
        resp = _pandas_reference(frame, share)["resp"]
        assert [d.n for d in res.dimensions] == [
            int(resp[d].notna().sum())  # type: ignore[index]
            for d in DIM_IDS
        ]


def test_rounded_item_means_reproduce_a_hand_computed_table() -> None:
    # item means: E 6.125, 5.875 / P 4.375, 4.625 (exact binary fractions)
    m = ResponseMatrix.from_columns(
        {
            "e01": [7, 6, 6, 6, 6, 6, 6, 6],  # 6.125 -> 6.13
            "p01": [5, 4, 4, 4, 5, 4, 4, 5],  # 4.375 -> 4.38
            "e02": [6, 6, 6, 6, 6, 6, 6, 5],  # 5.875 -> 5.88
            "p02": [5, 5, 5, 4, 5, 4, 4, 5],  # 4.625 -> 4.63
        }
    )
    lay = ServqualLayout((Pair("01", "t", "e01", "p01"), Pair("02", "t", "e02", "p02")))
    exact = servqual(m, lay).dimension("t")
    rounded = servqual(m, lay, round_item_means=True).dimension("t")
    assert (exact.expectation, exact.perception) == (6.0, 4.5)
    # by hand: (6.13 + 5.88) / 2 = 6.005 ; (4.38 + 4.63) / 2 = 4.505
    assert rounded.expectation == pytest.approx(6.005)
    assert rounded.perception == pytest.approx(4.505)
    assert rounded.gap == pytest.approx(4.505 - 6.005)


def test_round_half_up_works_on_the_decimal_value() -> None:
    assert round_half_up(2.675) == 2.68  # Python's round() gives 2.67
    assert round_half_up(4.125) == 4.13 and round_half_up(-0.005) == -0.01


# ------------------------------------------------------------------ weighted
@pytest.mark.parametrize("rule", ["reject", "renormalise"])
def test_weighted_servqual_matches_pandas(frame: pd.DataFrame, rule: str) -> None:
    m = ResponseMatrix.from_frame(frame)
    res = servqual(m, LAYOUT, weight_rule=rule, sample_mean_weights=True)  # type: ignore[arg-type]
    w = res.weighted
    assert w is not None
    resp = _pandas_reference(frame)["resp"]
    pts = frame[[f"w_{d}" for d in DIM_IDS]].to_numpy()
    total = pts.sum(axis=1)
    answered = ~np.isnan(pts).any(axis=1)
    is100 = answered & (np.abs(total - 100) < 1e-9)
    ok = is100 if rule == "reject" else answered & (total > 0)
    with np.errstate(invalid="ignore"):
        weights = pts / (100.0 if rule == "reject" else total[:, None])
    g = resp.to_numpy()  # type: ignore[attr-defined]
    use = ok & ~np.isnan(g).any(axis=1)
    scores = (weights[use] * g[use]).sum(axis=1)
    assert w.n == use.sum()
    assert w.gap == pytest.approx(scores.mean(), rel=1e-12)
    assert w.test.p == pytest.approx(stats.ttest_1samp(scores, 0).pvalue, rel=1e-9)
    assert w.n_weights_missing == 3 and w.n_not_100 == 11  # 10 × 105 and 1 × 0
    if rule == "reject":
        assert (w.n_rejected, w.n_renormalised) == (11, 0)
    else:
        assert (w.n_rejected, w.n_renormalised) == (1, 10)
    mean_w = weights[ok].mean(axis=0)
    expected_smw = sum(mean_w[i] * float(d.gap) for i, d in enumerate(res.by_respondent.dimensions))
    assert w.sample_mean_weights_gap == pytest.approx(expected_smw)
    assert any(x.code == "weights_not_100" for x in res.warnings)


# ------------------------------------------------------------------ zone
def test_zone_of_tolerance_matches_pandas(frame: pd.DataFrame, matrix: ResponseMatrix) -> None:
    z = servqual(matrix, LAYOUT).zone
    assert z is not None
    inverted_total = 0
    for item, pair in zip(z.items, LAYOUT.pairs, strict=True):
        p, lo, hi = frame[pair.perception], frame[pair.minimum], frame[pair.desired]
        assert item.msa == pytest.approx((p - lo).mean())
        assert item.mss == pytest.approx((p - hi).mean())
        assert item.width == pytest.approx((hi - lo).mean())
        assert item.n_msa == (p - lo).count()
        full = p.notna() & lo.notna() & hi.notna()
        inv = full & (hi < lo)
        ok = full & ~inv
        assert item.n_complete == full.sum() and item.inverted == inv.sum()
        assert item.below == (ok & (p < lo)).sum()
        assert item.above == (ok & (p > hi)).sum()
        assert item.below + item.within + item.above + item.inverted == item.n_complete
        inverted_total += int(inv.sum())
    assert z.inverted == inverted_total > 0
    assert any(w.code == "zone_inverted" for w in z.warnings)
    assert len(z.to_frame()) == len(LAYOUT.pairs)


# ------------------------------------------------------------------ SERVPERF
def test_servperf_is_the_perception_part(frame: pd.DataFrame) -> None:
    perceptions = frame[[p.perception for p in LAYOUT.pairs]]
    m = ResponseMatrix.from_frame(perceptions)  # no expectations in the data at all
    sp = servperf(m, LAYOUT)
    sq = servqual(ResponseMatrix.from_frame(frame), LAYOUT)
    for a, b in zip(sp.by_item_means, sq.by_item_means.dimensions, strict=True):
        assert a.perception == pytest.approx(b.perception)
    for a, b in zip(sp.by_respondent, sq.by_respondent.dimensions, strict=True):
        assert a.perception == pytest.approx(b.perception)
    assert sp.overall == pytest.approx(sq.by_item_means.overall.perception)
    assert sp.items[0].mean == pytest.approx(perceptions["p01"].mean())
    assert list(sp.to_frame().index) == [*DIM_IDS, "overall"]


# ------------------------------------------------------------------ layout


# ------------------------------------------------------------------ degenerate input
def test_missing_item_column_names_the_item(frame: pd.DataFrame) -> None:
    m = ResponseMatrix.from_frame(frame.drop(columns=["p03"]))
    with pytest.raises(KeyError, match="p03"):
        servqual(m, LAYOUT)


def test_one_respondent_gives_gaps_but_undefined_tests() -> None:
    m = ResponseMatrix.from_frame(_frame(n=1, missing=0.0))
    res = servqual(m, LAYOUT)
    assert all(is_defined(it.gap) for it in res.items)
    assert all(isinstance(it.test.t, Undefined) for it in res.items)
    assert all(isinstance(it.p_adjusted, Undefined) for it in res.items)
    assert is_defined(res.overall.gap)
    assert any(w.code == "item_test_undefined" for w in res.warnings)


def test_constant_items_make_tests_undefined_not_nan() -> None:
    m = ResponseMatrix.from_columns({"e01": [6, 6, 6], "p01": [5, 5, 5]})
    res = servqual(m, ServqualLayout((Pair("01", "a", "e01", "p01"),)))
    it = res.items[0]
    assert it.gap == -1.0
    assert isinstance(it.test.t, Undefined) and "zero variance" in it.test.t.reason
    frame = res.to_frame()
    assert math.isnan(frame.loc["01", "t"]) and "zero variance" in frame.loc["01", "note"]


def test_all_dont_know_dimension_is_undefined_with_reason(frame: pd.DataFrame) -> None:
    df = frame.copy()
    for p in LAYOUT.pairs_of("empathy"):
        df[p.perception] = 9.0
    m = ResponseMatrix.from_frame(df, dont_know_code=9.0)
    res = servqual(m, LAYOUT, aggregation="respondent")
    emp = res.dimension("empathy")
    assert isinstance(emp.gap, Undefined)
    assert isinstance(res.overall.gap, Undefined) and "empathy" in res.overall.gap.reason
    item = res.item("p06")
    assert isinstance(item.perception, Undefined) and "no valid" in item.perception.reason
    assert isinstance(res.by_item_means.dimension("empathy").gap, Undefined)
    assert is_defined(res.dimension("tangibles").gap)


def test_invalid_parameters_are_rejected(matrix: ResponseMatrix) -> None:
    with pytest.raises(ValueError, match="aggregation"):
        servqual(matrix, LAYOUT, aggregation="median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_share"):
        servqual(matrix, LAYOUT, min_share=0)
    with pytest.raises(ValueError, match="confidence"):
        servqual(matrix, LAYOUT, confidence=1.5)
    with pytest.raises(ValueError, match="holm, bh, none"):
        servqual(matrix, LAYOUT, adjust="sidak")
    with pytest.raises(ValueError, match="weight rule"):
        servqual(matrix, LAYOUT, weight_rule="scale")  # type: ignore[arg-type]


# ------------------------------------------------------------------ properties
SMALL = st.integers(min_value=3, max_value=25).flatmap(
    lambda n: st.tuples(st.just(n), st.integers(0, 2**32 - 1))
)


@settings(max_examples=25, deadline=None)
@given(SMALL)
def test_swapping_e_and_p_negates_every_gap_and_t(args: tuple[int, int]) -> None:
    n, seed = args
    df = _frame(seed=seed, n=n, missing=0.15)
    swapped = df.rename(columns={**{f"e{i:02d}": f"p{i:02d}" for i in range(1, 8)},
                                 **{f"p{i:02d}": f"e{i:02d}" for i in range(1, 8)}})  # fmt: skip
    a = servqual(ResponseMatrix.from_frame(df), LAYOUT)
    b = servqual(ResponseMatrix.from_frame(swapped), LAYOUT)
    for x, y in zip(a.items, b.items, strict=True):
        if is_defined(x.gap):
            assert y.gap == pytest.approx(-x.gap, abs=1e-12)
        if is_defined(x.test.t):
            assert y.test.t == pytest.approx(-x.test.t, rel=1e-9, abs=1e-9)
            assert y.test.p == pytest.approx(x.test.p, rel=1e-9, abs=1e-12)
    for x, y in zip(a.by_respondent.dimensions, b.by_respondent.dimensions, strict=True):
        if is_defined(x.gap):
            assert y.gap == pytest.approx(-x.gap, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(SMALL)
def test_permuting_respondents_changes_nothing(args: tuple[int, int]) -> None:
    n, seed = args
    df = _frame(seed=seed, n=n, missing=0.15)
    perm = np.random.default_rng(seed).permutation(n)
    a = servqual(ResponseMatrix.from_frame(df), LAYOUT)
    b = servqual(ResponseMatrix.from_frame(df.iloc[perm]), LAYOUT)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), rtol=1e-9)
    pd.testing.assert_frame_equal(a.by_respondent.to_frame(), b.by_respondent.to_frame())
    assert a.weighted is not None and b.weighted is not None
    pd.testing.assert_frame_equal(a.weighted.to_frame(), b.weighted.to_frame(), rtol=1e-9)


def test_respondent_level_dimension_without_enough_items_says_why() -> None:
    lay = ServqualLayout((Pair("01", "a", "e1", "p1"), Pair("02", "b", "e2", "p2")))
    m = ResponseMatrix.from_columns(
        {"e1": [5.0, 6.0], "p1": [4.0, 4.0], "e2": [np.nan, 5.0], "p2": [5.0, np.nan]}
    )
    res = servqual(m, lay, aggregation="respondent", weight_rule="renormalise")
    b = res.dimension("b")
    assert b.n == 0
    assert isinstance(b.gap, Undefined) and "at least 50% valid items in b" in b.gap.reason
    assert res.dimension("a").gap == pytest.approx(-1.5)
    assert res.item("02").test.n == 0 and is_defined(res.item("02").gap)


# ------------------------------------------------------------------ n behind aggregated values
def _pairs_n(df: pd.DataFrame, pair: Pair) -> int:
    e, p = df[pair.expectation].to_numpy(), df[pair.perception].to_numpy()
    return int(np.count_nonzero(~np.isnan(e) & ~np.isnan(p)))


def test_aggregated_values_report_min_and_max_item_n(frame: pd.DataFrame) -> None:
    frame = frame.copy()
    frame.loc[frame.index[:50], "e04"] = np.nan  # one item with clearly fewer pairs
    res = servqual(ResponseMatrix.from_frame(frame), LAYOUT)
    all_n = [_pairs_n(frame, p) for p in LAYOUT.pairs]
    for d in res.by_item_means.dimensions:
        ns = [_pairs_n(frame, p) for p in LAYOUT.pairs if p.dimension == d.dimension]
        assert (d.n_min, d.n_max) == (int(np.min(ns)), int(np.max(ns)))
    assert res.by_item_means.dimension("reliability").n_min < 200
    o = res.by_item_means.overall
    assert (o.n_min, o.n_max) == (int(np.min(all_n)), int(np.max(all_n)))
    dim_n = [int(d.n or 0) for d in res.by_respondent.dimensions]
    ro = res.by_respondent.overall
    assert (ro.n_min, ro.n_max) == (min(dim_n), max(dim_n))
    f = res.by_item_means.to_frame()
    assert f.loc["overall", "n_min"] == np.min(all_n)
    assert f.loc["reliability", "n_max"] == res.by_item_means.dimension("reliability").n_max

    z = res.zone
    assert z is not None
    for zd in z.dimensions:
        ns = []
        for p in LAYOUT.pairs:
            if p.dimension != zd.dimension:
                continue
            pv, lo, hi = (frame[c].to_numpy() for c in (p.perception, p.minimum, p.desired))
            ns += [
                np.count_nonzero(~np.isnan(pv) & ~np.isnan(lo)),
                np.count_nonzero(~np.isnan(pv) & ~np.isnan(hi)),
                np.count_nonzero(~np.isnan(hi) & ~np.isnan(lo)),
            ]
        assert (zd.n_min, zd.n_max) == (int(np.min(ns)), int(np.max(ns)))
    zf = z.dimensions_frame()
    assert list(zf["n_min"]) == [zd.n_min for zd in z.dimensions]
