"""Wave-over-wave change and the importance–performance matrix, for analysts.

- :func:`change`: every item's mean in a previous and a current wave, Welch's t-test for
  independent waves (never the pooled default), or a paired test when both waves carry
  a respondent key column; the change in points and in POMP (percent of maximum
  possible, from the item's scale).
- :func:`importance_performance`: each SERVQUAL dimension as a point, x = perception
  (performance), y = stated importance (mean 100-point weight) or, without weights,
  derived importance (LMG share of the perceptions for the overall grade); quadrants
  *concentrate here*, *keep up the good work*, *low priority*, *possible overkill*.

Example::

    >>> import pandas as pd
    >>> before = pd.DataFrame({"cvs_satisfaction": [6, 7, 6, 7], "cvs_loyalty": [7] * 4,
    ...                        "cvs_recommend": [6, 8, 7, 7]})
    >>> after = before + 1
    >>> round(change(before, after, "cvs").changes["cvs_satisfaction"].difference, 2)
    1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from gapsight.analysis.change import ItemChanges, item_changes
from gapsight.analysis.importance import ImportancePerformance
from gapsight.analysis.importance import importance_performance as core_ipa
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import Number, Undefined
from gapsight.analysis.servqual import ServqualResult
from gapsight.analyst.functions import layout_of, prepare, scale_bounds, servqual_of
from gapsight.analyst.inputs import InstrumentLike
from gapsight.analyst.options import AnalysisOptions
from gapsight.analyst.relations import default_drivers, drivers_of, scores_of
from gapsight.instruments import Instrument

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["change", "importance_performance", "ipa_of"]

Source = Literal["auto", "stated", "derived"]


def ipa_of(
    instrument: Instrument,
    matrix: ResponseMatrix,
    options: AnalysisOptions,
    servqual: ServqualResult,
    source: Source = "auto",
) -> ImportancePerformance | None:
    """The importance–performance matrix of the SERVQUAL dimensions, or ``None`` when no
    importance is available (no weights, and no overall grade or CVS to derive it)."""
    performance: dict[str, Number] = {d.dimension: d.perception for d in servqual.dimensions}
    importance: dict[str, Number] | None = None
    if source in ("auto", "stated") and servqual.weighted is not None:
        importance = dict(servqual.weighted.mean_weights)
    elif source == "stated":
        raise ValueError("stated importance needs the importance points (w_<dimension>)")
    if importance is None:
        scores = scores_of(instrument, matrix, options)
        found = [
            (o, d)
            for o, d in default_drivers(instrument, matrix, scores)
            if d[0].startswith("perception.")
        ]
        if not found:
            if source == "derived":
                raise ValueError("derived importance needs an overall grade or the CVS items")
            return None
        outcome, names = found[0]
        res = drivers_of(instrument, matrix, outcome, names, options, scores=scores)
        by_name = {d.name.removeprefix("perception."): d.lmg_share for d in res.drivers}
        importance = {d: by_name.get(d, Undefined("no derived importance")) for d in performance}
    return core_ipa(performance, importance)


def importance_performance(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "servqual22",
    *,
    source: Source = "auto",
    dont_know_code: float | None = None,
    aggregation: str = "item_means",
) -> ImportancePerformance:
    """Importance–performance matrix of the SERVQUAL dimensions.

    ``source="stated"`` uses the mean 100-point weights, ``"derived"`` the LMG share of
    each dimension's perception in explaining ``grade_overall`` (or the CVS); ``"auto"``
    (default) uses stated weights when the data has them. Crosshairs at the grand means.
    """
    options = AnalysisOptions(
        aggregation=aggregation,  # type: ignore[arg-type]
        dont_know_code=dont_know_code,
    )
    ins, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    layout = layout_of(ins)
    if layout is None:
        raise ValueError(f"instrument {ins.ref} has no SERVQUAL dimensions")
    result = ipa_of(ins, matrix, options, servqual_of(layout, matrix, options), source)
    if result is None:
        raise ValueError(
            "importance-performance: no importance in the data (neither the points "
            "w_<dimension> nor an overall grade or CVS to derive it from)"
        )
    return result


def change(
    previous: pd.DataFrame | ResponseMatrix,
    current: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike,
    *,
    key: str | None = None,
    codes: list[str] | None = None,
    confidence: float = 0.95,
    relative: bool = False,
    dont_know_code: float | None = None,
) -> ItemChanges:
    """Change of every item's mean from ``previous`` to ``current``.

    Welch's t-test with Welch–Satterthwaite df for independent waves; with ``key`` (a
    column holding a stable respondent key in both frames) a paired test on the
    respondents present in both. Changes are in points and POMP; relative % only with
    ``relative=True``.

    A panel (the same customers answering both waves, as in many B2B measurements)
    needs ``key=``: without it the waves are treated as independent samples, and the
    Welch test is then conservative because it ignores the correlation between a
    respondent's two answers.
    """
    AnalysisOptions(confidence=confidence, dont_know_code=dont_know_code)
    by = [key] if key is not None else []
    ins, before = prepare(previous, instrument, dont_know_code=dont_know_code, by=by)
    _, after = prepare(current, ins, dont_know_code=dont_know_code, by=by)
    previous_keys = None if key is None else before.characteristics[key]
    current_keys = None if key is None else after.characteristics[key]
    bounds = {**scale_bounds(ins, before), **scale_bounds(ins, after)}
    return item_changes(
        before,
        after,
        codes,
        scales={c: (float(lo), float(hi)) for c, (lo, hi) in bounds.items()},
        confidence=confidence,
        relative=relative,
        previous_keys=previous_keys,
        current_keys=current_keys,
    )
