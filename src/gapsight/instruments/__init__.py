"""Instruments as data: the schema, the built-in library and derived variants.

- :mod:`~gapsight.instruments.model`: the schema and its problem catalogue (I000 …);
- :mod:`~gapsight.instruments.registry`: built-in instruments and user files;
- :mod:`~gapsight.instruments.formats`: 5-/7-point agreement, three-column zone format;
- :mod:`~gapsight.instruments.variants`: mirror and management / staff prediction;
- :mod:`~gapsight.instruments.combine`: several instruments in one questionnaire;
- :mod:`~gapsight.instruments.adapt`: copy and adapt into a new version;
- :mod:`~gapsight.instruments.render`: an instrument as respondents read it.

Example::

    >>> from gapsight.instruments import load_builtin, mirror
    >>> mirror(load_builtin("servqual22")).item("p05").dimension
    'reliability'
"""

from gapsight.instruments.adapt import adapt
from gapsight.instruments.combine import combine
from gapsight.instruments.formats import three_column, with_agreement_points
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
from gapsight.instruments.variants import management_prediction, mirror, staff_prediction

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
    "adapt",
    "builtin_ids",
    "combine",
    "load_builtin",
    "load_file",
    "management_prediction",
    "mirror",
    "parse_yaml",
    "staff_prediction",
    "three_column",
    "with_agreement_points",
]
