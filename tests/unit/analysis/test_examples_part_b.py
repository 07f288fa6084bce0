"""The docstring examples of the part-B analysis modules run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "breakdown",
    "change",
    "cvs",
    "drivers",
    "estimate",
    "grades",
    "importance",
    "mirror",
    "norm",
    "nps",
    "precision",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"gapsight.analysis.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no runnable example"
    assert result.failed == 0
