"""The examples in the instruments package's docstrings run and are right."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "gapsight.instruments",
    "gapsight.instruments.adapt",
    "gapsight.instruments.combine",
    "gapsight.instruments.formats",
    "gapsight.instruments.model",
    "gapsight.instruments.registry",
    "gapsight.instruments.render",
    "gapsight.instruments.variants",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no example"
