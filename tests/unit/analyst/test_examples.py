"""The examples in the docstrings of the analyst API run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["analysis", "comparisons", "functions", "inputs", "options", "relations", "scores"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"gapsight.analyst.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no runnable example"
    assert result.failed == 0
