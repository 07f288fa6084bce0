"""Validation of raw cells against the instrument, independent of the file format."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gapsight.instruments.model import Instrument
from gapsight.io import ImportMapping, ImportRejected, ResponseTable
from gapsight.io.columns import RawData, plan_responses
from gapsight.io.validation import build_responses


def build(
    ins: Instrument, columns: dict[str, Any], mapping: ImportMapping | None = None, **raw: Any
) -> ResponseTable:
    mapping = mapping or ImportMapping()
    headers = list(columns)
    data = [np.asarray(v) for v in columns.values()]
    n = len(data[0])
    plan = plan_responses(headers, ins, mapping)
    return build_responses(
        RawData("t", headers, data, np.arange(1, n + 1), **raw), plan, ins, mapping
    )


def problems(*args: Any, **kw: Any) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        build(*args, **kw)
    return [str(p) for p in info.value.problems]


def test_matrix_is_row_major_in_instrument_order(mini: Instrument) -> None:
    table = build(mini, {"kind": [1.0, 3.0], "q2": [5.0, 4.0], "q1": [8.0, 2.0]})
    assert table.matrix.codes == ("q1", "q2", "kind")
    assert table.matrix.values.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(table.matrix.values, [[np.nan, 5, 1], [2, 4, 3]])
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know.tolist() == [[True, False, False], [False, False, False]]


def test_order_recode_then_missing_then_dont_know(mini: Instrument) -> None:
    mapping = ImportMapping(
        recode={"q1": {1: 5, 9: 6}}, missing=(5,), dont_know_by_column={"q1": (6,)}
    )
    table = build(mini, {"q1": [1.0, 9.0, 2.0]}, mapping)
    # 1 -> 5 -> missing; 9 -> 6 -> don't know; 2 stays
    np.testing.assert_array_equal(table.matrix.values[:, 0], [np.nan, np.nan, 2])
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know[:, 0].tolist() == [False, True, False]


def test_recoded_value_still_checked_and_shown_as_in_the_file(mini: Instrument) -> None:
    mapping = ImportMapping(recode={"q2": {4: 6}})
    assert problems(mini, {"q2": [4.0]}, mapping) == [
        "row 1, column 'q2': got '4'; expected an integer 1-5"
    ]


def test_user_missing_ranges(mini: Instrument) -> None:
    table = build(
        mini,
        {"q1": [7.0, 1.0], "q2": [9.0, 2.0]},
        user_missing={0: [(6.0, 9.0)], 1: [(9.0, 9.0)]},
    )
    np.testing.assert_array_equal(table.matrix.values, [[np.nan, np.nan], [1, 2]])
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know.tolist() == [[True, False], [False, False]]


def test_dont_know_flags(mini: Instrument) -> None:
    table = build(mini, {"q1": [np.nan, 3.0], "q1__dont_know": np.array([True, False], object)})
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know[:, 0].tolist() == [True, False]
    assert problems(mini, {"q1": [4.0], "q1__dont_know": np.array(["ja"], object)}) == [
        "row 1, column 'q1__dont_know': got '4'; expected no answer in 'q1' where don't know "
        "is flagged"
    ]


def test_every_problem_is_collected_before_rejecting(mini: Instrument) -> None:
    found = problems(
        mini,
        {"q1": [9.0, 1.0], "grade": np.array(["10", "tien"], object), "extra": [1, 2]},
    )
    assert found == [
        "column 'extra'; expected an item code of mini@1 (e.g. q1, q2, grade), or a column "
        "declared in the mapping (columns, characteristics, respondent_key, ignore)",
        "row 1, column 'q1': got '9'; expected an integer 1-5",
        "row 2, column 'grade': got 'tien'; expected a number: an integer 1-10",
    ]


def test_no_rows(mini: Instrument) -> None:
    assert problems(mini, {"q1": np.array([], float)}) == ["file; expected at least one data row"]
