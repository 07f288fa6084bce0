"""The command-line shell. ``modules()`` lists the noun modules that add commands."""

from __future__ import annotations

import importlib
from types import ModuleType

NOUNS = (
    "setup",
    "db",
    "instruments",
    "study",
    "data",
    "analysis",
    "report",
    "demo",
    "server",
    "mail",
    "token",
    "signals",
    "cases",
)
"""Command modules, in the order their commands appear in ``gapsight --help``."""


def modules() -> list[ModuleType]:
    """The noun modules that exist in this build (each has ``register(app)``)."""
    found = []
    for name in NOUNS:
        try:
            found.append(importlib.import_module(f"gapsight.cli.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"gapsight.cli.{name}":
                raise
    return found
