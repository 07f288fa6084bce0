"""Fixtures for the io unit tests: a small instrument written inline, a sample table,
the characteristic types of that table and a comparison of two tables.

(The tests directory runs in importlib mode and ``tests/unit/io`` must not be a
package, or it would shadow the standard library's ``io``; helpers are fixtures.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments import parse_yaml
from gapsight.instruments.model import Instrument
from gapsight.io import ResponseTable

MINI = """
id: mini
languages: [en, nl]
title: {en: Mini, nl: Mini}
scales:
  - id: agree5
    kind: agreement
    min: 1
    max: 5
    points:
      - {value: 1, label: {en: strongly disagree, nl: helemaal mee oneens}}
      - {value: 5, label: {en: strongly agree, nl: helemaal mee eens}}
  - {id: grade, kind: grade, min: 1, max: 10}
  - id: kind
    kind: choice
    points:
      - {value: 1, label: {en: private, nl: particulier}}
      - {value: 3, label: {en: business, nl: zakelijk}}
  - {id: txt, kind: text}
sections:
  - id: s
    title: {en: S, nl: S}
    items:
      - {code: q1, text: {en: "{org} keeps its promises", nl: "{org} komt afspraken na"},
         scale: agree5, dont_know: true}
      - {code: q2, text: {en: Staff are polite, nl: Medewerkers zijn beleefd}, scale: agree5}
      - {code: grade, text: {en: Your grade, nl: Uw cijfer}, scale: grade}
      - {code: kind, text: {en: Customer type, nl: Soort klant}, scale: kind}
      - {code: remark, text: {en: "What could we do better?", nl: "Wat kan beter?"},
         scale: txt, required: false}
"""


def _sample_table(ins: Instrument) -> ResponseTable:
    """Three respondents with don't know, skipped answers, text and characteristics."""
    values = np.array(
        [[1, 2, 7, 1], [np.nan, 5, np.nan, np.nan], [4, np.nan, 10, 3]], dtype=np.float64
    )
    dk = np.zeros_like(values, dtype=bool)
    dk[1, 0] = True
    chars = pd.DataFrame(
        {
            "segment": pd.Series(["retail", None, "b2b"], dtype="str"),
            "employees": pd.array([12, None, 3], dtype="Int64"),
            "vip": pd.array([True, False, None], dtype="boolean"),
            "since": pd.to_datetime(["2020-01-05", None, "2021-03-04"]).astype("datetime64[ns]"),
            "revenue": [1.5, np.nan, 2.25],
        }
    )
    return ResponseTable(
        ins.ref,
        ResponseMatrix(codes=("q1", "q2", "grade", "kind"), values=values, dont_know=dk),
        texts={"remark": ["fine", None, 'faster, "please"\nthanks']},
        characteristics=chars,
        respondent_keys=["r1", "r2", None],
    )


_CHARS = {
    "segment": "string",
    "employees": "integer",
    "vip": "boolean",
    "since": "date",
    "revenue": "float",
}


def _assert_same(a: ResponseTable, b: ResponseTable) -> None:
    """Two response tables hold the same answers, texts, keys and characteristics."""
    assert a.instrument_ref == b.instrument_ref
    assert a.matrix.codes == b.matrix.codes
    np.testing.assert_array_equal(a.matrix.values, b.matrix.values)
    dk_a = a.matrix.dont_know if a.matrix.dont_know is not None else np.zeros((a.n, 0), bool)
    dk_b = b.matrix.dont_know if b.matrix.dont_know is not None else np.zeros((b.n, 0), bool)
    np.testing.assert_array_equal(dk_a, dk_b)
    assert a.texts == b.texts
    assert a.respondent_keys == b.respondent_keys
    pd.testing.assert_frame_equal(
        a.characteristics.reset_index(drop=True), b.characteristics.reset_index(drop=True)
    )


@pytest.fixture(scope="session")
def mini() -> Instrument:
    """Agreement with and without don't know, a grade, a choice and a text item."""
    return parse_yaml(MINI, source="mini")


@pytest.fixture
def sample(mini: Instrument) -> ResponseTable:
    """Three respondents of ``mini`` with don't know, gaps, text and characteristics."""
    return _sample_table(mini)


@pytest.fixture
def chars() -> dict[str, str]:
    """The characteristic types of ``sample`` (for ``ImportMapping.with_characteristics``)."""
    return dict(_CHARS)


@pytest.fixture
def assert_same() -> Callable[[ResponseTable, ResponseTable], None]:
    """Assert two response tables are identical."""
    return _assert_same


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` to ``tmp_path / name`` (UTF-8) and return the path."""

    def write(text: str, name: str = "data.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
