"""The examples in the docstrings of the analysis core run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "adjust",
    "descriptives",
    "layout",
    "moments",
    "reliability",
    "result",
    "servqual",
    "ttest",
    "weighting",
    "zone",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"gapsight.analysis.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no runnable example"
    assert result.failed == 0
