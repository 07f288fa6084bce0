"""Streaming moments and covariances vs pandas (independent: ``DataFrame.mean/var/cov``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gapsight.analysis.moments as moments
from gapsight.analysis.moments import ColumnMoments, ScaleCovariances, row_blocks


@pytest.fixture
def data() -> np.ndarray:
    rng = np.random.default_rng(42)
    x = rng.normal(1000.0, 2.0, (501, 5))  # large mean, small spread: tests the shift
    x[rng.random(x.shape) < 0.1] = np.nan
    x[:40, 2] = np.nan  # first block entirely missing in one column
    return x


def test_row_blocks_cover_all_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moments, "BLOCK_ROWS", 7)
    blocks = list(row_blocks(20))
    assert [(b.start, b.stop) for b in blocks] == [(0, 7), (7, 14), (14, 20)]
    assert list(row_blocks(0)) == []


def test_column_moments_match_pandas_over_many_blocks(data: np.ndarray) -> None:
    acc = ColumnMoments(5, extremes=True)
    for rows in row_blocks(data.shape[0], 40):
        acc.add(data[rows].copy())
    frame = pd.DataFrame(data)
    np.testing.assert_array_equal(acc.n, frame.count().to_numpy())
    np.testing.assert_allclose(acc.mean(), frame.mean().to_numpy(), rtol=1e-13)
    np.testing.assert_allclose(acc.variance(), frame.var().to_numpy(), rtol=1e-9)
    np.testing.assert_array_equal(acc.min, frame.min().to_numpy())
    np.testing.assert_array_equal(acc.max, frame.max().to_numpy())


def test_constant_column_has_exactly_zero_variance() -> None:
    x = np.array([[np.nan, 1.0], [0.1, 2.0], [0.1, 3.0], [0.1, np.nan]])
    acc = ColumnMoments(2)
    for rows in row_blocks(4, 1):
        acc.add(x[rows].copy())
    assert acc.variance()[0] == 0.0
    assert acc.variance()[1] == pytest.approx(1.0)


def test_fewer_than_two_values_give_nan_variance() -> None:
    acc = ColumnMoments(2)
    acc.add(np.array([[1.0, np.nan]]))
    assert np.isnan(acc.variance()).all()
    assert np.isnan(acc.mean()[1])


@pytest.mark.parametrize("pairwise", [False, True])
def test_scale_covariances_match_pandas(data: np.ndarray, pairwise: bool) -> None:
    scales = [[0, 1, 2], [1, 3, 4], [0, 1, 2, 3, 4]]
    acc = ScaleCovariances(scales, pairwise=pairwise)
    for rows in row_blocks(data.shape[0], 64):
        acc.add(data[rows].copy())
    for i, cols in enumerate(scales):
        frame = pd.DataFrame(data[:, cols])
        res = acc.result(i)
        if pairwise:
            expected = frame.cov()  # pandas: pairwise complete observations
            means = frame.mean()
            counts = frame.notna().astype(int).T @ frame.notna().astype(int)
            np.testing.assert_array_equal(res.n_pairs, counts.to_numpy())
            assert res.n == counts.to_numpy()[~np.eye(len(cols), dtype=bool)].min()
        else:
            complete = frame.dropna()
            expected = complete.cov()
            means = complete.mean()
            assert res.n == len(complete)
        np.testing.assert_allclose(res.cov, expected.to_numpy(), rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(res.mean, means.to_numpy(), rtol=1e-13)
        assert res.rows == data.shape[0]
