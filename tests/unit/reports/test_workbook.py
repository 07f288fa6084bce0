"""The Excel workbook: one sheet per table, numbers as numbers, suppressed as •."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from gapsight.reports.model import SUPPRESSED, Num, Report, Section, Table
from gapsight.reports.workbook import render_xlsx, sheet_name


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("breakdown.segment", taken) == "breakdown.segment"
    assert sheet_name("a/b:c", taken) == "a_b_c"
    long = "x" * 40
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == 31 and len(second) == 31 and first != second


def test_numbers_are_written_unrounded_and_suppressed_cells_as_a_mark() -> None:
    table = Table(
        "breakdown.segment",
        "Breakdown by segment",
        ("Group", "n", "CVS"),
        (
            ("a", 12, Num(7.2549, 1)),
            ("b", SUPPRESSED, SUPPRESSED),
            ("rate", 3, Num(0.25, 1, percent=True)),
        ),
        ("• = hidden",),
    )
    report = Report("en", "R", "W", "Org", "today", (Section("s", "S", (table,)),))
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    ws = wb["breakdown.segment"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Breakdown by segment"
    assert rows[1] == ("Group", "n", "CVS")
    assert rows[2] == ("a", 12, 7.2549)
    assert ws.cell(3, 3).number_format == "0.0"
    assert rows[3] == ("b", "•", "•")
    assert rows[4][2] == 25.0
    assert rows[-1][0] == "• = hidden"
