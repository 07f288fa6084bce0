"""Streaming, NaN-aware column moments and covariance matrices (the numeric engine).

Every statistic in this package reduces to counts, sums and cross-products of columns.
These accumulators read the response matrix in blocks of rows, so a wave of a million
respondents is processed without copying the whole matrix, and each block is a small,
contiguous array on which NumPy's vectorised reductions are fast.

Numerical method: sums are accumulated on *shifted* data ``z = x − c`` with ``c`` the
column mean of the first block, then ``var = (Σz² − (Σz)²/n)/(n − 1)``. Because ``c``
is close to the mean the subtraction does not cancel catastrophically (Chan, Golub &
LeVeque 1983, "Algorithms for computing the sample variance"). A column whose minimum
equals its maximum has variance exactly ``0``.

Example::

    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, np.nan], [5.0, 4.0]])
    >>> acc = ColumnMoments(2)
    >>> acc.add(x)
    >>> acc.n.tolist(), acc.mean().tolist(), acc.variance().tolist()
    ([3, 2], [3.0, 3.0], [4.0, 2.0])
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from gapsight.analysis.matrix import FloatMatrix

__all__ = [
    "BLOCK_ROWS",
    "ColumnMoments",
    "CrossProducts",
    "FloatVector",
    "IntVector",
    "row_blocks",
]

FloatVector = npt.NDArray[np.float64]
IntVector = npt.NDArray[np.int64]

BLOCK_ROWS = 32_768
"""Rows per block: ~32k rows × 60 items × 8 bytes ≈ 16 MB, comfortably in cache-friendly
territory and small against the matrix itself."""


def row_blocks(n: int, size: int = BLOCK_ROWS) -> Iterator[slice]:
    """Slices ``[0, size), [size, 2·size) …`` covering ``n`` rows."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def _first_means(block: FloatMatrix, valid: npt.NDArray[np.bool_]) -> FloatVector:
    cnt = valid.sum(axis=0)
    tot = np.where(valid, block, 0.0).sum(axis=0)
    return np.where(cnt > 0, tot / np.maximum(cnt, 1), 0.0)


class ColumnMoments:
    """Running n, mean, variance (n − 1), min and max of ``k`` columns, ignoring NaN."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.n: IntVector = np.zeros(k, dtype=np.int64)
        self._shift: FloatVector | None = None
        self._s1: FloatVector = np.zeros(k)
        self._s2: FloatVector = np.zeros(k)
        self.min: FloatVector = np.full(k, np.nan)
        self.max: FloatVector = np.full(k, np.nan)

    def add(self, block: FloatMatrix) -> None:
        """Accumulate a ``(rows, k)`` block (NaN = missing). The block may be modified."""
        valid = ~np.isnan(block)
        if self._shift is None:
            self._shift = _first_means(block, valid)
        z = np.subtract(block, self._shift)
        np.copyto(z, 0.0, where=~valid)
        self.n += valid.sum(axis=0)
        self._s1 += z.sum(axis=0)
        self._s2 += np.einsum("ij,ij->j", z, z)
        if block.shape[0]:
            self.min = np.fmin(self.min, np.fmin.reduce(block, axis=0))
            self.max = np.fmax(self.max, np.fmax.reduce(block, axis=0))

    def mean(self) -> FloatVector:
        """Column means; NaN where a column has no values."""
        shift = self._shift if self._shift is not None else np.zeros(self.k)
        with np.errstate(invalid="ignore", divide="ignore"):
            return shift + self._s1 / self.n

    def variance(self) -> FloatVector:
        """Sample variances (denominator n − 1); NaN where n < 2; exactly 0 if constant."""
        with np.errstate(invalid="ignore", divide="ignore"):
            var = (self._s2 - self._s1 * self._s1 / self.n) / (self.n - 1)
        var = np.where(self.n >= 2, np.maximum(var, 0.0), np.nan)
        return np.where((self.n >= 2) & (self.min == self.max), 0.0, var)

    def sd(self) -> FloatVector:
        """Sample standard deviations (n − 1)."""
        return np.sqrt(self.variance())


class CrossProducts:
    """Running covariance matrix of ``k`` columns, listwise or pairwise.

    - ``listwise``: only rows where all ``k`` columns are present count (SPSS/PSPP
      RELIABILITY); :attr:`n` is the number of complete rows.
    - ``pairwise``: entry ``(i, j)`` uses the rows where both ``i`` and ``j`` are present
      (R ``cov(use = "pairwise")``); :attr:`n_pairs` holds those counts.
    """

    def __init__(self, k: int, *, pairwise: bool = False) -> None:
        self.k = k
        self.pairwise = pairwise
        self._shift: FloatVector | None = None
        self.n_rows = 0
        self.n = 0
        self.n_pairs: npt.NDArray[np.int64] = np.zeros((k, k), dtype=np.int64)
        self._s: FloatMatrix = np.zeros((k, k))  # Σ z_i z_j
        self._s1: FloatMatrix = np.zeros((k, k))  # Σ z_i over rows where j present
        self._s2: FloatMatrix = np.zeros((k, k))  # Σ z_i² over rows where j present
        self.min: FloatVector = np.full(k, np.nan)
        self.max: FloatVector = np.full(k, np.nan)

    def add(self, block: FloatMatrix) -> None:
        """Accumulate a ``(rows, k)`` block. The block may be modified."""
        self.n_rows += block.shape[0]
        valid = ~np.isnan(block)
        if not self.pairwise:
            keep = valid.all(axis=1)
            if not keep.all():
                block = block[keep]
                valid = valid[keep]
        if self._shift is None and block.shape[0]:
            self._shift = _first_means(block, valid)
        if not block.shape[0] or self._shift is None:
            return
        z = np.subtract(block, self._shift)
        np.copyto(z, 0.0, where=~valid)
        self.min = np.fmin(self.min, np.fmin.reduce(block, axis=0))
        self.max = np.fmax(self.max, np.fmax.reduce(block, axis=0))
        self._s += z.T @ z
        if self.pairwise:
            m = valid.astype(np.float64)
            self.n_pairs += (m.T @ m).astype(np.int64)
            self._s1 += z.T @ m
            self._s2 += (z * z).T @ m
        else:
            self.n += block.shape[0]
            self.n_pairs += block.shape[0]
            self._s1 += z.sum(axis=0)[:, None]
            self._s2 += np.einsum("ij,ij->j", z, z)[:, None]

    def covariance(self) -> FloatMatrix:
        """The ``k × k`` covariance matrix (n − 1); NaN where fewer than 2 cases."""
        n = self.n_pairs.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            # Σ(x_i − x̄_i|j)(x_j − x̄_j|i) = Σ z_i z_j − (Σ z_i|j)(Σ z_j|i)/n_ij
            cov = (self._s - self._s1 * self._s1.T / n) / (n - 1)
            var_ij = (self._s2 - self._s1 * self._s1 / n) / (n - 1)
        cov = np.where(n >= 2, cov, np.nan)
        diag = np.where(np.diag(n) >= 2, np.maximum(np.diag(var_ij), 0.0), np.nan)
        constant = self.min == self.max
        diag = np.where(constant & ~np.isnan(diag), 0.0, diag)
        np.fill_diagonal(cov, diag)
        return np.asarray(cov)

    def item_means(self) -> FloatVector:
        """Column means on the rows used (listwise) or on each column's valid values."""
        shift = self._shift if self._shift is not None else np.zeros(self.k)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(shift + np.diag(self._s1) / np.diag(self.n_pairs))
