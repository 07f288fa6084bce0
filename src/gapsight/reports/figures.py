"""Which figure goes into which slot of the report: a registry.

The report has named slots (``servqual.ep``, ``servqual.items`` …). Each slot has a
*maker*: a function from the report inputs and the language to SVG text, or ``None``
when the figure does not apply to this wave. The makers call the pure chart functions
of :mod:`gapsight.reports.charts`; a chart that is not available in this build (its
module or function missing) leaves its slot out, so adding a figure means adding one
entry to :data:`MAKERS`.

Example::

    >>> sorted(MAKERS)[:4]
    ['gapmodel.mirror', 'scores.cvs', 'scores.nps', 'servqual.ep']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gapsight.services.reporting import ReportInputs

__all__ = ["MAKERS", "Maker", "chart", "make"]

SHORT = 34
"""Longest statement text on a figure's axis (characters); longer ones are cut with …"""

Maker = Callable[["ReportInputs", str], "str | None"]


def chart(module: str, name: str) -> Callable[..., str] | None:
    """The chart function ``name`` of ``gapsight.reports.charts.<module>``, or ``None``
    when this build does not have it."""
    try:
        mod = importlib.import_module(f"gapsight.reports.charts.{module}")
    except ImportError:
        return None
    fn: Any = getattr(mod, name, None)
    return fn if callable(fn) else None


def _names(inputs: ReportInputs, lang: str) -> dict[str, str]:
    ins = inputs.instrument
    names = {d.id: ins.text(d.label, lang) for d in ins.dimensions}
    a = inputs.current.analysis
    if a is not None and a.servqual is not None:
        for it in a.servqual.items:
            code = it.perception_code
            item = next((i for i in ins.items() if i.code == code), None)
            if item is not None:
                text = ins.text(
                    item.text,
                    lang,
                    org=inputs.organisation or "{org}",
                    sector=inputs.sector or "{sector}",
                )
                names[it.code] = text if len(text) <= SHORT else text[: SHORT - 1].rstrip() + "…"
    return names


def _servqual_ep(inputs: ReportInputs, lang: str) -> str | None:
    fn = chart("servqual", "expectation_perception_chart")
    a = inputs.current.analysis
    if fn is None or a is None or a.servqual is None:
        return None
    return fn(a.servqual, lang, names=_names(inputs, lang))


def _servqual_items(inputs: ReportInputs, lang: str) -> str | None:
    fn = chart("servqual", "item_gaps_chart")
    a = inputs.current.analysis
    if fn is None or a is None or a.servqual is None:
        return None
    alpha = 1.0 - a.options.confidence
    return fn(a.servqual, lang, names=_names(inputs, lang), alpha=alpha)


def _cvs(inputs: ReportInputs, lang: str) -> str | None:
    fn = chart("scores", "cvs_chart")
    a = inputs.current.analysis
    if fn is None or a is None or a.cvs is None:
        return None
    return fn(a.cvs, lang)


def _nps(inputs: ReportInputs, lang: str) -> str | None:
    """The NPS of every wave of the series with enough answers, oldest first."""
    fn = chart("scores", "nps_chart")
    a = inputs.current.analysis
    if fn is None or a is None or a.nps is None:
        return None
    rows = [
        (w.study.name, w.analysis.nps)
        for w in (*inputs.history, inputs.current)
        if w.analysis is not None and w.analysis.nps is not None
    ]
    return fn(rows if len(rows) > 1 else a.nps, lang)


def _trend(inputs: ReportInputs, lang: str) -> str | None:
    """The CVS (else the overall grade) per wave with its confidence band."""
    fn = chart("trend", "trend_chart")
    point = getattr(importlib.import_module("gapsight.reports.charts.trend"), "TrendPoint", None)
    series = getattr(importlib.import_module("gapsight.reports.charts.trend"), "TrendSeries", None)
    if fn is None or point is None or series is None or not inputs.history:
        return None
    waves = [w for w in (*inputs.history, inputs.current) if w.analysis is not None]
    if all(w.analysis is not None and w.analysis.cvs is not None for w in waves):
        points = [point.from_estimate(w.study.name, w.analysis.cvs.score) for w in waves]  # type: ignore[union-attr]
        return fn(series("CVS", tuple(points)), lang, measure="cvs", reference=7.0)
    return None


def _ipa(inputs: ReportInputs, lang: str) -> str | None:
    fn = chart("ipa", "ipa_chart")
    a = inputs.current.analysis
    if fn is None or a is None or a.importance_performance is None or a.servqual is None:
        return None
    kind = "stated" if a.servqual.weighted is not None else "derived"
    return fn(a.importance_performance, lang, names=_names(inputs, lang), importance=kind)


def gap_model(inputs: ReportInputs) -> Any:
    """The :class:`~gapsight.reports.charts.gapmodel.GapModel` of the wave: gap 5 from
    its SERVQUAL, gaps 1, 6, 7 from the linked prediction waves, gaps 2–4 from the
    recorded verdicts (``None`` when the chart module is not in this build)."""
    mod = importlib.import_module("gapsight.reports.charts.gapmodel")
    model = getattr(mod, "GapModel", None)
    status = getattr(mod, "GapStatus", None)
    from_servqual = getattr(mod, "status_from_servqual", None)
    from_mirror = getattr(mod, "status_from_mirror", None)
    if model is None or status is None or from_servqual is None or from_mirror is None:
        return None
    gaps: dict[str, Any] = {}
    a = inputs.current.analysis
    if a is not None and a.servqual is not None:
        gaps["gap5"] = from_servqual(a.servqual, alpha=1.0 - a.options.confidence)
    for label in ("gap1", "gap6", "gap7"):
        if label in inputs.comparisons:
            gaps[label] = from_mirror(inputs.comparisons[label])
    for n, v in inputs.verdicts.items():
        gaps[f"gap{n}"] = status(v.verdict, v.size, "share")
    return model(**gaps)


def _gap_model(inputs: ReportInputs, lang: str) -> str | None:
    """The seven-gap model: measured gaps 1, 5, 6, 7 and recorded gaps 2, 3, 4 (those
    not measured or recorded are drawn as not assessed)."""
    fn = chart("gapmodel", "gap_model_chart")
    if fn is None:
        return None
    model = gap_model(inputs)
    return None if model is None else fn(model, lang)


def item_names(inputs: ReportInputs, lang: str) -> dict[str, str]:
    """Short display text of every item by code (for the mirror chart)."""
    ins = inputs.instrument
    names = {d.id: ins.text(d.label, lang) for d in ins.dimensions}
    for item in ins.items():
        text = ins.text(
            item.text, lang, org=inputs.organisation or "{org}", sector=inputs.sector or "{sector}"
        )
        names[item.code] = text if len(text) <= SHORT else text[: SHORT - 1].rstrip() + "…"
    return names


def _comparison(label: str, parts: frozenset[str]) -> Maker:
    def maker(inputs: ReportInputs, lang: str) -> str | None:
        fn = chart("mirror", "mirror_chart")
        gaps = inputs.comparisons.get(label)
        if fn is None or gaps is None:
            return None
        ins = inputs.instrument
        codes = [i.code for i in gaps.items if ins.item(i.code).part in parts]
        # statements by code and dimension (their texts all start with the
        # organisation's name, so cut short they would be indistinguishable)
        names = {d.id: ins.text(d.label, lang) for d in ins.dimensions}
        names.update({f"{p}.{k}": v for p in parts for k, v in list(names.items())})
        return fn(gaps, lang, names=names, codes=codes or None)

    maker.__doc__ = f"The {label} comparison per question (items of parts {sorted(parts)})."
    return maker


MAKERS: dict[str, Maker] = {
    "servqual.gapmodel": _gap_model,
    "servqual.ep": _servqual_ep,
    "servqual.items": _servqual_items,
    "servqual.ipa": _ipa,
    "scores.cvs": _cvs,
    "scores.nps": _nps,
    "trend.cvs": _trend,
    "gapmodel.mirror": _comparison("mirror", frozenset({"perception"})),
}
"""Slot → maker. Slots without a maker (or whose maker returns ``None``) are left out."""


def make(slot: str, inputs: ReportInputs, lang: str) -> str | None:
    """The SVG of ``slot``, or ``None`` when there is no figure for it."""
    maker = MAKERS.get(slot)
    return None if maker is None else maker(inputs, lang)
