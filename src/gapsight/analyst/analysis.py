"""Everything that applies to one wave, in one call: :func:`analyze`.

Which analyses apply is read from the instrument and the columns present:

========================  ===============================================================
section                   computed when
========================  ===============================================================
descriptives              always (every numeric item present)
servqual                  the instrument pairs expectation and perception items
reliability               the instrument has scales of ≥ 2 items (SERVQUAL: E and P per
                          dimension and both full scales)
cvs                       the three CVS items are present
nps                       a recommendation item is present (:data:`NPS_CODES`)
grades                    report-grade items (1–10) are present
drivers                   SERVQUAL perceptions with the overall grade (or CVS), or KTO
                          grades with the CVS (:func:`~gapsight.analyst.relations.default_drivers`)
importance_performance    SERVQUAL with importance points (stated) or with drivers (derived)
breakdowns                ``by`` names characteristics
========================  ===============================================================

A section that does not apply is ``None`` and :attr:`Analysis.skipped` says why, so a
report never shows an empty table without a reason.

Example::

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"cvs_satisfaction": [8, 7, 9], "cvs_loyalty": [7, 8, 9],
    ...                       "cvs_recommend": [9, 6, 10]})
    >>> a = analyze(frame, "cvs", min_group_size=3)
    >>> a.n, round(a.cvs.score.mean, 2), a.nps.score, a.skipped["grades"]
    (3, 8.11, 33.33333333333333, 'no report-grade (1-10) items in the data')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from gapsight.analysis.breakdown import BreakdownTable
from gapsight.analysis.cvs import CVS_CODES, CvsResult
from gapsight.analysis.descriptives import Descriptives
from gapsight.analysis.drivers import KeyDrivers
from gapsight.analysis.grades import GradesResult
from gapsight.analysis.importance import ImportancePerformance
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.nps import NpsResult
from gapsight.analysis.precision import MarginOfError, margin_of_error_proportion
from gapsight.analysis.reliability import ReliabilityTable
from gapsight.analysis.result import AnalysisWarning
from gapsight.analysis.servqual import Servperf, ServqualResult
from gapsight.analyst.comparisons import ipa_of
from gapsight.analyst.functions import (
    NPS_CODES,
    cvs_of,
    descriptives_of,
    grade_codes,
    grades_of,
    layout_of,
    nps_code,
    nps_of,
    prepare,
    reliability_of,
    servperf_of,
    servqual_of,
    servqual_status,
)
from gapsight.analyst.inputs import InstrumentLike
from gapsight.analyst.options import AnalysisOptions
from gapsight.analyst.relations import breakdown_of, default_drivers, drivers_of, scores_of
from gapsight.instruments import Instrument

if TYPE_CHECKING:
    import pandas as pd

    from gapsight.analyst.scores import FloatVector

T = TypeVar("T")

__all__ = ["Analysis", "analyze", "analyze_matrix"]


@dataclass(frozen=True)
class Analysis:
    """The full analysis of one wave.

    Attributes:
        instrument: the instrument analysed (combined when several were given).
        n: respondents in the data.
        options: the options used.
        descriptives: per item n, mean, SD, min, max, distribution, don't know.
        precision: worst-case margin of error of a percentage for ``n`` respondents
            (with the finite population correction when ``options.population`` is set).
        servqual: gaps in both aggregations with item tests, weighted score and zone
            of tolerance when their columns are present.
        servperf: the perception part alone (also when the wave has no expectations).
        reliability: alpha and item statistics of every multi-item scale.
        cvs, nps, grades: ``None`` when the wave has no such items (see ``skipped``).
        nps_item: the recommendation item the NPS was computed from (``cvs_recommend``,
            ``enps`` for employees, ``evt_recommend``).
        drivers: key-driver analyses (Pearson r and LMG), possibly none.
        importance_performance: the SERVQUAL dimensions in the importance–performance
            matrix (stated weights, else derived LMG importance), when available.
        breakdowns: per characteristic of ``by``, every item and derived score.
        skipped: section name → why it was not computed.
        warnings: findings a reader should know about (low alpha …).
    """

    instrument: Instrument
    n: int
    options: AnalysisOptions
    descriptives: Descriptives
    precision: MarginOfError
    servqual: ServqualResult | None = None
    servperf: Servperf | None = None
    reliability: ReliabilityTable | None = None
    cvs: CvsResult | None = None
    nps: NpsResult | None = None
    nps_item: str | None = None
    grades: GradesResult | None = None
    drivers: tuple[KeyDrivers, ...] = ()
    importance_performance: ImportancePerformance | None = None
    breakdowns: dict[str, BreakdownTable] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: tuple[AnalysisWarning, ...] = ()

    def to_document(self, *, source: str | None = None) -> dict[str, Any]:
        """The JSON-able document of ``docs/analysis-json.md``."""
        from gapsight.services.analysis_document import build_document

        return build_document(self, source=source)


def analyze(
    data: pd.DataFrame | ResponseMatrix,
    instrument: InstrumentLike,
    *,
    by: Sequence[str] = (),
    previous: Analysis | None = None,
    options: AnalysisOptions | None = None,
    **option_values: Any,
) -> Analysis:
    """Every analysis that applies to ``data`` answered on ``instrument``.

    Args:
        data: wide DataFrame (columns = item codes) or a response matrix.
        instrument: id (``"servqual22"``), :class:`Instrument`, or several ids of a
            combined questionnaire (``["servqual22", "kto"]``).
        by: characteristic columns to break every statistic down by.
        previous: the analysis of the previous wave of the same series; its CVS and
            report grades feed the norm's improvement rule (+1.0 point, or +10 % with
            ``norm_relative=True``). Without it only the level rule (≥ 7) can be met.
        options: an :class:`AnalysisOptions`; or give its fields as keywords
            (``adjust="bh"``, ``confidence=0.9`` …).

    Example (the CVS rose from 5.67 to 6.67: below 7, but +1.0 point)::

        >>> import pandas as pd
        >>> small = {"min_group_size": 3}
        >>> before = analyze(pd.DataFrame({c: [5, 6, 6] for c in CVS_CODES}), "cvs", **small)
        >>> after = analyze(pd.DataFrame({c: [7, 6, 7] for c in CVS_CODES}), "cvs",
        ...                 previous=before, **small)
        >>> round(after.cvs.score.mean, 2), after.cvs.norm.met, after.cvs.norm.rule_applied
        (6.67, True, 'improvement_points')
    """
    if options is not None and option_values:
        raise TypeError("give either options= or option keywords, not both")
    opts = options or AnalysisOptions(**option_values)
    ins, matrix = prepare(data, instrument, dont_know_code=opts.dont_know_code, by=by)
    return analyze_matrix(matrix, ins, opts, by=by, previous=previous)


def analyze_matrix(
    matrix: ResponseMatrix,
    instrument: Instrument,
    options: AnalysisOptions,
    *,
    by: Sequence[str] = (),
    previous: Analysis | None = None,
) -> Analysis:
    """:func:`analyze` on a checked matrix (what a service loading a stored wave calls).

    ``by`` names characteristics of ``matrix`` to break down by; ``previous`` is the
    previous wave's analysis for the norm's improvement rule. The minimum group size
    applies to the n behind every displayed number (``analysis.md``): a wave smaller
    than ``options.min_group_size`` shows only its count, and an item answered by fewer
    respondents is treated as unanswered everywhere, with an ``item_withheld`` warning
    naming it (on every instrument; employee surveys are always under this rule).
    """
    if matrix.n < options.min_group_size:
        return _withheld(matrix, instrument, options, by)
    skipped: dict[str, str] = {}
    warnings: list[AnalysisWarning] = []
    if options.min_group_size > 1:
        matrix, small = _withhold_small_items(matrix, options.min_group_size)
        warnings.extend(
            AnalysisWarning(
                "item_withheld",
                f"item {code}: fewer than {options.min_group_size} answers: withheld to "
                "protect anonymity",
                code,
            )
            for code in small
        )

    with _Background(matrix.n) as background:
        # descriptives and breakdowns (≈ 45 % of the work on a large wave) run beside
        # the rest; NumPy releases the GIL in its loops, so two cores both work
        descriptives = background.submit(descriptives_of, instrument, matrix)
        scores = scores_of(instrument, matrix, options)  # once, for drivers and breakdowns
        pending = {
            name: background.submit(breakdown_of, instrument, matrix, name, options, scores=scores)
            for name in by
        }
        return _sections(
            matrix, instrument, options, scores, skipped, warnings, previous, descriptives, pending
        )


def _sections(
    matrix: ResponseMatrix,
    instrument: Instrument,
    options: AnalysisOptions,
    scores: dict[str, FloatVector],
    skipped: dict[str, str],
    warnings: list[AnalysisWarning],
    previous: Analysis | None,
    descriptives: Future[Descriptives],
    pending: Mapping[str, Future[BreakdownTable]],
) -> Analysis:
    """The sections of :func:`analyze_matrix` computed here, joined with the
    descriptives and breakdowns computed beside them."""
    servqual: ServqualResult | None = None
    servperf: Servperf | None = None
    layout = layout_of(instrument)
    status = "absent" if layout is None else servqual_status(layout, matrix)
    if layout is not None and status == "full":
        servqual = servqual_of(layout, matrix, options)
        servperf = servperf_of(layout, matrix, options)
        warnings.extend(servqual.warnings)
        if servqual.weighted is None and layout.weights is not None:
            have = [c for c in layout.weights.values() if matrix.has(c)]
            if have:
                missing = ", ".join(c for c in layout.weights.values() if not matrix.has(c))
                skipped["weighted"] = f"importance points incomplete; not in the data: {missing}"
    elif layout is not None and status == "perceptions":
        servperf = servperf_of(layout, matrix, options)
        skipped["servqual"] = "no expectation items in the data (perceptions only: SERVPERF)"
    elif layout is not None and status == "expectations":
        skipped["servqual"] = (
            "expectations only (a prediction wave): compare it with the customer wave "
            "with gapsight.mirror_gaps for gap 1"
        )
        skipped["servperf"] = "no perception items in the data"
    else:
        skipped["servqual"] = "no SERVQUAL expectation/perception items in the data"
        skipped["servperf"] = "no SERVQUAL perception items in the data"

    reliability: ReliabilityTable | None = reliability_of(instrument, matrix, options)
    if reliability is not None and reliability.scales:
        warnings.extend(reliability.warnings)
    else:
        reliability = None
        skipped["reliability"] = "no multi-item scale in the data"

    cvs: CvsResult | None = None
    present = [c for c in CVS_CODES if matrix.has(c)]
    if len(present) == len(CVS_CODES):
        before = previous.cvs.score.mean if previous and previous.cvs else None
        cvs = cvs_of(matrix, options, "cvs", previous=before)
    elif present:
        missing = ", ".join(c for c in CVS_CODES if not matrix.has(c))
        skipped["cvs"] = f"the CVS needs all three items; not in the data: {missing}"
    else:
        skipped["cvs"] = "no CVS items in the data"

    nps: NpsResult | None = None
    if nps_code(matrix) is not None:
        nps = nps_of(matrix, options, "nps")
    else:
        skipped["nps"] = f"no recommendation item ({', '.join(NPS_CODES)}) in the data"

    grades: GradesResult | None = None
    if grade_codes(instrument, matrix):
        earlier = (
            {g.code: g.estimate.mean for g in previous.grades.grades}
            if previous and previous.grades
            else None
        )
        grades = grades_of(instrument, matrix, options, "grades", previous=earlier)
    else:
        skipped["grades"] = "no report-grade (1-10) items in the data"

    drivers = tuple(
        drivers_of(instrument, matrix, outcome, names, options, scores=scores)
        for outcome, names in default_drivers(instrument, matrix, scores)
    )
    if not drivers:
        skipped["drivers"] = "no outcome (overall grade or CVS) with drivers in the data"
    ipa: ImportancePerformance | None = None
    if servqual is not None:
        ipa = ipa_of(instrument, matrix, options, servqual)
    if ipa is None:
        skipped["importance_performance"] = (
            "needs SERVQUAL with importance points, or an overall grade or CVS to derive "
            "importance from"
        )
    return Analysis(
        instrument=instrument,
        n=matrix.n,
        options=options,
        descriptives=descriptives.result(),
        precision=margin_of_error_proportion(
            matrix.n, population=options.population, confidence=options.confidence
        ),
        servqual=servqual,
        servperf=servperf,
        reliability=reliability,
        cvs=cvs,
        nps=nps,
        nps_item=nps_code(matrix),
        grades=grades,
        drivers=drivers,
        importance_performance=ipa,
        breakdowns={name: job.result() for name, job in pending.items()},
        skipped=skipped,
        warnings=tuple(warnings),
    )


PARALLEL_FROM = 20_000
"""Waves with at least this many respondents compute descriptives and breakdowns in a
second thread (below it, starting a thread costs more than it saves)."""


class _Background:
    """A one-thread executor for large waves, or in-line execution for small ones.

    ``submit`` returns a :class:`~concurrent.futures.Future` either way; an exception
    in the job is raised by its ``result()``. On leaving the block, jobs still
    running are waited for (an error elsewhere never leaves a thread behind)."""

    def __init__(self, n: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1) if n >= PARALLEL_FROM else None

    def __enter__(self) -> _Background:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._pool is not None:
            return self._pool.submit(fn, *args, **kwargs)
        done: Future[T] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except Exception as exc:  # delivered by result(), as a thread would
            done.set_exception(exc)
        return done


SECTIONS = (
    "servqual",
    "servperf",
    "reliability",
    "cvs",
    "nps",
    "grades",
    "drivers",
    "importance_performance",
)
"""Sections :func:`analyze_matrix` may compute (names as in ``Analysis.skipped``)."""


def _withhold_small_items(
    matrix: ResponseMatrix, min_n: int
) -> tuple[ResponseMatrix, tuple[str, ...]]:
    """``matrix`` with every item answered by 1 to ``min_n − 1`` respondents set to
    unanswered (a copy; ``matrix`` is unchanged), and the codes of those items. Every
    statistic computed afterwards (descriptives, SERVQUAL, reliability, eNPS, grades,
    breakdowns) then treats the item as having no answers."""
    valid = np.count_nonzero(~np.isnan(matrix.values), axis=0)
    small = (valid > 0) & (valid < min_n)
    if not small.any():
        return matrix, ()
    values = matrix.values.copy()
    values[:, small] = np.nan
    codes = tuple(c for c, s in zip(matrix.codes, small, strict=True) if s)
    return replace(matrix, values=values), codes


def _withheld(
    matrix: ResponseMatrix, instrument: Instrument, options: AnalysisOptions, by: Sequence[str]
) -> Analysis:
    """An analysis that shows nothing but the count: fewer respondents than the minimum
    group size (``analysis.md``: the threshold applies to the n behind every displayed
    number; employee surveys are always under this rule). Descriptives are computed on
    zero rows, so every item reads "undefined" instead of a small group's answers."""
    reason = (
        f"withheld: only {matrix.n} respondent(s), results need at least "
        f"{options.min_group_size} (the minimum group size) so that no one's answers "
        "can be read from them"
    )
    skipped = dict.fromkeys(SECTIONS, reason)
    if by:
        skipped["breakdowns"] = reason
    nobody = matrix.subset(np.zeros(matrix.n, dtype=bool))
    return Analysis(
        instrument=instrument,
        n=matrix.n,
        options=options,
        descriptives=descriptives_of(instrument, nobody),
        precision=margin_of_error_proportion(
            matrix.n, population=options.population, confidence=options.confidence
        ),
        skipped=skipped,
    )
