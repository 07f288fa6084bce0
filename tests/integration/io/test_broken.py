"""Property: one bad cell planted anywhere in a valid file is reported exactly — its
row as the user sees it, its column, its value and the scale it violates — and
nothing else is, in CSV (``,`` and ``;``) and Excel."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gapsight.instruments import parse_yaml
from gapsight.io import ImportProblem, ImportRejected, read_responses

INSTRUMENT = parse_yaml(
    """
id: planted
languages: [en]
title: {en: Planted}
scales:
  - {id: agree7, kind: agreement, min: 1, max: 7}
  - {id: rating, kind: rating, min: 0, max: 10}
  - id: pick
    kind: choice
    points:
      - {value: 1, label: {en: one}}
      - {value: 4, label: {en: four}}
sections:
  - id: s
    title: {en: S}
    items:
      - {code: a1, text: {en: A1}, scale: agree7, dont_know: true}
      - {code: a2, text: {en: A2}, scale: agree7}
      - {code: r1, text: {en: R1}, scale: rating}
      - {code: c1, text: {en: C1}, scale: pick}
""",
    source="planted",
)
CODES = INSTRUMENT.numeric_codes()
VALID = {"a1": [1, 7, 8], "a2": [1, 4, 7], "r1": [0, 5, 10], "c1": [1, 4]}
INVALID = {
    "a1": ["0", "9", "7.5", "veel", "-1"],
    "a2": ["0", "8", "1.5", "n.v.t."],
    "r1": ["11", "-1", "99", "9.9", "tien"],
    "c1": ["2", "3", "0", "x"],
}


@st.composite
def planted(draw: st.DrawFn) -> tuple[list[list[str]], int, int, str]:
    n = draw(st.integers(1, 40))
    rows = [
        [draw(st.one_of(st.sampled_from([str(v) for v in VALID[c]]), st.just(""))) for c in CODES]
        for _ in range(n)
    ]
    i = draw(st.integers(0, n - 1))
    j = draw(st.integers(0, len(CODES) - 1))
    bad = draw(st.sampled_from(INVALID[CODES[j]]))
    rows[i][j] = bad
    return rows, i, j, bad


def expected(i: int, j: int, bad: str) -> ImportProblem:
    scale = INSTRUMENT.scale_of(CODES[j]).describe()
    try:
        float(bad)
        text = scale
    except ValueError:
        text = f"a number: {scale}"
    return ImportProblem(i + 2, CODES[j], bad, text)


@settings(max_examples=40, deadline=None)
@given(case=planted(), delimiter=st.sampled_from([",", ";"]))
def test_csv_names_the_planted_cell(
    case: tuple[list[list[str]], int, int, str], delimiter: str
) -> None:
    rows, i, j, bad = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wave.csv"
        lines = [delimiter.join(CODES)] + [delimiter.join(r) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            read_responses(path, INSTRUMENT)
        except ImportRejected as exc:
            assert exc.problems == [expected(i, j, bad)]
        else:
            raise AssertionError(f"{bad!r} at row {i + 2}, column {CODES[j]} was accepted")


@settings(max_examples=15, deadline=None)
@given(case=planted())
def test_excel_names_the_planted_cell(case: tuple[list[list[str]], int, int, str]) -> None:
    rows, i, j, bad = case
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(CODES))
    for r in rows:
        # numbers as numbers, like a real sheet; the planted text stays text
        ws.append([None if v == "" else (_number(v) if _is_number(v) else v) for v in r])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wave.xlsx"
        wb.save(path)
        try:
            read_responses(path, INSTRUMENT)
        except ImportRejected as exc:
            assert exc.problems == [expected(i, j, bad)]
        else:
            raise AssertionError(f"{bad!r} at row {i + 2}, column {CODES[j]} was accepted")


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def _number(v: str) -> float | int:
    x = float(v)
    return int(x) if x.is_integer() else x


def test_expected_problem_texts() -> None:
    assert str(expected(0, 2, "11")) == "row 2, column 'r1': got '11'; expected an integer 0-10"
    assert str(expected(3, 3, "x")) == "row 5, column 'c1': got 'x'; expected a number: one of 1, 4"
