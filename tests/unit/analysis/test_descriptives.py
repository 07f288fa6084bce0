"""Descriptives vs pandas (``count/mean/std/min/max`` and ``value_counts``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gapsight.analysis.moments as moments
from gapsight.analysis.descriptives import describe
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Undefined


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    df = pd.DataFrame(
        {
            "p01": rng.integers(1, 6, 300).astype(float),
            "w_tangibles": rng.integers(10, 60, 300).astype(float),
            "grade": rng.integers(1, 9, 300).astype(float),  # no 9: that is the DK code
        }
    )
    df.iloc[rng.choice(300, 30, replace=False), 0] = 9  # "don't know" code on p01
    df.iloc[rng.choice(300, 12, replace=False), 1] = np.nan
    return df


def test_matches_pandas_with_dont_know_and_many_blocks(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moments, "BLOCK_ROWS", 37)
    m = ResponseMatrix.from_frame(frame, dont_know_code=9)
    res = describe(m, scales={"p01": (1, 5)})
    clean = frame.replace(9, np.nan)
    for code in frame.columns:
        d = res.item(code)
        col = clean[code]
        assert d.n == col.count()
        assert d.mean == pytest.approx(col.mean(), rel=1e-12)
        assert d.sd == pytest.approx(col.std(), rel=1e-10)
        assert (d.min, d.max) == (col.min(), col.max())
        assert d.missing == col.isna().sum()
        counts = col.value_counts()
        assert d.distribution is not None
        assert {v: c for v, c in d.distribution.items() if c} == {
            int(v): int(c) for v, c in counts.items()
        }
    p01 = res.item("p01")
    assert p01.dont_know == (frame["p01"] == 9).sum() == 30
    assert list(p01.distribution or {}) == [1, 2, 3, 4, 5]
    assert res.item("grade").dont_know == 0


def test_scale_bounds_list_unused_points_and_count_out_of_range() -> None:
    m = ResponseMatrix.from_columns({"p01": [2, 2, 5, 8, np.nan]})
    d = describe(m, scales={"p01": (1, 7)}).item("p01")
    assert d.distribution == {1: 0, 2: 2, 3: 0, 4: 0, 5: 1, 6: 0, 7: 0}
    assert d.out_of_range == 1
    assert d.n == 4 and d.missing == 1


def test_non_integer_answers_have_no_distribution() -> None:
    d = describe(ResponseMatrix.from_columns({"x": [1.5, 2.0, 3.0]})).item("x")
    assert d.distribution is None
    assert d.mean == pytest.approx(6.5 / 3)


def test_all_missing_item_is_undefined_not_nan() -> None:
    m = ResponseMatrix.from_columns({"p01": [np.nan, np.nan], "p02": [3.0, 4.0]})
    d = describe(m).item("p01")
    assert d.n == 0 and d.missing == 2
    assert isinstance(d.mean, Undefined) and "no valid answers" in d.mean.reason
    assert isinstance(d.sd, Undefined)
    frame = describe(m).to_frame()
    assert "no valid answers" in frame.loc["p01", "note"]
    assert frame.loc["p02", "note"] == ""


def test_one_respondent_has_mean_but_undefined_sd() -> None:
    d = describe(ResponseMatrix.from_columns({"p01": [4.0]})).item("p01")
    assert d.mean == 4.0
    assert isinstance(d.sd, Undefined) and "fewer than 2" in d.sd.reason


def test_missing_item_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="p99"):
        describe(ResponseMatrix.from_columns({"p01": [1.0]}), ["p01", "p99"])


def test_distribution_frame_has_zero_filled_columns() -> None:
    m = ResponseMatrix.from_columns({"a": [1, 1, 3], "b": [2, 3, 3]})
    frame = describe(m).distribution_frame()
    assert frame.loc["a"].to_dict() == {1: 2, 2: 0, 3: 1}
    assert frame.loc["b"].to_dict() == {1: 0, 2: 1, 3: 2}


def test_no_items_and_fortran_ordered_values_work() -> None:
    m = ResponseMatrix.from_columns({"a": [1.0, 2.0, 4.0]})
    assert describe(m, []).to_frame().empty
    f = ResponseMatrix(codes=m.codes, values=np.asfortranarray(m.values))
    assert describe(f).item("a").sd == pytest.approx(np.std([1, 2, 4], ddof=1))
