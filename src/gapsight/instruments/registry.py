"""Where instruments come from: the built-in library (``library/*.yaml``) or a file.

Besides the YAML files, a few *derived* built-ins are computed from them on first use
(see :data:`DERIVED`): the 5-point and three-column SERVQUAL formats and the mirror and
prediction variants. They have ids of their own because their answers must never be
pooled with the original's under one ref.

Example::

    >>> from gapsight.instruments import builtin_ids, load_builtin
    >>> "cvs" in builtin_ids()
    True
    >>> load_builtin("cvs").codes()
    ('cvs_satisfaction', 'cvs_loyalty', 'cvs_recommend')
    >>> load_builtin("servqual22_5pt").derived_from
    'servqual22@1'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from gapsight.instruments.formats import three_column, with_agreement_points
from gapsight.instruments.model import Instrument, InstrumentError, InstrumentProblem
from gapsight.instruments.variants import management_prediction, mirror, staff_prediction

__all__ = ["DERIVED", "builtin_ids", "library_ids", "load_builtin", "load_file", "parse_yaml"]

_LIBRARY = "gapsight.instruments.library"


def _five_points(instrument: Instrument) -> Instrument:
    return with_agreement_points(instrument, 5)


DERIVED: dict[str, tuple[str, Callable[[Instrument], Instrument]]] = {
    "servqual22_5pt": ("servqual22", _five_points),
    "servqual22_zone": ("servqual22", three_column),
    "servqual22_mirror": ("servqual22", mirror),
    "servqual22_management_prediction": ("servqual22", management_prediction),
    "servqual22_staff_prediction": ("servqual22", staff_prediction),
    "kto_mirror": ("kto", mirror),
}
"""Derived built-ins: id -> (library instrument it is computed from, function)."""


def library_ids() -> tuple[str, ...]:
    """Ids of the YAML instruments in ``library/``, sorted."""
    names = (p.name for p in resources.files(_LIBRARY).iterdir())
    return tuple(sorted(n.removesuffix(".yaml") for n in names if n.endswith(".yaml")))


def builtin_ids() -> tuple[str, ...]:
    """Ids of every instrument shipped with gapsight (library and derived), sorted."""
    return tuple(sorted((*library_ids(), *DERIVED)))


@cache
def load_builtin(instrument_id: str) -> Instrument:
    """The built-in instrument ``instrument_id``; ``KeyError`` listing valid ids."""
    if instrument_id in DERIVED:
        source, derive = DERIVED[instrument_id]
        return derive(load_builtin(source))
    if instrument_id not in library_ids():
        raise KeyError(
            f"no built-in instrument {instrument_id!r}; choose one of: {', '.join(builtin_ids())}"
        )
    text = resources.files(_LIBRARY).joinpath(f"{instrument_id}.yaml").read_text("utf-8")
    return parse_yaml(text, source=f"{instrument_id}.yaml")


def load_file(path: Path) -> Instrument:
    """An instrument from a YAML or JSON file written by a user."""
    return parse_yaml(path.read_text("utf-8"), source=str(path))


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


class _Loader(_SafeLoader):  # type: ignore[misc]
    """YAML 1.2 booleans: only ``true``/``false``, so that labels such as ``yes``,
    ``no``, ``on`` or ``off`` (common answer options!) stay text instead of silently
    becoming booleans as in YAML 1.1. Uses libyaml's parser when it is installed."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def parse_yaml(text: str, *, source: str = "instrument") -> Instrument:
    """Parse and validate YAML text (JSON is valid YAML).

    Booleans follow YAML 1.2 (only ``true``/``false``): ``{nl: ja, en: yes}`` is text.
    File problems (bad YAML, not a mapping) are ``I000`` like schema problems.
    """
    try:
        data: Any = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise InstrumentError(
            [InstrumentProblem(code="I000", where=source, message=f"not valid YAML: {exc}")]
        ) from None
    if not isinstance(data, dict):
        raise InstrumentError(
            [InstrumentProblem(code="I000", where=source, message="expected a mapping at top")]
        )
    return Instrument.parse(data, source=source)
