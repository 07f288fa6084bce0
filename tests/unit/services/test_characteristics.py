"""Typing and (de)serialising loaded characteristics without a database."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from gapsight.services.characteristics import arrays, infer_types, json_rows, records


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment": pd.Series(["A", None, "C"], dtype="str"),
            "size": pd.Series([1, None, 3], dtype="Int64"),
            "score": [0.5, np.nan, 2.0],
            "vip": pd.Series([True, None, False], dtype="boolean"),
            "since": pd.to_datetime(["2021-02-03", None, "2024-12-31"]),
        }
    )


def test_types_follow_the_dtypes() -> None:
    assert infer_types(_frame()) == {
        "segment": "string",
        "size": "integer",
        "score": "float",
        "vip": "boolean",
        "since": "date",
    }


def test_records_leave_missing_values_out_and_round_trip_through_arrays() -> None:
    frame = _frame()
    types = infer_types(frame)
    rows = records(frame, types)
    assert rows[0] == {
        "segment": "A",
        "size": 1,
        "score": 0.5,
        "vip": True,
        "since": "2021-02-03",
    }
    assert rows[1] == {}
    assert [json.loads(t) if t else None for t in json_rows(frame, types)] == rows
    back = arrays(rows, types)
    assert back["segment"].tolist() == ["A", None, "C"]
    np.testing.assert_array_equal(back["size"], [1, np.nan, 3])
    assert back["vip"].tolist() == [True, None, False]
    assert back["since"].dtype == np.dtype("datetime64[D]")
    assert back["since"].tolist() == [dt.date(2021, 2, 3), None, dt.date(2024, 12, 31)]


def test_frame_without_columns_gives_null_rows() -> None:
    frame = pd.DataFrame(index=range(2))
    assert json_rows(frame, {}) == [None, None]
    assert records(frame, {}) == [{}, {}]
