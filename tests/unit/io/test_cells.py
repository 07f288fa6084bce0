"""Cell conversion shared by every format, and the capped problem list."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from gapsight.io.cells import MAX_PER_COLUMN, Problems, as_numbers, as_text, boolean, fmt
from gapsight.io.columns import RawData


def test_numbers_from_python_cells() -> None:
    cells = np.array(
        [5, 2.0, " 3 ", "4,5", "", "NA", None, "veel", True, dt.date(2024, 1, 1)], object
    )
    numbers, wrong = as_numbers(cells)
    np.testing.assert_array_equal(
        numbers, [5, 2, 3, 4.5, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan]
    )
    assert wrong is not None
    assert wrong.tolist() == [False] * 7 + [True, True, True]


def test_numbers_from_arrow_text_match_python_cells() -> None:
    texts = ["5", " 3 ", "4,5", "", "NA", None, "veel", "1e1", "+2", "-", "."]
    from_arrow, wrong_arrow = as_numbers(pa.chunked_array([texts[:5], texts[5:]]))
    from_python, wrong_python = as_numbers(np.array(texts, object))
    np.testing.assert_array_equal(from_arrow, from_python)
    assert wrong_arrow is not None and wrong_python is not None
    assert wrong_arrow.tolist() == wrong_python.tolist()
    assert [t for t, w in zip(texts, wrong_arrow, strict=True) if w] == ["veel", "-", "."]


def test_numbers_from_typed_arrays() -> None:
    assert as_numbers(np.array([1, 2], np.int16))[0].dtype == np.float64
    _, wrong = as_numbers(np.array([True, False]))
    assert wrong is not None and wrong.all()
    _, wrong = as_numbers(np.array(["2024-01-01", "NaT"], "datetime64[ns]"))
    assert wrong is not None and wrong.tolist() == [True, False]
    floats, wrong = as_numbers(pa.chunked_array([[1.0, None]]))
    assert wrong is None and np.isnan(floats[1])


def test_text_and_format() -> None:
    assert [as_text(v) for v in (None, np.nan, 3.0, 2.5, "  ", " a ")] == [
        None,
        None,
        "3",
        "2.5",
        None,
        " a ",
    ]
    assert as_text(dt.datetime(2024, 5, 1)) == "2024-05-01"
    assert as_text(dt.datetime(2024, 5, 1, 9, 30)) == "2024-05-01T09:30:00"
    assert (fmt(7.0), fmt(np.float64(2.5)), fmt("x")) == ("7", "2.5", "x")


def test_booleans() -> None:
    assert [boolean(v) for v in ("Ja", "nee", "TRUE", "0", 1, 0.0, True, None, 2, "misschien")] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        None,
        None,
        None,
    ]


def test_problems_capped_per_column_and_expectation() -> None:
    n = MAX_PER_COLUMN + 25
    raw = RawData("f.csv", ["a"], [None], rows=np.arange(2, n + 2))
    problems = Problems([])
    bad = np.ones(n, bool)
    problems.cells(raw, "a", np.full(n, 9.0), bad, "an integer 1-5")
    problems.cells(raw, "a", np.full(n, 9.0), bad[:3], "another expectation")
    listed = problems.all()
    assert len(listed) == MAX_PER_COLUMN + 1 + 3
    assert listed[0].row == 2 and listed[0].value == "9"
    summary = [p for p in listed if p.row is None]
    assert [p.expected for p in summary] == ["an integer 1-5 (25 more such cells)"]
