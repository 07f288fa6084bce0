"""gapsight: measure and improve customer orientation.

The analyst API lives here (``import gapsight``); see ``docs/analyst-api.md``::

    import pandas as pd
    import gapsight

    df = pd.read_csv("wave.csv")                     # columns named e01 … p22, cvs_* …
    sq = gapsight.servqual(df, "servqual22", dont_know_code=8)
    sq.to_frame()                                    # items: gap, t, p, p_adjusted, d_z
    gapsight.analyze(df, ["servqual22", "kto"]).to_document()   # everything, as JSON

The names below are the curated public API (``__all__``, guarded by a test). They are
loaded on first use, so ``import gapsight`` stays cheap for the CLI and the web app.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from gapsight.analysis.matrix import ResponseMatrix
    from gapsight.analysis.result import Undefined
    from gapsight.analyst import (
        Analysis,
        AnalysisOptions,
        analyze,
        breakdown,
        change,
        cvs,
        descriptives,
        drivers,
        grades,
        importance_performance,
        mirror_gaps,
        nps,
        reliability,
        servperf,
        servqual,
    )
    from gapsight.instruments import Instrument, builtin_ids, load_builtin

_EXPORTS: dict[str, str] = {
    "Analysis": "gapsight.analyst",
    "AnalysisOptions": "gapsight.analyst",
    "Instrument": "gapsight.instruments",
    "ResponseMatrix": "gapsight.analysis.matrix",
    "Undefined": "gapsight.analysis.result",
    "analyze": "gapsight.analyst",
    "breakdown": "gapsight.analyst",
    "change": "gapsight.analyst",
    "importance_performance": "gapsight.analyst",
    "drivers": "gapsight.analyst",
    "mirror_gaps": "gapsight.analyst",
    "builtin_ids": "gapsight.instruments",
    "cvs": "gapsight.analyst",
    "descriptives": "gapsight.analyst",
    "grades": "gapsight.analyst",
    "load_builtin": "gapsight.instruments",
    "nps": "gapsight.analyst",
    "reliability": "gapsight.analyst",
    "servperf": "gapsight.analyst",
    "servqual": "gapsight.analyst",
}

__all__ = [
    "Analysis",
    "AnalysisOptions",
    "Instrument",
    "ResponseMatrix",
    "Undefined",
    "__version__",
    "analyze",
    "breakdown",
    "builtin_ids",
    "change",
    "cvs",
    "descriptives",
    "drivers",
    "grades",
    "importance_performance",
    "load_builtin",
    "mirror_gaps",
    "nps",
    "reliability",
    "servperf",
    "servqual",
]


def __getattr__(name: str) -> Any:
    """Load a public name on first access (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gapsight' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
