"""Service dashboard metrics: values equal the estimate and NPS functions, small waves
give no value, the trend follows the waves, importance is the Pearson r."""

from __future__ import annotations

import doctest

import numpy as np

from gapsight.analysis import dashboard as module
from gapsight.analysis.dashboard import METRICS, NOT_MEASURED, dashboard
from gapsight.analysis.estimate import mean_estimate
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.nps import net_promoter_score
from gapsight.analysis.result import frame_value


def _wave(rng: np.random.Generator, n: int, shift: float = 0.0) -> ResponseMatrix:
    effort = rng.integers(1, 8, n).astype(float)
    esat = np.clip(np.rint(3 + 0.6 * effort + shift + rng.normal(0, 1, n)), 1, 10)
    enps = np.clip(np.rint(2 + 0.8 * effort + rng.normal(0, 1.5, n)), 0, 10)
    return ResponseMatrix.from_columns({"drv_effort": effort, "esat": esat, "enps": enps})


def test_the_docstring_example_runs() -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_values_trend_and_importance_come_from_the_core() -> None:
    rng = np.random.default_rng(3)
    old, new = _wave(rng, 80), _wave(rng, 120, shift=0.5)
    board = dashboard({"employees": [("2024", old), ("2025", new)]}, min_n=10)
    by_key = {m.key: m for m in board.metrics}
    assert set(by_key) == {"employee_effort", "esat", "enps"}
    esat = by_key["esat"]
    expected = mean_estimate(new.column("esat"))
    assert esat.current.value == frame_value(expected.mean)
    assert esat.current.ci_low == frame_value(expected.ci_low)
    assert esat.previous is not None and esat.previous.wave == "2024"
    assert esat.change == esat.current.value - esat.previous.value
    assert [p.wave for p in esat.trend] == ["2024", "2025"]
    enps = by_key["enps"]
    assert enps.kind == "nps"
    assert enps.current.value == frame_value(net_promoter_score(new.column("enps")).score)
    r = {(i.driver, i.result): i for i in board.importance}
    assert set(r) == {("employee_effort", "esat"), ("employee_effort", "enps")}
    expected_r = np.corrcoef(new.column("drv_effort"), new.column("esat"))[0, 1]
    assert abs(r[("employee_effort", "esat")].r - expected_r) < 1e-12
    assert r[("employee_effort", "esat")].wave == "2025"
    assert r[("employee_effort", "esat")].lmg_share is None  # a single driver


def test_a_wave_below_the_minimum_gives_no_value() -> None:
    rng = np.random.default_rng(4)
    board = dashboard({"employees": [("2024", _wave(rng, 80)), ("2025", _wave(rng, 9))]}, min_n=10)
    esat = next(m for m in board.metrics if m.key == "esat")
    assert [p.wave for p in esat.trend] == ["2024"]
    assert esat.previous is None and esat.change is None
    assert all(i.wave == "2024" for i in board.importance)
    empty = dashboard({"employees": [("2025", _wave(rng, 9))]}, min_n=10)
    assert empty.metrics == () and empty.importance == ()


def test_customer_service_quality_is_the_mean_perception() -> None:
    m = ResponseMatrix.from_columns(
        {
            "p01": [5, 6, np.nan, 4, 7, 6],
            "p02": [6, 6, np.nan, 5, 7, 5],
            "cvs_satisfaction": [7, 8, 6, 6, 9, 7],
        }
    )
    board = dashboard({"customers": [("KTO", m)]}, min_n=5)
    quality = next(x for x in board.metrics if x.key == "service_quality")
    assert quality.current.n == 5  # the respondent without perceptions has no score
    assert abs(quality.current.value - np.mean([5.5, 6, 4.5, 7, 5.5])) < 1e-12


def test_every_metric_is_a_driver_or_a_result_of_one_audience() -> None:
    assert {m.audience for m in METRICS} == {"customers", "employees"}
    assert {m.role for m in METRICS} == {"driver", "result"}
    assert len({m.key for m in METRICS}) == len(METRICS)
    assert not {m.key for m in METRICS} & {k for v in NOT_MEASURED.values() for k in v}
