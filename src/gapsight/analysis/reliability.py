"""Reliability: Cronbach's alpha with item statistics and the Feldt confidence interval.

With ``C`` the ``k × k`` item covariance matrix (denominator n − 1) and ``R`` the
correlation matrix derived from it (Cronbach 1951):

    raw alpha          α = k / (k − 1) · (1 − tr(C) / 1ᵀC1)
    standardized alpha α_std = k·r̄ / (1 + (k − 1)·r̄),   r̄ = mean off-diagonal of R
    alpha if deleted   α on C without row and column i (same cases)
    item–rest r        corr(X_i, T − X_i) = Σ_{j≠i} C_ij / √(C_ii · 1ᵀC_{−i}1)

**Missing data.** ``listwise`` (default, as SPSS/PSPP RELIABILITY): one case set, the
respondents who answered every item of *this* scale, for alpha, alpha-if-deleted and
item–rest r; ``n`` is that count and ``n_excluded`` the rest. ``pairwise`` (as R psych
and pingouin by default; labelled in every output): ``C_ij`` uses the respondents who
answered both ``i`` and ``j``; ``n`` is then the smallest pairwise count.

**Feldt CI** (Feldt, Woodruff & Salih 1987) at confidence ``c``, γ = 1 − c,
df1 = n − 1, df2 = (n − 1)(k − 1):

    L = 1 − (1 − α)·F⁻¹(1 − γ/2; df1, df2),   U = 1 − (1 − α)·F⁻¹(γ/2; df1, df2)

with ``n`` = the cases actually used (pingouin and psych plug in all rows even after
listwise deletion; we don't).

Undefined, with the reason, never NaN: fewer than 2 items or cases, an item with zero
variance on the cases used (alpha, standardized alpha; the other items' alpha-if-deleted
still computed when possible). Warnings: alpha < 0.7; an item whose deletion raises
alpha.

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> m = ResponseMatrix.from_columns({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4],
    ...                                  "c": [1, 3, 3, 4, 5]})
    >>> rel = cronbach_alpha(m, ["a", "b", "c"])
    >>> round(rel.alpha, 4), round(rel.standardized_alpha, 4), rel.n
    (0.9451, 0.9455, 5)
    >>> [round(i.item_rest_r, 3) for i in rel.items]
    [0.97, 0.809, 0.899]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
from scipy import stats

from gapsight.analysis.matrix import FloatMatrix, ResponseMatrix
from gapsight.analysis.moments import (
    Covariance,
    ScaleCovariances,
    row_blocks,
    single_threaded_blas,
)
from gapsight.analysis.result import (
    AnalysisWarning,
    Number,
    Undefined,
    defined,
    frame_value,
    is_defined,
    note_of,
)
from gapsight.analysis.ttest import check_confidence

if TYPE_CHECKING:
    import pandas as pd

    from gapsight.analysis.servqual import ServqualLayout

__all__ = [
    "ALPHA_THRESHOLD",
    "ItemReliability",
    "MissingRule",
    "Reliability",
    "ReliabilityTable",
    "alpha_from_covariance",
    "cronbach_alpha",
    "feldt_interval",
    "servqual_reliability",
    "standardized_alpha_from_covariance",
]

MissingRule = Literal["listwise", "pairwise"]
"""``listwise`` (SPSS/PSPP, default) or ``pairwise`` (R psych default)."""

ALPHA_THRESHOLD = 0.7
"""Alpha below this value gets an ``alpha_low`` warning (Nunnally 1978)."""

MISSING_LABELS = {
    "listwise": "listwise deletion on the scale's items",
    "pairwise": "pairwise covariances (as R psych); not SPSS-comparable",
}


def alpha_from_covariance(cov: FloatMatrix) -> float:
    """Raw alpha ``k/(k−1) · (1 − tr(C)/1ᵀC1)`` of a covariance matrix (NaN if k < 2).

    Example::

        >>> alpha_from_covariance(np.array([[1.0, 0.5], [0.5, 1.0]]))
        0.6666666666666667
    """
    k = cov.shape[0]
    total = float(cov.sum())
    if k < 2 or total <= 0.0:  # ≤ 0 only with zero or inconsistent pairwise variances
        return math.nan
    return float(k / (k - 1) * (1.0 - float(np.trace(cov)) / total))


def standardized_alpha_from_covariance(cov: FloatMatrix) -> float:
    """Standardized alpha ``k·r̄/(1 + (k−1)·r̄)`` from the correlations of ``cov``.

    Example::

        >>> round(standardized_alpha_from_covariance(np.array([[4.0, 1.0], [1.0, 1.0]])), 4)
        0.6667
    """
    k = cov.shape[0]
    d = np.sqrt(np.diag(cov))
    if k < 2 or np.any(d == 0):
        return math.nan
    r = cov / np.outer(d, d)
    rbar = (float(r.sum()) - k) / (k * (k - 1))
    denominator = 1.0 + (k - 1) * rbar
    return float(k * rbar / denominator) if denominator > 0.0 else math.nan


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[Number, Number]:
    """Feldt CI of alpha from ``n`` cases used and ``k`` items (see module docstring).

    Example::

        >>> [round(x, 4) for x in feldt_interval(0.8, 100, 5)]
        [0.7306, 0.8559]
    """
    c = check_confidence(confidence)
    if n < 2 or k < 2 or not math.isfinite(alpha):
        u = Undefined("needs alpha, at least 2 cases and 2 items")
        return u, u
    df1, df2 = n - 1, (n - 1) * (k - 1)
    g = 1.0 - c
    lo = 1.0 - (1.0 - alpha) * float(stats.f.ppf(1.0 - g / 2.0, df1, df2))
    hi = 1.0 - (1.0 - alpha) * float(stats.f.ppf(g / 2.0, df1, df2))
    return lo, hi


@dataclass(frozen=True)
class ItemReliability:
    """Item statistics within a scale (on the cases used).

    Attributes:
        code: item code.
        mean, sd: of the item on the cases used (listwise) or on its valid answers
            (pairwise).
        alpha_if_deleted: raw alpha of the other items, same cases.
        item_rest_r: corrected item–total correlation corr(X_i, T − X_i).
    """

    code: str
    mean: Number
    sd: Number
    alpha_if_deleted: Number
    item_rest_r: Number


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of one scale.

    Attributes:
        scale: the scale's name, e.g. ``"perception.reliability"``.
        codes: its items.
        missing: ``listwise`` or ``pairwise``; :attr:`missing_label` explains it.
        n: cases used (listwise: complete cases; pairwise: smallest pair count).
        n_excluded: respondents not used (listwise: with any item missing; pairwise:
            with fewer than 2 items answered).
        alpha, standardized_alpha: see the module docstring.
        ci_low, ci_high: Feldt interval at :attr:`confidence`, on ``n``.
        mean_inter_item_r: r̄, the mean off-diagonal correlation.
        items: per-item statistics.
        warnings: alpha below 0.7, items whose deletion raises alpha, zero variance.
    """

    scale: str
    codes: tuple[str, ...]
    missing: MissingRule
    n: int
    n_excluded: int
    alpha: Number
    standardized_alpha: Number
    ci_low: Number
    ci_high: Number
    confidence: float
    mean_inter_item_r: Number
    items: tuple[ItemReliability, ...]
    warnings: tuple[AnalysisWarning, ...] = ()

    @property
    def k(self) -> int:
        """Number of items."""
        return len(self.codes)

    @property
    def missing_label(self) -> str:
        """How missing answers were handled, in words."""
        return MISSING_LABELS[self.missing]

    def item(self, code: str) -> ItemReliability:
        """Statistics of item ``code``; ``KeyError`` naming it otherwise."""
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(f"item {code!r} is not in scale {self.scale!r}")

    def summary(self) -> dict[str, object]:
        """The scale-level numbers as a flat dict (undefined as NaN, reason in note)."""
        nums = [self.alpha, self.standardized_alpha, self.ci_low, self.ci_high]
        return {
            "scale": self.scale,
            "k": self.k,
            "n": self.n,
            "n_excluded": self.n_excluded,
            "missing": self.missing,
            "alpha": frame_value(self.alpha),
            "standardized_alpha": frame_value(self.standardized_alpha),
            "ci_low": frame_value(self.ci_low),
            "ci_high": frame_value(self.ci_high),
            "confidence": self.confidence,
            "mean_inter_item_r": frame_value(self.mean_inter_item_r),
            "note": note_of(nums),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per item: mean, sd, alpha_if_deleted, item_rest_r (scale in attrs)."""
        import pandas as pd

        frame = pd.DataFrame(
            [
                {
                    "code": it.code,
                    "mean": frame_value(it.mean),
                    "sd": frame_value(it.sd),
                    "alpha_if_deleted": frame_value(it.alpha_if_deleted),
                    "item_rest_r": frame_value(it.item_rest_r),
                    "note": note_of([it.alpha_if_deleted, it.item_rest_r]),
                }
                for it in self.items
            ],
            columns=["code", "mean", "sd", "alpha_if_deleted", "item_rest_r", "note"],
        ).set_index("code")
        frame.attrs.update(self.summary())
        return frame


@dataclass(frozen=True)
class ReliabilityTable:
    """Several scales (e.g. E and P per SERVQUAL dimension and in full)."""

    scales: tuple[Reliability, ...]

    def scale(self, name: str) -> Reliability:
        """The scale called ``name``; ``KeyError`` naming it otherwise."""
        for s in self.scales:
            if s.scale == name:
                return s
        raise KeyError(f"no reliability scale {name!r}")

    @property
    def warnings(self) -> tuple[AnalysisWarning, ...]:
        """Every scale's warnings."""
        return tuple(w for s in self.scales for w in s.warnings)

    def to_frame(self) -> pd.DataFrame:
        """One row per scale."""
        import pandas as pd

        return pd.DataFrame([s.summary() for s in self.scales]).set_index("scale")


INCONSISTENT = "the pairwise covariances are inconsistent (a value above 1 resulted); use listwise"


def _bounded(value: Number, *, absolute: bool = False) -> Number:
    """Alpha and correlations cannot exceed 1; with pairwise covariances (not positive
    semi-definite) the formulas can: report that instead of an impossible number."""
    if is_defined(value) and (abs(value) if absolute else value) > 1.0 + 1e-12:
        return Undefined(INCONSISTENT)
    return value


def _zero_variance_reason(codes: Sequence[str], zero: Sequence[bool], where: str) -> str:
    names = ", ".join(c for c, z in zip(codes, zero, strict=True) if z)
    return f"zero variance of {names} on the {where}"


def cronbach_alpha(
    matrix: ResponseMatrix,
    codes: Sequence[str],
    *,
    scale: str | None = None,
    missing: MissingRule = "listwise",
    confidence: float = 0.95,
) -> Reliability:
    """Cronbach's alpha of the items ``codes`` with item statistics and Feldt CI.

    Args:
        matrix: the responses; ``KeyError`` names an item that is not a column.
        codes: the scale's items (at least 2 for a defined alpha).
        scale: a name for the scale (default: the codes joined by ``+``).
        missing: ``listwise`` (default) or ``pairwise``.
        confidence: level of the Feldt interval.
    """
    conf = _check(missing, confidence)
    use = tuple(codes)
    name = scale if scale is not None else "+".join(use)
    cols = _columns(matrix, use)
    acc = ScaleCovariances([range(len(cols))], pairwise=missing == "pairwise")
    with single_threaded_blas(matrix.n):
        for rows in row_blocks(matrix.n):
            acc.add(matrix.values[rows][:, cols])
    return _reliability(name, use, acc.result(0), missing, conf)


def _check(missing: str, confidence: float) -> float:
    if missing not in get_args(MissingRule):
        raise ValueError(f"unknown missing-data rule {missing!r}; use 'listwise' or 'pairwise'")
    return check_confidence(confidence)


def _columns(matrix: ResponseMatrix, use: Sequence[str]) -> list[int]:
    if len(set(use)) != len(use):
        raise ValueError(f"duplicate items in scale: {tuple(use)}")
    return [matrix.index(c) for c in use]


def _reliability(
    name: str, use: tuple[str, ...], summary: Covariance, missing: MissingRule, conf: float
) -> Reliability:
    """Alpha and item statistics of one scale from its covariance summary."""
    k = len(use)
    pairwise = missing == "pairwise"
    where = "complete cases" if not pairwise else "available answers"
    n = summary.n
    n_excluded = summary.rows - summary.n_contributing

    def undefined_all(reason: str) -> Reliability:
        u = Undefined(reason)
        items = tuple(ItemReliability(c, u, u, u, u) for c in use)
        return Reliability(
            name, use, missing, n, n_excluded, u, u, u, u, conf, u, items,
            (AnalysisWarning("alpha_undefined", f"alpha of {name} undefined: {reason}", name),),
        )  # fmt: skip

    if k < 2:
        return undefined_all("a scale needs at least 2 items")
    if n < 2:
        return undefined_all(f"fewer than 2 cases ({where}: {n})")
    cov = summary.cov
    var = np.diag(cov)
    means = [float(m) if math.isfinite(m) else Undefined("no valid answers") for m in summary.mean]
    zero = var <= 0.0
    warnings: list[AnalysisWarning] = []

    if zero.any():
        reason = _zero_variance_reason(use, list(zero), where)
        alpha: Number = Undefined(reason)
        std_alpha: Number = Undefined(reason)
        rbar: Number = Undefined(reason)
        warnings.append(AnalysisWarning("zero_variance", f"{name}: {reason}", name))
    else:
        flat = "the total score has no positive variance"
        alpha = _bounded(defined(alpha_from_covariance(cov), flat))
        std_alpha = _bounded(
            defined(
                standardized_alpha_from_covariance(cov),
                "mean inter-item correlation is −1/(k − 1)",
            )
        )
        d = np.sqrt(var)
        rbar = (float((cov / np.outer(d, d)).sum()) - k) / (k * (k - 1))

    items = []
    for i, code in enumerate(use):
        keep = np.arange(k) != i
        sub = cov[np.ix_(keep, keep)]
        if k - 1 < 2:
            aid: Number = Undefined("a single item would remain")
        elif zero[keep].any():
            aid = Undefined(_zero_variance_reason(use, list(zero & keep), where))
        else:
            aid = _bounded(
                defined(alpha_from_covariance(sub), f"the rest score without {code} is constant")
            )
        rest_var = float(sub.sum())
        if zero[i]:
            rir: Number = Undefined(f"zero variance of {code} on the {where}")
        elif rest_var <= 0.0:
            rir = Undefined(f"zero variance of the rest score without {code}")
        else:
            rir = _bounded(
                float((cov[i].sum() - cov[i, i]) / math.sqrt(cov[i, i] * rest_var)), absolute=True
            )
        items.append(
            ItemReliability(
                code=code,
                mean=means[i],
                sd=float(math.sqrt(var[i])),
                alpha_if_deleted=aid,
                item_rest_r=rir,
            )
        )

    values = [alpha, std_alpha, *(v for it in items for v in (it.alpha_if_deleted, it.item_rest_r))]
    if any(isinstance(v, Undefined) and v.reason == INCONSISTENT for v in values):
        warnings.append(AnalysisWarning("pairwise_inconsistent", f"{name}: {INCONSISTENT}", name))
    if is_defined(alpha):
        lo, hi = feldt_interval(alpha, n, k, conf)
        if alpha < ALPHA_THRESHOLD:
            warnings.append(
                AnalysisWarning(
                    "alpha_low",
                    f"alpha of {name} is {alpha:.2f}, below {ALPHA_THRESHOLD}",
                    name,
                )
            )
        for it in items:
            if is_defined(it.alpha_if_deleted) and it.alpha_if_deleted > alpha + 1e-12:
                warnings.append(
                    AnalysisWarning(
                        "alpha_if_deleted_higher",
                        f"{name}: deleting {it.code} raises alpha from {alpha:.3f} "
                        f"to {it.alpha_if_deleted:.3f}",
                        it.code,
                    )
                )
    else:
        lo = hi = alpha
    return Reliability(
        scale=name,
        codes=use,
        missing=missing,
        n=n,
        n_excluded=n_excluded,
        alpha=alpha,
        standardized_alpha=std_alpha,
        ci_low=lo,
        ci_high=hi,
        confidence=conf,
        mean_inter_item_r=rbar,
        items=tuple(items),
        warnings=tuple(warnings),
    )


def servqual_reliability(
    matrix: ResponseMatrix,
    layout: ServqualLayout,
    *,
    missing: MissingRule = "listwise",
    confidence: float = 0.95,
    full_scales: bool = True,
) -> ReliabilityTable:
    """Alpha for E and P separately per dimension, and for each full scale.

    Scales are named ``expectation.<dimension>``, ``perception.<dimension>``, and (with
    ``full_scales``) ``expectation`` and ``perception`` for all items. Each scale has
    its own listwise case set.

    Example::

        >>> from gapsight.analysis.matrix import ResponseMatrix
        >>> from gapsight.analysis.servqual import Pair, ServqualLayout
        >>> lay = ServqualLayout((Pair("01", "t", "e1", "p1"), Pair("02", "t", "e2", "p2")))
        >>> m = ResponseMatrix.from_columns({"e1": [5, 6, 7, 4], "e2": [5, 7, 6, 4],
        ...                                  "p1": [3, 4, 5, 6], "p2": [4, 4, 6, 5]})
        >>> [s.scale for s in servqual_reliability(m, lay, full_scales=False).scales]
        ['expectation.t', 'perception.t']
    """
    conf = _check(missing, confidence)
    scales: list[tuple[str, tuple[str, ...]]] = []
    for part, getter in (
        ("expectation", layout.expectation_codes),
        ("perception", layout.perception_codes),
    ):
        scales += [(f"{part}.{d}", getter(d)) for d in layout.dimensions]
    if full_scales:
        scales += [
            ("expectation", layout.expectation_codes()),
            ("perception", layout.perception_codes()),
        ]
    union = list(dict.fromkeys(c for _, codes in scales for c in codes))
    cols = _columns(matrix, union)
    pos = {c: i for i, c in enumerate(union)}
    acc = ScaleCovariances(
        [[pos[c] for c in codes] for _, codes in scales], pairwise=missing == "pairwise"
    )
    with single_threaded_blas(matrix.n):
        for rows in row_blocks(matrix.n):
            acc.add(matrix.values[rows][:, cols])
    return ReliabilityTable(
        tuple(
            _reliability(name, codes, acc.result(i), missing, conf)
            for i, (name, codes) in enumerate(scales)
        )
    )
