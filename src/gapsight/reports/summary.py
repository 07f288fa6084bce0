"""The management summary: the few numbers that matter, on two pages.

Built from the same :class:`~gapsight.services.reporting.ReportInputs` as the research
report (so every number is the same), for a board member who reads one page:

1. the key numbers — overall SERVQUAL gap, CVS, NPS and the overall report grade with
   their confidence intervals, the previous wave's value and the guideline norm;
2. the conclusions of the research report (generated from the numbers);
3. the three largest gaps, with significance after adjustment;
4. the trend over the waves of the series;
5. follow-up: the loop metrics (flagged promoters and detractors, closed, closed on
   time, overdue) when a provider is registered
   (:mod:`gapsight.services.loop_metrics`); otherwise it says plainly they are missing.
"""

from __future__ import annotations

import datetime as dt

from gapsight.analysis.result import Number, frame_value, is_defined
from gapsight.reports import contents as c
from gapsight.reports.labels import Lang, label
from gapsight.reports.model import Block, Cell, Num, Paragraph, Report, Section, Table
from gapsight.services.reporting import ReportInputs

__all__ = ["build_summary"]


def _previous(inputs: ReportInputs, name: str) -> Number | None:
    if not inputs.history or inputs.history[-1].analysis is None:
        return None
    p = inputs.history[-1].analysis
    if name == "overall_gap" and p.servqual is not None:
        return p.servqual.overall.gap
    if name == "cvs" and p.cvs is not None:
        return p.cvs.score.mean
    if name == "nps" and p.nps is not None:
        return p.nps.score
    if name == "grade_overall" and p.grades is not None:
        return next((g.estimate.mean for g in p.grades.grades if g.code == name), None)
    return None


def _numbers(inputs: ReportInputs, lang: Lang) -> list[Block]:
    a = inputs.current.analysis
    if a is None:
        return [c._missing_results(inputs.current, lang)]
    rows: list[tuple[Cell, ...]] = []
    if a.servqual is not None:
        o = a.servqual.overall
        prev = _previous(inputs, "overall_gap")
        rows.append(
            (
                label("measure.overall_gap", lang),
                c._num(o.gap, 2, signed=True),
                None,
                c._num(prev, 2, signed=True) if prev is not None else None,
                None,
            )
        )
    if a.cvs is not None:
        s = a.cvs.score
        prev = _previous(inputs, "cvs")
        rows.append(
            (
                label("measure.cvs", lang),
                c._num(s.mean, 1),
                c._ci(s.ci_low, s.ci_high, lang, 1),
                c._num(prev, 1) if prev is not None else None,
                c._norm_verdict(inputs.cvs_norm, lang) if inputs.cvs_norm else None,
            )
        )
    if a.nps is not None:
        prev = _previous(inputs, "nps")
        rows.append(
            (
                label("measure.nps", lang),
                c._num(a.nps.score, 0),
                c._ci(a.nps.ci_low, a.nps.ci_high, lang, 0),
                c._num(prev, 0) if prev is not None else None,
                None,
            )
        )
    if a.grades is not None:
        for g in a.grades.grades:
            if g.code == "grade_overall":
                prev = _previous(inputs, g.code)
                norm = inputs.grade_norms.get(g.code)
                rows.append(
                    (
                        c.measure_label(g.code, inputs.instrument, lang),
                        c._num(g.estimate.mean, 1),
                        c._ci(g.estimate.ci_low, g.estimate.ci_high, lang, 1),
                        c._num(prev, 1) if prev is not None else None,
                        c._norm_verdict(norm, lang) if norm else None,
                    )
                )
    cols = (
        label("col.measure", lang),
        label("col.value", lang),
        f"{label('col.ci', lang)} {c._level(a.options.confidence, lang)}",
        label("col.previous", lang),
        label("col.norm", lang),
    )
    return [Table("summary.numbers", label("summary.numbers", lang), cols, tuple(rows))]


def _gaps(inputs: ReportInputs, lang: Lang) -> list[Block]:
    a = inputs.current.analysis
    if a is None or a.servqual is None:
        return [Paragraph(label("missing.servqual", lang), style="missing")]
    sq = a.servqual
    worst = sorted(
        (it for it in sq.items if is_defined(it.gap)), key=lambda it: frame_value(it.gap)
    )[:3]
    rows: list[tuple[Cell, ...]] = [
        (
            c._item_text(
                inputs.instrument, it.perception_code, lang, inputs.organisation, inputs.sector
            ),
            c.dimension_label(inputs.instrument, it.dimension, lang),
            c._num(
                it.gap,
                signed=True,
                mark="*" if c._significant(it.p_adjusted, sq.confidence) else "",
            ),
        )
        for it in worst
    ]
    cols = (label("col.item", lang), label("col.dimension", lang), label("col.gap", lang))
    method = label(f"method.adjust.{sq.adjustment}", lang)
    level = f"α = {c._fmt(1 - sq.confidence, lang, 2)}"
    note = label("note.significance", lang, level=level, method=method)
    return [Table("summary.gaps", label("summary.gaps", lang), cols, tuple(rows), (note,))]


def _followup(inputs: ReportInputs, lang: Lang) -> list[Block]:
    loop = inputs.loop
    if loop is None:
        return [Paragraph(label("summary.followup_missing", lang), style="missing")]
    share = loop.share_on_time
    rows: list[tuple[Cell, ...]] = [
        (label("summary.loop.flagged", lang), loop.flagged, None),
        (label("summary.loop.closed", lang), loop.closed, None),
        (
            label("summary.loop.on_time", lang),
            loop.on_time,
            Num(share, 0, percent=True) if share is not None else None,
        ),
        (label("summary.loop.overdue", lang), loop.overdue, None),
    ]
    cols = (label("col.measure", lang), label("col.n", lang), label("col.share", lang))
    return [Table("summary.loop", label("summary.loop", lang), cols, tuple(rows))]


def build_summary(inputs: ReportInputs, lang: str, *, today: dt.date | None = None) -> Report:
    """The management summary of ``inputs`` in ``lang`` (``nl`` or ``en``)."""
    lg = c._lang(lang)
    conclusions = c.conclusions_section(inputs, lg)
    trend = c.trend_section(inputs, lg)
    day = today or dt.date.today()
    sections = (
        Section("numbers", label("summary.numbers", lg), tuple(_numbers(inputs, lg))),
        conclusions,
        Section("gaps", label("summary.gaps", lg), tuple(_gaps(inputs, lg))),
        trend,
        Section(
            "followup",
            label("summary.followup", lg),
            (*_followup(inputs, lg), Paragraph(label("summary.more", lg), style="note")),
        ),
    )
    return Report(
        lang=lg,
        title=label("summary.title", lg),
        subtitle=inputs.current.study.name,
        organisation=inputs.organisation,
        generated=label("report.generated", lg, date=c._date(day, lg)),
        sections=sections,
        compact=True,
        facts=c.report_facts(inputs),
    )
