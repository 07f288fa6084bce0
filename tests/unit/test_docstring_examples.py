"""Every docstring example (``>>>``) in the package runs and prints what it says.

The per-package ``test_examples`` modules also insist that certain modules *have* an
example; this one makes sure no example anywhere silently rots (one in
``gapsight.analyst.analysis`` did before this test existed).
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import gapsight

ROOT = Path(gapsight.__file__).parent


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted(ROOT.rglob("*.py")):
        if ">>>" not in path.read_text("utf-8"):
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


MODULES = _modules_with_examples()


def test_examples_were_found() -> None:
    assert len(MODULES) > 50  # the package teaches by example; a glob mistake shows here


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, report=True
    )
    assert result.failed == 0
