"""Key drivers: Pearson r and Shapley/LMG relative importance of drivers for an outcome.

Derived importance of each driver (a dimension score or an item) for an outcome (overall
grade, CVS, recommendation), on **listwise** data (respondents with the outcome and every
driver):

- **Pearson r** of each driver with the outcome, two-sided p from
  ``t = r √((n − 2)/(1 − r²))`` with ``n − 2`` df, and the Fisher-z interval
  ``tanh(atanh r ± z/√(n − 3))`` (as ``scipy.stats.pearsonr(...).confidence_interval()``).
- **LMG** (Lindeman, Merenda & Gold 1980; Shapley value of R², Grömping 2006, R package
  ``relaimpo``, ``type = "lmg"``): each driver's R² increment averaged over all ``p!``
  orderings of the drivers. Computed exactly through the ``2^p`` subsets::

      LMG_j = Σ_{S ⊆ D∖{j}} |S|! (p − |S| − 1)! / p! · (R²(S ∪ {j}) − R²(S))

  with ``R²(S) = r_Sᵀ R_SS⁻¹ r_S`` from the correlation matrix (pseudo-inverse, so
  collinear drivers do not crash). The LMG values sum to the full-model R². Exact for up
  to 15 drivers (32,768 subsets, solved in batches per subset size).
- Optional **bootstrap** percentile intervals for LMG (``bootstrap=B`` resamples of
  respondents, seeded for reproducibility).

A constant driver has an undefined r and contributes exactly 0 to R².

Example::

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = X @ np.array([1.0, 0.5, 0.0]) + rng.normal(size=200)
    >>> res = relative_importance(X, y, names=("a", "b", "c"))
    >>> [d.name for d in sorted(res.drivers, key=lambda d: d.rank)]
    ['a', 'b', 'c']
    >>> round(sum(d.lmg for d in res.drivers), 10) == round(res.r_squared, 10)
    True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import stats

from gapsight.analysis.estimate import check_confidence
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Number, Undefined, defined, frame_value, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_EXACT_DRIVERS",
    "DriverImportance",
    "KeyDrivers",
    "key_drivers",
    "lmg",
    "relative_importance",
]

FloatArray = npt.NDArray[np.float64]
MAX_EXACT_DRIVERS = 15


def _corr(data: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Correlation matrix of the columns; constant columns get r = 0 off the diagonal."""
    c = np.cov(data, rowvar=False, ddof=1)
    c = np.atleast_2d(c)
    sd = np.sqrt(np.clip(np.diag(c), 0.0, None))
    const = sd <= 1e-12 * np.maximum(1.0, np.abs(data).max(axis=0))
    safe = np.where(const, 1.0, sd)
    r = c / np.outer(safe, safe)
    r[const, :] = 0.0
    r[:, const] = 0.0
    np.fill_diagonal(r, 1.0)
    return np.clip(r, -1.0, 1.0), const


def _subset_r2(rxx: FloatArray, rxy: FloatArray) -> FloatArray:
    """R² of every subset of the p drivers, indexed by bit mask (bit j = driver j)."""
    p = rxy.shape[0]
    r2 = np.zeros(1 << p)
    for s in range(1, p + 1):
        combos = np.array(list(combinations(range(p), s)), dtype=np.intp)
        a = rxx[combos[:, :, None], combos[:, None, :]]
        b = rxy[combos]
        beta = np.einsum("mij,mj->mi", np.linalg.pinv(a, hermitian=True), b)
        masks = (1 << combos).sum(axis=1)
        r2[masks] = np.einsum("mi,mi->m", beta, b)
    return np.clip(r2, 0.0, 1.0)


def _lmg_from_corr(r: FloatArray) -> tuple[FloatArray, float]:
    p = r.shape[0] - 1
    r2 = _subset_r2(r[:p, :p], r[:p, p])
    masks = np.arange(1 << p)
    sizes = np.bitwise_count(masks.astype(np.uint64)).astype(np.intp)
    w_by_size = np.array(
        [math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) for s in range(p)]
    )
    out = np.empty(p)
    for j in range(p):
        bit = 1 << j
        without = masks[(masks & bit) == 0]
        out[j] = float((w_by_size[sizes[without]] * (r2[without | bit] - r2[without])).sum())
    return out, float(r2[-1])


def lmg(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, float]:
    """LMG shares of R² of each column of ``x`` for ``y`` and the full-model R².

    Rows with any ``NaN`` are dropped (listwise). ``ValueError`` for more than
    :data:`MAX_EXACT_DRIVERS` drivers or fewer than ``p + 2`` complete rows.
    """
    X = np.asarray(x, dtype=np.float64)
    Y = np.asarray(y, dtype=np.float64).ravel()
    if X.ndim != 2 or X.shape[0] != Y.shape[0]:
        raise ValueError("x must be (n, p) with one row per value of y")
    p = X.shape[1]
    if not 1 <= p <= MAX_EXACT_DRIVERS:
        raise ValueError(f"exact LMG needs 1-{MAX_EXACT_DRIVERS} drivers, got {p}")
    data = np.column_stack([X, Y])
    data = data[~np.isnan(data).any(axis=1)]
    if data.shape[0] < p + 2:
        raise ValueError(f"LMG needs at least {p + 2} complete rows, got {data.shape[0]}")
    r, _ = _corr(data)
    return _lmg_from_corr(r)


@dataclass(frozen=True)
class DriverImportance:
    """One driver's importance for the outcome.

    Attributes:
        name: the driver (item code or dimension id).
        r, r_p, r_ci_low, r_ci_high: Pearson correlation with the outcome, its p and
            Fisher-z interval.
        lmg: the driver's share of R² (sums to ``r_squared`` over drivers).
        lmg_share: ``lmg / r_squared`` (sums to 1).
        lmg_ci_low, lmg_ci_high: bootstrap percentile interval (undefined without
            bootstrap).
        rank: 1 = largest LMG.
    """

    name: str
    r: Number
    r_p: Number
    r_ci_low: Number
    r_ci_high: Number
    lmg: float
    lmg_share: Number
    lmg_ci_low: Number
    lmg_ci_high: Number
    rank: int


@dataclass(frozen=True)
class KeyDrivers:
    """Key-driver analysis of one outcome.

    Attributes:
        outcome: the outcome's name.
        n: complete cases used (listwise).
        n_excluded: rows left out for a missing driver or outcome.
        r_squared: full-model R² (OLS with intercept).
        drivers: one entry per driver, in input order.
        n_bootstrap: bootstrap resamples (0 = none); ``seed`` the seed used.
        confidence: level of the intervals.
    """

    outcome: str
    n: int
    n_excluded: int
    r_squared: Number
    drivers: tuple[DriverImportance, ...]
    n_bootstrap: int
    seed: int | None
    confidence: float

    def to_frame(self) -> pd.DataFrame:
        """One row per driver."""
        import pandas as pd

        rows = []
        for d in self.drivers:
            nums = (d.r, d.r_p, d.lmg_share, d.lmg_ci_low)
            rows.append(
                {
                    "outcome": self.outcome,
                    "driver": d.name,
                    "n": self.n,
                    "r": frame_value(d.r),
                    "r_p": frame_value(d.r_p),
                    "r_ci_low": frame_value(d.r_ci_low),
                    "r_ci_high": frame_value(d.r_ci_high),
                    "lmg": d.lmg,
                    "lmg_share": frame_value(d.lmg_share),
                    "lmg_ci_low": frame_value(d.lmg_ci_low),
                    "lmg_ci_high": frame_value(d.lmg_ci_high),
                    "rank": d.rank,
                    "r_squared": frame_value(self.r_squared),
                    "note": note_of(nums),
                }
            )
        return pd.DataFrame(rows)


def _pearson(r: float, n: int, const: bool, confidence: float) -> tuple[Number, ...]:
    if const:
        u = Undefined("driver or outcome is constant")
        return u, u, u, u
    if n < 4:
        u = Undefined("fewer than 4 complete cases")
        return r, u, u, u
    if abs(r) >= 1.0:
        return r, 0.0, r, r
    t = r * math.sqrt((n - 2) / (1.0 - r * r))
    p = float(2.0 * stats.t.sf(abs(t), n - 2))
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    zr = math.atanh(r)
    half = z / math.sqrt(n - 3)
    return r, p, math.tanh(zr - half), math.tanh(zr + half)


def relative_importance(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    outcome: str = "outcome",
    bootstrap: int = 0,
    seed: int | None = None,
    confidence: float = 0.95,
) -> KeyDrivers:
    """Pearson r and LMG of the columns of ``x`` for ``y`` (listwise; ``NaN`` = missing).

    ``bootstrap > 0`` adds percentile intervals for LMG from that many resamples of
    complete cases, drawn with ``numpy.random.default_rng(seed)``.
    """
    conf = check_confidence(confidence)
    X = np.asarray(x, dtype=np.float64)
    Y = np.asarray(y, dtype=np.float64).ravel()
    if X.ndim != 2 or X.shape[0] != Y.shape[0]:
        raise ValueError("x must be (n, p) with one row per value of y")
    p = X.shape[1]
    labels = list(names) if names is not None else [f"x{j + 1}" for j in range(p)]
    if len(labels) != p:
        raise ValueError(f"{len(labels)} names for {p} drivers")
    if not 1 <= p <= MAX_EXACT_DRIVERS:
        raise ValueError(f"exact LMG needs 1-{MAX_EXACT_DRIVERS} drivers, got {p}")
    if bootstrap < 0 or int(bootstrap) != bootstrap:
        raise ValueError(f"bootstrap must be a non-negative whole number, got {bootstrap!r}")
    data = np.column_stack([X, Y])
    ok = ~np.isnan(data).any(axis=1)
    data = data[ok]
    n = int(data.shape[0])
    excluded = int((~ok).sum())
    if n < p + 2:
        u = Undefined(f"fewer than {p + 2} complete cases (listwise)")
        drivers = tuple(
            DriverImportance(nm, u, u, u, u, 0.0, u, u, u, j + 1) for j, nm in enumerate(labels)
        )
        return KeyDrivers(outcome, n, excluded, u, drivers, 0, seed, conf)
    r, const = _corr(data)
    if const[p]:
        u = Undefined("the outcome is constant")
        drivers = tuple(
            DriverImportance(nm, u, u, u, u, 0.0, u, u, u, j + 1) for j, nm in enumerate(labels)
        )
        return KeyDrivers(outcome, n, excluded, u, drivers, 0, seed, conf)
    shares, r2 = _lmg_from_corr(r)
    lo = hi = np.full(p, np.nan)
    if bootstrap:
        rng = np.random.default_rng(seed)
        boot = np.empty((int(bootstrap), p))
        for b in range(int(bootstrap)):
            sample = data[rng.integers(0, n, n)]
            rb, cb = _corr(sample)
            boot[b] = _lmg_from_corr(rb)[0] if not cb[p] else 0.0
        alpha = 1.0 - conf
        lo = np.quantile(boot, alpha / 2.0, axis=0)
        hi = np.quantile(boot, 1.0 - alpha / 2.0, axis=0)
    order = np.argsort(-shares, kind="stable")
    ranks = np.empty(p, dtype=np.intp)
    ranks[order] = np.arange(1, p + 1)
    no_boot = Undefined("no bootstrap requested")
    out = []
    for j, nm in enumerate(labels):
        rj, pj, clo, chi = _pearson(float(r[j, p]), n, bool(const[j]), conf)
        out.append(
            DriverImportance(
                name=nm,
                r=rj,
                r_p=pj,
                r_ci_low=clo,
                r_ci_high=chi,
                lmg=float(shares[j]),
                lmg_share=defined(shares[j] / r2, "R² is 0") if r2 > 0 else Undefined("R² is 0"),
                lmg_ci_low=float(lo[j]) if bootstrap else no_boot,
                lmg_ci_high=float(hi[j]) if bootstrap else no_boot,
                rank=int(ranks[j]),
            )
        )
    return KeyDrivers(outcome, n, excluded, r2, tuple(out), int(bootstrap), seed, conf)


def key_drivers(
    matrix: ResponseMatrix,
    outcome: str,
    drivers: Sequence[str] | Mapping[str, Sequence[str]],
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    confidence: float = 0.95,
    min_valid_share: float = 0.5,
) -> KeyDrivers:
    """Key drivers of item ``outcome`` in a wave.

    ``drivers`` is a list of item codes, or a mapping ``driver name → item codes`` (a
    dimension): the respondent's driver score is the mean of their valid items in it,
    when at least ``min_valid_share`` of the items are answered. ``KeyError`` names a
    missing code.
    """
    y = matrix.column(outcome)
    if isinstance(drivers, Mapping):
        names = list(drivers)
        cols = []
        for nm in names:
            block = matrix.columns(list(drivers[nm]))
            cnt = (~np.isnan(block)).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                score = np.nansum(block, axis=1) / cnt
            k = block.shape[1]
            cols.append(np.where((cnt > 0) & (cnt >= min_valid_share * k), score, np.nan))
        X = np.column_stack(cols) if cols else np.empty((matrix.n, 0))
    else:
        names = list(drivers)
        X = matrix.columns(names)
    return relative_importance(
        X,
        y,
        names=names,
        outcome=outcome,
        bootstrap=bootstrap,
        seed=seed,
        confidence=confidence,
    )
