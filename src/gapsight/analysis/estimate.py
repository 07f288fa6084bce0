"""Means with a t-based confidence interval, for one sample or many groups at once.

The building block of CVS, report grades, breakdowns and wave-over-wave change:

    mean = Σx / n,   s = √(Σ(x − mean)² / (n − 1)),   SE = s / √n,
    CI = mean ± t(1 − (1 − c)/2; n − 1) · SE

(the one-sample t interval, as SPSS ``EXAMINE``/``T-TEST`` and ``scipy.stats.t.interval``
print it). Missing values (``NaN``) are left out; ``n`` is the number of values used.

:func:`grouped_moments` computes n, mean and variance for every group in one vectorised
pass (``np.bincount``; two-pass for the variance so it stays accurate for large means),
which is what keeps a breakdown of a million respondents fast.

Example::

    >>> est = mean_estimate([6.0, 7.0, 8.0, float("nan")])
    >>> est.n, est.mean, round(est.sd, 3)
    (3, 7.0, 1.0)
    >>> round(est.ci_low, 3), round(est.ci_high, 3)
    (4.516, 9.484)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import special

from gapsight.analysis.result import Number, Undefined, defined, frame_value, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MeanEstimate",
    "check_confidence",
    "estimate_from_moments",
    "grouped_moments",
    "grouped_moments_matrix",
    "mean_estimate",
    "pool_moments",
    "t_critical",
]

FloatArray = npt.NDArray[np.float64]

NO_VALUES = "no valid answers"
ONE_VALUE = "fewer than 2 valid answers"


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` when it is strictly between 0 and 1, else ``ValueError``."""
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")
    return c


def t_critical(confidence: float, df: float) -> float:
    """Two-sided critical value t(1 − (1 − c)/2; df).

    Uses the ufunc ``scipy.special.stdtrit`` (the quantile behind ``stats.t.ppf``,
    ~100× cheaper per call: breakdowns ask for thousands of these)."""
    return float(special.stdtrit(float(df), 0.5 + check_confidence(confidence) / 2.0))


@dataclass(frozen=True)
class MeanEstimate:
    """A mean with its spread and t-based confidence interval.

    Attributes:
        n: number of non-missing values used.
        mean: arithmetic mean (undefined when ``n == 0``).
        sd: sample standard deviation, ``n − 1`` denominator (undefined when ``n < 2``).
        se: standard error ``sd / √n``.
        ci_low, ci_high: t interval at ``confidence`` (undefined when ``n < 2``; equal to
            the mean when all values are equal).
        confidence: the confidence level, e.g. ``0.95``.
    """

    n: int
    mean: Number
    sd: Number
    se: Number
    ci_low: Number
    ci_high: Number
    confidence: float

    def to_frame(self) -> pd.DataFrame:
        """One row: n, mean, sd, se, ci_low, ci_high, confidence, note."""
        import pandas as pd

        vals = (self.mean, self.sd, self.se, self.ci_low, self.ci_high)
        return pd.DataFrame([self.row()]).assign(note=note_of(vals))

    def row(self) -> dict[str, float | int]:
        """The numbers as a flat dict (undefined → ``NaN``), for building tables."""
        return {
            "n": self.n,
            "mean": frame_value(self.mean),
            "sd": frame_value(self.sd),
            "se": frame_value(self.se),
            "ci_low": frame_value(self.ci_low),
            "ci_high": frame_value(self.ci_high),
            "confidence": self.confidence,
        }


def estimate_from_moments(n: int, mean: float, var: float, confidence: float) -> MeanEstimate:
    """A :class:`MeanEstimate` from ``n``, the mean and the sample variance (``n − 1``)."""
    check_confidence(confidence)
    if n <= 0:
        u = Undefined(NO_VALUES)
        return MeanEstimate(0, u, u, u, u, u, confidence)
    m = defined(mean, NO_VALUES)
    if n == 1:
        u = Undefined(ONE_VALUE)
        return MeanEstimate(1, m, u, u, u, u, confidence)
    v = max(float(var), 0.0)
    sd = math.sqrt(v)
    se = sd / math.sqrt(n)
    half = t_critical(confidence, n - 1) * se
    return MeanEstimate(
        n=int(n),
        mean=m,
        sd=defined(sd, "variance not computable"),
        se=defined(se, "variance not computable"),
        ci_low=defined(mean - half, "variance not computable"),
        ci_high=defined(mean + half, "variance not computable"),
        confidence=confidence,
    )


def mean_estimate(
    values: Sequence[float] | npt.ArrayLike, *, confidence: float = 0.95
) -> MeanEstimate:
    """Mean, SD, SE and t-based CI of ``values`` (``NaN`` = missing, left out)."""
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return estimate_from_moments(0, math.nan, math.nan, confidence)
    mean = float(x.mean())
    var = float(((x - mean) ** 2).sum() / (n - 1)) if n > 1 else math.nan
    return estimate_from_moments(n, mean, var, confidence)


def grouped_moments(
    values: FloatArray, inverse: npt.NDArray[np.intp], n_groups: int
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray]:
    """Per group: count of non-missing values, mean and sample variance (``n − 1``).

    ``inverse[i]`` is the group index (``0 … n_groups − 1``) of row ``i``, as returned
    by ``np.unique(..., return_inverse=True)``. Groups with no values get mean ``NaN``,
    groups with one value variance ``NaN``; :func:`estimate_from_moments` turns those
    into :class:`~gapsight.analysis.result.Undefined`.

    Sums are taken of deviations from the overall mean ``c`` (shifted data), so
    ``Σ(x − m_g)² = Σ(x − c)² − n_g (m_g − c)²`` stays accurate for large means while
    needing only three ``np.bincount`` passes and no per-row gather.
    """
    x = np.ascontiguousarray(values, dtype=np.float64)  # a matrix column is strided
    ok = ~np.isnan(x)
    n_ok = int(np.count_nonzero(ok))
    xz = np.where(ok, x, 0.0)
    c = float(xz.sum() / n_ok) if n_ok else 0.0
    d = np.where(ok, xz - c, 0.0)
    counts_f = np.bincount(inverse, weights=ok, minlength=n_groups)
    s1 = np.bincount(inverse, weights=d, minlength=n_groups)
    s2 = np.bincount(inverse, weights=d * d, minlength=n_groups)
    counts = np.rint(counts_f).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe = np.maximum(counts_f, 1.0)
        means = np.where(counts > 0, c + s1 / safe, np.nan)
        ss = np.maximum(s2 - s1 * s1 / safe, 0.0)
        var = np.where(counts > 1, ss / np.maximum(counts_f - 1.0, 1.0), np.nan)
    return counts, means, var


def pool_moments(
    counts: npt.NDArray[np.int64], means: FloatArray, variances: FloatArray
) -> tuple[int, float, float]:
    """Combine group moments into the total n, mean and sample variance.

    ``SS = Σ (n_g − 1) s_g² + Σ n_g (m_g − m)²`` (the ANOVA decomposition), so a total
    row needs no second pass over the data.
    """
    ok = counts > 0
    n = int(counts[ok].sum())
    if n == 0:
        return 0, float("nan"), float("nan")
    cf = counts[ok].astype(np.float64)
    m = float((cf * means[ok]).sum() / n)
    within = np.where(counts[ok] > 1, (cf - 1.0) * np.nan_to_num(variances[ok]), 0.0)
    ss = float(within.sum() + (cf * (means[ok] - m) ** 2).sum())
    return n, m, (ss / (n - 1) if n > 1 else float("nan"))


BLOCK_ROWS = 1 << 16


MASK_MAX_GROUPS = 32
"""Up to this many groups :func:`grouped_moments_matrix` selects each group's rows with a
mask; above it uses one ``np.bincount`` on a combined index."""


def grouped_moments_matrix(
    values: npt.NDArray[np.float64],
    inverse: npt.NDArray[np.intp],
    n_groups: int,
    columns: Sequence[int] | None = None,
    *,
    block_rows: int = BLOCK_ROWS,
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray]:
    """:func:`grouped_moments` for many columns of an ``(n, k)`` matrix at once.

    Returns arrays of shape ``(n_groups, len(columns))``. Rows are read in contiguous
    blocks (a column of a row-major matrix is strided, which is slow to read column by
    column; ``np.take`` keeps the block C-ordered where fancy indexing would not). Per
    block, each group's rows are selected with a mask and summed along the rows (few
    groups), or one ``np.bincount`` on the combined index ``group · k + column`` does
    all groups (many groups). Sums are of deviations from a shift ``c`` per column (its
    mean in the first block, 0 when it has no answers there), which keeps
    ``Σ(x − m)² = Σ(x − c)² − n(m − c)²`` accurate.
    """
    cols = None if columns is None else np.asarray(columns, dtype=np.intp)
    if cols is not None and np.array_equal(cols, np.arange(values.shape[1])):
        cols = None  # every column in order: the row block is already contiguous
    k = int(values.shape[1] if cols is None else cols.size)
    n = int(values.shape[0])
    cnt = np.zeros((n_groups, k))
    s1 = np.zeros((n_groups, k))
    s2 = np.zeros((n_groups, k))
    shift = np.zeros(k)
    offsets = np.arange(k, dtype=np.intp)
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        raw = values[start:stop]
        block = np.ascontiguousarray(raw if cols is None else np.take(raw, cols, axis=1))
        if start == 0:
            ok0 = ~np.isnan(block)
            with np.errstate(invalid="ignore", divide="ignore"):
                first = np.where(ok0, block, 0.0).sum(axis=0) / ok0.sum(axis=0)
            shift = np.where(np.isfinite(first), first, 0.0)
        d = block - shift
        ok = ~np.isnan(d)
        np.copyto(d, 0.0, where=~ok)
        ib = inverse[start:stop]
        if n_groups <= MASK_MAX_GROUPS:
            for g in range(n_groups):
                rows = ib == g
                if not rows.any():
                    continue
                dg = d[rows]
                cnt[g] += ok[rows].sum(axis=0)
                s1[g] += dg.sum(axis=0)
                s2[g] += np.einsum("ij,ij->j", dg, dg)
        else:
            idx = (ib[:, None] * k + offsets).ravel()
            size = n_groups * k
            dr = d.ravel()
            cnt += np.bincount(idx, weights=ok.ravel(), minlength=size).reshape(n_groups, k)
            s1 += np.bincount(idx, weights=dr, minlength=size).reshape(n_groups, k)
            s2 += np.bincount(idx, weights=dr * dr, minlength=size).reshape(n_groups, k)
    counts = np.rint(cnt).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe = np.maximum(cnt, 1.0)
        means = np.where(counts > 0, shift + s1 / safe, np.nan)
        ss = np.maximum(s2 - s1 * s1 / safe, 0.0)
        var = np.where(counts > 1, ss / np.maximum(cnt - 1.0, 1.0), np.nan)
    return counts, means, var
