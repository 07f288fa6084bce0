"""The research report of a stored wave: load, analyse, build, render.

This is the one use case behind ``gapsight report`` and the report page of the web
app. It reads everything a report needs and calls the analysis core for every number:

1. the wave (:func:`~gapsight.services.responses.load_wave`), restricted to the
   modules the study fielded, without empty questionnaires (they are counted as
   excluded in the response table);
2. its fieldwork counts (:func:`~gapsight.services.fieldwork.fieldwork_status`) and the
   reminders sent from the outbox;
3. the full analysis (:func:`~gapsight.analyst.analysis.analyze_matrix`) with the
   study's minimum group size, confidence and population;
4. breakdowns (:func:`~gapsight.analysis.breakdown.breakdown_matrix`) of the key
   respondent scores by every loaded characteristic and by the answers to every choice
   question, with the minimum group size and complementary suppression;
5. every earlier wave of the series (following ``previous_wave_id``), analysed the same
   way, for the trend table, the changes since the previous wave (Welch, Holm over the
   family) and the guideline norm (``≥ 7`` or ``+1.0`` point, see
   :class:`~gapsight.analysis.norm.NormRule`);
6. the recommendations people wrote (:mod:`gapsight.services.report_texts`) and their
   verdicts on gaps 2–4 (:mod:`gapsight.services.verdicts`);
7. the mirror, prediction and employee waves linked to the wave
   (:mod:`gapsight.services.wave_links`), compared with it for gaps 1, 6, 7 and the
   mirror gap (:mod:`gapsight.services.comparisons`);
8. the organisation's improvement actions (for the customer feedback report) and, when
   a provider is registered, the loop metrics (:mod:`gapsight.services.loop_metrics`).

Changes since the previous wave are **paired** t-tests when most respondents of the
wave also answered the previous one (their respondent keys match: at least half of the
current wave and at least the minimum group size), otherwise Welch tests on the two
waves as independent samples; the report says which and how many respondents matched.

:func:`report_inputs` returns all of that as a :class:`ReportInputs`;
:func:`build_report` turns it into the report model and :func:`render_report` into
bytes of the requested format. :class:`Timings` records where the time went (the
benchmark prints it).

Example::

    >>> # data = render_report(engine, study_id=2, fmt="pdf", lang="nl")
    >>> # Path("rapport.pdf").write_bytes(data)
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from gapsight.analysis.adjust import adjust_pvalues
from gapsight.analysis.breakdown import BreakdownTable, breakdown_matrix
from gapsight.analysis.change import MeanChange, mean_change, paired_mean_change
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.mirror import MirrorGaps
from gapsight.analysis.norm import NormCheck, NormRule, check_norm
from gapsight.analysis.nps import NpsChange, nps_change
from gapsight.analysis.result import Number, is_defined
from gapsight.analyst.analysis import Analysis, analyze_matrix
from gapsight.analyst.inputs import restrict_to_modules
from gapsight.analyst.options import AnalysisOptions
from gapsight.analyst.relations import scores_of
from gapsight.instruments.model import Instrument
from gapsight.reports.model import Report
from gapsight.services.comparisons import Group, compare
from gapsight.services.fieldwork import fieldwork_status
from gapsight.services.loop_metrics import LoopMetrics, loop_metrics_provider
from gapsight.services.responses import WaveData, load_wave
from gapsight.services.studies import StudyInfo
from gapsight.services.verdicts import RecordedVerdict
from gapsight.store.models import ImprovementAction, Invitation, Organisation, OutboxMessage

__all__ = [
    "FORMATS",
    "KINDS",
    "ActionRecord",
    "Fieldwork",
    "ReportInputs",
    "Timings",
    "WaveResult",
    "build_kind",
    "build_report",
    "key_scores",
    "render_report",
    "report_inputs",
]

Format = Literal["html", "pdf", "xlsx"]
FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx")

FloatVector = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Fieldwork:
    """The response counts of a wave (``in_sample`` 0: no sample stored)."""

    in_sample: int
    bounced: int
    started: int
    partial: int
    complete: int
    reminders_sent: int


@dataclass(frozen=True, eq=False)
class WaveResult:
    """One analysed wave: settings, the analysis (``None`` when fewer usable answers
    than the minimum group size) and the respondent scores."""

    study: StudyInfo
    n: int
    analysis: Analysis | None
    scores: Mapping[str, FloatVector]
    matrix: ResponseMatrix
    respondent_keys: tuple[str | None, ...] = ()
    """Per row of ``matrix`` the key that pairs a respondent across waves (``None``:
    anonymous); empty when unknown."""


@dataclass(frozen=True)
class ActionRecord:
    """An improvement action as the customer feedback report shows it ("we did")."""

    title: str
    status: str
    level: str
    due: str | None
    result: str | None


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """Everything :func:`gapsight.reports.contents.build` needs, all numbers computed.

    Attributes:
        organisation, sector: fill the questionnaire's ``{org}``/``{sector}``.
        instrument: the wave's instrument version.
        current: the wave reported on.
        history: earlier waves of the series, oldest first.
        fieldwork: response counts.
        loaded: breakdown of the key scores per loaded characteristic.
        by_answer: breakdown of the key scores per choice question (item code → table).
        changes: measure → change since the previous wave (Welch), with ``adjusted_p``
            (Holm over the family).
        nps_change: the NPS change, when both waves have an NPS.
        cvs_norm, grade_norms: the guideline norm per CVS and per report grade.
        norm_rule: the rule applied.
        recommendations: text written by people, ``None`` when not yet written.
        paired: measure → respondents matched for a paired change test (only the
            measures tested paired); ``matched`` respondents answered both waves.
        verdicts: recorded verdicts on gaps 2–4 by gap number.
        linked: the linked waves by kind (``mirror``, ``management_prediction``,
            ``staff_prediction``, ``employee``), analysed like the current one.
        comparisons: gap label (``mirror``, ``gap1``, ``gap6``, ``gap7``) → result;
            ``comparisons_missing``: label → why it is not there.
        actions: the organisation's improvement actions, newest first.
        loop: loop metrics from the registered provider, ``None`` without one.
    """

    organisation: str
    sector: str | None
    instrument: Instrument
    current: WaveResult
    history: tuple[WaveResult, ...]
    fieldwork: Fieldwork
    loaded: dict[str, BreakdownTable]
    by_answer: dict[str, BreakdownTable]
    changes: dict[str, MeanChange]
    adjusted_p: dict[str, Number]
    nps_change: NpsChange | None
    cvs_norm: NormCheck | None
    grade_norms: dict[str, NormCheck]
    norm_rule: NormRule
    recommendations: str | None
    matched: int = 0
    verdicts: dict[int, RecordedVerdict] = field(default_factory=dict)
    linked: dict[str, WaveResult] = field(default_factory=dict)
    comparisons: dict[str, MirrorGaps] = field(default_factory=dict)
    comparisons_missing: dict[str, str] = field(default_factory=dict)
    actions: tuple[ActionRecord, ...] = ()
    loop: LoopMetrics | None = None

    @property
    def paired(self) -> bool:
        """True when the changes since the previous wave were tested paired."""
        return any(c.method == "paired" for c in self.changes.values())


Mark = tuple[float, float]


@dataclass
class Timings:
    """Seconds spent per phase (``load``, ``analysis``, ``build``, ``render``): wall
    time in ``seconds`` and CPU time of this process in ``cpu`` (on a shared machine the
    two differ by the time spent waiting for a core)."""

    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @staticmethod
    def mark() -> Mark:
        """The current wall and CPU clocks, to pass to :meth:`add`."""
        return time.perf_counter(), time.process_time()

    def add(self, phase: str, started: Mark) -> None:
        """Add the time since ``started`` (:meth:`mark`) to ``phase``."""
        wall, cpu = started
        self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - wall
        self.cpu[phase] = self.cpu.get(phase, 0.0) + time.process_time() - cpu


def key_scores(scores: Mapping[str, FloatVector], matrix: ResponseMatrix) -> dict[str, Any]:
    """The respondent scores a breakdown and the trend show: CVS, NPS, the overall
    report grade and the SERVQUAL gap per dimension (those present)."""
    out: dict[str, Any] = {}
    for name in ("cvs", "nps"):
        if name in scores:
            out[name] = scores[name]
    if matrix.has("grade_overall"):
        out["grade_overall"] = matrix.column("grade_overall")
    out.update({k: v for k, v in scores.items() if k.startswith("gap.")})
    return out


def _options(study: StudyInfo) -> AnalysisOptions:
    return AnalysisOptions(
        min_group_size=study.min_group_size,
        confidence=study.confidence_level,
        population=study.population_size,
    )


def _usable(wave: WaveData) -> ResponseMatrix:
    """The wave's matrix without unfielded modules and without empty questionnaires."""
    matrix = restrict_to_modules(wave.matrix, wave.instrument, wave.study.modules)
    keep = wave.statuses != "started"
    return matrix if bool(keep.all()) else matrix.subset(keep)


def _analyse(wave: WaveData) -> WaveResult:
    matrix = _usable(wave)
    keep = wave.statuses != "started"
    keys = tuple(k for k, ok in zip(wave.respondent_keys, keep.tolist(), strict=True) if ok)
    options = _options(wave.study)
    if matrix.n < wave.study.min_group_size:
        return WaveResult(wave.study, matrix.n, None, {}, matrix, keys)
    analysis = analyze_matrix(matrix, wave.instrument, options)
    scores = scores_of(wave.instrument, matrix, options)
    return WaveResult(wave.study, matrix.n, analysis, scores, matrix, keys)


def matched_respondents(current: WaveResult, previous: WaveResult) -> int:
    """Respondents of ``current`` whose key also answered ``previous``."""
    before = {k for k in previous.respondent_keys if k is not None}
    return sum(1 for k in current.respondent_keys if k is not None and k in before)


def use_paired(current: WaveResult, previous: WaveResult) -> bool:
    """Paired tests when at least half of the current wave, and at least the minimum
    group size, also answered the previous wave (otherwise Welch on all answers)."""
    matched = matched_respondents(current, previous)
    if matched < max(current.study.min_group_size, 2) or 2 * matched < current.n:
        return False
    for w in (current, previous):
        keys = [k for k in w.respondent_keys if k is not None]
        if len(set(keys)) != len(keys):  # a respondent twice in one wave: not pairable
            return False
    return True


def choice_items(instrument: Instrument, matrix: ResponseMatrix) -> list[str]:
    """Choice questions answered in ``matrix`` that define groups (a question whose
    options are the instrument's dimensions ranks them and is left out)."""
    dims = {instrument.text(d.label, "en") for d in instrument.dimensions}
    out = []
    for item in instrument.items():
        scale = instrument.scale(item.scale)
        if scale.kind != "choice" or not matrix.has(item.code):
            continue
        options = {p.label.get("en") for p in scale.points}
        if dims and options <= dims:
            continue
        out.append(item.code)
    return out


def _answer_groups(instrument: Instrument, code: str, values: FloatVector, lang: str) -> Any:
    scale = instrument.scale(next(it.scale for it in instrument.items() if it.code == code))
    names = {float(p.value): p.label.get(lang) or str(p.value) for p in scale.points}
    return np.array(
        [None if math.isnan(v) else names.get(float(v), str(v)) for v in values.tolist()],
        dtype=object,
    )


def _breakdowns(
    instrument: Instrument, result: WaveResult, lang: str
) -> tuple[dict[str, BreakdownTable], dict[str, BreakdownTable]]:
    if result.analysis is None:
        return {}, {}
    m = result.matrix
    extra = key_scores(result.scores, m)
    opts = result.analysis.options
    loaded = {
        name: breakdown_matrix(
            m, name, [], extra=extra, min_n=opts.min_group_size, confidence=opts.confidence
        )
        for name in m.characteristics
    }
    by_answer = {}
    for code in choice_items(instrument, m):
        groups = _answer_groups(instrument, code, m.column(code), lang)
        with_answer = ResponseMatrix(
            codes=m.codes,
            values=m.values,
            dont_know=m.dont_know,
            characteristics={code: groups},
        )
        by_answer[code] = breakdown_matrix(
            with_answer,
            code,
            [],
            extra=extra,
            min_n=opts.min_group_size,
            confidence=opts.confidence,
        )
    return loaded, by_answer


def _changes(
    current: WaveResult, previous: WaveResult | None
) -> tuple[dict[str, MeanChange], dict[str, Number], NpsChange | None]:
    if previous is None or previous.analysis is None or current.analysis is None:
        return {}, {}, None
    now = key_scores(current.scores, current.matrix)
    before = key_scores(previous.scores, previous.matrix)
    now.pop("nps", None)
    conf = current.analysis.options.confidence
    paired = use_paired(current, previous)
    keys_now = _pair_keys(current, "c")
    keys_before = _pair_keys(previous, "p")

    def change(old: FloatVector, new: FloatVector) -> MeanChange:
        if paired:
            return paired_mean_change(old, new, keys_before, keys_now, confidence=conf)
        return mean_change(old, new, confidence=conf)

    changes: dict[str, MeanChange] = {}
    for name, values in now.items():
        if name in before:
            changes[name] = change(before[name], values)
    for g in current.analysis.grades.grades if current.analysis.grades else ():
        if g.code != "grade_overall" and previous.matrix.has(g.code):
            changes[g.code] = change(previous.matrix.column(g.code), current.matrix.column(g.code))
    adjusted = adjust_pvalues([c.p for c in changes.values()], "holm").adjusted
    npsc = None
    if current.analysis.nps is not None and previous.analysis.nps is not None:
        npsc = nps_change(previous.analysis.nps, current.analysis.nps)
    return changes, dict(zip(changes, adjusted, strict=True)), npsc


def _pair_keys(result: WaveResult, prefix: str) -> npt.NDArray[np.str_]:
    """Unique keys per row: the respondent key, or a key of its own for an anonymous
    row (so it never matches)."""
    return np.array(
        [
            f"k:{k}" if k is not None else f"{prefix}{i}"
            for i, k in enumerate(result.respondent_keys)
        ],
        dtype=np.str_,
    )


def _norms(
    current: WaveResult, previous: WaveResult | None, rule: NormRule
) -> tuple[NormCheck | None, dict[str, NormCheck]]:
    a = current.analysis
    if a is None:
        return None, {}
    p = previous.analysis if previous is not None else None
    cvs = None
    if a.cvs is not None:
        before: Number | None = p.cvs.score.mean if p is not None and p.cvs is not None else None
        cvs = check_norm(a.cvs.score.mean, before, rule=rule)
    grades: dict[str, NormCheck] = {}
    if a.grades is not None:
        prev = {g.code: g.estimate.mean for g in p.grades.grades} if p and p.grades else {}
        for g in a.grades.grades:
            grades[g.code] = check_norm(g.estimate.mean, prev.get(g.code), rule=rule)
    return cvs, grades


def _fieldwork(session: Session, study_id: int) -> Fieldwork:
    status = fieldwork_status(session, study_id)
    reminders = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
        .where(Invitation.wave_id == study_id, OutboxMessage.kind == "reminder")
    )
    return Fieldwork(
        in_sample=status.in_sample,
        bounced=status.bounced,
        started=status.started,
        partial=status.partial,
        complete=status.complete,
        reminders_sent=int(reminders or 0),
    )


def norm_rule_of(settings: Mapping[str, Any] | None) -> NormRule:
    """The organisation's norm rule: ``settings["norm_improvement"] == "relative"``
    chooses the relative +10 %; the default is +1.0 point."""
    if settings and settings.get("norm_improvement") == "relative":
        return NormRule(relative=True)
    return NormRule()


def report_inputs(
    engine: Engine,
    study_id: int,
    *,
    lang: str = "nl",
    timings: Timings | None = None,
) -> ReportInputs:
    """Load wave ``study_id`` and its series and compute every number of the report.

    ``KeyError`` for an unknown study. ``lang`` names the answer groups of the
    breakdowns by question.
    """
    from gapsight.services.report_texts import get_recommendations
    from gapsight.services.verdicts import get_verdicts
    from gapsight.services.wave_links import linked_waves

    t = timings or Timings()
    start = t.mark()
    waves: list[WaveData] = []
    with Session(engine) as session, session.begin():
        wave = load_wave(session, study_id)
        waves.append(wave)
        seen = {study_id}
        while waves[-1].study.previous_wave_id is not None:
            prev_id = waves[-1].study.previous_wave_id
            if prev_id in seen:
                break
            seen.add(prev_id)
            waves.append(load_wave(session, prev_id))
        org = session.get(Organisation, wave.study.organisation_id)
        fieldwork = _fieldwork(session, study_id)
        recommendations = get_recommendations(session, study_id)
        verdicts = get_verdicts(session, study_id)
        linked_data = {
            kind: load_wave(session, wid) for wid, kind in linked_waves(session, study_id).items()
        }
        actions = _actions(session, wave.study.organisation_id)
        provider = loop_metrics_provider()
        loop = provider(session, study_id) if provider is not None else None
        org_name = org.name if org is not None else ""
        sector = org.sector if org is not None else None
        rule = norm_rule_of(org.settings if org is not None else None)
    t.add("load", start)

    start = t.mark()
    results = [_analyse(w) for w in waves]
    current, history = results[0], tuple(reversed(results[1:]))
    previous = results[1] if len(results) > 1 else None
    loaded, by_answer = _breakdowns(wave.instrument, current, lang)
    changes, adjusted, npsc = _changes(current, previous)
    cvs_norm, grade_norms = _norms(current, previous, rule)
    linked = {kind: _analyse(w) for kind, w in linked_data.items()}
    groups = {k: Group(r.matrix, r.study.min_group_size) for k, r in linked.items()}
    if wave.study.kind == "customer":
        groups["customer"] = Group(current.matrix, current.study.min_group_size)
    comparisons, missing = compare(wave.instrument, groups, confidence=wave.study.confidence_level)
    matched = matched_respondents(current, previous) if previous is not None else 0
    t.add("analysis", start)
    return ReportInputs(
        organisation=org_name,
        sector=sector,
        instrument=wave.instrument,
        current=current,
        history=history,
        fieldwork=fieldwork,
        loaded=loaded,
        by_answer=by_answer,
        changes=changes,
        adjusted_p=adjusted,
        nps_change=npsc,
        cvs_norm=cvs_norm,
        grade_norms=grade_norms,
        norm_rule=rule,
        recommendations=recommendations,
        matched=matched,
        verdicts=verdicts,
        linked=linked,
        comparisons=comparisons,
        comparisons_missing=missing,
        actions=actions,
        loop=loop,
    )


def _actions(session: Session, organisation_id: int) -> tuple[ActionRecord, ...]:
    """The organisation's improvement actions that are done or under way, newest
    first (cancelled ones and plans not yet started are not "what we did")."""
    rows = session.scalars(
        select(ImprovementAction)
        .where(
            ImprovementAction.organisation_id == organisation_id,
            ImprovementAction.status.in_(("do", "check", "act", "done")),
        )
        .order_by(ImprovementAction.updated_at.desc(), ImprovementAction.id.desc())
    )
    return tuple(
        ActionRecord(
            title=a.title,
            status=a.status,
            level=a.level,
            due=a.due.isoformat() if a.due is not None else None,
            result=a.check_result,
        )
        for a in rows
    )


KINDS: tuple[str, ...] = (
    "research",
    "customer-feedback",
    "employee-feedback",
    "management",
    "summary",
)
"""``research``: the full research report; ``customer-feedback`` and
``employee-feedback``: the short feedback reports (:mod:`gapsight.reports.feedback`);
``management`` (alias ``summary``): the management summary."""


def build_report(
    engine: Engine,
    study_id: int,
    *,
    lang: str = "nl",
    kind: str = "research",
    timings: Timings | None = None,
) -> Report:
    """The report model of wave ``study_id`` in ``lang``; ``kind`` one of :data:`KINDS`."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    t = timings or Timings()
    inputs = report_inputs(engine, study_id, lang=lang, timings=t)
    start = t.mark()
    report = build_kind(inputs, lang, kind)
    t.add("build", start)
    return report


def build_kind(inputs: ReportInputs, lang: str, kind: str) -> Report:
    """The report model of ``kind`` (:data:`KINDS`) from computed ``inputs``."""
    from gapsight.reports.contents import build
    from gapsight.reports.feedback import build_customer_feedback, build_employee_feedback
    from gapsight.reports.summary import build_summary

    if kind == "research":
        return build(inputs, lang)
    if kind == "customer-feedback":
        return build_customer_feedback(inputs, lang)
    if kind == "employee-feedback":
        return build_employee_feedback(inputs, lang)
    if kind in ("management", "summary"):
        return build_summary(inputs, lang)
    raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")


def render_report(
    engine: Engine,
    study_id: int,
    *,
    fmt: str = "pdf",
    lang: str = "nl",
    kind: str = "research",
    timings: Timings | None = None,
) -> bytes:
    """The report (``kind``: :data:`KINDS`) of wave ``study_id`` as ``html`` (UTF-8),
    ``pdf`` or ``xlsx`` bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    t = timings or Timings()
    report = build_report(engine, study_id, lang=lang, kind=kind, timings=t)
    start = t.mark()
    data = render(report, fmt)
    t.add("render", start)
    return data


def render(report: Report, fmt: str) -> bytes:
    """``report`` in format ``fmt``."""
    if fmt == "html":
        from gapsight.reports.html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        from gapsight.reports.pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from gapsight.reports.workbook import render_xlsx

        return render_xlsx(report)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")


def is_number(value: Number | None) -> bool:
    """True for a defined, finite number."""
    return value is not None and is_defined(value) and math.isfinite(float(value))
