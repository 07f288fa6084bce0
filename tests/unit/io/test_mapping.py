"""The YAML mapping file: parsing, validation and lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapsight.io import Characteristic, ImportMapping, ImportRejected, read_mapping

EXAMPLE = """\
respondent_key: RespNr
sheet: Antwoorden
columns:
  V1: cvs_satisfaction
  V2: cvs_loyalty
recode:
  V1: {11: 10, 12: null}
dont_know: [99, 98]
dont_know_by_column:
  V2: 6
missing: [-1]
characteristics:
  segment: string
  start: {column: Klant sinds, type: date, format: "%d-%m-%Y"}
ignore: [Timestamp]
"""


def test_reads_the_documented_example(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(EXAMPLE)
    m = read_mapping(path)
    assert m.respondent_key == "RespNr" and m.sheet == "Antwoorden"
    assert m.target_of("v1") == "cvs_satisfaction"  # case-insensitive
    assert m.target_of("V3") is None
    assert m.recode_of("V1") == {11.0: 10.0, 12.0: None}
    assert m.dont_know == (99.0, 98.0)
    assert m.dont_know_of("v2") == (6.0,) and m.dont_know_of("V1") == ()
    assert m.missing == (-1.0,)
    assert m.characteristics == {
        "segment": Characteristic("segment", "string"),
        "start": Characteristic("Klant sinds", "date", "%d-%m-%Y"),
    }
    assert m.is_ignored(" timestamp ") and not m.is_ignored("V1")


def test_empty_file_is_the_default_mapping(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("")
    assert read_mapping(path) == ImportMapping()


def test_every_problem_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "colums: {}\n"
        "dont_know: [x]\n"
        "characteristics: {age: number}\n"
        "recode: {V1: {a: 1}}\n"
        "unknown_columns: maybe\n"
        "encoding: klingon\n"
    )
    with pytest.raises(ImportRejected) as info:
        read_mapping(path)
    where = [p.column for p in info.value.problems]
    assert where == [
        "colums",
        "recode.V1",
        "characteristics.age.type",
        "unknown_columns",
        "dont_know",
        "encoding",
    ]
    assert info.value.source == str(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("columns:\n  V1: [unclosed\n")
    with pytest.raises(ImportRejected) as info:
        read_mapping(path)
    (problem,) = info.value.problems
    assert problem.row is not None and problem.expected.startswith("valid YAML")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="a readable file"):
        read_mapping(tmp_path / "absent.yaml")


def test_with_characteristics_adds_and_checks_types() -> None:
    m = ImportMapping().with_characteristics({"segment": "string", "size": "integer"})
    assert m.characteristics["size"] == Characteristic("size", "integer")
    with pytest.raises(ValueError, match="type 'number' is not one of"):
        m.with_characteristics({"x": "number"})


def test_the_example_in_the_docs_is_valid() -> None:
    import yaml

    docs = Path(__file__).parents[3] / "docs" / "import-export.md"
    text = docs.read_text("utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    m = ImportMapping.parse(yaml.safe_load(block), source="docs")
    assert m.target_of("P1") == "p01" and m.dont_know_of("P1") == (6.0,)
    assert m.recode_of("V2")[1.0] == 7.0 and m.recode_of("Cijfer") == {0.0: None}
    assert m.characteristics["customer_since"] == Characteristic("Klant sinds", "date", "%d-%m-%Y")
    assert m.encoding == "cp1252" and m.unknown_columns == "error"
