"""Streaming, NaN-aware column moments and covariance matrices (the numeric engine).

Every statistic in this package reduces to counts, sums and cross-products of columns.
These accumulators read the response matrix in blocks of rows, so a wave of a million
respondents is processed without copying the whole matrix, and each block is a small,
contiguous array on which NumPy's vectorised reductions (and BLAS for cross-products)
are fast. One pass can serve several scales at once (:class:`ScaleCovariances`).

Numerical method: sums are accumulated on *shifted* data ``z = x − c`` with ``c`` the
column mean of the first block, then ``var = (Σz² − (Σz)²/n)/(n − 1)``. Because ``c``
is close to the mean the subtraction does not cancel catastrophically (Chan, Golub &
LeVeque 1983, "Algorithms for computing the sample variance"). A variance below
``1e-10 · max(1, mean²)`` is rounding noise of a constant column and is set to exactly
``0`` (survey answers are whole numbers; a real variance is never that small).

Example::

    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, np.nan], [5.0, 4.0]])
    >>> acc = ColumnMoments(2)
    >>> acc.add(x)
    >>> acc.n.tolist(), acc.mean().tolist(), acc.variance().tolist()
    ([3, 2], [3.0, 3.0], [4.0, 2.0])
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gapsight.analysis.matrix import FloatMatrix

__all__ = [
    "BLOCK_ROWS",
    "ColumnMoments",
    "Covariance",
    "FloatVector",
    "IntVector",
    "ScaleCovariances",
    "add_blocks",
    "first_means",
    "row_blocks",
    "shifted",
    "single_threaded_blas",
]

FloatVector = npt.NDArray[np.float64]
IntVector = npt.NDArray[np.int64]
BoolMatrix = npt.NDArray[np.bool_]

BLOCK_ROWS = 16_384
"""Rows per block: ~16k rows × 60 items × 8 bytes ≈ 8 MB per temporary."""

_ZERO_VAR = 1e-10


@contextlib.contextmanager
def single_threaded_blas(rows: int | None = None) -> Iterator[None]:
    """Run BLAS on one thread inside the block loops.

    The cross-products here are small (a block of rows × ≤ 44 items); OpenBLAS splitting
    them over threads only adds synchronisation, and on a busy machine its spinning
    threads made a pass several times slower. Uses ``threadpoolctl`` when installed;
    otherwise a no-op. Skipped (it costs ~1 ms) when ``rows`` is small.
    """
    if rows is not None and rows < 4 * 1024:
        yield
        return
    try:
        from threadpoolctl import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
            threadpool_limits,
        )
    except ImportError:  # pragma: no cover - optional
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def row_blocks(n: int, size: int | None = None) -> Iterator[slice]:
    """Slices ``[0, size), [size, 2·size) …`` covering ``n`` rows (default
    :data:`BLOCK_ROWS`, read at call time so tests can force many small blocks)."""
    size = size or BLOCK_ROWS
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def first_means(block: FloatMatrix, valid: BoolMatrix) -> FloatVector:
    """Column means of the valid values of ``block`` (0 where a column has none)."""
    cnt = valid.sum(axis=0)
    tot = np.where(valid, block, 0.0).sum(axis=0)
    return np.asarray(np.where(cnt > 0, tot / np.maximum(cnt, 1), 0.0))


def shifted(block: FloatMatrix, shift: FloatVector) -> FloatMatrix:
    """``block − shift`` with missing values set to 0 (a new array)."""
    z = np.subtract(block, shift)
    np.copyto(z, 0.0, where=np.isnan(z))  # nan_to_num would also scan for ±inf
    return z


def _clean_variance(var: FloatVector, mean: FloatVector, n: IntVector) -> FloatVector:
    var = np.where(n >= 2, np.maximum(var, 0.0), np.nan)
    tiny = var <= _ZERO_VAR * np.maximum(1.0, mean * mean)
    return np.asarray(np.where(tiny, 0.0, var))


class ColumnMoments:
    """Running n, mean, variance (n − 1) and optionally min/max of ``k`` columns.

    ``NaN`` is missing. Pass ``extremes=True`` to track min and max (costs two extra
    passes per block).
    """

    def __init__(self, k: int, *, extremes: bool = False) -> None:
        self.k = k
        self.extremes = extremes
        self.n: IntVector = np.zeros(k, dtype=np.int64)
        self.shift: FloatVector | None = None
        self._s1: FloatVector = np.zeros(k)
        self._s2: FloatVector = np.zeros(k)
        self.min: FloatVector = np.full(k, np.nan)
        self.max: FloatVector = np.full(k, np.nan)

    def add(self, block: FloatMatrix, valid: BoolMatrix | None = None) -> None:
        """Accumulate a ``(rows, k)`` block; ``valid`` = ``~isnan(block)`` if known."""
        if valid is None:
            valid = ~np.isnan(block)
        if self.shift is None:
            self.shift = first_means(block, valid)
        z = shifted(block, self.shift)
        self.add_shifted(z, valid)
        if self.extremes and block.shape[0]:
            self.min = np.fmin(self.min, np.fmin.reduce(block, axis=0))
            self.max = np.fmax(self.max, np.fmax.reduce(block, axis=0))

    def add_shifted(self, z: FloatMatrix, valid: BoolMatrix) -> None:
        """Accumulate already shifted, zero-filled values (``shift`` must be set)."""
        self.n += valid.sum(axis=0)
        self._s1 += z.sum(axis=0)
        self._s2 += np.einsum("ij,ij->j", z, z)

    def subset(self, columns: Sequence[int] | range) -> ColumnMoments:
        """The accumulated statistics of some columns, as a new accumulator."""
        idx = np.asarray(list(columns), dtype=np.intp)
        out = ColumnMoments(idx.size, extremes=self.extremes)
        out.n = self.n[idx].copy()
        out.shift = None if self.shift is None else self.shift[idx].copy()
        out._s1, out._s2 = self._s1[idx].copy(), self._s2[idx].copy()
        out.min, out.max = self.min[idx].copy(), self.max[idx].copy()
        return out

    def mean(self) -> FloatVector:
        """Column means; NaN where a column has no values."""
        shift = self.shift if self.shift is not None else np.zeros(self.k)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(shift + self._s1 / self.n)

    def variance(self) -> FloatVector:
        """Sample variances (denominator n − 1); NaN where n < 2."""
        with np.errstate(invalid="ignore", divide="ignore"):
            var = (self._s2 - self._s1 * self._s1 / self.n) / (self.n - 1)
        out = _clean_variance(var, self.mean(), self.n)
        if self.extremes:
            out = np.where((self.n >= 2) & (self.min == self.max), 0.0, out)
        return out

    def sd(self) -> FloatVector:
        """Sample standard deviations (n − 1)."""
        return np.asarray(np.sqrt(self.variance()))


def add_blocks(acc: ColumnMoments, values: FloatMatrix) -> None:
    """Feed ``values`` to ``acc`` block by block (without copying the whole array)."""
    for rows in row_blocks(values.shape[0]):
        acc.add(values[rows].copy())


@dataclass(frozen=True)
class Covariance:
    """Covariance summary of one scale.

    Attributes:
        cov: ``k × k`` covariance matrix (n − 1); NaN where fewer than 2 cases.
        mean: item means on the cases used (listwise) or each item's valid answers.
        n_pairs: cases behind each entry (constant ``n`` under listwise deletion).
        n: listwise: complete cases; pairwise: the smallest off-diagonal pair count.
        n_contributing: rows that entered at least one off-diagonal entry.
        rows: all rows read.
    """

    cov: FloatMatrix
    mean: FloatVector
    n_pairs: npt.NDArray[np.int64]
    n: int
    n_contributing: int
    rows: int


class ScaleCovariances:
    """Covariance matrices of several scales (column subsets) in one pass.

    ``scales`` are lists of positions into the block's columns. ``pairwise=False``
    (listwise): each scale uses the rows complete on *its own* items (SPSS/PSPP
    RELIABILITY per scale). ``pairwise=True``: entry ``(i, j)`` uses the rows where both
    are present (R ``cov(use = "pairwise")``).
    """

    def __init__(self, scales: Sequence[Sequence[int]], *, pairwise: bool = False) -> None:
        self.scales = [np.asarray(s, dtype=np.intp) for s in scales]
        self.pairwise = pairwise
        self.shift: FloatVector | None = None
        self.rows = 0
        m = len(self.scales)
        self._n = np.zeros(m, dtype=np.int64)
        self._contrib = np.zeros(m, dtype=np.int64)
        self._acc: list[dict[str, FloatMatrix]] = []
        for s in self.scales:
            k = s.size
            self._acc.append(
                {"s": np.zeros((k, k)), "s1": np.zeros((k, k)), "s2": np.zeros((k, k)),
                 "np": np.zeros((k, k))}
            )  # fmt: skip

    def add(self, block: FloatMatrix) -> None:
        """Accumulate a block holding (at least) every scale's columns."""
        self.rows += block.shape[0]
        valid = ~np.isnan(block)
        if self.shift is None:
            self.shift = first_means(block, valid)
        z = shifted(block, self.shift)
        if self.pairwise:
            vf = valid.astype(np.float64)
            zz = z * z
            for i, cols in enumerate(self.scales):
                a = self._acc[i]
                zs, vs = z[:, cols], vf[:, cols]
                a["np"] += vs.T @ vs
                a["s"] += zs.T @ zs
                a["s1"] += zs.T @ vs
                a["s2"] += zz[:, cols].T @ vs
                self._contrib[i] += int((vs.sum(axis=1) >= 2).sum())
            return
        for i, cols in enumerate(self.scales):
            a = self._acc[i]
            complete: BoolMatrix = np.asarray(valid[:, cols].all(axis=1))
            cnt = int(complete.sum())
            if not cnt:
                continue
            zs = z[:, cols]
            if cnt != block.shape[0]:
                zs *= complete.reshape(-1, 1)  # zero rows contribute nothing to the sums
            self._n[i] += cnt
            a["s"] += zs.T @ zs
            a["s1"] += zs.sum(axis=0)[:, None]
            a["s2"] += np.einsum("ij,ij->j", zs, zs)[:, None]

    def result(self, i: int) -> Covariance:
        """The covariance summary of scale ``i``."""
        cols = self.scales[i]
        k = cols.size
        a = self._acc[i]
        shift = self.shift[cols] if self.shift is not None else np.zeros(k)
        n = a["np"] if self.pairwise else np.full((k, k), float(self._n[i]))
        with np.errstate(invalid="ignore", divide="ignore"):
            # Σ(x_i − x̄_i|j)(x_j − x̄_j|i) = Σ z_i z_j − (Σ z_i|j)(Σ z_j|i)/n_ij
            cov = (a["s"] - a["s1"] * a["s1"].T / n) / (n - 1)
            var = np.diag((a["s2"] - a["s1"] * a["s1"] / n) / (n - 1))
            mean = shift + np.diag(a["s1"]) / np.diag(n)
        cov = np.where(n >= 2, cov, np.nan)
        nd = np.diag(n).astype(np.int64)
        np.fill_diagonal(cov, _clean_variance(var, mean, nd))
        n_pairs: npt.NDArray[np.int64] = np.asarray(n, dtype=np.int64)
        if self.pairwise:
            off = n_pairs[~np.eye(k, dtype=bool)]
            n_used = int(off.min()) if off.size else int(nd.min(initial=0))
            contrib = int(self._contrib[i])
        else:
            n_used = contrib = int(self._n[i])
        return Covariance(
            cov=np.asarray(cov),
            mean=np.asarray(mean),
            n_pairs=n_pairs,
            n=n_used,
            n_contributing=contrib,
            rows=self.rows,
        )
