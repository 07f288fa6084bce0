"""Importance–performance analysis (Martilla & James 1977): four quadrants.

Each item or dimension is a point: x = performance (its mean score), y = importance
(stated, e.g. the 100-point weights, or derived, e.g. LMG or r from :mod:`.drivers`).
Crosshairs sit at the grand means of the defined points by default, or at given values.
A value equal to a crosshair counts as *high*.

=================  ==============  ===========================
importance         performance     quadrant
=================  ==============  ===========================
high               low             ``concentrate_here``
high               high            ``keep_up_the_good_work``
low                low             ``low_priority``
low                high            ``possible_overkill``
=================  ==============  ===========================

Points with an undefined performance or importance get no quadrant (``None``) and the
reason, and do not count in the grand means.

Example::

    >>> r = importance_performance(
    ...     {"service": 6.1, "quality": 7.9, "handling": 6.0, "appearance": 8.2},
    ...     {"service": 0.30, "quality": 0.35, "handling": 0.10, "appearance": 0.05})
    >>> {p.name: p.quadrant for p in r.points}["service"]
    'concentrate_here'
    >>> r.quadrant_of("appearance")
    'possible_overkill'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from gapsight.analysis.result import Number, Undefined, frame_value, is_defined, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ImportancePerformance", "IpaPoint", "Quadrant", "importance_performance"]

Quadrant = Literal["concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill"]

QUADRANT_LABELS: dict[str, dict[str, str]] = {
    "concentrate_here": {"en": "Concentrate here", "nl": "Hier op concentreren"},
    "keep_up_the_good_work": {"en": "Keep up the good work", "nl": "Zo doorgaan"},
    "low_priority": {"en": "Low priority", "nl": "Lage prioriteit"},
    "possible_overkill": {"en": "Possible overkill", "nl": "Mogelijk overdreven"},
}
"""Report labels per quadrant and language."""


@dataclass(frozen=True)
class IpaPoint:
    """One item or dimension in the matrix."""

    name: str
    performance: Number
    importance: Number
    quadrant: Quadrant | None
    reason: str | None = None


@dataclass(frozen=True)
class ImportancePerformance:
    """The classified points and the crosshairs.

    Attributes:
        points: in input order.
        performance_cross, importance_cross: the crosshair values.
        cross_source: ``"grand_mean"`` or ``"given"`` (per axis: ``(x, y)``).
        n_points: points with both coordinates defined (behind the grand means).
    """

    points: tuple[IpaPoint, ...]
    performance_cross: Number
    importance_cross: Number
    cross_source: tuple[str, str]
    n_points: int

    def quadrant_of(self, name: str) -> Quadrant | None:
        """The quadrant of ``name``; ``KeyError`` when it is not a point."""
        for p in self.points:
            if p.name == name:
                return p.quadrant
        raise KeyError(f"{name!r} is not in the importance-performance matrix")

    def to_frame(self) -> pd.DataFrame:
        """One row per point with both coordinates, the quadrant and its English label."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "name": p.name,
                    "performance": frame_value(p.performance),
                    "importance": frame_value(p.importance),
                    "quadrant": p.quadrant,
                    "label": None if p.quadrant is None else QUADRANT_LABELS[p.quadrant]["en"],
                    "performance_cross": frame_value(self.performance_cross),
                    "importance_cross": frame_value(self.importance_cross),
                    "note": p.reason or note_of((p.performance, p.importance)),
                }
                for p in self.points
            ]
        )


_EPS = 1e-9
"""Tolerance of the tie rule: a grand mean computed in floating point (0.05 + 0.02 + 0.56 +
0.17 + 0.2 over 5 is 0.20000000000000004) must still count a value of 0.2 as equal."""


def _classify(perf: float, imp: float, x: float, y: float) -> Quadrant:
    high_imp, high_perf = imp >= y - _EPS, perf >= x - _EPS
    if high_imp:
        return "keep_up_the_good_work" if high_perf else "concentrate_here"
    return "possible_overkill" if high_perf else "low_priority"


def importance_performance(
    performance: Mapping[str, Number],
    importance: Mapping[str, Number],
    *,
    performance_cross: float | None = None,
    importance_cross: float | None = None,
) -> ImportancePerformance:
    """Classify each name present in both mappings into a quadrant.

    ``ValueError`` when the two mappings name different items.
    """
    if set(performance) != set(importance):
        diff = sorted(set(performance) ^ set(importance))
        raise ValueError(f"performance and importance must name the same items; differ: {diff}")
    names = list(performance)
    ok = [n for n in names if is_defined(performance[n]) and is_defined(importance[n])]
    vals_x = [frame_value(performance[n]) for n in ok]
    vals_y = [frame_value(importance[n]) for n in ok]
    no_points = Undefined("no item has both performance and importance")
    x: Number = (
        float(performance_cross)
        if performance_cross is not None
        else (sum(vals_x) / len(vals_x) if vals_x else no_points)
    )
    y: Number = (
        float(importance_cross)
        if importance_cross is not None
        else (sum(vals_y) / len(vals_y) if vals_y else no_points)
    )
    points = []
    for n in names:
        px, py = performance[n], importance[n]
        if n in ok and is_defined(x) and is_defined(y) and is_defined(px) and is_defined(py):
            points.append(IpaPoint(n, px, py, _classify(px, py, x, y)))
        else:
            reason = note_of((px, py)) or "crosshair undefined"
            points.append(IpaPoint(n, px, py, None, reason))
    source = (
        "given" if performance_cross is not None else "grand_mean",
        "given" if importance_cross is not None else "grand_mean",
    )
    return ImportancePerformance(tuple(points), x, y, source, len(ok))
