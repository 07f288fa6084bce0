"""The analyst API: pandas DataFrames and instrument ids in, the core's results out.

Re-exported as :mod:`gapsight` (``import gapsight; gapsight.servqual(df, "servqual22")``);
see ``docs/analyst-api.md``.
"""

from gapsight.analyst.analysis import Analysis, analyze, analyze_matrix
from gapsight.analyst.comparisons import change, importance_performance
from gapsight.analyst.functions import (
    cvs,
    descriptives,
    grades,
    nps,
    reliability,
    servperf,
    servqual,
)
from gapsight.analyst.inputs import resolve_instrument, to_matrix
from gapsight.analyst.options import AnalysisOptions
from gapsight.analyst.relations import breakdown, drivers, mirror_gaps

__all__ = [
    "Analysis",
    "AnalysisOptions",
    "analyze",
    "analyze_matrix",
    "breakdown",
    "change",
    "cvs",
    "descriptives",
    "drivers",
    "grades",
    "importance_performance",
    "mirror_gaps",
    "nps",
    "reliability",
    "resolve_instrument",
    "servperf",
    "servqual",
    "to_matrix",
]
