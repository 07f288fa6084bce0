"""Report figures as SVG text: pure functions from analysis results to figures.

Each function takes an analysis result (or a small frozen record) and a language
(``"nl"`` or ``"en"``) and returns deterministic, accessible SVG text in the house style
of :mod:`gapsight.reports.charts.style`. No database, no files. The list of figures, their
input and how to read them is :func:`gapsight.reports.charts.catalogue.figures` (and
``docs/figures.md``).

Modules: :mod:`.servqual` (E vs P, item gaps), :mod:`.zone`, :mod:`.scores` (CVS, NPS),
:mod:`.trend`, :mod:`.ipa`, :mod:`.gapmodel`, :mod:`.mirror`; :mod:`.labels` holds every
text in both languages and :mod:`.style` the palette, sizes and SVG writer.
"""

from gapsight.reports.charts.catalogue import FigureInfo, figures, figures_markdown
from gapsight.reports.charts.gapmodel import (
    GapModel,
    GapStatus,
    gap_model_chart,
    status_from_mirror,
    status_from_servqual,
)
from gapsight.reports.charts.ipa import ipa_chart
from gapsight.reports.charts.mirror import mirror_chart
from gapsight.reports.charts.scores import cvs_chart, nps_chart
from gapsight.reports.charts.servqual import expectation_perception_chart, item_gaps_chart
from gapsight.reports.charts.trend import TrendPoint, TrendSeries, trend_chart
from gapsight.reports.charts.zone import zone_chart

__all__ = [
    "FigureInfo",
    "GapModel",
    "GapStatus",
    "TrendPoint",
    "TrendSeries",
    "cvs_chart",
    "expectation_perception_chart",
    "figures",
    "figures_markdown",
    "gap_model_chart",
    "ipa_chart",
    "item_gaps_chart",
    "mirror_chart",
    "nps_chart",
    "status_from_mirror",
    "status_from_servqual",
    "trend_chart",
    "zone_chart",
]
