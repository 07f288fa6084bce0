"""The examples in the io package's docstrings run and are right."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "gapsight.io",
    "gapsight.io.cells",
    "gapsight.io.codebook",
    "gapsight.io.columns",
    "gapsight.io.csvfile",
    "gapsight.io.export",
    "gapsight.io.files",
    "gapsight.io.mapping",
    "gapsight.io.spss",
    "gapsight.io.validation",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no example"
