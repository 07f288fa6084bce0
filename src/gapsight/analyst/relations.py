"""Breakdowns, key drivers and mirror gaps for analysts: the statistics that relate
groups, drivers or two waves to each other.

- :func:`breakdown`: every item (and the derived respondent scores ``cvs``,
  ``gap.<dimension>``, ``perception.<dimension>`` and ``nps``) per group of a
  characteristic, with the minimum group size and complementary suppression of
  :mod:`gapsight.analysis.breakdown`;
- :func:`drivers`: Pearson r and Shapley/LMG relative importance of drivers (by default
  the SERVQUAL perception dimensions) for an outcome (by default the overall grade);
- :func:`mirror_gaps`: gaps 1, 6 and 7 between a customer wave and a staff or
  management wave answered on the same items.

Example::

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"cvs_satisfaction": [8, 7, 9, 6, 8, 7, 8, 9, 5],
    ...                       "cvs_loyalty": [7] * 9, "cvs_recommend": [9, 6, 10, 9, 3, 8, 9, 9, 2],
    ...                       "segment": ["a"] * 4 + ["b"] * 4 + ["c"]})
    >>> table = breakdown(frame, "segment", "cvs", min_group_size=3)
    >>> [(c.group, c.n, c.status) for c in table["cvs"].cells]
    [('a', None, 'complementary'), ('b', 4, 'shown'), ('c', None, 'below_minimum')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from gapsight.analysis.breakdown import BreakdownTable, breakdown_matrix
from gapsight.analysis.drivers import KeyDrivers, relative_importance
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.mirror import MirrorGaps
from gapsight.analysis.mirror import mirror_gaps as core_mirror_gaps
from gapsight.analyst.functions import grade_codes, layout_of, nps_code, prepare
from gapsight.analyst.inputs import InstrumentLike
from gapsight.analyst.options import AnalysisOptions
from gapsight.analyst.scores import FloatVector, respondent_scores
from gapsight.instruments import Instrument

if TYPE_CHECKING:
    import pandas as pd

    from gapsight.analysis.matrix import FloatMatrix

__all__ = [
    "breakdown",
    "breakdown_of",
    "default_drivers",
    "drivers",
    "drivers_of",
    "mirror_dimensions",
    "mirror_gaps",
    "scores_of",
]


def scores_of(
    instrument: Instrument, matrix: ResponseMatrix, options: AnalysisOptions
) -> dict[str, FloatVector]:
    """Every derived respondent score of the wave (see :mod:`gapsight.analyst.scores`)."""
    return respondent_scores(
        matrix,
        layout_of(instrument),
        min_valid_share=options.min_valid_share,
        nps_code=nps_code(matrix),
    )


def breakdown_of(
    instrument: Instrument,
    matrix: ResponseMatrix,
    by: str,
    options: AnalysisOptions,
    codes: Sequence[str] | None = None,
    scores: Mapping[str, FloatVector] | None = None,
) -> BreakdownTable:
    """Items and derived scores (``scores``, default: all of :func:`scores_of`) of
    ``matrix`` per group of ``by``. The ``nps`` score's group mean is the group's NPS."""
    if by not in matrix.characteristics:
        raise ValueError(
            f"{by!r} is not a characteristic of the data; "
            f"available: {', '.join(matrix.characteristics) or 'none'}"
        )
    use = list(codes) if codes is not None else list(matrix.codes)
    derived: Mapping[str, FloatVector] = {}
    if codes is None:
        derived = scores if scores is not None else scores_of(instrument, matrix, options)
    # one grouping, one blocked pass over the items, then the derived scores
    return breakdown_matrix(
        matrix,
        by,
        use,
        extra=derived,
        min_n=options.min_group_size,
        confidence=options.confidence,
    )


def default_drivers(
    instrument: Instrument,
    matrix: ResponseMatrix,
    scores: Mapping[str, FloatVector] | None = None,
) -> list[tuple[str, list[str]]]:
    """The key-driver analyses that apply: ``(outcome, drivers)`` pairs.

    - SERVQUAL perceptions present: the five ``perception.<dimension>`` scores drive the
      overall grade (``grade_overall``) or, without it, the respondent ``cvs``;
    - report grades of the KTO dimensions present (at least two) with the CVS items:
      the grades drive ``cvs``.
    """
    out: list[tuple[str, list[str]]] = []
    if scores is None:
        scores = respondent_scores(matrix, layout_of(instrument), gaps=False)
    perceptions = [k for k in scores if k.startswith("perception.")]
    outcome = "grade_overall" if matrix.has("grade_overall") else "cvs" if "cvs" in scores else None
    if len(perceptions) >= 2 and outcome is not None:
        out.append((outcome, perceptions))
    kto = [c for c in grade_codes(instrument, matrix) if c != "grade_overall"]
    if len(kto) >= 2 and "cvs" in scores:
        out.append(("cvs", kto))
    return out


def drivers_of(
    instrument: Instrument,
    matrix: ResponseMatrix,
    outcome: str,
    driver_names: Sequence[str],
    options: AnalysisOptions,
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    scores: Mapping[str, FloatVector] | None = None,
) -> KeyDrivers:
    """Key drivers of ``outcome``; names are item codes or derived scores (``scores``,
    default: :func:`scores_of`)."""
    if scores is None:
        scores = scores_of(instrument, matrix, options)

    def column(name: str) -> FloatMatrix:
        if name in scores:
            return scores[name]
        if matrix.has(name):
            return matrix.column(name)
        raise ValueError(
            f"{name!r} is neither an item in the data nor a derived score "
            f"({', '.join(scores) or 'none available'})"
        )

    y = column(outcome)
    x = np.column_stack([column(d) for d in driver_names]) if driver_names else None
    if x is None:
        raise ValueError("drivers: give at least one driver")
    return relative_importance(
        x,
        y,
        names=list(driver_names),
        outcome=outcome,
        bootstrap=bootstrap,
        seed=seed,
        confidence=options.confidence,
    )


def mirror_dimensions(instrument: Instrument) -> dict[str, str]:
    """Item code → the group its mirror gap is aggregated in: the dimension, split by
    part for paired instruments (``expectation.reliability``, ``perception.reliability``)
    so expectations and perceptions are never averaged together."""
    out: dict[str, str] = {}
    for it in instrument.items():
        if it.dimension is None:
            continue
        paired = it.part in ("expectation", "perception", "minimum", "desired", "importance")
        out[it.code] = f"{it.part}.{it.dimension}" if paired else it.dimension
    return out


# ------------------------------------------------------------------ on a DataFrame
def breakdown(
    data: pd.DataFrame | ResponseMatrix,
    by: str,
    instrument: InstrumentLike = "servqual22",
    *,
    codes: Sequence[str] | None = None,
    min_group_size: int = 5,
    confidence: float = 0.95,
    min_valid_share: float = 0.5,
    dont_know_code: float | None = None,
) -> BreakdownTable:
    """n, mean, SD and CI of every item per group of the characteristic column ``by``.

    Groups with fewer than ``min_group_size`` answers (3–10, default 5) are suppressed,
    and a complementary cell with them so no hidden number can be derived from the
    total. Without ``codes`` the derived respondent scores (``cvs``,
    ``gap.<dimension>``, ``perception.<dimension>``, and ``nps`` whose group mean is
    the group's NPS) are broken down too. ``result["p05"].to_frame()`` shows one
    item; ``result.to_frame()`` all of them in long format.
    """
    options = AnalysisOptions(
        confidence=confidence,
        min_group_size=min_group_size,
        min_valid_share=min_valid_share,
        dont_know_code=dont_know_code,
    )
    ins, matrix = prepare(data, instrument, dont_know_code=dont_know_code, by=[by])
    return breakdown_of(ins, matrix, by, options, codes)


def drivers(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "servqual22",
    *,
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    confidence: float = 0.95,
    min_valid_share: float = 0.5,
    dont_know_code: float | None = None,
) -> KeyDrivers:
    """Key drivers of ``outcome``: Pearson r (Fisher CI) and Shapley/LMG relative
    importance on listwise data, with optional bootstrap CIs (``bootstrap=1000``).

    ``outcome`` and ``drivers`` are item codes or derived scores (``cvs``,
    ``perception.<dimension>``, ``gap.<dimension>``). Defaults: the SERVQUAL perception
    dimensions driving ``grade_overall`` (or ``cvs``), else the KTO grades driving
    ``cvs`` (see :func:`default_drivers`).
    """
    options = AnalysisOptions(
        confidence=confidence, min_valid_share=min_valid_share, dont_know_code=dont_know_code
    )
    ins, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    if outcome is None or drivers is None:
        found = default_drivers(ins, matrix)
        if not found:
            raise ValueError(
                "drivers: no default outcome and drivers in the data; name them with "
                "outcome='grade_overall', drivers=['perception.tangibles', ...]"
            )
        outcome = outcome or found[0][0]
        drivers = drivers or found[0][1]
    return drivers_of(ins, matrix, outcome, drivers, options, bootstrap=bootstrap, seed=seed)


def mirror_gaps(
    customers: pd.DataFrame | ResponseMatrix,
    staff: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "servqual22",
    *,
    codes: Sequence[str] | None = None,
    threshold: float = 0.5,
    alpha: float = 0.05,
    adjust: str = "holm",
    confidence: float = 0.95,
    min_valid_share: float = 0.5,
    dont_know_code: float | None = None,
    min_group_size: int = 5,
) -> MirrorGaps:
    """Mirror or prediction gap per item and dimension: ``mean(staff) − mean(customers)``
    with a Welch test, adjusted over the items, flagged when ``|gap|`` exceeds
    ``threshold`` (on a 5-point scale, scaled to each item's range) and is significant.

    ``staff`` is the mirror wave (gap 6), or the management prediction of expectations
    (gap 1); both frames use the customer instrument's item codes. Either group smaller
    than ``min_group_size`` (3–10, default 5) is refused with a ``ValueError``: a mean of
    three managers' answers would show what each of them said (``analysis.md``).
    """
    options = AnalysisOptions(
        adjust=adjust,  # type: ignore[arg-type]
        confidence=confidence,
        min_valid_share=min_valid_share,
        dont_know_code=dont_know_code,
        min_group_size=min_group_size,
    )
    ins, reference = prepare(customers, instrument, dont_know_code=dont_know_code)
    _, comparison = prepare(staff, ins, dont_know_code=dont_know_code)
    for name, group in (("customer", reference), ("staff", comparison)):
        if group.n < options.min_group_size:
            raise ValueError(
                f"mirror_gaps: the {name} group has {group.n} respondent(s), fewer than the "
                f"minimum group size {options.min_group_size}; results are withheld so that "
                "no one's answers can be read from them"
            )
    if codes is None and not [c for c in reference.codes if comparison.has(c)]:
        raise ValueError("mirror_gaps: the two waves have no item in common")
    return core_mirror_gaps(
        reference,
        comparison,
        codes=codes,
        dimensions=mirror_dimensions(ins),
        instrument=ins,
        threshold=threshold,
        alpha=alpha,
        adjust=options.adjust,
        confidence=options.confidence,
        min_valid_share=options.min_valid_share,
    )
