"""CSV import: delimiters, BOM, validation of every cell, broken files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gapsight.instruments.model import Instrument
from gapsight.io import (
    ImportMapping,
    ImportRejected,
    ResponseTable,
    read_responses,
    write_responses,
)
from gapsight.io.csvfile import sniff_delimiter

WriteCsv = Callable[..., Path]


def rejected(path: Path, ins: Instrument, **kw: object) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        read_responses(path, ins, **kw)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_reads_codes_dont_know_and_missing(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv("q1,q2,grade,kind\n1,2,7,1\n8,,10,3\n,5,,\n")
    table = read_responses(path, mini)
    assert table.matrix.codes == ("q1", "q2", "grade", "kind")
    np.testing.assert_array_equal(
        table.matrix.values,
        [[1, 2, 7, 1], [np.nan, np.nan, 10, 3], [np.nan, 5, np.nan, np.nan]],
    )
    # 8 on q1 (1-5, offers don't know) is the default don't-know code
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know.tolist()[1] == [True, False, False, False]
    assert table.matrix.dont_know_count("q1") == 1
    assert table.respondent_keys is None and table.texts == {}


def test_semicolon_bom_and_case_insensitive_headers(mini: Instrument, tmp_path: Path) -> None:
    path = tmp_path / "nl.csv"
    path.write_bytes("\ufeffQ1;Q2 ; Remark\n3;4;héél goed\n".encode())
    table = read_responses(path, mini)
    assert table.matrix.values.tolist() == [[3.0, 4.0]]
    assert table.texts == {"remark": ["héél goed"]}


def test_sniff_delimiter() -> None:
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("a,b;c,d") == ","
    assert sniff_delimiter("a\tb") == "\t"
    assert sniff_delimiter('"a;b",c') == ","
    assert sniff_delimiter("single") == ","


def test_out_of_range_non_integer_and_choice(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv("q1,q2,grade,kind\n6,2,7,1\n1,2.5,11,2\n0,5,1,3\n")
    assert rejected(path, mini) == [
        "row 2, column 'q1': got '6'; expected an integer 1-5",
        "row 3, column 'q2': got '2.5'; expected an integer 1-5",
        "row 3, column 'grade': got '11'; expected an integer 1-10",
        "row 3, column 'kind': got '2'; expected one of 1, 3",
        "row 4, column 'q1': got '0'; expected an integer 1-5",
    ]


def test_dont_know_where_not_offered(mini: Instrument, write_csv: WriteCsv) -> None:
    # 8 is not don't know on q2 (no don't know): plain out of range ...
    assert rejected(write_csv("q1,q2\n1,8\n"), mini) == [
        "row 2, column 'q2': got '8'; expected an integer 1-5"
    ]
    # ... and a declared don't-know code there is named as such.
    problems = rejected(write_csv("q1,q2\n9,9\n"), mini, mapping=ImportMapping(dont_know=(9,)))
    assert problems == [
        "row 2, column 'q2': got '9'; expected an integer 1-5; item q2 does not offer don't know"
    ]


def test_wrong_type_is_reported_per_cell(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv("q1,q2,grade\n1,good,7\n2, 3 ,x\n9,NA,5\n")
    assert rejected(path, mini) == [
        "row 2, column 'q2': got 'good'; expected a number: an integer 1-5",
        "row 3, column 'grade': got 'x'; expected a number: an integer 1-10",
        "row 4, column 'q1': got '9'; expected an integer 1-5",
    ]


def test_unknown_and_duplicate_columns(mini: Instrument, write_csv: WriteCsv) -> None:
    problems = rejected(write_csv("q1,Q1,age,q2\n1,1,30,2\n"), mini)
    assert problems[0] == ("column 'Q1'; expected each column name once (also column 'q1')")
    assert problems[1].startswith("column 'age'; expected an item code of mini@1")
    assert len(problems) == 2


def test_unknown_column_ignored_by_mapping(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv("q1,age,ip\n1,30,127.0.0.1\n")
    assert read_responses(path, mini, mapping=ImportMapping(ignore=frozenset({"AGE", "ip"}))).n == 1
    loose = ImportMapping(unknown_columns="ignore")
    assert read_responses(path, mini, mapping=loose).matrix.codes == ("q1",)


def test_truncated_rows(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv("q1,q2,grade\n1,2,3\n4,5,6\n1,2")
    assert rejected(path, mini) == [
        "row 4: got '1,2'; expected 3 fields separated by ',' as in the header row, found 2"
    ]


def test_truncated_quoted_text(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv('q1,remark\n1,"fine"\n2,"unfinished\n')
    problems = rejected(path, mini)
    assert len(problems) == 1
    assert problems[0].startswith("file; expected a complete, well-formed CSV file")


def test_empty_and_header_only(mini: Instrument, write_csv: WriteCsv) -> None:
    assert rejected(write_csv(""), mini) == [
        "file; expected a file with a header row (it is empty)"
    ]
    assert rejected(write_csv("\n\n"), mini) == ["file; expected a header row with column names"]
    assert rejected(write_csv("q1,q2\n"), mini) == ["file; expected at least one data row"]


def test_not_utf8(mini: Instrument, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("q1;remark\n1;caf\xe9\n".encode("latin-1"))
    problems = rejected(path, mini)
    assert len(problems) == 1 and "encoding" in problems[0]
    table = read_responses(path, mini, mapping=ImportMapping(encoding="cp1252"))
    assert table.texts == {"remark": ["café"]}


def test_blank_trailing_column_accepted(mini: Instrument, write_csv: WriteCsv) -> None:
    # Excel sometimes writes a trailing delimiter on every line.
    table = read_responses(write_csv("q1;q2;\n1;2;\n3;4;\n"), mini)
    assert table.matrix.values.tolist() == [[1, 2], [3, 4]]
    assert rejected(write_csv("q1;q2;\n1;2;x\n"), mini) == [
        "column '#3'; expected a column name in the header row"
    ]


def test_mapping_recode_dont_know_and_missing(mini: Instrument, write_csv: WriteCsv) -> None:
    mapping = ImportMapping(
        columns={"V1": "q1", "V2": "q2", "cijfer": "grade"},
        recode={"V2": {1: 5, 2: 4, 4: 2, 5: 1}},
        dont_know_by_column={"V1": (6,)},
        missing=(-1,),
        respondent_key="RespNr",
    )
    path = write_csv("RespNr,V1,V2,cijfer\n1001,6,1,-1\n1002,2,4,9\n")
    table = read_responses(path, mini, mapping=mapping)
    np.testing.assert_array_equal(table.matrix.values, [[np.nan, 5, np.nan], [2, 2, 9]])
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know[:, 0].tolist() == [True, False]
    assert not table.matrix.dont_know[:, 2].any()  # -1 is skipped, not don't know
    assert table.respondent_keys == ["1001", "1002"]


def test_global_dont_know_never_hides_a_valid_answer(mini: Instrument, write_csv: WriteCsv) -> None:
    # 6 is don't know on q1 (1-5) but a valid grade on 'grade' (1-10).
    table = read_responses(
        write_csv("q1,grade\n6,6\n"), mini, mapping=ImportMapping(dont_know=(6,))
    )
    assert table.matrix.values.tolist()[0][1] == 6.0
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know.tolist() == [[True, False]]


def test_characteristics_typed_and_checked(
    mini: Instrument, write_csv: WriteCsv, chars: dict[str, str]
) -> None:
    mapping = ImportMapping().with_characteristics(chars)
    ok = write_csv(
        "q1,segment,employees,vip,since,revenue\n1,retail,12,ja,2020-01-05,1.5\n2,,,,,\n"
    )
    found = read_responses(ok, mini, mapping=mapping).characteristics
    assert list(found.columns) == list(chars)
    assert found["employees"].dtype == "Int64" and found["vip"].dtype == "boolean"
    assert str(found["since"].dtype).startswith("datetime64")
    assert found.iloc[0].tolist()[:3] == ["retail", 12, True]
    bad = write_csv("q1,segment,employees,vip,since,revenue\n1,x,1.5,maybe,5-1-2020,lots\n")
    assert rejected(bad, mini, mapping=mapping) == [
        "row 2, column 'employees': got '1.5'; expected a whole number, integer "
        "(characteristic 'employees')",
        "row 2, column 'vip': got 'maybe'; expected true/false, yes/no or 1/0, boolean "
        "(characteristic 'vip')",
        "row 2, column 'since': got '5-1-2020'; expected a date as YYYY-MM-DD, date "
        "(characteristic 'since')",
        "row 2, column 'revenue': got 'lots'; expected a number, float (characteristic 'revenue')",
    ]


def test_date_format_from_mapping(mini: Instrument, write_csv: WriteCsv) -> None:
    mapping = ImportMapping.parse(
        {
            "characteristics": {
                "start": {"column": "Klant sinds", "type": "date", "format": "%d-%m-%Y"}
            }
        }
    )
    table = read_responses(write_csv("q1;Klant sinds\n1;05-01-2020\n"), mini, mapping=mapping)
    assert str(table.characteristics["start"][0].date()) == "2020-01-05"


def test_declared_columns_must_exist(mini: Instrument, write_csv: WriteCsv) -> None:
    mapping = ImportMapping(respondent_key="id").with_characteristics({"segment": "string"})
    assert rejected(write_csv("q1\n1\n"), mini, mapping=mapping) == [
        "column 'segment'; expected a column 'segment' (declared as characteristic segment)",
        "column 'id'; expected a column 'id' (declared as respondent_key)",
    ]


def test_duplicate_respondent_key(mini: Instrument, write_csv: WriteCsv) -> None:
    assert rejected(write_csv("respondent_key,q1\na,1\nb,2\na,3\n"), mini) == [
        "row 4, column 'respondent_key': got 'a'; expected a unique respondent key"
    ]


def test_many_bad_cells_are_capped_and_counted(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv("q1\n" + "7\n" * 1500)
    with pytest.raises(ImportRejected) as info:
        read_responses(path, mini)
    problems = info.value.problems
    assert len(problems) == 1001
    assert problems[-1].row is None
    assert problems[-1].expected == "an integer 1-5 (500 more such cells)"
    assert "1001 problem(s)" in str(info.value) and "… and 951 more" in str(info.value)


def test_progress_moves_and_result_is_the_same(
    mini: Instrument, write_csv: WriteCsv, assert_same: Callable[..., None]
) -> None:
    path = write_csv("q1,q2\n" + "1,2\n3,\n" * 5000)
    calls: list[tuple[int, int]] = []
    table = read_responses(path, mini, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] == path.stat().st_size
    assert calls[-2][0] < calls[-1][0]  # validating is the last step
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert_same(table, read_responses(path, mini))


def test_write_then_read_is_identity(
    mini: Instrument,
    tmp_path: Path,
    sample: ResponseTable,
    chars: dict[str, str],
    assert_same: Callable[..., None],
) -> None:
    table = sample
    path = tmp_path / "out.csv"
    write_responses(path, table, mini)
    text = path.read_text("utf-8-sig")
    header = text.splitlines()[0]
    assert header == "respondent_key,q1,q2,grade,kind,remark,segment,employees,vip,since,revenue"
    assert text.splitlines()[2].startswith('"r2",8,5,,,')  # don't know written as 8
    back = read_responses(path, mini, mapping=ImportMapping().with_characteristics(chars))
    assert_same(back, table)


def test_text_in_many_columns(tmp_path: Path) -> None:
    from gapsight.instruments import parse_yaml

    items = "\n".join(f"      - {{code: x{i}, text: {{en: X{i}}}, scale: a5}}" for i in range(6))
    ins = parse_yaml(
        "id: six\nlanguages: [en]\ntitle: {en: Six}\n"
        "scales:\n  - {id: a5, kind: agreement, min: 1, max: 5}\n"
        f"sections:\n  - id: s\n    title: {{en: S}}\n    items:\n{items}\n"
    )
    path = tmp_path / "six.csv"
    path.write_text("x0,x1,x2,x3,x4,x5\n1,2,3,4,5,1\na,b,c,d,e,f\n")
    problems = rejected(path, ins)
    assert [(p.split(":")[0], p.split("'")[3]) for p in problems] == [
        (f"row 3, column 'x{i}'", "abcdef"[i]) for i in range(6)
    ]


def test_decimal_comma_in_semicolon_files(mini: Instrument, write_csv: WriteCsv) -> None:
    mapping = ImportMapping().with_characteristics({"revenue": "float"})
    table = read_responses(write_csv("q1;revenue\n5,0;1,5\n"), mini, mapping=mapping)
    assert table.matrix.values.tolist() == [[5.0]]
    assert table.characteristics["revenue"].tolist() == [1.5]


def test_characteristic_named_like_an_item(mini: Instrument, write_csv: WriteCsv) -> None:
    mapping = ImportMapping.parse({"characteristics": {"q2": {"column": "Q2x"}}})
    assert rejected(write_csv("q1,Q2x\n1,a\n"), mini, mapping=mapping) == [
        "column 'q2'; expected a characteristic name that is not an item code or respondent_key"
    ]


def test_points_must_add_up(tmp_path: Path) -> None:
    from gapsight.instruments import parse_yaml

    ins = parse_yaml(
        """
id: weights
languages: [en]
title: {en: Weights}
scales:
  - {id: p, kind: points, min: 0, max: 100}
sections:
  - id: s
    title: {en: S}
    items:
      - {code: w_a, text: {en: A}, scale: p}
      - {code: w_b, text: {en: B}, scale: p}
constraints:
  - {kind: sum, codes: [w_a, w_b], total: 100}
"""
    )
    path = tmp_path / "w.csv"
    path.write_text("w_a,w_b\n60,40\n,\n70,40\n100,\n")
    assert rejected(path, ins) == [
        "row 4, column 'w_a+w_b': got '110'; expected answers that add up to 100"
    ]


def test_quotes_crlf_and_tabs(mini: Instrument, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b'"q1";"q2"\r\n"5";"1"\r\n"";4\r\n')
    np.testing.assert_array_equal(read_responses(path, mini).matrix.values, [[5, 1], [np.nan, 4]])
    path.write_bytes(b"q1\tq2\r\n5\t1\r\n")
    assert read_responses(path, mini).matrix.values.tolist() == [[5, 1]]


def test_empty_lines_keep_row_numbers(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv("q1,q2\n1,2\n\n3,4\n\n7,1\n\n")
    assert rejected(path, mini) == ["row 6, column 'q1': got '7'; expected an integer 1-5"]
    table = read_responses(write_csv("q1,q2\n1,2\n\n3,4\n,\n"), mini)
    assert table.matrix.values.tolist() == [[1, 2], [3, 4]]
    one = read_responses(write_csv("q1\n1\n\n3\n\n"), mini)
    assert one.matrix.values.tolist() == [[1], [3]]


def test_excel_sep_hint_line(mini: Instrument, write_csv: WriteCsv) -> None:
    path = write_csv("sep=;\nq1;q2\n1;2\n3;9\n4\n")
    assert rejected(path, mini) == [
        "row 3, column 'q2': got '9'; expected an integer 1-5",
        "row 4: got '4'; expected 2 fields separated by ';' as in the header row, found 1",
    ]
    path = write_csv("sep=,\nq1,q2\n1,2\n3;9,4\n")
    problems = rejected(path, mini)
    assert problems == ["row 3, column 'q1': got '3;9'; expected a number: an integer 1-5"]
    assert read_responses(write_csv("sep=;\nq1;q2\n1;2\n"), mini).n == 1


def test_utf16_unicode_text_from_excel(mini: Instrument, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_text("q1\tremark\n3\tprima geregeld, één klacht\n", encoding="utf-16")
    table = read_responses(path, mini)
    assert table.matrix.values.tolist() == [[3.0]]
    assert table.texts == {"remark": ["prima geregeld, één klacht"]}
