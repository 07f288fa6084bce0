"""The examples in the docstrings of the calendar, clocks, signals, trends, actions,
intake and signal-access modules run and are right."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "gapsight.domain.calendar",
    "gapsight.domain.clocks",
    "gapsight.domain.signals",
    "gapsight.domain.trends",
    "gapsight.domain.actions",
    "gapsight.services.signal_reports",
    "gapsight.domain.intake",
    "gapsight.services.signal_access",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no example"
