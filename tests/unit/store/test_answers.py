"""The answer codec: the packed vector, the bitmask and the JSON always agree."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gapsight.store.answers import DONT_KNOW, decode, decode_row, encode

CODES = tuple(f"q{i:02d}" for i in range(11))


@st.composite
def answer_sets(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(0, 12))
    ints = draw(arrays(np.int64, (n, len(CODES)), elements=st.integers(-1, 100)))
    values = ints.astype(np.float64)
    values[ints < 0] = np.nan
    dk = draw(arrays(np.bool_, (n, len(CODES))))
    dk &= np.isnan(values)
    return values, dk


@given(answer_sets())
@settings(max_examples=60, deadline=None)
def test_encode_decode_round_trip_and_json_agree(data: tuple[np.ndarray, np.ndarray]) -> None:
    values, dk = data
    enc = encode(CODES, values, dk)
    got, got_dk = decode(enc.vectors, enc.dont_know, len(CODES))
    np.testing.assert_array_equal(got, values)
    np.testing.assert_array_equal(got_dk, dk)
    for i, text in enumerate(enc.answers):
        parsed = json.loads(text)
        for j, code in enumerate(CODES):
            if dk[i, j]:
                assert parsed[code] == DONT_KNOW
            elif np.isnan(values[i, j]):
                assert code not in parsed
            else:
                assert parsed[code] == values[i, j]
        assert (enc.dont_know[i] is None) == (not dk[i].any())


def test_non_integer_values_are_kept_in_json() -> None:
    enc = encode(("a", "b"), np.array([[2.5, np.nan], [1.0, 3.0]]))
    assert [json.loads(t) for t in enc.answers] == [{"a": 2.5}, {"a": 1.0, "b": 3.0}]


def test_texts_are_json_objects_without_empty_answers() -> None:
    enc = encode(("a",), np.array([[1.0], [2.0]]), texts={"why": ["goed – ja", ""]})
    assert enc.texts == ['{"why": "goed – ja"}', None]


def test_dont_know_that_is_also_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="must be missing"):
        encode(("a",), np.array([[3.0]]), np.array([[True]]))


def test_shape_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="expected"):
        encode(("a", "b"), np.array([[3.0]]))
    with pytest.raises(ValueError, match="do not hold 3 answers"):
        decode([b"\x00" * 8], [None], 3)


def test_decode_row_for_detail_views() -> None:
    enc = encode(("a", "b", "c"), np.array([[4.0, np.nan, np.nan]]), np.array([[0, 1, 0]], bool))
    assert decode_row(("a", "b", "c"), enc.vectors[0], enc.dont_know[0]) == {
        "a": 4.0,
        "b": DONT_KNOW,
        "c": None,
    }


def test_vector_is_little_endian_float32_in_code_order() -> None:
    enc = encode(("a", "b"), np.array([[1.0, 7.0]]))
    assert enc.vectors[0] == np.array([1.0, 7.0], dtype="<f4").tobytes()


@given(answer_sets())
@settings(max_examples=60, deadline=None)
def test_few_rows_give_the_same_json_as_the_bulk_path(data: tuple[np.ndarray, np.ndarray]) -> None:
    values, dk = data
    if not len(values):
        return
    few = encode(CODES, values, dk).answers  # at most 12 rows: the plain-Python path
    repeats = 40 // len(values) + 1
    bulk = encode(CODES, np.tile(values, (repeats, 1)), np.tile(dk, (repeats, 1))).answers
    assert few == bulk[: len(values)]


def _expected(values: np.ndarray, dk: np.ndarray, codes: tuple[str, ...]) -> list[dict]:
    return [
        {
            code: DONT_KNOW if dk[i, j] else (int(v) if float(v).is_integer() else float(v))
            for j, (code, v) in enumerate(zip(codes, values[i], strict=True))
            if dk[i, j] or not np.isnan(v)
        }
        for i in range(values.shape[0])
    ]


@given(answer_sets(), st.integers(33, 90))
@settings(max_examples=40, deadline=None)
def test_bulk_json_matches_the_answers(data: tuple[np.ndarray, np.ndarray], n: int) -> None:
    values, dk = data
    if not len(values):
        return
    values = np.resize(values, (n, len(CODES)))
    dk = np.resize(dk, (n, len(CODES)))
    values[:, 0] = np.nan  # a column nobody answered
    dk[:, 0] = False
    got = [json.loads(t) for t in encode(CODES, values, dk).answers]
    assert got == _expected(values, dk, CODES)


def test_bulk_json_with_non_integer_answers_uses_the_column_path() -> None:
    rng = np.random.default_rng(5)
    values = rng.integers(0, 11, size=(50, 3)).astype(np.float64)
    values[::7, 1] = np.nan
    values[3, 2] = 2.5
    dk = np.zeros_like(values, dtype=bool)
    dk[::7, 1] = True
    got = [json.loads(t) for t in encode(("a", "b", "c"), values, dk).answers]
    assert got == _expected(values, dk, ("a", "b", "c"))
    assert got[3]["c"] == 2.5
