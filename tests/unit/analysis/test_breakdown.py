"""Tests for analysis.breakdown: group statistics against NumPy/SciPy, and hypothesis
properties of the suppression rule in analysis.md (no visible number below the minimum;
no hidden cell derivable by subtraction from the visible cells and the total)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from gapsight.analysis.breakdown import (
    breakdown,
    breakdown_matrix,
    safe_difference,
    suppress_cells,
)
from gapsight.analysis.matrix import ResponseMatrix


def test_group_statistics_match_numpy_and_scipy() -> None:
    rng = np.random.default_rng(10)
    g = rng.choice(np.array(["north", "south", "east"]), 300)
    x = rng.normal(7, 1.5, 300)
    x[rng.random(300) < 0.1] = np.nan
    b = breakdown(x, g, code="grade_service", by="region", statistic=lambda v: (v >= 7).mean())
    for cell in b.cells:
        v = x[(g == cell.group) & ~np.isnan(x)]
        assert cell.n == v.size
        assert cell.estimate is not None
        assert cell.estimate.mean == pytest.approx(v.mean())
        lo, hi = stats.t.interval(0.95, v.size - 1, loc=v.mean(), scale=stats.sem(v))
        assert (cell.estimate.ci_low, cell.estimate.ci_high) == pytest.approx((lo, hi))
        assert cell.value == pytest.approx((v >= 7).mean())
    assert [c.group for c in b.cells] == ["east", "north", "south"]
    assert b.total.n == int((~np.isnan(x)).sum())
    assert b.total.estimate is not None
    assert b.total.estimate.mean == pytest.approx(np.nanmean(x))


def test_missing_characteristic_is_its_own_group() -> None:
    g = np.array(["a"] * 6 + [None] * 6, dtype=object)
    b = breakdown(np.ones(12), g)
    assert [c.group for c in b.cells] == ["a", None]
    assert sum(c.n or 0 for c in b.cells) == b.total.n == 12
    gf = np.array([1.0] * 6 + [np.nan] * 6)
    assert [c.group for c in breakdown(np.ones(12), gf).cells] == [1.0, None]


def test_breakdown_matrix_by_characteristic_and_by_item() -> None:
    rng = np.random.default_rng(11)
    m = ResponseMatrix.from_columns(
        {"grade_service": rng.integers(1, 11, 80), "cvs_recommend": rng.integers(0, 11, 80)},
        characteristics={"segment": rng.choice(["x", "y"], 80)},
    )
    t = breakdown_matrix(m, "segment")
    assert [b.code for b in t.breakdowns] == ["grade_service", "cvs_recommend"]
    by_item = breakdown_matrix(m, "cvs_recommend", ["grade_service"], min_n=3)
    assert {c.group for c in by_item["grade_service"].cells} <= set(range(11))
    frame = t.to_frame()
    assert set(frame["group"]) == {"x", "y", "total"}
    with pytest.raises(KeyError, match="neither"):
        breakdown_matrix(m, "nope")


def test_suppressed_cells_have_reason_and_no_number() -> None:
    g = np.array(["a"] * 10 + ["b"] * 2 + ["c"] * 8)
    b = breakdown(np.arange(20.0), g)
    hidden = [c for c in b.cells if c.suppressed]
    assert {c.status for c in hidden} == {"below_minimum", "complementary"}
    for c in hidden:
        assert c.n is None and c.estimate is None and c.reason
    row = b.to_frame().set_index("group").loc["b"]
    assert row["n"] is None or np.isnan(row["n"])
    # the same public reason for the small cell and its complement, and no status column
    assert len({c.reason for c in hidden}) == 1
    assert "status" not in b.to_frame().columns
    assert {c.public_status for c in hidden} == {"suppressed"}


def test_min_n_range_and_total_below_minimum() -> None:
    with pytest.raises(ValueError, match="3-10"):
        suppress_cells([5], min_n=2)
    status, total_hidden = suppress_cells([2, 1], min_n=5)
    assert total_hidden and status == ("below_minimum", "below_minimum")
    # all ones: the total would reveal that every hidden cell holds one respondent
    status, total_hidden = suppress_cells([1, 1, 1, 1, 1, 1], min_n=5)
    assert total_hidden
    assert suppress_cells([0, 7, 9], min_n=5) == (("empty", "shown", "shown"), False)


def test_safe_difference() -> None:
    assert not safe_difference(40, 37)
    assert safe_difference(40, 35) and safe_difference(12, 12)


def _feasible_values(k: int, total_hidden: int, upper: int, min_n: int) -> set[int]:
    """Every value one hidden cell can take, from what a reader knows: k hidden cells
    (labels do not say which is small), each n ≥ 1 and at most the smallest visible
    cell (``upper``: complements are the smallest visible cells), at least one below
    ``min_n``, summing to total_hidden (= total − Σ visible). Found by enumerating the
    compositions of total_hidden into k positive parts."""

    def compositions(total: int, parts: int) -> list[tuple[int, ...]]:
        if parts == 1:
            return [(total,)] if 1 <= total <= upper else []
        return [
            (first, *rest)
            for first in range(1, min(upper, total - parts + 1) + 1)
            for rest in compositions(total - first, parts - 1)
        ]

    return {c[0] for c in compositions(total_hidden, k) if min(c) < min_n}


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5),
    min_n=st.integers(min_value=3, max_value=10),
)
def test_property_no_cell_derivable_by_subtraction(sizes: list[int], min_n: int) -> None:
    status, total_hidden = suppress_cells(sizes, min_n=min_n)
    for n, s in zip(sizes, status, strict=True):
        if s == "shown":
            assert n >= min_n  # no visible cell below the minimum
        if s == "empty":
            assert n == 0
    if total_hidden:
        return
    hidden = [i for i, s in enumerate(status) if s in ("below_minimum", "complementary")]
    if not hidden:
        return
    total_h = sum(sizes[i] for i in hidden)  # = total − Σ visible: known to the reader
    visible = [sizes[i] for i, s in enumerate(status) if s == "shown"]
    upper = min(visible) if visible else total_h
    # cells are exchangeable to the reader, so every hidden cell has this feasible set
    assert len(_feasible_values(len(hidden), total_h, upper, min_n)) >= 2


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=12), min_size=2, max_size=6),
    min_n=st.integers(min_value=3, max_value=10),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_property_hidden_mean_not_derivable(sizes: list[int], min_n: int, seed: int) -> None:
    """Swap one answer between two hidden cells: the hidden cells' combined n, sum and
    sum of squares stay the same, so every displayed number (including the total's SD)
    is unchanged while a hidden cell's mean changes: the display does not determine it.
    (Not guaranteed when all hidden answers are equal — documented in the module.)"""
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(len(sizes)), sizes)
    x = rng.integers(1, 11, g.size).astype(float)
    b1 = breakdown(x, g, min_n=min_n)
    hidden = [c.group for c in b1.cells if c.suppressed]
    if b1.total.suppressed or not hidden:
        return
    assert len(hidden) >= 2
    pairs = [
        (a, b)
        for i, j in itertools.combinations(hidden, 2)
        for a in np.nonzero(g == i)[0]
        for b in np.nonzero(g == j)[0]
        if x[a] != x[b]
    ]
    assume(bool(pairs))
    a, b = pairs[0]
    x2 = x.copy()
    x2[a], x2[b] = x[b], x[a]
    b2 = breakdown(x2, g, min_n=min_n)
    shown1 = b1.to_frame().drop(columns=["note"])
    shown2 = b2.to_frame().drop(columns=["note"])
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(shown1, shown2, check_exact=False, rtol=1e-9)
    assert x2[g == g[a]].mean() != pytest.approx(x[g == g[a]].mean())


def test_statistic_may_return_undefined_and_nps_per_group() -> None:
    from gapsight.analysis.nps import net_promoter_score
    from gapsight.analysis.result import Undefined

    g = np.array(["a"] * 6 + ["b"] * 6)
    x = np.array([10, 9, 9, 3, 7, 8, 10, 10, 10, 1, 2, 3], dtype=float)
    b = breakdown(x, g, statistic=lambda v: net_promoter_score(v).score)
    assert b.cell("a").value == pytest.approx(100 * (3 - 1) / 6)  # 3 promoters, 1 detractor
    assert b.total.value == pytest.approx(100 * (6 - 4) / 12)
    und = breakdown(x, g, statistic=lambda v: Undefined("not computable here"))
    assert isinstance(und.cell("a").value, Undefined)


def test_matrix_pass_and_extra_equal_single_breakdowns() -> None:
    from gapsight.analysis.breakdown import Grouping

    rng = np.random.default_rng(13)
    n = 70_000  # more than one block of rows
    cols = {f"i{j}": rng.normal(50 + j, 3, n) for j in range(4)}
    cols["i2"][rng.random(n) < 0.2] = np.nan
    seg = rng.choice(np.array(["a", "b", "c", "tiny"]), n, p=[0.4, 0.3, 0.29995, 0.00005])
    m = ResponseMatrix.from_columns(cols, characteristics={"seg": seg})
    score = np.nanmean(m.values, axis=1)
    table = breakdown_matrix(m, "seg", extra={"score": score})
    grouping = Grouping.of(seg)
    for code in [*cols, "score"]:
        values = score if code == "score" else m.column(code)
        single = breakdown(values, grouping, code=code, by="seg")
        pd_testing = pytest.importorskip("pandas.testing")
        pd_testing.assert_frame_equal(
            table[code].to_frame(), single.to_frame(), check_exact=False, rtol=1e-10
        )
    assert table["i0"].cell("tiny").suppressed


def test_factorize_string_labels_including_a_rare_one() -> None:
    from gapsight.analysis.breakdown import factorize

    rng = np.random.default_rng(14)
    s = rng.choice(np.array(["north", "south", "east"], dtype="<U8"), 50_000)
    s[12_347] = "islands"  # not in the sample the fast path looks at first
    labels, inverse = factorize(s)
    assert labels == ["east", "islands", "north", "south"]
    assert (np.array(labels)[inverse] == s).all()
    ints = rng.integers(-3, 4, 1000)
    labels_i, inv_i = factorize(ints)
    assert labels_i == sorted(set(ints.tolist()))
    assert (np.array(labels_i)[inv_i] == ints).all()


@settings(max_examples=150, deadline=None)
@given(
    table=st.integers(min_value=1, max_value=4).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(min_value=0, max_value=15), min_size=c, max_size=c),
            min_size=1,
            max_size=4,
        )
    ),
    min_n=st.integers(min_value=3, max_value=10),
)
def test_property_cross_table_lines_are_protected(table: list[list[int]], min_n: int) -> None:
    from gapsight.analysis.breakdown import suppress_table

    t = suppress_table(table, min_n=min_n)
    R, C = len(table), len(table[0])

    def protected(ns: list[int], hidden: list[bool]) -> bool:
        h = [n for n, hd in zip(ns, hidden, strict=True) if hd]
        return not h or (len(h) >= 2 and sum(h) >= len(h) + 1)

    for i in range(R):
        for j in range(C):
            if t.cells[i][j] == "shown":
                assert table[i][j] >= min_n  # no visible cell below the minimum
    for i in range(R):
        if not t.row_totals_hidden[i]:
            assert sum(table[i]) == 0 or sum(table[i]) >= min_n
            assert protected(table[i], [t.hidden(i, j) for j in range(C)])
    for j in range(C):
        col = [table[i][j] for i in range(R)]
        if not t.column_totals_hidden[j]:
            assert sum(col) == 0 or sum(col) >= min_n
            assert protected(col, [t.hidden(i, j) for i in range(R)])
    # a hidden total is never just the sum of visible cells
    for i in range(R):
        if t.row_totals_hidden[i] and sum(table[i]) > 0:
            assert any(t.hidden(i, j) for j in range(C))
    for j in range(C):
        if t.column_totals_hidden[j] and sum(table[i][j] for i in range(R)) > 0:
            assert any(t.hidden(i, j) for i in range(R))
    if not t.grand_total_hidden:
        assert protected([sum(r) for r in table], list(t.row_totals_hidden))
        cols = [sum(table[i][j] for i in range(R)) for j in range(C)]
        assert protected(cols, list(t.column_totals_hidden))
