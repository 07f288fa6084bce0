"""Excel import and export: sheets, row numbers, damaged files, data + codebook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

from gapsight.instruments.model import Instrument
from gapsight.io import (
    ImportMapping,
    ImportRejected,
    ResponseTable,
    read_responses,
    write_responses,
)


def workbook(
    path: Path, rows: list[list[Any]], sheet: str = "Sheet", first: str | None = None
) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if first is not None:
        ws.title = first
        ws.append(["nothing"])
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def problems_of(path: Path, ins: Instrument, **kw: Any) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        read_responses(path, ins, **kw)
    return [str(p) for p in info.value.problems]


def test_reads_numbers_text_numbers_and_skips_empty_rows(mini: Instrument, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "a.xlsx",
        [["q1", "q2", "remark"], [1, "2", "ok"], [None, None, None], [8, 5.0, None]],
    )
    table = read_responses(path, mini)
    np.testing.assert_array_equal(table.matrix.values, [[1, 2], [np.nan, 5]])
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know.tolist() == [[False, False], [True, False]]
    assert table.texts == {"remark": ["ok", None]}


def test_rows_numbered_as_excel_shows_them(mini: Instrument, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["B1"] = "q1", "q2"
    ws["A2"], ws["B2"] = 1, 2
    ws["A4"], ws["B4"] = 9, "veel"  # row 3 is empty
    ws["A5"], ws["B5"] = True, dt.datetime(2024, 1, 1)
    path = tmp_path / "a.xlsx"
    wb.save(path)
    # in reading order: by row, then column
    assert problems_of(path, mini) == [
        "row 4, column 'q1': got '9'; expected an integer 1-5",
        "row 4, column 'q2': got 'veel'; expected a number: an integer 1-5",
        "row 5, column 'q1': got 'True'; expected a number: an integer 1-5",
        "row 5, column 'q2': got '2024-01-01 00:00:00'; expected a number: an integer 1-5",
    ]


def test_named_sheet(mini: Instrument, tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", [["q1"], [3]], sheet="Antwoorden", first="Info")
    assert read_responses(path, mini, mapping=ImportMapping(sheet="Antwoorden")).n == 1
    assert problems_of(path, mini, mapping=ImportMapping(sheet="Data")) == [
        "file: got 'Data'; expected a sheet named in the mapping; the workbook has: "
        "Info, Antwoorden"
    ]


def test_truncated_and_not_a_workbook(mini: Instrument, tmp_path: Path) -> None:
    good = workbook(tmp_path / "a.xlsx", [["q1"], *[[i % 5 + 1] for i in range(200)]])
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    (problem,) = problems_of(cut, mini)
    assert problem.startswith("file; expected a complete .xlsx workbook (the file is damaged")
    text = tmp_path / "text.xlsx"
    text.write_text("q1\n1\n")
    (problem,) = problems_of(text, mini)
    assert "damaged or truncated" in problem


def test_empty_sheet(mini: Instrument, tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", [])
    assert problems_of(path, mini) == ["file; expected a header row with column names"]


def test_export_has_data_and_codebook(
    mini: Instrument,
    tmp_path: Path,
    sample: ResponseTable,
    chars: dict[str, str],
    assert_same: Callable[..., None],
) -> None:
    path = tmp_path / "out.xlsx"
    write_responses(path, sample, mini, lang="nl", placeholders={"org": "Acme"})
    wb = load_workbook(path)
    assert wb.sheetnames == ["data", "codebook"]
    data = [list(r) for r in wb["data"].iter_rows(values_only=True)]
    assert data[0][:6] == ["respondent_key", "q1", "q2", "grade", "kind", "remark"]
    assert data[2][:3] == ["r2", 8, 5]  # don't know = 8 on a 1-5 scale
    assert isinstance(data[1][9], dt.datetime)
    book = {r[0]: r for r in wb["codebook"].iter_rows(values_only=True)}
    assert book["q1"] == (
        "q1",
        "item",
        "Acme komt afspraken na",
        "an integer 1-5",
        "1 = helemaal mee oneens; 5 = helemaal mee eens",
        8,
    )
    assert book["q2"][5] is None
    assert book["kind"][3] == "one of 1, 3"
    assert book["since"][1] == "characteristic (date)"
    back = read_responses(path, mini, mapping=ImportMapping().with_characteristics(chars))
    assert_same(back, sample)


def test_formula_like_text_stays_text(mini: Instrument, tmp_path: Path) -> None:
    from gapsight.analysis.matrix import ResponseMatrix

    matrix = ResponseMatrix(("q1",), np.array([[1.0]]), np.zeros((1, 1), bool))
    table = ResponseTable(mini.ref, matrix, texts={"remark": ["=SUM(A1:A3)"]})
    path = tmp_path / "f.xlsx"
    write_responses(path, table, mini)
    assert read_responses(path, mini).texts == {"remark": ["=SUM(A1:A3)"]}


def test_xml_entity_bomb_is_rejected_not_expanded(mini: Instrument, tmp_path: Path) -> None:
    import zipfile

    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "defusedxml must be installed so openpyxl refuses XML entities"
    good = workbook(tmp_path / "a.xlsx", [["q1"], [1]])
    bomb = tmp_path / "bomb.xlsx"
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{lol}]>'
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                if text.startswith("<?xml"):
                    head, rest = text.split("?>", 1)
                    text = head + "?>" + doctype + rest
                else:
                    text = doctype + text
                data = text.replace("<v>1</v>", "<v>&l8;</v>").encode()
            dst.writestr(info, data)
    (problem,) = problems_of(bomb, mini)
    assert "damaged or truncated" in problem


def test_progress_over_rows(mini: Instrument, tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", [["q1"], *[[i % 5 + 1] for i in range(25_000)]])
    calls: list[tuple[int, int]] = []
    assert read_responses(path, mini, progress=lambda d, t: calls.append((d, t))).n == 25_000
    assert len(calls) >= 3 and calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
