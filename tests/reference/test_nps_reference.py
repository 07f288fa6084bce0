"""NPS against the published formulas and a brute-force computation.

Sources:
- NPS, V and SE: Rocks (2016), "Interval Estimation for the 'Net Promoter Score'",
  The American Statistician 70(4): NPS = p_P − p_D, Var = p_P + p_D − (p_P − p_D)².
- Adjusted Wald: Sauro & Lewis, MeasuringU ("Evaluating NPS confidence intervals with
  real-world data", 2021; "NPS confidence intervals"): add 3 to n, 3/4 to detractors and
  3/4 to promoters, then a Wald interval with the variance above.
- Brute force: the NPS is 100 × the mean of the scores +1 (promoter), 0, −1 (detractor);
  V is their population variance (ddof=0).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gapsight.analysis.nps import net_promoter_score, nps_change, nps_from_counts
from gapsight.analysis.result import Undefined


def test_published_formula_worked_example() -> None:
    # 60 promoters, 25 passives, 15 detractors, n = 100, 95 %.
    r = nps_from_counts(60, 25, 15)
    # expected, computed here from the formulas (not from our code):
    z = 1.959963984540054  # Φ⁻¹(0.975)
    pp, pd_ = 0.60, 0.15
    assert r.score == pytest.approx(45.0)
    assert r.se == pytest.approx(100 * math.sqrt((pp + pd_ - (pp - pd_) ** 2) / 100))  # 6.87
    pa, da, na = (60 + 0.75) / 103, (15 + 0.75) / 103, 103
    va = pa + da - (pa - da) ** 2
    assert r.ci_low == pytest.approx(100 * (pa - da - z * math.sqrt(va / na)))
    assert r.ci_high == pytest.approx(100 * (pa - da + z * math.sqrt(va / na)))
    # by hand: p̃_P = 60.75/103 = .5898, p̃_D = 15.75/103 = .1529, Ṽ = .5519 → 43.69 ± 14.35
    assert (round(r.ci_low, 1), round(r.ci_high, 1)) == (29.3, 58.0)
    assert r.margin_worst_case == pytest.approx(196 / math.sqrt(100), rel=1e-4)


def test_brute_force_from_trinomial_scores() -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(0, 11, 437).astype(float)
    x[rng.random(437) < 0.05] = np.nan
    r = net_promoter_score(x, confidence=0.9)
    v = x[~np.isnan(x)]
    s = np.where(v >= 9, 1.0, np.where(v <= 6, -1.0, 0.0))
    assert r.n == v.size
    assert r.score == pytest.approx(100 * s.mean())
    assert r.se == pytest.approx(100 * s.std(ddof=0) / math.sqrt(v.size))
    # adjusted Wald = Wald on the trinomial scores with 0.75 pseudo-promoter, 0.75
    # pseudo-detractor and 1.5 pseudo-passive added (weights), population variance
    w = np.concatenate([np.ones(v.size), [0.75, 0.75, 1.5]])
    sa = np.concatenate([s, [1.0, -1.0, 0.0]])
    m = np.average(sa, weights=w)
    var = np.average((sa - m) ** 2, weights=w)
    half = stats.norm.ppf(0.95) * math.sqrt(var / w.sum())
    assert r.ci_low == pytest.approx(100 * (m - half))
    assert r.ci_high == pytest.approx(100 * (m + half))


def test_interval_clipped_to_range() -> None:
    r = nps_from_counts(5, 0, 0)
    assert r.score == 100.0 and r.se == 0.0
    assert r.ci_high == 100.0 and r.ci_low < 100.0


def test_two_wave_z_keeps_sign() -> None:
    a, b = nps_from_counts(50, 30, 20), nps_from_counts(40, 30, 30, confidence=0.95)
    c = nps_change(a, b)
    assert c.difference == pytest.approx(-20.0)
    se = math.sqrt(a.se**2 + b.se**2)  # type: ignore[operator]
    assert c.z == pytest.approx(-20.0 / se)
    assert c.p == pytest.approx(2 * stats.norm.sf(20.0 / se))
    assert nps_change(b, a).z == pytest.approx(-c.z)  # type: ignore[operator]


def test_degenerate() -> None:
    r = net_promoter_score([np.nan])
    assert r.n == 0 and isinstance(r.score, Undefined) and isinstance(r.share_promoters, Undefined)
    assert "no valid answers" in r.to_frame()["note"].iloc[0]
    c = nps_change(nps_from_counts(3, 0, 0), nps_from_counts(4, 0, 0))
    assert c.difference == 0.0 and isinstance(c.z, Undefined)
    assert isinstance(nps_change(r, nps_from_counts(1, 1, 1)).z, Undefined)
    with pytest.raises(ValueError, match="whole numbers 0-10"):
        net_promoter_score([8.5])


def test_nps_breakdown_matches_per_group_nps_and_suppresses() -> None:
    from gapsight.analysis.nps import nps_breakdown

    rng = np.random.default_rng(16)
    x = rng.integers(0, 11, 400).astype(float)
    x[rng.random(400) < 0.05] = np.nan
    g = rng.choice(np.array(["a", "b", "c"], dtype="<U4"), 400)
    g[:3] = "tiny"
    b = nps_breakdown(x, g, by="segment", confidence=0.9)
    for grp in b.groups:
        if grp.group == "tiny" or grp.suppressed:
            assert grp.result is None and grp.reason
            continue
        ref = net_promoter_score(x[g == grp.group], confidence=0.9)
        assert grp.result is not None
        assert grp.result.to_frame().equals(ref.to_frame())
    assert next(grp for grp in b.groups if grp.group == "tiny").suppressed
    assert sum(grp.suppressed for grp in b.groups) >= 2  # complementary suppression
    assert b.total.result is not None
    assert b.total.result.score == pytest.approx(net_promoter_score(x).score)
    frame = b.to_frame()
    assert list(frame["group"])[-1] == "total"
