"""Feedback reports: short, aggregated versions of a wave's results for the people who
took part (``reports.md``, criterion P3.cvs.feedback).

- :func:`build_customer_feedback` — for customers: what they said (the CVS, the NPS,
  the overall grade, what is best and what falls short) and what the organisation did
  with it: the improvement actions under way or done ("you said, we did").
- :func:`build_employee_feedback` — for employees: the customers' results (CVS, KTO
  report grades), the employee survey (MTO) of the linked employee wave, and the
  mirror survey (how well staff judge what customers think).

Both are built from the same :class:`~gapsight.services.reporting.ReportInputs` as the
research report, so every number equals the research report's. **No individual can
be identified**: there are no breakdowns at all; a group smaller than its wave's minimum
group size is not shown (the analysis core withholds the wave, and an item answered by
fewer people than the minimum is printed as ``•``); the mirror comparison is only made
when both groups reach the minimum (:mod:`gapsight.services.comparisons`).
"""

from __future__ import annotations

import datetime as dt

from gapsight.analysis.result import frame_value, is_defined
from gapsight.reports import contents as c
from gapsight.reports.labels import Lang, label
from gapsight.reports.model import SUPPRESSED, Block, Cell, Paragraph, Report, Section, Table
from gapsight.services.reporting import ReportInputs, WaveResult

__all__ = ["build_customer_feedback", "build_employee_feedback"]


def _withheld(result: WaveResult | None, lang: Lang, what: str) -> Paragraph | None:
    """The reason ``result`` is not shown, ``None`` when it can be."""
    if result is None:
        return Paragraph(label(f"feedback.no_{what}", lang), style="missing")
    if result.analysis is None:
        if result.n == 0:
            return Paragraph(label("missing.no_responses", lang), style="missing")
        return Paragraph(
            label("feedback.too_few", lang, min_n=result.study.min_group_size), style="missing"
        )
    return None


def _key_numbers(inputs: ReportInputs, lang: Lang) -> list[Block]:
    a = inputs.current.analysis
    if a is None:
        return []
    prev = inputs.history[-1].analysis if inputs.history else None
    rows: list[tuple[Cell, ...]] = []
    if a.cvs is not None:
        before = prev.cvs.score.mean if prev is not None and prev.cvs is not None else None
        rows.append(
            (
                label("measure.cvs", lang),
                c._num(a.cvs.score.mean, 1),
                c._num(before, 1) if before is not None else None,
            )
        )
    if a.nps is not None:
        before = prev.nps.score if prev is not None and prev.nps is not None else None
        rows.append(
            (
                label("measure.nps", lang),
                c._num(a.nps.score, 0),
                c._num(before, 0) if before is not None else None,
            )
        )
    if a.grades is not None:
        pg = {g.code: g.estimate.mean for g in prev.grades.grades} if prev and prev.grades else {}
        for g in a.grades.grades:
            rows.append(
                (
                    c.measure_label(g.code, inputs.instrument, lang),
                    c._num(g.estimate.mean, 1),
                    c._num(pg[g.code], 1) if g.code in pg else None,
                )
            )
    if not rows:
        return []
    previous = inputs.history[-1].study.name if inputs.history else label("col.previous", lang)
    cols = (label("col.measure", lang), inputs.current.study.name, previous)
    return [Table("feedback.numbers", label("feedback.numbers", lang), cols, tuple(rows))]


def _strengths(inputs: ReportInputs, lang: Lang) -> list[Block]:
    """The best and weakest dimension and the three largest shortfalls, in words."""
    a = inputs.current.analysis
    if a is None or a.servqual is None:
        return []
    sq = a.servqual
    ins = inputs.instrument
    out: list[str] = []
    dims = [d for d in sq.chosen.dimensions if is_defined(d.gap)]
    if dims:
        best = max(dims, key=lambda d: frame_value(d.gap))
        worst = min(dims, key=lambda d: frame_value(d.gap))
        out.append(
            label("feedback.best", lang, dimension=c.dimension_label(ins, best.dimension, lang))
        )
        out.append(
            label("feedback.worst", lang, dimension=c.dimension_label(ins, worst.dimension, lang))
        )
    short = sorted(
        (it for it in sq.items if is_defined(it.gap) and frame_value(it.gap) < 0),
        key=lambda it: frame_value(it.gap),
    )[:3]
    items = tuple(
        c._item_text(ins, it.perception_code, lang, inputs.organisation, inputs.sector)
        for it in short
    )
    blocks: list[Block] = [Paragraph("", tuple(out))] if out else []
    if items:
        blocks.append(Paragraph(label("feedback.shortfalls", lang), items))
    return blocks


def _actions(inputs: ReportInputs, lang: Lang) -> list[Block]:
    if not inputs.actions:
        return [Paragraph(label("feedback.no_actions", lang), style="missing")]
    rows: list[tuple[Cell, ...]] = [
        (
            a.title,
            label("feedback.action.done" if a.status == "done" else "feedback.action.doing", lang),
            a.result or None,
        )
        for a in inputs.actions
    ]
    cols = (label("col.action", lang), label("col.status", lang), label("col.result", lang))
    return [Table("feedback.actions", label("feedback.actions", lang), cols, tuple(rows))]


def _report(inputs: ReportInputs, lang: Lang, title: str, sections: list[Section]) -> Report:
    full_day = dt.date.today()
    return Report(
        lang=lang,
        title=title,
        subtitle=inputs.current.study.name,
        organisation=inputs.organisation,
        generated=label("report.generated", lang, date=c._date(full_day, lang)),
        sections=tuple(sections),
        compact=True,
    )


def build_customer_feedback(inputs: ReportInputs, lang: str) -> Report:
    """The customer feedback report ("you said, we did") of ``inputs`` in ``lang``."""
    lg = c._lang(lang)
    cur = inputs.current
    intro = Paragraph(
        label("feedback.customer.intro", lg, n=cur.n, organisation=inputs.organisation)
    )
    said: list[Block] = [intro]
    missing = _withheld(cur, lg, "wave")
    if missing is not None:
        said.append(missing)
    else:
        said += _key_numbers(inputs, lg) + _strengths(inputs, lg)
    sections = [
        Section("said", label("feedback.said", lg), tuple(said)),
        Section("did", label("feedback.did", lg), tuple(_actions(inputs, lg))),
        Section(
            "next",
            label("feedback.next", lg),
            (Paragraph(label("feedback.customer.thanks", lg)),),
        ),
    ]
    return _report(inputs, lg, label("feedback.customer.title", lg), sections)


def _mto(inputs: ReportInputs, lang: Lang) -> list[Block]:
    emp = inputs.linked.get("employee")
    missing = _withheld(emp, lang, "employee")
    if missing is not None or emp is None or emp.analysis is None:
        return [missing] if missing is not None else []
    a = emp.analysis
    ins = emp.analysis.instrument
    min_n = emp.study.min_group_size
    rows: list[tuple[Cell, ...]] = []
    for d in a.descriptives.items:
        item = next((i for i in ins.items() if i.code == d.code), None)
        if item is None or not ins.scale_of(d.code).numeric:
            continue
        text = ins.text(item.text, lang, org=inputs.organisation or "{org}", sector="")
        small = d.n < min_n
        rows.append(
            (
                text,
                SUPPRESSED if small else d.n,
                SUPPRESSED if small else c._num(d.mean, 1),
            )
        )
    cols = (label("col.item", lang), label("col.n", lang), label("col.mean", lang))
    notes = (label("feedback.suppressed", lang, min_n=min_n),)
    blocks: list[Block] = [
        Paragraph(label("feedback.employee.mto_intro", lang, n=emp.n, name=emp.study.name)),
        Table("feedback.mto", label("feedback.mto_items", lang), cols, tuple(rows), notes),
    ]
    if a.nps is not None:
        blocks.append(
            Paragraph(
                label(
                    "feedback.enps",
                    lang,
                    score=c._fmt(a.nps.score, lang, 0),
                    low=c._fmt(a.nps.ci_low, lang, 0),
                    high=c._fmt(a.nps.ci_high, lang, 0),
                )
            )
        )
    return blocks


def _mirror(inputs: ReportInputs, lang: Lang) -> list[Block]:
    from gapsight.reports.gaps import dimension_name, mirror_conclusion

    gaps = inputs.comparisons.get("mirror")
    if gaps is None:
        reason = inputs.comparisons_missing.get("mirror", "no_wave")
        key = "feedback.too_few_mirror" if reason == "too_few" else "feedback.no_mirror"
        return [Paragraph(label(key, lang), style="missing")]
    rows: list[tuple[Cell, ...]] = []
    for d in gaps.dimensions:
        part = d.dimension.rpartition(".")[0]
        if part not in ("", "perception"):
            continue
        rows.append(
            (
                dimension_name(inputs, d.dimension, lang),
                c._num(d.reference_mean, 1),
                c._num(d.comparison_mean, 1),
                c._num(d.gap, 1, signed=True),
            )
        )
    cols = (
        label("col.dimension", lang),
        label("group.customer", lang),
        label("feedback.staff_expected", lang),
        label("col.difference", lang),
    )
    blocks: list[Block] = [Paragraph(label("feedback.employee.mirror_intro", lang))]
    if rows:
        blocks.append(Table("feedback.mirror", label("feedback.mirror", lang), cols, tuple(rows)))
    sentence = mirror_conclusion(inputs, lang)
    if sentence is not None:
        blocks.append(Paragraph(sentence))
    return blocks


def build_employee_feedback(inputs: ReportInputs, lang: str) -> Report:
    """The employee feedback report of ``inputs`` in ``lang``: customer results, the
    employee survey and the mirror survey."""
    lg = c._lang(lang)
    cur = inputs.current
    customers: list[Block] = [
        Paragraph(label("feedback.employee.intro", lg, n=cur.n, name=cur.study.name))
    ]
    missing = _withheld(cur, lg, "wave")
    if missing is not None:
        customers.append(missing)
    else:
        customers += _key_numbers(inputs, lg) + _strengths(inputs, lg)
    sections = [
        Section("customers", label("feedback.customers", lg), tuple(customers)),
        Section("mto", label("feedback.mto", lg), tuple(_mto(inputs, lg))),
        Section("mirror", label("feedback.mirror", lg), tuple(_mirror(inputs, lg))),
        Section("did", label("feedback.did", lg), tuple(_actions(inputs, lg))),
    ]
    return _report(inputs, lg, label("feedback.employee.title", lg), sections)
