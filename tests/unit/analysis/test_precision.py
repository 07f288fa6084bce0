"""Tests for analysis.precision.

Sources: analysis.md reference values (95 %, ±5 pp: N = 20,000 → 377, N = 1,000 → 278,
Cochran's formula); the margin without correction equals the half-width of statsmodels'
normal (Wald) interval at p = 0.5; the mean margin equals SciPy's t interval half-width.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from gapsight.analysis.precision import (
    margin_of_error_mean,
    margin_of_error_proportion,
    precision_sentence,
    required_sample_size,
    response_rates,
)
from gapsight.analysis.result import Undefined


def test_required_sample_size_reference_values() -> None:
    assert required_sample_size(0.05, population=20_000).n == 377
    assert required_sample_size(0.05, population=1_000).n == 278
    inf = required_sample_size(0.05)
    assert inf.n0 == pytest.approx(stats.norm.ppf(0.975) ** 2 * 0.25 / 0.0025)
    assert inf.n == 385


def test_margin_of_error_proportion_matches_statsmodels_and_fpc() -> None:
    lo, hi = proportion_confint(200, 400, alpha=0.05, method="normal")
    m = margin_of_error_proportion(400)
    assert m.margin == pytest.approx((hi - lo) / 2)
    assert m.margin_pp == pytest.approx(100 * (hi - lo) / 2)
    f = margin_of_error_proportion(400, population=2_000)
    assert f.fpc == pytest.approx(math.sqrt(1600 / 1999))
    assert f.margin == pytest.approx(m.margin * math.sqrt(1600 / 1999))
    # a census has no sampling error
    assert margin_of_error_proportion(50, population=50).margin == 0.0
    # the required n for ±5 pp gives a margin of at most 5 pp
    assert margin_of_error_proportion(377, population=20_000).margin_pp <= 5.0


def test_margin_of_error_mean_matches_scipy_t() -> None:
    _lo, hi = stats.t.interval(0.95, 29, loc=0.0, scale=1.2 / math.sqrt(30))
    assert margin_of_error_mean(1.2, 30).margin == pytest.approx(hi)
    assert isinstance(margin_of_error_mean(1.2, 1).margin, Undefined)


def test_response_rates() -> None:
    r = response_rates(
        invited=1000,
        valid=950,
        started=400,
        complete=300,
        partial=50,
        excluded={"empty": 10, "straight_lining": 5},
    )
    assert r.returned == 350 and r.usable == 335
    assert r.gross_rate == pytest.approx(350 / 950)
    assert r.net_rate == pytest.approx(335 / 950)
    assert r.to_frame()["excluded"].iloc[0] == 15
    with pytest.raises(ValueError, match="exceeds"):
        response_rates(invited=10, valid=20, started=0, complete=0)
    with pytest.raises(ValueError, match="exceeds"):
        response_rates(invited=10, valid=10, started=5, complete=5, excluded={"empty": 6})
    z = response_rates(invited=0, valid=0, started=0, complete=0)
    assert isinstance(z.gross_rate, Undefined)


def test_precision_sentence_nl_en() -> None:
    moe = margin_of_error_proportion(377, population=20_000)
    nl = precision_sentence(moe, "nl")
    assert nl.startswith(
        "De resultaten hebben bij een betrouwbaarheidsniveau van 95% een "
        "nauwkeurigheidsmarge van maximaal ±5,0 procentpunt."
    )
    assert "steekproeffout" in nl and "non-respons" in nl
    en = precision_sentence(moe, "en")
    assert "±5.0 percentage points" in en and "sampling error only" in en
    assert "ignorable" in en
    assert "niet te berekenen" in precision_sentence(margin_of_error_proportion(0), "nl")
