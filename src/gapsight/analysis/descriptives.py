"""Descriptive statistics per item: n, mean, SD, min, max, distribution, don't know.

For item ``j`` with valid (non-missing) answers ``x_1 … x_n``:

    mean = Σx / n,   SD = √(Σ(x − mean)² / (n − 1))

"Don't know" and skipped answers are missing, never a number (``analysis.md``); they
are counted separately: ``dont_know`` from the matrix's mask, ``missing`` = every
respondent without a valid answer (so ``n + missing`` = respondents, and ``dont_know``
≤ ``missing``). The distribution counts the valid answers per scale value; give the
scale bounds to list unused points with a zero count and to count answers outside the
scale. Same numbers as PSPP ``DESCRIPTIVES`` / ``FREQUENCIES`` and pandas
``describe()``.

Example::

    >>> import numpy as np
    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> m = ResponseMatrix.from_columns({"p01": [4, 5, 5, np.nan, 2]})
    >>> d = describe(m, scales={"p01": (1, 5)}).item("p01")
    >>> d.n, d.mean, round(d.sd, 4), d.missing
    (4, 4.0, 1.4142, 1)
    >>> d.distribution
    {1: 0, 2: 1, 3: 0, 4: 1, 5: 2}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.moments import ColumnMoments, row_blocks
from gapsight.analysis.result import Number, Undefined, defined, frame_value, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Descriptives", "ItemDescriptives", "describe"]

MAX_DISTINCT = 1001
"""Largest number of scale points for which a distribution is tabulated (0–1000)."""


@dataclass(frozen=True)
class ItemDescriptives:
    """Descriptive statistics of one item.

    Attributes:
        code: item code.
        n: valid answers.
        mean, sd, min, max: of the valid answers (SD with n − 1).
        distribution: count per scale value (integers), in ascending order; ``None``
            when the answers are not whole numbers on a short scale.
        out_of_range: valid answers outside the scale bounds given (0 without bounds).
        dont_know: "don't know" answers.
        missing: respondents without a valid answer (including don't know).
    """

    code: str
    n: int
    mean: Number
    sd: Number
    min: Number
    max: Number
    distribution: Mapping[int, int] | None
    out_of_range: int
    dont_know: int
    missing: int


@dataclass(frozen=True)
class Descriptives:
    """Descriptives of several items, in the order asked."""

    items: tuple[ItemDescriptives, ...]
    respondents: int

    def item(self, code: str) -> ItemDescriptives:
        """The descriptives of ``code``; ``KeyError`` naming it otherwise."""
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(f"item {code!r} is not among the described items")

    def to_frame(self) -> pd.DataFrame:
        """One row per item: n, mean, sd, min, max, dont_know, missing, note."""
        import pandas as pd

        rows = []
        for it in self.items:
            nums = (it.mean, it.sd, it.min, it.max)
            rows.append(
                {
                    "code": it.code,
                    "n": it.n,
                    "mean": frame_value(it.mean),
                    "sd": frame_value(it.sd),
                    "min": frame_value(it.min),
                    "max": frame_value(it.max),
                    "dont_know": it.dont_know,
                    "missing": it.missing,
                    "out_of_range": it.out_of_range,
                    "note": note_of(nums),
                }
            )
        columns = ["code", "n", "mean", "sd", "min", "max", "dont_know", "missing"]
        return pd.DataFrame(rows, columns=[*columns, "out_of_range", "note"]).set_index("code")

    def distribution_frame(self) -> pd.DataFrame:
        """Counts: one row per item, one column per scale value (0 where unused)."""
        import pandas as pd

        data = {it.code: dict(it.distribution or {}) for it in self.items}
        frame = pd.DataFrame.from_dict(data, orient="index").fillna(0).astype(np.int64)
        return frame.reindex(sorted(frame.columns), axis=1)


def describe(
    matrix: ResponseMatrix,
    codes: Sequence[str] | None = None,
    *,
    scales: Mapping[str, tuple[int, int]] | None = None,
) -> Descriptives:
    """Descriptives of ``codes`` (default: every column) of ``matrix``.

    Args:
        matrix: the responses.
        codes: items to describe; ``KeyError`` naming any item not in the data.
        scales: optional ``{code: (min, max)}`` scale bounds (e.g. from the instrument's
            ``scale_of(code).bounds()``) for the distribution.
    """
    use = tuple(matrix.codes if codes is None else codes)
    cols = [matrix.index(c) for c in use]
    k = len(use)
    acc = ColumnMoments(k)
    tally = [_Tally() for _ in range(k)]
    whole_n = np.zeros(k, dtype=np.int64)
    lowest, highest = np.full(k, np.nan), np.full(k, np.nan)
    for rows in row_blocks(matrix.n):
        block = matrix.values[rows][:, cols]
        valid = ~np.isnan(block)
        acc.add(block, valid)
        if not block.shape[0]:
            continue
        b_lo, b_hi = np.fmin.reduce(block, axis=0), np.fmax.reduce(block, axis=0)
        lowest, highest = np.fmin(lowest, b_lo), np.fmax(highest, b_hi)
        # distribution: whole numbers, one bincount per block over all columns; values
        # that are not whole or in a column not tabulated go to a last "dump" bin
        key = np.rint(block)
        whole = key == block
        whole_n += whole.sum(axis=0)
        lo = np.floor(b_lo)
        width = np.where(np.isnan(lo), 0, np.floor(b_hi) - lo + 1).astype(np.int64)
        width = np.where(width <= MAX_DISTINCT, width, 0)
        offsets = np.concatenate([[0], np.cumsum(width)])
        use_col = (width > 0) & np.array([t.alive for t in tally], dtype=bool)
        dump = int(offsets[-1])
        key += np.where(use_col, offsets[:-1] - np.nan_to_num(lo), 0.0)
        np.logical_and(whole, use_col, out=whole)
        np.copyto(key, float(dump), where=~whole)
        counts = np.bincount(key.astype(np.intp).ravel(), minlength=dump + 1)
        for c in np.flatnonzero(use_col):
            tally[c].merge(int(lo[c]), counts[offsets[c] : offsets[c + 1]])
        for c in np.flatnonzero((width == 0) & ~np.isnan(lo)):
            tally[c].alive = False
    acc.min, acc.max = lowest, highest

    n = acc.n
    mean, sd = acc.mean(), acc.sd()
    dk = (
        matrix.dont_know[:, cols].sum(axis=0)
        if matrix.dont_know is not None
        else np.zeros(k, dtype=np.int64)
    )
    items = []
    for j, code in enumerate(use):
        nj = int(n[j])
        all_whole = bool(whole_n[j] == n[j])
        empty = Undefined("no valid answers")
        bounds = scales.get(code) if scales is not None else None
        dist, outside = tally[j].distribution(bounds, all_whole)
        items.append(
            ItemDescriptives(
                code=code,
                n=nj,
                mean=defined(mean[j], "no valid answers") if nj else empty,
                sd=defined(sd[j], "fewer than 2 valid answers"),
                min=float(acc.min[j]) if nj else empty,
                max=float(acc.max[j]) if nj else empty,
                distribution=dist,
                out_of_range=outside,
                dont_know=int(dk[j]),
                missing=matrix.n - nj,
            )
        )
    return Descriptives(items=tuple(items), respondents=matrix.n)


class _Tally:
    """Counts per whole value of one column, merged block by block."""

    def __init__(self) -> None:
        self.alive = True
        self.lo = 0
        self.counts: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)

    def merge(self, lo: int, counts: npt.NDArray[np.int64]) -> None:
        if not self.alive:
            return
        if not self.counts.size:
            self.lo, self.counts = lo, counts.copy()
            return
        new_lo = min(self.lo, lo)
        new_hi = max(self.lo + self.counts.size, lo + counts.size)
        if new_hi - new_lo > MAX_DISTINCT:
            self.alive = False
            return
        out = np.zeros(new_hi - new_lo, dtype=np.int64)
        out[self.lo - new_lo : self.lo - new_lo + self.counts.size] += self.counts
        out[lo - new_lo : lo - new_lo + counts.size] += counts
        self.lo, self.counts = new_lo, out

    def distribution(
        self, bounds: tuple[int, int] | None, all_whole: bool
    ) -> tuple[dict[int, int] | None, int]:
        """``({value: count}, answers outside bounds)``; None if not a discrete scale."""
        observed = {self.lo + i: int(c) for i, c in enumerate(self.counts) if c}
        if bounds is None:
            if not self.alive or not all_whole:
                return None, 0
            return {v: observed.get(v, 0) for v in range(self.lo, self.lo + self.counts.size)}, 0
        lo, hi = int(bounds[0]), int(bounds[1])
        outside = sum(c for v, c in observed.items() if not lo <= v <= hi)
        if not self.alive or not all_whole or hi - lo + 1 > MAX_DISTINCT:
            return None, outside
        return {v: observed.get(v, 0) for v in range(lo, hi + 1)}, outside
