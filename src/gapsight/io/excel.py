"""Excel workbooks (.xlsx) with openpyxl: read one sheet, write data plus codebook.

Reading takes the first sheet (or the mapping's ``sheet``); row 1 holds the column
names and rows are numbered as Excel shows them. Entirely empty rows (often left
formatted at the bottom of a sheet) are skipped. Numbers stored as text are accepted
in item columns.

Writing produces a sheet ``data`` (item codes as headers, integers, don't-know as the
code of :mod:`gapsight.io.codebook`, dates as Excel dates) and a sheet ``codebook``
listing per column the code, label, scale, value labels and don't-know code.

Example::

    raw, plan = read_raw(Path("wave.xlsx"), planner, ImportMapping(sheet="Antwoorden"))
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gapsight.io.codebook import value_labels
from gapsight.io.columns import Plan, RawData
from gapsight.io.export import ExportColumn, export_frame
from gapsight.io.mapping import ImportMapping
from gapsight.io.table import ImportProblem, ImportRejected

__all__ = ["MAX_ROWS", "read_raw", "write_columns"]

Progress = Callable[[int, int], None]
MAX_ROWS = 1_048_575
"""Data rows an Excel sheet can hold (1,048,576 minus the header row)."""
_STEP = 10_000


def read_raw(
    path: Path,
    planner: Callable[[Sequence[str]], Plan],
    mapping: ImportMapping,
    progress: Progress | None = None,
) -> tuple[RawData, Plan]:
    """Read a worksheet into :class:`RawData` (rows numbered as in Excel)."""
    import openpyxl

    source = str(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise _damaged(source, exc) from None
    try:
        if mapping.sheet is not None:
            if mapping.sheet not in workbook.sheetnames:
                raise ImportRejected(
                    source,
                    [
                        ImportProblem(
                            None,
                            None,
                            mapping.sheet,
                            "a sheet named in the mapping; the workbook has: "
                            + ", ".join(workbook.sheetnames),
                        )
                    ],
                )
            sheet = workbook[mapping.sheet]
        else:
            sheet = workbook.worksheets[0]
        try:
            rows_iter = sheet.iter_rows(values_only=True)
            header_row = next(rows_iter, None)
            if header_row is None or all(_empty(v) for v in header_row):
                raise ImportRejected(
                    source, [ImportProblem(None, None, None, "a header row with column names")]
                )
            headers = ["" if v is None else str(v).strip() for v in header_row]
            total = sheet.max_row or 0
            records: list[tuple[Any, ...]] = []
            numbers: list[int] = []
            width = len(headers)
            for number, row in enumerate(rows_iter, start=2):
                if all(_empty(v) for v in row):
                    continue
                if len(row) > width:
                    extra = row[width:]
                    if any(not _empty(v) for v in extra):
                        headers += [""] * (len(row) - width)
                        width = len(headers)
                records.append(row)
                numbers.append(number)
                if progress is not None and number % _STEP == 0:
                    progress(number, max(total, number))
        except ImportRejected:
            raise
        except Exception as exc:
            raise _damaged(source, exc) from None
    finally:
        workbook.close()
    plan = planner(headers)
    numeric = {c.index for c in plan.columns if c.role == "item"}
    columns: list[Any] = []
    for i in range(len(headers)):
        cells = [r[i] if i < len(r) else None for r in records]
        columns.append(_column(cells, i in numeric))
    if progress is not None:
        progress(max(total, 1), max(total, 1))
    return RawData(source, headers, columns, np.asarray(numbers, np.int64)), plan


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _column(cells: list[Any], numeric: bool) -> Any:
    if numeric and all(type(v) in (int, float) or v is None for v in cells):
        return np.asarray([math.nan if v is None else v for v in cells], np.float64)
    return np.asarray([*cells, None], dtype=object)[:-1]


def _damaged(source: str, exc: Exception) -> ImportRejected:
    detail = str(exc).split("\n")[0][:120] or type(exc).__name__
    return ImportRejected(
        source,
        [
            ImportProblem(
                None,
                None,
                None,
                f"a complete .xlsx workbook (the file is damaged or truncated: {detail})",
            )
        ],
    )


def write_columns(path: Path, columns: list[ExportColumn], lang: str) -> None:
    """Write sheet ``data`` and sheet ``codebook``; ``ValueError`` beyond
    :data:`MAX_ROWS` respondents (use CSV or Parquet for more)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    frame = export_frame(columns)
    if len(frame) > MAX_ROWS:
        raise ValueError(
            f"{len(frame)} respondents do not fit in an Excel sheet (at most {MAX_ROWS}); "
            "export to CSV or Parquet instead"
        )
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append([c.name for c in columns])
    lists = [_cells(frame[c.name]) for c in columns]
    for row in zip(*lists, strict=True):
        if any(isinstance(v, str) and v.startswith("=") for v in row):
            cells: list[Any] = []
            for v in row:
                cell = WriteOnlyCell(data, value=v)
                if isinstance(v, str):
                    cell.data_type = "s"
                cells.append(cell)
            data.append(cells)
        else:
            data.append(row)
    book = workbook.create_sheet("codebook")
    book.append(["column", "kind", "label", "scale", "values", "dont_know_code"])
    for c in columns:
        scale = c.scale
        labels = (
            ""
            if scale is None
            else "; ".join(f"{v} = {t}" for v, t in value_labels(scale, lang).items())
        )
        kind = c.kind if c.char_type is None else f"characteristic ({c.char_type})"
        book.append(
            [
                c.name,
                kind,
                c.label,
                "" if scale is None else scale.describe(),
                labels,
                c.dont_know_code,
            ]
        )
    workbook.save(path)


def _cells(series: pd.Series) -> list[Any]:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    out = series.astype(object).tolist()
    return [_plain(v) for v in out]


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dt.datetime | dt.date | int | float | bool | str):
        return _legal(v) if isinstance(v, str) else v
    return str(v)


def _legal(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", text))
