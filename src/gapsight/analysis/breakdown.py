"""Breakdowns by a characteristic, with the minimum group size and complementary suppression.

A breakdown shows, for each group of a characteristic (a loaded attribute such as
``region``, or the answer categories of an item), the n and the statistics of an item,
plus the total. Respondents whose characteristic is missing form their own group
(``None``), so the groups always add up to the total.

**Anonymity rule** (``analysis.md``): every displayed number must rest on at least
``min_n`` answers (default 5, configurable 3–10). A group with ``0 < n < min_n`` is
*suppressed*: no n, no mean, only the reason (the same reason for every suppressed
cell, so the reader cannot tell the small cell from its complement). A group with
``n = 0`` (nobody in it answered the item) is shown as empty: it discloses nobody.

**Complementary suppression**: the total is shown, so a single suppressed cell could be
recovered by subtraction (``n_h = N − Σ visible n``, ``mean_h = (N·mean − Σ n·mean) /
n_h``). When suppressing leaves hidden cells that the total would reveal, the smallest
visible cell is suppressed too ("complementary"), repeatedly, until

1. at least two cells are hidden, and
2. their combined n exceeds their number (``S ≥ k + 1``), so the hidden n's are not
   forced to be all ones.

If no visible cell is left and the condition still fails, the total is suppressed too.
If the total itself is below ``min_n``, everything is suppressed.

**What this guarantees** — for one breakdown table (one item, one characteristic, one
wave, one total): no displayed number rests on fewer than ``min_n`` answers, and no
hidden cell's n or mean is determined by the displayed numbers (each hidden n can take
at least two values consistent with the table; swapping one answer between two hidden
cells changes their means without changing anything displayed — the property tests
check both).

**What it does not guarantee** (the caller must handle these):

- *overlapping filters*: showing a filtered result next to a less filtered one (e.g.
  "age < 30" and "age < 35") discloses the difference group; use
  :func:`safe_difference` on the two n's before showing both;
- *wave differences* on a panel: when mostly the same respondents answer two waves,
  comparing group totals can isolate the few who changed; check with
  :func:`safe_difference`;
- *cross-tables*: two characteristics shown separately can be combined by someone who
  knows one respondent's attributes; break down by one characteristic at a time, or
  show the cross-table itself with :func:`suppress_table` (every row, column and margin
  protected; a line-by-line heuristic, not a linear-programming audit);
- *identical hidden answers*: the total's mean and SD fix the hidden cells' combined
  sum and sum of squares; if every hidden respondent gave the same answer (combined
  variance 0, or a combined mean at a scale bound), each hidden cell's mean equals it;
- *other items*: each item column is suppressed on its own n; the group sizes of one
  item do not protect another item's cells.

Example::

    >>> import numpy as np
    >>> g = np.array(["a"] * 10 + ["b"] * 3 + ["c"] * 7)
    >>> x = np.arange(20, dtype=float)
    >>> b = breakdown(x, g, min_n=5)
    >>> [(c.group, c.n, c.suppressed) for c in b.cells]
    [('a', 10, False), ('b', None, True), ('c', None, True)]
    >>> b.cells[1].reason == b.cells[2].reason
    True
    >>> b.total.n
    20
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from gapsight.analysis.estimate import (
    MeanEstimate,
    check_confidence,
    estimate_from_moments,
    grouped_moments,
    grouped_moments_matrix,
    pool_moments,
)
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Number, Undefined, defined, frame_value, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MIN_N_RANGE",
    "Breakdown",
    "BreakdownCell",
    "BreakdownTable",
    "CellStatus",
    "Grouping",
    "TableSuppression",
    "breakdown",
    "breakdown_matrix",
    "check_min_n",
    "factorize",
    "safe_difference",
    "suppress_cells",
    "suppress_table",
    "suppression_reason",
]

FloatArray = npt.NDArray[np.float64]
Statistic = Callable[[FloatArray], "float | Undefined"]
"""A per-group statistic of the valid values; may return :class:`Undefined`."""

MIN_N_RANGE = (3, 10)
"""Allowed range of the minimum group size (``analysis.md``)."""

CellStatus = Literal["shown", "empty", "below_minimum", "complementary"]


def check_min_n(min_n: int) -> int:
    """``min_n`` when it is a whole number within :data:`MIN_N_RANGE`, else ``ValueError``."""
    lo, hi = MIN_N_RANGE
    if int(min_n) != min_n or not lo <= min_n <= hi:
        raise ValueError(f"minimum group size must be a whole number {lo}-{hi}, got {min_n!r}")
    return int(min_n)


def suppress_cells(ns: Sequence[int], *, min_n: int = 5) -> tuple[tuple[CellStatus, ...], bool]:
    """Primary and complementary suppression on cell counts.

    Returns the status of each cell and whether the total must be suppressed. See the
    module docstring for the rule and what it guarantees.

    Example::

        >>> suppress_cells([12, 2, 9, 30], min_n=5)
        (('shown', 'below_minimum', 'complementary', 'shown'), False)
    """
    m = check_min_n(min_n)
    counts = [int(n) for n in ns]
    if any(n < 0 for n in counts):
        raise ValueError("cell counts must be non-negative")
    status: list[CellStatus] = [
        "empty" if n == 0 else "below_minimum" if n < m else "shown" for n in counts
    ]
    total = sum(counts)
    if total < m:
        return tuple("empty" if n == 0 else "below_minimum" for n in counts), True

    def unsafe() -> bool:
        hidden = [
            counts[i] for i, s in enumerate(status) if s in ("below_minimum", "complementary")
        ]
        return bool(hidden) and (len(hidden) < 2 or sum(hidden) < len(hidden) + 1)

    while unsafe():
        visible = [i for i, s in enumerate(status) if s == "shown"]
        if not visible:
            return tuple(status), True
        smallest = min(visible, key=lambda i: (counts[i], i))
        status[smallest] = "complementary"
    return tuple(status), False


@dataclass(frozen=True)
class TableSuppression:
    """Suppression of a two-way table with margins (see :func:`suppress_table`).

    Attributes:
        cells: status per cell, ``rows × columns``.
        row_totals_hidden, column_totals_hidden: per row / column, whether its total
            is suppressed.
        grand_total_hidden: whether the grand total is suppressed.
    """

    cells: tuple[tuple[CellStatus, ...], ...]
    row_totals_hidden: tuple[bool, ...]
    column_totals_hidden: tuple[bool, ...]
    grand_total_hidden: bool

    def hidden(self, i: int, j: int) -> bool:
        """Whether cell ``(i, j)`` is suppressed."""
        return self.cells[i][j] in ("below_minimum", "complementary")


def _line_unsafe(ns: Sequence[int], hidden: Sequence[bool]) -> bool:
    h = [n for n, hd in zip(ns, hidden, strict=True) if hd]
    return bool(h) and (len(h) < 2 or sum(h) < len(h) + 1)


def suppress_table(counts: Sequence[Sequence[int]], *, min_n: int = 5) -> TableSuppression:
    """Primary and complementary suppression of a cross-table with row, column and grand
    totals (two characteristics, or a characteristic by wave).

    Every line (each row with its total, each column with its total, and the row and
    column margins with the grand total) must end with no hidden cell or with at least
    two hidden cells whose combined n exceeds their number — the one-dimensional rule of
    :func:`suppress_cells` applied to every line — iterated until nothing changes. A
    total below ``min_n`` is suppressed itself; a line that cannot be protected because
    no visible cell is left gets its total suppressed. A row or column total hidden to
    protect the margins also gets at least two of its cells hidden, since a total with
    all cells visible is just their sum.

    This is the classic iterative heuristic: it blocks recovery of a cell by subtraction
    along any one line, but unlike a linear-programming audit (e.g. tau-Argus) it does
    not prove that no combination of several lines narrows a hidden cell to one value.

    Example::

        >>> t = suppress_table([[10, 2, 8], [9, 12, 11]], min_n=5)
        >>> [[t.hidden(i, j) for j in range(3)] for i in range(2)]
        [[False, True, True], [False, True, True]]
    """
    m = check_min_n(min_n)
    grid = [[int(n) for n in row] for row in counts]
    if not grid or any(len(r) != len(grid[0]) for r in grid):
        raise ValueError("counts must be a non-empty rectangular table")
    if any(n < 0 for r in grid for n in r):
        raise ValueError("cell counts must be non-negative")
    R, C = len(grid), len(grid[0])
    status: list[list[CellStatus]] = [
        ["empty" if n == 0 else "below_minimum" if n < m else "shown" for n in r] for r in grid
    ]
    row_tot = [sum(r) for r in grid]
    col_tot = [sum(grid[i][j] for i in range(R)) for j in range(C)]
    grand = sum(row_tot)
    row_hidden = [0 < t < m for t in row_tot]
    col_hidden = [0 < t < m for t in col_tot]
    grand_hidden = grand < m

    def hid(i: int, j: int) -> bool:
        return status[i][j] in ("below_minimum", "complementary")

    def protect(cells: list[tuple[int, int]]) -> bool:
        """Hide the smallest visible cell of the line; False when none is left."""
        visible = [(grid[i][j], i, j) for i, j in cells if status[i][j] == "shown"]
        if not visible:
            return False
        _, i, j = min(visible)
        status[i][j] = "complementary"
        return True

    changed = True
    while changed:
        changed = False
        for i in range(R):
            line = [(i, j) for j in range(C)]
            if not row_hidden[i] and _line_unsafe(grid[i], [hid(a, b) for a, b in line]):
                if not protect(line):
                    row_hidden[i] = True
                changed = True
        for j in range(C):
            line = [(i, j) for i in range(R)]
            col = [grid[i][j] for i in range(R)]
            if not col_hidden[j] and _line_unsafe(col, [hid(a, b) for a, b in line]):
                if not protect(line):
                    col_hidden[j] = True
                changed = True
        for axis, totals, hidden_flags in ((0, row_tot, row_hidden), (1, col_tot, col_hidden)):
            if not grand_hidden and _line_unsafe(totals, hidden_flags):
                shown = [
                    (t, k)
                    for k, (t, h) in enumerate(zip(totals, hidden_flags, strict=True))
                    if not h and t > 0
                ]
                if shown:
                    k = min(shown)[1]
                    hidden_flags[k] = True
                    # a hidden total is the sum of its cells: hide at least two of them
                    # too, or subtracting the visible ones would give it back
                    line = [(k, j) for j in range(C)] if axis == 0 else [(i, k) for i in range(R)]
                    while sum(hid(a, b) for a, b in line) < 2 and protect(line):
                        pass
                else:
                    grand_hidden = True
                changed = True
    return TableSuppression(
        cells=tuple(tuple(r) for r in status),
        row_totals_hidden=tuple(row_hidden),
        column_totals_hidden=tuple(col_hidden),
        grand_total_hidden=grand_hidden,
    )


def safe_difference(n_a: int, n_b: int, *, min_n: int = 5) -> bool:
    """Whether two overlapping results (nested filters, panel waves) may both be shown.

    The difference group (``|n_a − n_b|`` respondents) must be empty or at least
    ``min_n``; otherwise its answers can be derived by subtracting the two results.

        >>> safe_difference(40, 37), safe_difference(40, 40), safe_difference(40, 30)
        (False, True, True)
    """
    d = abs(int(n_a) - int(n_b))
    return d == 0 or d >= check_min_n(min_n)


_LUT_RANGE = 1_000_000


def _factorize_small_ints(
    arr: npt.NDArray[np.int64], *, float_labels: bool = False
) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """Factorize integers in a small range with a lookup table (no sort)."""
    lo, hi = int(arr.min()), int(arr.max())
    if hi - lo > _LUT_RANGE:
        labels_arr, inv = np.unique(arr, return_inverse=True)
        return [x.item() for x in labels_arr], inv.astype(np.intp)
    shifted = arr - lo
    present = np.nonzero(np.bincount(shifted))[0]
    lut = np.full(hi - lo + 1, -1, dtype=np.intp)
    lut[present] = np.arange(present.size, dtype=np.intp)
    labels: list[Any] = [float(v + lo) if float_labels else int(v + lo) for v in present]
    return labels, lut[shifted]


def factorize(groups: npt.ArrayLike) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """Group labels (sorted, ``None`` last for missing) and each row's group index."""
    arr = np.asarray(groups)
    if arr.ndim != 1:
        raise ValueError("groups must be one-dimensional")
    if arr.dtype.kind in "iu" and arr.size:
        return _factorize_small_ints(arr.astype(np.int64))
    if arr.dtype.kind == "f":
        miss = np.isnan(arr)
        if arr.size and not miss.all():
            vals = arr[~miss]
            lo, hi = float(vals.min()), float(vals.max())
            if hi - lo <= _LUT_RANGE and bool(np.all(vals == np.rint(vals))):
                labels_i, inv_i = _factorize_small_ints(
                    np.where(miss, lo, arr).astype(np.int64), float_labels=True
                )
                if miss.any():
                    inv_i[miss] = len(labels_i)
                    labels_i.append(None)
                return labels_i, inv_i
        labels_arr, inv = np.unique(arr[~miss], return_inverse=True)
        labels: list[Any] = [x.item() for x in labels_arr]
        inverse = np.full(arr.shape[0], len(labels), dtype=np.intp)
        inverse[~miss] = inv
        if miss.any():
            labels.append(None)
        return labels, inverse
    if arr.dtype.kind in "US" and arr.size:
        # few distinct labels: take them from a sample, place every row by binary search,
        # and fall back to a full factorization if the sample missed a label
        labels_arr = np.unique(arr[:: max(1, arr.size // 10_000)])
        pos = np.minimum(np.searchsorted(labels_arr, arr), labels_arr.size - 1)
        if bool((labels_arr[pos] == arr).all()):
            return [x.item() for x in labels_arr], pos.astype(np.intp)
        labels_arr, inv = np.unique(arr, return_inverse=True)
        return [x.item() for x in labels_arr], inv.astype(np.intp)
    if arr.dtype.kind == "O":
        import pandas as pd

        try:
            codes, uniques = pd.factorize(arr, sort=True, use_na_sentinel=True)
        except TypeError:  # labels of mixed types cannot be sorted: keep first-seen order
            codes, uniques = pd.factorize(arr, sort=False, use_na_sentinel=True)
        labels = [u.item() if isinstance(u, np.generic) else u for u in uniques]
        inverse = codes.astype(np.intp)
        if (codes < 0).any():
            inverse[codes < 0] = len(labels)
            labels.append(None)
        return labels, inverse
    labels_arr, inv = np.unique(arr, return_inverse=True)
    return [x.item() for x in labels_arr], inv.astype(np.intp)


@dataclass(frozen=True)
class BreakdownCell:
    """One group of a breakdown (or the total).

    Attributes:
        group: the group label (``None`` = characteristic missing; ``"total"`` row uses
            ``group=None`` and ``is_total=True``).
        n: answers behind the numbers; ``None`` when suppressed.
        estimate: mean, SD, SE, CI; ``None`` when suppressed.
        value: the caller's statistic, if one was given (``None`` otherwise or when
            suppressed).
        status: ``shown``, ``empty``, ``below_minimum`` or ``complementary`` — for
            auditing only: **never display it**. Telling the reader which hidden cell is
            the small one narrows its n (e.g. hidden total 6 with minimum 5 would give
            1 + 5), so the public ``reason`` is the same for both kinds and
            :meth:`row` / ``to_frame()`` leave ``status`` out.
        reason: why the cell is suppressed (``None`` when shown).
    """

    group: Any
    n: int | None
    estimate: MeanEstimate | None
    value: Number | None
    status: CellStatus
    reason: str | None
    is_total: bool = False

    @property
    def suppressed(self) -> bool:
        """True when no number of this cell may be displayed."""
        return self.status in ("below_minimum", "complementary")

    @property
    def public_status(self) -> Literal["shown", "empty", "suppressed"]:
        """The status safe to publish: small and complementary cells are both
        ``"suppressed"`` (see :attr:`status`)."""
        if self.suppressed:
            return "suppressed"
        return "empty" if self.status == "empty" else "shown"

    def row(self) -> dict[str, Any]:
        """A flat dict for tables; suppressed cells have no numbers, only the reason."""
        est = self.estimate
        nums: list[Number] = [] if est is None else [est.mean, est.sd, est.ci_low]
        out: dict[str, Any] = {
            "group": "total" if self.is_total else self.group,
            "n": self.n,
            "mean": None if est is None else frame_value(est.mean),
            "sd": None if est is None else frame_value(est.sd),
            "ci_low": None if est is None else frame_value(est.ci_low),
            "ci_high": None if est is None else frame_value(est.ci_high),
        }
        if self.value is not None:
            out["value"] = frame_value(self.value)
            nums.append(self.value)
        out.update(suppressed=self.suppressed, reason=self.reason)
        out["note"] = note_of(nums)
        return out


@dataclass(frozen=True)
class Breakdown:
    """One item broken down by one characteristic.

    Attributes:
        code: the item.
        by: the characteristic (or item) defining the groups.
        cells: one per group, in label order (missing characteristic last).
        total: the total over all groups.
        min_n: the minimum group size applied.
        confidence: level of the intervals.
    """

    code: str
    by: str
    cells: tuple[BreakdownCell, ...]
    total: BreakdownCell
    min_n: int
    confidence: float

    def cell(self, group: Any) -> BreakdownCell:
        """The cell of ``group``; ``KeyError`` when there is no such group."""
        for c in self.cells:
            if c.group == group:
                return c
        raise KeyError(f"no group {group!r} in the breakdown of {self.code} by {self.by}")

    def to_frame(self) -> pd.DataFrame:
        """One row per group then the total; suppressed cells show ``None`` and a reason."""
        import pandas as pd

        rows = [{"code": self.code, "by": self.by, **c.row()} for c in (*self.cells, self.total)]
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class BreakdownTable:
    """Several items broken down by the same characteristic."""

    by: str
    breakdowns: tuple[Breakdown, ...]

    def __getitem__(self, code: str) -> Breakdown:
        for b in self.breakdowns:
            if b.code == code:
                return b
        raise KeyError(f"item {code!r} is not in the breakdown")

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per item × group (and total)."""
        import pandas as pd

        return pd.concat([b.to_frame() for b in self.breakdowns], ignore_index=True)


def _apply(statistic: Statistic, values: FloatArray) -> Number:
    out = statistic(values)
    if isinstance(out, Undefined):
        return out
    return defined(float(out), "statistic not computable")


def suppression_reason(min_n: int) -> str:
    """The reason printed for every suppressed cell, small or complementary alike."""
    return f"suppressed to protect anonymity (groups need at least {min_n} answers)"


def _reason(status: CellStatus, min_n: int) -> str | None:
    if status in ("below_minimum", "complementary"):
        return suppression_reason(min_n)
    return None


@dataclass(frozen=True, eq=False)
class Grouping:
    """Factorized groups, computed once and reused for many breakdowns.

    ``labels[g]`` is the label of group ``g`` (``None`` = characteristic missing, last);
    ``inverse[i]`` the group of row ``i``. Build with :meth:`of`.
    """

    labels: tuple[Any, ...]
    inverse: npt.NDArray[np.intp]

    @classmethod
    def of(cls, groups: npt.ArrayLike | Grouping) -> Grouping:
        """Factorize ``groups`` (see :func:`factorize`); a ``Grouping`` is returned as is."""
        if isinstance(groups, Grouping):
            return groups
        labels, inverse = factorize(groups)
        return cls(tuple(labels), inverse)

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return len(self.labels)

    def slices(self) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Row order sorted by group and the group boundaries in it."""
        cached = self.__dict__.get("_slices")
        if cached is None:
            cached = _slices(self.inverse, self.n_groups)
            object.__setattr__(self, "_slices", cached)
        return cached


def _build(
    code: str,
    by: str,
    x: FloatArray,
    grouping: Grouping,
    moments: tuple[npt.NDArray[np.int64], FloatArray, FloatArray],
    *,
    min_n: int,
    confidence: float,
    statistic: Statistic | None,
) -> Breakdown:
    labels = grouping.labels
    counts, means, var = moments
    status, total_hidden = suppress_cells(counts.tolist(), min_n=min_n)
    n_tot = int(counts.sum())
    order, bounds = grouping.slices() if statistic is not None else (None, None)
    cells = []
    for g in range(len(labels)):
        st = status[g]
        if st in ("below_minimum", "complementary"):
            cells.append(BreakdownCell(labels[g], None, None, None, st, _reason(st, min_n)))
            continue
        est = estimate_from_moments(int(counts[g]), float(means[g]), float(var[g]), confidence)
        value: Number | None = None
        if statistic is not None and order is not None and bounds is not None:
            vals = x[order[bounds[g] : bounds[g + 1]]]
            vals = vals[~np.isnan(vals)]
            value = _apply(statistic, vals) if vals.size else Undefined("no valid answers")
        cells.append(BreakdownCell(labels[g], int(counts[g]), est, value, st, None))
    if total_hidden:
        reason = suppression_reason(min_n)
        total_status: CellStatus = "below_minimum" if n_tot < min_n else "complementary"
        total = BreakdownCell(None, None, None, None, total_status, reason, is_total=True)
    else:
        n_all, mean, v = pool_moments(counts, means, var)
        tval: Number | None = None
        if statistic is not None:
            xv = x[~np.isnan(x)]
            tval = _apply(statistic, xv) if n_all else Undefined("no valid answers")
        est = estimate_from_moments(n_all, mean, v, confidence)
        total = BreakdownCell(
            None, n_all, est, tval, "shown" if n_all else "empty", None, is_total=True
        )
    return Breakdown(code, by, tuple(cells), total, min_n, confidence)


def breakdown(
    values: npt.ArrayLike,
    groups: npt.ArrayLike | Grouping,
    *,
    code: str = "value",
    by: str = "group",
    min_n: int = 5,
    confidence: float = 0.95,
    statistic: Statistic | None = None,
) -> Breakdown:
    """Per group n, mean, SD, CI (and ``statistic`` if given) with suppression.

    Args:
        values: the item's answers (``NaN`` = missing).
        groups: each respondent's group label (``None``/``NaN`` = missing → own group),
            or a :class:`Grouping` computed once for several breakdowns.
        code, by: names for the result.
        min_n: minimum group size, 3–10 (default 5).
        confidence: level of the t intervals.
        statistic: an extra statistic per group, a function of the group's valid values
            (e.g. ``lambda v: (v >= 7).mean()`` for the share ≥ 7); it may return
            :class:`~gapsight.analysis.result.Undefined`.
    """
    m = check_min_n(min_n)
    conf = check_confidence(confidence)
    x = np.ascontiguousarray(values, dtype=np.float64).ravel()
    grouping = Grouping.of(groups)
    if grouping.inverse.shape[0] != x.shape[0]:
        raise ValueError(f"values has {x.shape[0]} rows but groups has {grouping.inverse.shape[0]}")
    moments = grouped_moments(x, grouping.inverse, grouping.n_groups)
    return _build(code, by, x, grouping, moments, min_n=m, confidence=conf, statistic=statistic)


def _slices(
    inverse: npt.NDArray[np.intp], k: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    order = np.argsort(inverse, kind="stable").astype(np.intp)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=k))]).astype(np.intp)
    return order, bounds


def breakdown_matrix(
    matrix: ResponseMatrix,
    by: str,
    codes: Sequence[str] | None = None,
    *,
    extra: Mapping[str, npt.ArrayLike] | None = None,
    min_n: int = 5,
    confidence: float = 0.95,
    statistic: Statistic | None = None,
) -> BreakdownTable:
    """Break down several items by a characteristic or by an item's answer categories.

    ``by`` names a characteristic of ``matrix`` or, failing that, an item code (its
    answer values become the groups). ``codes`` defaults to every item except ``by``.
    ``extra`` adds derived per-respondent values (respondent CVS, dimension scores …),
    broken down after the items. The grouping is computed once, and the items' group
    moments in one blocked pass over the matrix (:func:`grouped_moments_matrix`).
    """
    m = check_min_n(min_n)
    conf = check_confidence(confidence)
    if by in matrix.characteristics:
        groups: npt.ArrayLike = np.asarray(matrix.characteristics[by])
    elif matrix.has(by):
        groups = matrix.column(by)
    else:
        raise KeyError(f"{by!r} is neither a characteristic nor an item in the data")
    use = list(codes) if codes is not None else [c for c in matrix.codes if c != by]
    idx = [matrix.index(c) for c in use]
    grouping = Grouping.of(groups)
    counts, means, var = grouped_moments_matrix(
        matrix.values, grouping.inverse, grouping.n_groups, idx
    )
    out = []
    for j, c in enumerate(use):
        x = matrix.values[:, idx[j]] if statistic is not None else np.empty(0)
        out.append(
            _build(
                c,
                by,
                x,
                grouping,
                (counts[:, j], means[:, j], var[:, j]),
                min_n=m,
                confidence=conf,
                statistic=statistic,
            )
        )
    for name, values in (extra or {}).items():
        x = np.ascontiguousarray(values, dtype=np.float64).ravel()
        if x.shape[0] != matrix.n:
            raise ValueError(f"extra {name!r} has {x.shape[0]} rows, expected {matrix.n}")
        moments = grouped_moments(x, grouping.inverse, grouping.n_groups)
        out.append(
            _build(name, by, x, grouping, moments, min_n=m, confidence=conf, statistic=statistic)
        )
    return BreakdownTable(by, tuple(out))
