"""Display of numbers and cells in the report model."""

from __future__ import annotations

import math

from gapsight.reports.model import SUPPRESSED, Num, Table, cell_text


def test_numbers_use_the_decimal_comma_in_dutch_and_a_real_minus_sign() -> None:
    assert Num(-0.4869, 2).text("nl") == "−0,49"
    assert Num(-0.4869, 2).text("en") == "−0.49"
    assert Num(0.123, 1, percent=True).text("nl") == "12,3%"
    assert Num(0.5, 2, signed=True, mark="*").text("en") == "+0.50*"


def test_a_rounded_zero_has_no_sign_and_nan_is_a_dash() -> None:
    assert Num(-0.001, 2, signed=True).text("en") == "0.00"
    assert Num(math.nan, 2).text("en") == "–"
    assert Num(0.001, 3, below=True).text("nl") == "<0,001"


def test_cells() -> None:
    assert cell_text(1520, "nl") == "1.520"
    assert cell_text(1520, "en") == "1,520"
    assert cell_text(None, "en") == ""
    assert cell_text(SUPPRESSED, "nl") == "•"


def test_a_table_knows_when_a_cell_is_suppressed() -> None:
    t = Table("t", "T", ("group", "n"), (("a", 12), ("b", SUPPRESSED)))
    assert t.has_suppressed
    assert not Table("t", "T", ("group", "n"), (("a", 12),)).has_suppressed
