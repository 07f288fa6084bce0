"""Instruments as data: the schema, the built-in library and derived variants."""

from gapsight.instruments.combine import combine
from gapsight.instruments.model import (
    Constraint,
    Dimension,
    Instrument,
    InstrumentError,
    InstrumentProblem,
    Item,
    Scale,
    ScalePoint,
    Section,
)
from gapsight.instruments.registry import builtin_ids, load_builtin, load_file, parse_yaml

__all__ = [
    "Constraint",
    "Dimension",
    "Instrument",
    "InstrumentError",
    "InstrumentProblem",
    "Item",
    "Scale",
    "ScalePoint",
    "Section",
    "builtin_ids",
    "combine",
    "load_builtin",
    "load_file",
    "parse_yaml",
]
