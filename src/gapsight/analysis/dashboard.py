"""Service dashboard metrics: drivers and results per audience, value with CI, trend,
and the derived importance of each driver for each result (``instruments.md`` §6).

The dashboard is kept small. Per audience, *drivers* (what the organisation can move)
and *results* (what it wants to move):

- customers — drivers: Customer Effort Score (``evt_ces``), NPS per transaction
  (``evt_recommend``) and perceived service quality (the respondent's mean SERVQUAL
  perception, SERVPERF); results: satisfaction (``cvs_satisfaction``), loyalty
  (``cvs_loyalty``) and advocacy, the relationship NPS (``cvs_recommend``);
- employees — drivers: employee effort (``drv_effort``) and connection with customers
  (``drv_customer_connection``); results: eSAT (``esat``) and eNPS (``enps``).

Metrics of §6 without an item in any instrument yet (emotional connection, sentiment,
churn, customer profitability, forward resolution, engagement) are listed by
:data:`NOT_MEASURED` so the page can say so.

Per wave (oldest first) a metric is a mean with its t interval
(:func:`gapsight.analysis.estimate.mean_estimate`) or an NPS with its adjusted-Wald
interval (:func:`gapsight.analysis.nps.net_promoter_score`); a wave with fewer valid
answers than ``min_n`` gives no value (the minimum group size). The **importance** of a
driver for a result is the Pearson r of the respondents' answers in the latest wave that
has both, with the LMG share of R² when several drivers are present
(:func:`gapsight.analysis.drivers.relative_importance`).

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> m = ResponseMatrix.from_columns({"drv_effort": [5, 6, 4, 7, 6, 5],
    ...                                  "esat": [7, 8, 6, 8, 9, 6]})
    >>> d = dashboard({"employees": [("MTO 2025", m)]}, min_n=5)
    >>> [(x.key, round(x.current.value, 2)) for x in d.metrics]
    [('employee_effort', 5.5), ('esat', 7.33)]
    >>> round(d.importance[0].r, 2)
    0.79
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from gapsight.analysis.drivers import relative_importance
from gapsight.analysis.estimate import mean_estimate
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.nps import net_promoter_score
from gapsight.analysis.result import frame_value, is_defined

__all__ = [
    "METRICS",
    "NOT_MEASURED",
    "Dashboard",
    "DashboardMetric",
    "Importance",
    "MetricSpec",
    "MetricValue",
    "dashboard",
]

Audience = Literal["customers", "employees"]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MetricSpec:
    """A dashboard metric: ``key``, its audience, ``driver`` or ``result``, the item
    code it is read from (``servperf``: mean of the perception items) and whether it is
    a mean or an NPS."""

    key: str
    audience: Audience
    role: Literal["driver", "result"]
    code: str
    kind: Literal["mean", "nps"] = "mean"


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("ces", "customers", "driver", "evt_ces"),
    MetricSpec("transaction_nps", "customers", "driver", "evt_recommend", "nps"),
    MetricSpec("service_quality", "customers", "driver", "servperf"),
    MetricSpec("csat", "customers", "result", "cvs_satisfaction"),
    MetricSpec("loyalty", "customers", "result", "cvs_loyalty"),
    MetricSpec("advocacy", "customers", "result", "cvs_recommend", "nps"),
    MetricSpec("employee_effort", "employees", "driver", "drv_effort"),
    MetricSpec("customer_connection", "employees", "driver", "drv_customer_connection"),
    MetricSpec("esat", "employees", "result", "esat"),
    MetricSpec("enps", "employees", "result", "enps", "nps"),
)
"""Every metric the dashboard knows, in display order."""

NOT_MEASURED: dict[str, tuple[str, ...]] = {
    "customers": ("emotional_connection", "sentiment", "churn", "profitability"),
    "employees": ("forward_resolution", "engagement"),
}
"""Metrics of ``instruments.md`` §6 no shipped instrument measures yet."""


@dataclass(frozen=True)
class MetricValue:
    """One wave's value of a metric: ``value`` with its interval and ``n``."""

    wave: str
    value: float
    ci_low: float
    ci_high: float
    n: int


@dataclass(frozen=True)
class DashboardMetric:
    """A metric with data: the latest value (``current``), the value before it
    (``previous``, ``None`` for one wave) and every wave's value (``trend``)."""

    key: str
    audience: Audience
    role: Literal["driver", "result"]
    kind: Literal["mean", "nps"]
    current: MetricValue
    previous: MetricValue | None
    trend: tuple[MetricValue, ...]

    @property
    def change(self) -> float | None:
        """``current − previous`` (points; NPS points for an NPS), ``None`` for one wave."""
        return None if self.previous is None else self.current.value - self.previous.value


@dataclass(frozen=True)
class Importance:
    """Derived importance of ``driver`` for ``result`` in wave ``wave``: Pearson ``r``
    with its interval, ``lmg_share`` of R² (``None`` with a single driver), ``n``
    complete cases."""

    audience: Audience
    driver: str
    result: str
    wave: str
    r: float
    r_ci_low: float
    r_ci_high: float
    lmg_share: float | None
    n: int


@dataclass(frozen=True)
class Dashboard:
    """Every metric with data, and the importance of drivers for results."""

    metrics: tuple[DashboardMetric, ...]
    importance: tuple[Importance, ...]
    confidence: float


def _column(matrix: ResponseMatrix, code: str, min_valid_share: float = 0.5) -> FloatArray | None:
    """The respondent values of ``code`` (``servperf``: mean of the ``p01``… items)."""
    if code != "servperf":
        return matrix.column(code) if matrix.has(code) else None
    codes = [c for c in matrix.codes if len(c) == 3 and c[0] == "p" and c[1:].isdigit()]
    if not codes:
        return None
    block = matrix.columns(codes)
    ok = ~np.isnan(block)
    count = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, block, 0.0).sum(axis=1) / count
    out: FloatArray = np.where(count >= min_valid_share * len(codes), mean, np.nan)
    return out


def _value(spec: MetricSpec, wave: str, x: FloatArray, confidence: float) -> MetricValue:
    if spec.kind == "nps":
        r = net_promoter_score(x, confidence=confidence, code=spec.code)
        return MetricValue(
            wave, frame_value(r.score), frame_value(r.ci_low), frame_value(r.ci_high), r.n
        )
    e = mean_estimate(x, confidence=confidence)
    return MetricValue(
        wave, frame_value(e.mean), frame_value(e.ci_low), frame_value(e.ci_high), e.n
    )


def _finite(x: float) -> float:
    return x if math.isfinite(x) else math.nan


def dashboard(
    waves: Mapping[str, Sequence[tuple[str, ResponseMatrix]]],
    *,
    min_n: int = 5,
    confidence: float = 0.95,
) -> Dashboard:
    """The dashboard of ``waves``: audience → ``(wave name, answers)`` oldest first.

    A wave contributes a value to a metric when at least ``min_n`` respondents answered
    its item; importance needs ``min_n`` complete cases.
    """
    metrics: list[DashboardMetric] = []
    importance: list[Importance] = []
    for audience in ("customers", "employees"):
        series = waves.get(audience, ())
        specs = [s for s in METRICS if s.audience == audience]
        for spec in specs:
            trend = []
            for name, matrix in series:
                x = _column(matrix, spec.code)
                if x is None or int((~np.isnan(x)).sum()) < min_n:
                    continue
                trend.append(_value(spec, name, x, confidence))
            if trend:
                metrics.append(
                    DashboardMetric(
                        spec.key,
                        spec.audience,
                        spec.role,
                        spec.kind,
                        trend[-1],
                        trend[-2] if len(trend) > 1 else None,
                        tuple(trend),
                    )
                )
        drivers = [s for s in specs if s.role == "driver"]
        for result in (s for s in specs if s.role == "result"):
            for name, matrix in reversed(series):
                y = _column(matrix, result.code)
                cols = [(d, _column(matrix, d.code)) for d in drivers]
                present = [(d, x) for d, x in cols if x is not None]
                if y is None or not present:
                    continue
                x = np.column_stack([x for _, x in present])
                complete = ~np.isnan(x).any(axis=1) & ~np.isnan(y)
                if int(complete.sum()) < max(min_n, 4):
                    continue
                kd = relative_importance(
                    x,
                    y,
                    names=[d.key for d, _ in present],
                    outcome=result.key,
                    confidence=confidence,
                )
                for d in kd.drivers:
                    if not is_defined(d.r):
                        continue
                    importance.append(
                        Importance(
                            audience=audience,
                            driver=d.name,
                            result=result.key,
                            wave=name,
                            r=frame_value(d.r),
                            r_ci_low=_finite(frame_value(d.r_ci_low)),
                            r_ci_high=_finite(frame_value(d.r_ci_high)),
                            lmg_share=frame_value(d.lmg_share)
                            if len(present) > 1 and is_defined(d.lmg_share)
                            else None,
                            n=kd.n,
                        )
                    )
                break
    return Dashboard(tuple(metrics), tuple(importance), confidence)
