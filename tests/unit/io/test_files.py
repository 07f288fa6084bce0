"""The public entry points: format detection, missing files, the curated API."""

from __future__ import annotations

from pathlib import Path

import pytest

import gapsight.io
from gapsight.instruments import load_builtin
from gapsight.instruments.model import Instrument
from gapsight.io import (
    FORMATS,
    ImportRejected,
    ResponseTable,
    detect_format,
    read_responses,
    write_responses,
)


def test_public_api() -> None:
    assert sorted(gapsight.io.__all__) == sorted(
        [
            "FORMATS", "Characteristic", "ImportMapping", "ImportProblem", "ImportRejected",
            "ResponseTable", "SampleTable", "detect_format", "dont_know_code", "read_mapping",
            "read_responses", "read_sample", "write_responses",
        ]
    )  # fmt: skip


def test_detect_format() -> None:
    assert detect_format(Path("a.CSV")) == "csv"
    assert detect_format(Path("a.txt")) == "csv"
    assert detect_format(Path("a.xlsx")) == "xlsx"
    assert detect_format(Path("a.sav")) == "sav"
    assert detect_format(Path("a.parquet")) == "parquet"
    assert detect_format(Path("a.dat"), "spss") == "sav"
    assert detect_format(Path("a.dat"), "Excel") == "xlsx"
    with pytest.raises(ValueError, match=r"cannot tell the format of 'a\.dat'"):
        detect_format(Path("a.dat"))
    with pytest.raises(ValueError, match="unknown format 'ods'"):
        detect_format(Path("a.csv"), "ods")
    assert FORMATS == ("csv", "xlsx", "sav", "parquet")


def test_missing_file_and_unknown_suffix(mini: Instrument, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="an existing file"):
        read_responses(tmp_path / "absent.csv", mini)
    odd = tmp_path / "a.dat"
    odd.write_text("q1\n1\n")
    with pytest.raises(ImportRejected, match="cannot tell the format"):
        read_responses(odd, mini)
    assert read_responses(odd, mini, fmt="csv").n == 1


def test_write_checks_instrument(mini: Instrument, sample: ResponseTable, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="holds answers to mini@1, not to cvs@1"):
        write_responses(tmp_path / "x.csv", sample, load_builtin("cvs"))
