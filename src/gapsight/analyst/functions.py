"""One analyst function per statistic: a DataFrame and an instrument in, a result out.

Each function is a thin wrapper: it resolves the instrument (an id such as
``"servqual22"``, an :class:`~gapsight.instruments.Instrument`, or several ids for a
combined questionnaire), turns the wide DataFrame into a
:class:`~gapsight.analysis.matrix.ResponseMatrix` with the checks of
:mod:`gapsight.analyst.inputs`, checks that the columns the statistic needs are there
(naming every missing one), and calls the pure core in :mod:`gapsight.analysis`. The
result objects are the core's own frozen dataclasses; every one has ``to_frame()``.

A :class:`~gapsight.analysis.matrix.ResponseMatrix` is accepted wherever a DataFrame is,
which is how the services (a stored wave) and the benchmark call the same functions.

Example::

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"cvs_satisfaction": [8, 7, 9], "cvs_loyalty": [7, 8, 9],
    ...                       "cvs_recommend": [9, 6, 10]})
    >>> round(cvs(frame).mean, 3)
    8.111
    >>> nps(frame).score
    33.33333333333333
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from gapsight.analysis.cvs import CVS_CODES, CvsResult, customer_value_score
from gapsight.analysis.descriptives import Descriptives, describe
from gapsight.analysis.grades import GradesResult, report_grades
from gapsight.analysis.layout import Pair, ServqualLayout, servqual_layout
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.norm import NormRule
from gapsight.analysis.nps import NpsResult, net_promoter_score
from gapsight.analysis.reliability import (
    Reliability,
    ReliabilityTable,
    cronbach_alpha,
    servqual_reliability,
)
from gapsight.analysis.result import Number
from gapsight.analysis.servqual import Servperf, ServqualResult
from gapsight.analysis.servqual import servperf as core_servperf
from gapsight.analysis.servqual import servqual as core_servqual
from gapsight.analysis.weighting import WeightRule
from gapsight.analyst.inputs import InstrumentLike, require_codes, resolve_instrument, to_matrix
from gapsight.analyst.options import AnalysisOptions
from gapsight.instruments import Instrument

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NPS_CODES",
    "cvs",
    "descriptives",
    "grade_codes",
    "grades",
    "nps",
    "nps_code",
    "prepare",
    "reliability",
    "reliability_of",
    "scales_of",
    "servperf",
    "servperf_of",
    "servqual",
    "servqual_of",
    "servqual_status",
]

NPS_CODES: tuple[str, ...] = ("cvs_recommend", "enps", "evt_recommend")
"""Recommendation items an NPS is computed from, in order of preference: the CVS
question, the employee NPS of ``mto``, the event survey's recommendation."""


def prepare(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike,
    *,
    dont_know_code: float | None = None,
    by: Sequence[str] = (),
) -> tuple[Instrument, ResponseMatrix]:
    """The resolved instrument and the checked response matrix of ``data``."""
    ins = resolve_instrument(instrument)
    return ins, to_matrix(data, ins, dont_know_code=dont_know_code, characteristics=by)


def scale_bounds(instrument: Instrument, matrix: ResponseMatrix) -> dict[str, tuple[int, int]]:
    """``{code: (min, max)}`` of the numeric items of ``instrument`` present in ``matrix``."""
    out: dict[str, tuple[int, int]] = {}
    for item in instrument.items():
        scale = instrument.scale(item.scale)
        if scale.kind != "text" and matrix.has(item.code):
            out[item.code] = scale.bounds()
    return out


def grade_codes(instrument: Instrument, matrix: ResponseMatrix) -> tuple[str, ...]:
    """Codes of the report-grade items (1–10 ``grade`` scale) present in ``matrix``."""
    return tuple(
        it.code
        for it in instrument.items()
        if instrument.scale(it.scale).kind == "grade" and matrix.has(it.code)
    )


def nps_code(matrix: ResponseMatrix) -> str | None:
    """The first of :data:`NPS_CODES` present in ``matrix``, or ``None``."""
    return next((c for c in NPS_CODES if matrix.has(c)), None)


# --------------------------------------------------------------------- on a matrix
def descriptives_of(instrument: Instrument, matrix: ResponseMatrix) -> Descriptives:
    """Descriptives of every numeric item present, with the instrument's scale bounds."""
    return describe(matrix, scales=scale_bounds(instrument, matrix))


def cvs_of(
    matrix: ResponseMatrix,
    options: AnalysisOptions,
    what: str,
    previous: Number | None = None,
) -> CvsResult:
    """The CVS of ``matrix`` (all three items required); ``previous`` is the previous
    wave's CVS for the norm's improvement rule (:func:`norm_rule`)."""
    require_codes(matrix, CVS_CODES, what)
    return customer_value_score(
        matrix, confidence=options.confidence, previous=previous, rule=norm_rule(options)
    )


def norm_rule(options: AnalysisOptions) -> NormRule:
    """The guideline norm of ``options``: ≥ 7, or +1.0 point on the previous wave, or
    +10 % relative when ``options.norm_relative`` (``certification.md``).

    Example::

        >>> norm_rule(AnalysisOptions(norm_relative=True)).relative
        True
    """
    return NormRule(relative=options.norm_relative)


def nps_of(
    matrix: ResponseMatrix, options: AnalysisOptions, what: str, code: str | None = None
) -> NpsResult:
    """The NPS of ``code`` (default: the first recommendation item present)."""
    use = code or nps_code(matrix)
    if use is None:
        raise ValueError(
            f"{what}: no recommendation item in the data; expected one of "
            f"{', '.join(NPS_CODES)} (or name it with code=)"
        )
    require_codes(matrix, [use], what)
    return net_promoter_score(matrix.column(use), confidence=options.confidence, code=use)


def grades_of(
    instrument: Instrument,
    matrix: ResponseMatrix,
    options: AnalysisOptions,
    what: str,
    codes: Sequence[str] | None = None,
    previous: Mapping[str, Number] | None = None,
) -> GradesResult:
    """Every report grade present (or ``codes``)."""
    use = tuple(codes) if codes is not None else grade_codes(instrument, matrix)
    if not use:
        raise ValueError(f"{what}: no report-grade (1-10) items in the data")
    require_codes(matrix, use, what)
    return report_grades(
        matrix, use, confidence=options.confidence, previous=previous, rule=norm_rule(options)
    )


def layout_of(instrument: Instrument) -> ServqualLayout | None:
    """The SERVQUAL layout of ``instrument``, or ``None`` when it has no E/P items.

    An instrument with one part only — perceptions (a mirror questionnaire, a SERVPERF
    survey) or expectations (a management or staff prediction) — gets a layout whose
    missing part uses the standard ``e<pair>`` / ``p<pair>`` codes of the customer
    instrument, absent from its data; :func:`servqual_status` then reports
    ``"perceptions"`` or ``"expectations"``.
    """
    parts = {it.part for it in instrument.items()}
    if {"expectation", "perception"} <= parts:
        return servqual_layout(instrument)
    only = (
        "perception" if "perception" in parts else "expectation" if "expectation" in parts else None
    )
    if only is None:
        return None
    pairs = tuple(
        Pair(
            code=it.pair,
            dimension=it.dimension,
            expectation=it.code if only == "expectation" else f"e{it.pair}",
            perception=it.code if only == "perception" else f"p{it.pair}",
        )
        for it in instrument.items()
        if it.part == only and it.pair is not None and it.dimension is not None
    )
    return ServqualLayout(pairs) if pairs else None


def servqual_status(layout: ServqualLayout, matrix: ResponseMatrix) -> str:
    """``"full"`` (every E and P column present), ``"perceptions"`` (every P, no E:
    SERVPERF only), ``"expectations"`` (every E, no P: a prediction wave) or ``"absent"``
    (none). ``ValueError`` naming the missing columns when only some are present: half
    a SERVQUAL is a mapping mistake, not a result."""
    e_codes = layout.expectation_codes()
    p_codes = layout.perception_codes()
    e_have = [c for c in e_codes if matrix.has(c)]
    p_have = [c for c in p_codes if matrix.has(c)]
    if not e_have and not p_have:
        return "absent"
    if len(p_have) == len(p_codes) and not e_have:
        return "perceptions"
    if len(e_have) == len(e_codes) and not p_have:
        return "expectations"
    require_codes(matrix, [*e_codes, *p_codes], "servqual")
    return "full"


def servqual_of(
    layout: ServqualLayout,
    matrix: ResponseMatrix,
    options: AnalysisOptions,
) -> ServqualResult:
    """SERVQUAL on ``matrix``: every E and P column must be present (all are named)."""
    require_codes(matrix, [*layout.expectation_codes(), *layout.perception_codes()], "servqual")
    return core_servqual(
        matrix,
        layout,
        aggregation=options.aggregation,
        min_share=options.min_valid_share,
        round_item_means=options.round_item_means,
        adjust=options.adjust,
        confidence=options.confidence,
        weight_rule=options.weight_rule,
        min_pairs=options.min_group_size,
    )


def servperf_of(
    layout: ServqualLayout, matrix: ResponseMatrix, options: AnalysisOptions
) -> Servperf:
    """SERVPERF (perceptions only) on ``matrix``; every P column must be present."""
    require_codes(matrix, layout.perception_codes(), "servperf")
    return core_servperf(
        matrix,
        layout,
        aggregation=options.aggregation,
        min_share=options.min_valid_share,
        round_item_means=options.round_item_means,
    )


def _layout_or_fail(instrument: Instrument) -> ServqualLayout:
    layout = layout_of(instrument)
    if layout is None:
        raise ValueError(
            f"instrument {instrument.ref} has no SERVQUAL expectation/perception items; "
            "use servqual22 or an instrument derived from it"
        )
    return layout


SERVQUAL_PARTS = frozenset({"expectation", "perception", "minimum", "desired", "importance"})


def scales_of(instrument: Instrument, matrix: ResponseMatrix) -> dict[str, tuple[str, ...]]:
    """Multi-item scales other than SERVQUAL's: per dimension (and part), the agreement
    items present in ``matrix``, when there are at least two (e.g. the internal
    communication items of ``mto``, the detail statements of ``kto``). Named
    ``<dimension>`` or ``<part>.<dimension>``."""
    groups: dict[str, list[str]] = {}
    for it in instrument.items():
        if it.dimension is None or it.part in SERVQUAL_PARTS or not matrix.has(it.code):
            continue
        if instrument.scale(it.scale).kind != "agreement":
            continue
        name = it.dimension if it.part is None else f"{it.part}.{it.dimension}"
        groups.setdefault(name, []).append(it.code)
    return {name: tuple(codes) for name, codes in groups.items() if len(codes) >= 2}


def reliability_of(
    instrument: Instrument,
    matrix: ResponseMatrix,
    options: AnalysisOptions,
    scales: Mapping[str, Sequence[str]] | None = None,
) -> ReliabilityTable:
    """Alpha of ``scales`` (default: SERVQUAL's E and P per dimension and in full when
    the instrument pairs them and the data has them, plus :func:`scales_of`)."""
    if scales is not None:
        for name, codes in scales.items():
            require_codes(matrix, codes, f"reliability scale {name!r}")
        found: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in scales.items()}
        out: list[Reliability] = []
    else:
        found = scales_of(instrument, matrix)
        layout = layout_of(instrument)
        out = []
        status = "absent" if layout is None else servqual_status(layout, matrix)
        if layout is not None and status == "full":
            out.extend(
                servqual_reliability(
                    matrix, layout, missing=options.missing, confidence=options.confidence
                ).scales
            )
        elif layout is not None and status in ("perceptions", "expectations"):
            # one part only (mirror, SERVPERF, prediction): per dimension and in full
            part = status.removesuffix("s")
            codes_of = layout.perception_codes if part == "perception" else layout.expectation_codes
            for d in layout.dimensions:
                found[f"{part}.{d}"] = codes_of(d)
            found[part] = codes_of(None)
    for name, codes in found.items():
        out.append(
            cronbach_alpha(
                matrix, codes, scale=name, missing=options.missing, confidence=options.confidence
            )
        )
    return ReliabilityTable(tuple(out))


# ------------------------------------------------------------------ on a DataFrame
def reliability(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "servqual22",
    *,
    missing: str = "listwise",
    confidence: float = 0.95,
    scales: Mapping[str, Sequence[str]] | None = None,
    dont_know_code: float | None = None,
) -> ReliabilityTable:
    """Cronbach's alpha (raw and standardized, Feldt CI), alpha if item deleted and the
    corrected item–rest correlation of every scale.

    By default the scales come from the instrument: for SERVQUAL, expectations and
    perceptions per dimension (``expectation.tangibles`` …) and in full
    (``expectation``, ``perception``). Give ``scales={"name": ["code", …]}`` for your
    own. ``missing="listwise"`` (default, as SPSS/PSPP) or ``"pairwise"``.
    """
    options = AnalysisOptions(
        missing=missing,  # type: ignore[arg-type]
        confidence=confidence,
        dont_know_code=dont_know_code,
    )
    ins, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    table = reliability_of(ins, matrix, options, scales)
    if not table.scales:
        raise ValueError(
            f"instrument {ins.ref}: no multi-item scale in the data; name one with "
            "scales={'name': ['code1', 'code2', ...]}"
        )
    return table


def servqual(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "servqual22",
    *,
    aggregation: str = "item_means",
    round_item_means: bool = False,
    adjust: str = "holm",
    confidence: float = 0.95,
    dont_know_code: float | None = None,
    min_valid_share: float = 0.5,
    weight_rule: WeightRule = "reject",
) -> ServqualResult:
    """SERVQUAL gaps (P − E) per item, dimension and overall, with paired t-tests.

    Both aggregations are computed (``result.by_item_means``, ``result.by_respondent``);
    ``aggregation`` (``item_means`` or ``respondent``) picks the one
    ``result.dimensions`` / ``result.overall`` report. Item tests are adjusted over the
    22 items with ``adjust`` (``holm``, ``bh`` or ``none``). When the importance points
    ``w_<dimension>`` are present the weighted score is in ``result.weighted``
    (respondents whose points do not sum to 100 are rejected, or renormalised with
    ``weight_rule="renormalise"``); with the zone columns ``m01``/``d01`` … the zone of
    tolerance is in ``result.zone``.

    ``ValueError`` names every E/P column missing from ``data``.
    """
    options = AnalysisOptions(
        aggregation=aggregation,  # type: ignore[arg-type]
        round_item_means=round_item_means,
        adjust=adjust,  # type: ignore[arg-type]
        confidence=confidence,
        dont_know_code=dont_know_code,
        min_valid_share=min_valid_share,
        weight_rule=weight_rule,
    )
    ins, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    return servqual_of(_layout_or_fail(ins), matrix, options)


def servperf(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "servqual22",
    *,
    aggregation: str = "item_means",
    round_item_means: bool = False,
    dont_know_code: float | None = None,
    min_valid_share: float = 0.5,
) -> Servperf:
    """SERVPERF: the perception part only, aggregated like SERVQUAL."""
    options = AnalysisOptions(
        aggregation=aggregation,  # type: ignore[arg-type]
        round_item_means=round_item_means,
        dont_know_code=dont_know_code,
        min_valid_share=min_valid_share,
    )
    ins, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    return servperf_of(_layout_or_fail(ins), matrix, options)


def descriptives(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike,
    *,
    dont_know_code: float | None = None,
) -> Descriptives:
    """n, mean, SD, min, max, distribution and don't-know count of every item of
    ``instrument`` in ``data``.

    Example: ``gapsight.descriptives(df, "servqual22", dont_know_code=8).to_frame()``.
    """
    ins, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    return descriptives_of(ins, matrix)


def cvs(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "cvs",
    *,
    confidence: float = 0.95,
    dont_know_code: float | None = None,
) -> CvsResult:
    """The Customer Value Score: per respondent the mean of ``cvs_satisfaction``,
    ``cvs_loyalty`` and ``cvs_recommend`` (all three required), then the mean with a
    t-based CI, and the mean of each part on the same respondents.

    ``ValueError`` naming any of the three columns missing from ``data``.
    """
    options = AnalysisOptions(confidence=confidence, dont_know_code=dont_know_code)
    _, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    return cvs_of(matrix, options, "cvs")


def nps(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "cvs",
    *,
    code: str | None = None,
    confidence: float = 0.95,
    dont_know_code: float | None = None,
) -> NpsResult:
    """Net Promoter Score of the 0–10 recommendation item with its adjusted-Wald CI.

    ``code`` defaults to the first of :data:`NPS_CODES` in the data.
    """
    options = AnalysisOptions(confidence=confidence, dont_know_code=dont_know_code)
    _, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    return nps_of(matrix, options, "nps", code)


def grades(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike = "kto",
    *,
    codes: Sequence[str] | None = None,
    confidence: float = 0.95,
    previous: Mapping[str, Number] | None = None,
    dont_know_code: float | None = None,
) -> GradesResult:
    """Report grades (1–10): mean, SD, n, CI, distribution, share ≥ 7 and ≤ 5, and the
    guideline norm per grade (``previous`` = last wave's mean per code, for the
    improvement rule). ``codes`` defaults to every grade item of the instrument present.
    """
    options = AnalysisOptions(confidence=confidence, dont_know_code=dont_know_code)
    ins, matrix = prepare(data, instrument, dont_know_code=dont_know_code)
    return grades_of(ins, matrix, options, "grades", codes, previous)
