"""The report's tables as an Excel workbook: one sheet per table.

Numbers are written as numbers (unrounded, with a display format of the decimals the
report prints), so analysts can compute on them; a cell hidden by the minimum group size
holds the text ``•``, never a number, exactly as in the report. Each sheet starts with
the table's title and ends with its notes. Sheet names are the table's key (Excel allows
31 characters and no ``[]:*?/\\``).

Example::

    >>> # Path("report.xlsx").write_bytes(render_xlsx(report))
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from gapsight.reports.model import Num, Report, Suppressed, Table

__all__ = ["render_xlsx", "sheet_name"]


def sheet_name(key: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name for table ``key``."""
    base = re.sub(r"[\[\]:*?/\\]", "_", key)[:31] or "table"
    name, i = base, 2
    while name.lower() in taken:
        suffix = f"_{i}"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    taken.add(name.lower())
    return name


def _write(ws: object, table: Table) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    ws.append([table.title])
    ws.cell(row=1, column=1).font = Font(bold=True, size=12)
    ws.append(list(table.columns))
    for c in ws[2]:
        c.font = Font(bold=True)
    for row in table.rows:
        values: list[object] = []
        for cell in row:
            if isinstance(cell, Num):
                values.append(cell.value * 100 if cell.percent else cell.value)
            elif isinstance(cell, Suppressed):
                values.append("•")
            else:
                values.append(cell)
        ws.append(values)
        r = ws.max_row
        for j, cell in enumerate(row, start=1):
            if isinstance(cell, Num):
                ws.cell(row=r, column=j).number_format = (
                    "0" if cell.decimals == 0 else "0." + "0" * cell.decimals
                )
    if table.notes:
        ws.append([])
        for note in table.notes:
            ws.append([note])
    ws.column_dimensions["A"].width = 28


def render_xlsx(report: Report) -> bytes:
    """Every table of ``report`` as one sheet of an ``.xlsx`` workbook."""
    wb = Workbook()
    first = wb.active
    taken: set[str] = set()
    for table in report.tables():
        ws = wb.create_sheet(sheet_name(table.key, taken))
        _write(ws, table)
    if first is not None:
        wb.remove(first)
    if not wb.sheetnames:
        wb.create_sheet("report")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
