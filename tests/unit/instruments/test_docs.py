"""docs/instruments.md documents every schema field, catalogue code and built-in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from gapsight.instruments import builtin_ids, load_builtin, parse_yaml
from gapsight.instruments.model import (
    Constraint,
    Dimension,
    Instrument,
    Item,
    Scale,
    ScalePoint,
    Section,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "instruments.md"
TEXT = DOC.read_text("utf-8")


@pytest.mark.parametrize("model", [Instrument, Section, Item, Scale, Dimension, Constraint])
def test_every_schema_field_is_documented(model: type[BaseModel]) -> None:
    for name in model.model_fields:
        assert f"`{name}`" in TEXT, f"{model.__name__}.{name} missing from docs/instruments.md"


def test_scale_points_fields_documented() -> None:
    assert all(f"`{name}`" in TEXT for name in ScalePoint.model_fields)


def test_every_catalogue_code_is_documented() -> None:
    documented = re.findall(r"^\| (I\d{3}) \|", TEXT, re.M)
    assert documented == [f"I{i:03d}" for i in range(16)]


def test_every_builtin_and_its_codes_are_documented() -> None:
    for instrument_id in builtin_ids():
        assert f"`{instrument_id}`" in TEXT
    for instrument_id in ("cvs", "kto", "mto", "event"):
        for code in load_builtin(instrument_id).codes():
            assert f"`{code}`" in TEXT, code


def test_minimal_example_is_valid() -> None:
    match = re.search(r"### A minimal instrument\n\n```yaml\n(.*?)```", TEXT, re.S)
    assert match is not None
    assert parse_yaml(match.group(1)).codes() == ("grade_main", "again")


def test_render_document_keys_are_documented() -> None:
    from gapsight.instruments.render import render

    doc = render(load_builtin("servqual22"), "en")
    keys = set(doc) | set(doc["sections"][0]) | set(doc["sections"][0]["items"][0])
    keys |= set(doc["dimensions"][0]) | set(doc["sections"][0]["items"][0]["answers"][0])
    missing = sorted(k for k in keys if f"`{k}`" not in TEXT)
    assert not missing, f"render keys missing from docs/instruments.md: {missing}"
