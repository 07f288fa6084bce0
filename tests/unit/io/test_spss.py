"""SPSS .sav import and export through pyreadstat: labels and user-missing codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from gapsight.instruments.model import Instrument
from gapsight.io import (
    ImportMapping,
    ImportRejected,
    ResponseTable,
    read_responses,
    write_responses,
)
from gapsight.io.spss import spss_name


def sav(path: Path, frame: pd.DataFrame, **meta: Any) -> Path:
    pyreadstat.write_sav(frame, str(path), **meta)
    return path


def problems_of(path: Path, ins: Instrument, **kw: Any) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        read_responses(path, ins, **kw)
    return [str(p) for p in info.value.problems]


def test_user_missing_is_dont_know_or_skipped(mini: Instrument, tmp_path: Path) -> None:
    frame = pd.DataFrame({"Q1": [1.0, 6.0, 9.0, np.nan], "q2": [2.0, 9.0, 5.0, 6.0]})
    path = sav(
        tmp_path / "a.sav",
        frame,
        variable_value_labels={
            "Q1": {1: "oneens", 5: "eens", 6: "weet niet", 9: "geen antwoord"},
            "q2": {9: "geen antwoord", 6: "n.v.t."},
        },
        missing_ranges={"Q1": [6, 9], "q2": [{"lo": 6, "hi": 9}]},
    )
    table = read_responses(path, mini)
    np.testing.assert_array_equal(
        table.matrix.values, [[1, 2], [np.nan, np.nan], [np.nan, 5], [np.nan, np.nan]]
    )
    assert table.matrix.dont_know is not None
    # q1 offers don't know: its user-missing codes are don't know; q2 does not: skipped
    assert table.matrix.dont_know.tolist() == [
        [False, False],
        [True, False],
        [True, False],
        [False, False],
    ]


def test_mapping_missing_overrides_user_missing(mini: Instrument, tmp_path: Path) -> None:
    frame = pd.DataFrame({"q1": [9.0, 6.0]})
    path = sav(tmp_path / "a.sav", frame, missing_ranges={"q1": [6, 9]})
    table = read_responses(path, mini, mapping=ImportMapping(missing=(9,)))
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know[:, 0].tolist() == [False, True]


def test_label_outside_the_scale_is_rejected(mini: Instrument, tmp_path: Path) -> None:
    frame = pd.DataFrame({"q1": [1.0, 2.0], "q2": [3.0, 4.0], "grade": [7.0, 8.0]})
    path = sav(
        tmp_path / "a.sav",
        frame,
        variable_value_labels={
            "q1": {1: "disagree", 5: "agree", 8: "don't know"},  # 8 = our don't-know code
            "q2": {1: "disagree", 7: "strongly agree", 8: "no opinion"},
            "grade": {10: "excellent", 11: "off the chart"},
        },
    )
    assert problems_of(path, mini) == [
        "column 'q2': got \"7 = 'strongly agree'\"; expected value labels only on an integer "
        "1-5 or on declared missing codes (declare it missing in the file, or in the "
        "mapping's missing/dont_know)",
        "column 'q2': got \"8 = 'no opinion'\"; expected value labels only on an integer 1-5 "
        "or on declared missing codes (declare it missing in the file, or in the mapping's "
        "missing/dont_know)",
        "column 'grade': got \"11 = 'off the chart'\"; expected value labels only on an "
        "integer 1-10 or on declared missing codes (declare it missing in the file, or in "
        "the mapping's missing/dont_know)",
    ]
    # Declaring the code missing in the mapping accepts the file.
    assert (
        read_responses(
            path,
            mini,
            mapping=ImportMapping(missing=(8, 11), recode={"q2": {7: 5}}),
        ).n
        == 2
    )


def test_values_checked_like_any_format(mini: Instrument, tmp_path: Path) -> None:
    frame = pd.DataFrame({"q1": [1.0, 2.5, 7.0], "remark": ["a", "", "c"]})
    path = sav(tmp_path / "a.sav", frame)
    assert problems_of(path, mini) == [
        "row 2, column 'q1': got '2.5'; expected an integer 1-5",
        "row 3, column 'q1': got '7'; expected an integer 1-5",
    ]


def test_text_in_numeric_item(mini: Instrument, tmp_path: Path) -> None:
    path = sav(tmp_path / "a.sav", pd.DataFrame({"q1": ["1", "goed"]}))
    assert problems_of(path, mini) == [
        "row 2, column 'q1': got 'goed'; expected a number: an integer 1-5"
    ]


def test_string_characteristic_takes_value_labels(mini: Instrument, tmp_path: Path) -> None:
    frame = pd.DataFrame({"q1": [1.0, 2.0], "segment": [1.0, 2.0]})
    path = sav(
        tmp_path / "a.sav", frame, variable_value_labels={"segment": {1: "Retail", 2: "B2B"}}
    )
    mapping = ImportMapping().with_characteristics({"segment": "string"})
    table = read_responses(path, mini, mapping=mapping)
    assert table.characteristics["segment"].tolist() == ["Retail", "B2B"]


def test_truncated_and_garbage(mini: Instrument, tmp_path: Path) -> None:
    frame = pd.DataFrame({"q1": np.tile([1.0, 2.0, 3.0], 500)})
    good = sav(tmp_path / "a.sav", frame)
    data = good.read_bytes()
    cut = tmp_path / "cut.sav"
    cut.write_bytes(data[: len(data) // 2])
    (problem,) = problems_of(cut, mini)
    assert problem.startswith("file; expected a complete SPSS .sav file (the file is damaged")
    junk = tmp_path / "junk.sav"
    junk.write_bytes(b"$FL2 this is not an SPSS file at all")
    (problem,) = problems_of(junk, mini)
    assert "damaged or truncated" in problem


def test_export_labels_and_missing_codes(
    mini: Instrument,
    tmp_path: Path,
    sample: ResponseTable,
    chars: dict[str, str],
    assert_same: Callable[..., None],
) -> None:
    path = tmp_path / "out.sav"
    write_responses(path, sample, mini, lang="en", placeholders={"org": "Acme"})
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["q1"] == "Acme keeps its promises"
    assert meta.variable_value_labels["q1"] == {
        1.0: "strongly disagree",
        5.0: "strongly agree",
        8.0: "don't know",
    }
    assert meta.missing_ranges["q1"] == [{"lo": 8.0, "hi": 8.0}]
    assert "q2" not in meta.missing_ranges
    assert meta.variable_value_labels["kind"] == {1.0: "private", 3.0: "business"}
    assert meta.readstat_variable_types["remark"] == "string"
    assert meta.readstat_variable_types["segment"] == "string"
    assert meta.original_variable_types["since"].startswith("DATETIME")
    assert frame["q1"].tolist()[:2] == [1.0, 8.0]
    back = read_responses(path, mini, mapping=ImportMapping().with_characteristics(chars))
    assert_same(back, sample)


def test_placeholders_kept_without_values(
    mini: Instrument, tmp_path: Path, sample: ResponseTable
) -> None:
    path = tmp_path / "out.sav"
    write_responses(path, sample, mini, lang="nl")
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    assert meta.column_labels[1] == "{org} komt afspraken na"


def test_spss_names() -> None:
    taken: set[str] = set()
    assert spss_name("Business unit", taken) == "Business_unit"
    assert spss_name("business unit", taken) == "business_unit_2"
    assert spss_name("2nd", taken) == "v2nd"
    assert spss_name("with", taken) == "with_"


def test_reversed_scale_is_caught_by_its_labels(mini: Instrument, tmp_path: Path) -> None:
    frame = pd.DataFrame({"q2": [1.0, 5.0]})
    labels = {"q2": {1: "Helemaal mee eens", 5: "helemaal mee oneens"}}
    path = sav(tmp_path / "a.sav", frame, variable_value_labels=labels)
    assert problems_of(path, mini) == [
        "column 'q2': got \"1 = 'Helemaal mee eens'\"; expected 'Helemaal mee eens' on 5 as "
        "in the instrument (is the scale reversed? then recode the column in the mapping)",
        "column 'q2': got \"5 = 'helemaal mee oneens'\"; expected 'helemaal mee oneens' on 1 "
        "as in the instrument (is the scale reversed? then recode the column in the mapping)",
    ]
    recoded = ImportMapping(recode={"q2": {1: 5, 2: 4, 4: 2, 5: 1}})
    table = read_responses(path, mini, mapping=recoded)
    assert table.matrix.values.tolist() == [[5.0], [1.0]]


def test_zsav_is_compressed_and_reads_back(
    mini: Instrument, tmp_path: Path, sample: ResponseTable
) -> None:
    plain, packed = tmp_path / "a.sav", tmp_path / "a.zsav"
    write_responses(plain, sample, mini)
    write_responses(packed, sample, mini)
    assert packed.read_bytes()[:4] == b"$FL3" and plain.read_bytes()[:4] == b"$FL2"
    assert read_responses(packed, mini, mapping=ImportMapping(unknown_columns="ignore")).n == 3
