"""Hypothesis properties shared by the part-B statistics (issue 4: "permuting respondents
changes nothing"; swapping the two groups negates every gap/change)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapsight.analysis.breakdown import breakdown
from gapsight.analysis.change import mean_change, proportion_change
from gapsight.analysis.cvs import CVS_CODES, customer_value_score
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.nps import net_promoter_score

answers = st.lists(
    st.one_of(st.integers(min_value=0, max_value=10).map(float), st.just(float("nan"))),
    min_size=3,
    max_size=60,
)


@settings(max_examples=25, deadline=None)
@given(a=answers, seed=st.integers(min_value=0, max_value=1000))
def test_permuting_respondents_changes_nothing(a: list[float], seed: int) -> None:
    x = np.array(a)
    perm = np.random.default_rng(seed).permutation(x.size)
    cols = {c: np.roll(x, i) for i, c in enumerate(CVS_CODES)}
    m1 = ResponseMatrix.from_columns(cols)
    m2 = ResponseMatrix.from_columns({c: v[perm] for c, v in cols.items()})
    r1, r2 = customer_value_score(m1), customer_value_score(m2)
    assert r1.n == r2.n
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(r1.to_frame(), r2.to_frame(), rtol=1e-9)
    pd_testing.assert_frame_equal(
        net_promoter_score(x).to_frame(), net_promoter_score(x[perm]).to_frame()
    )
    g = np.arange(x.size) % 3
    pd_testing.assert_frame_equal(
        breakdown(x, g, min_n=3).to_frame(),
        breakdown(x[perm], g[perm], min_n=3).to_frame(),
        rtol=1e-9,
    )


@settings(max_examples=25, deadline=None)
@given(a=answers, b=answers)
def test_swapping_waves_negates_change(a: list[float], b: list[float]) -> None:
    f, r = mean_change(a, b), mean_change(b, a)
    if isinstance(f.t, float):
        assert f.t == pytest.approx(-r.t)  # type: ignore[operator]
        assert f.p == pytest.approx(r.p)
        assert f.ci_low == pytest.approx(-r.ci_high)  # type: ignore[operator]
    xa = int(np.nansum(np.array(a) >= 7))
    xb = int(np.nansum(np.array(b) >= 7))
    pf = proportion_change(xa, len(a), xb, len(b))
    pr = proportion_change(xb, len(b), xa, len(a))
    assert pf.difference_pp == pytest.approx(-pr.difference_pp)  # type: ignore[operator]
    assert pf.ci_low_pp == pytest.approx(-pr.ci_high_pp)  # type: ignore[operator]
