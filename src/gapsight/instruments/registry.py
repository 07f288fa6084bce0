"""Where instruments come from: the built-in library (``library/*.yaml``) or a file.

Example::

    >>> from gapsight.instruments import builtin_ids, load_builtin
    >>> "cvs" in builtin_ids()
    True
    >>> load_builtin("cvs").codes()
    ('cvs_satisfaction', 'cvs_loyalty', 'cvs_recommend')
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from gapsight.instruments.model import Instrument, InstrumentError, InstrumentProblem

__all__ = ["builtin_ids", "load_builtin", "load_file", "parse_yaml"]

_LIBRARY = "gapsight.instruments.library"


def builtin_ids() -> tuple[str, ...]:
    """Ids of the instruments shipped with gapsight, sorted."""
    names = (p.name for p in resources.files(_LIBRARY).iterdir())
    return tuple(sorted(n.removesuffix(".yaml") for n in names if n.endswith(".yaml")))


@cache
def load_builtin(instrument_id: str) -> Instrument:
    """The built-in instrument ``instrument_id``; ``KeyError`` listing valid ids."""
    if instrument_id not in builtin_ids():
        raise KeyError(
            f"no built-in instrument {instrument_id!r}; choose one of: {', '.join(builtin_ids())}"
        )
    text = resources.files(_LIBRARY).joinpath(f"{instrument_id}.yaml").read_text("utf-8")
    return parse_yaml(text, source=f"{instrument_id}.yaml")


def load_file(path: Path) -> Instrument:
    """An instrument from a YAML or JSON file written by a user."""
    return parse_yaml(path.read_text("utf-8"), source=str(path))


def parse_yaml(text: str, *, source: str = "instrument") -> Instrument:
    """Parse and validate YAML text (JSON is valid YAML)."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentError(
            [InstrumentProblem(code="I000", where=source, message=f"not valid YAML: {exc}")]
        ) from None
    if not isinstance(data, dict):
        raise InstrumentError(
            [InstrumentProblem(code="I000", where=source, message="expected a mapping at top")]
        )
    return Instrument.parse(data, source=source)
