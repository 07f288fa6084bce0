"""The gap-model chapter of the research report: all seven gaps, mirror and prediction.

One table lists every gap of the model with its verdict, size and basis:

- gap 5 measured by SERVQUAL (:func:`~gapsight.reports.charts.gapmodel.status_from_servqual`);
- gaps 1, 6, 7 measured by comparing the linked prediction waves with the customers
  (:mod:`gapsight.services.comparisons`,
  :func:`~gapsight.reports.charts.gapmodel.status_from_mirror`);
- gaps 2, 3, 4 as recorded by people (:mod:`gapsight.services.verdicts`).

Then the figure, and per comparison (mirror survey, gaps 1, 6, 7) the dimension and
question tables with the Welch tests, adjusted p-values and flags, and the mirror chart.
A gap that could not be measured says why (no linked wave, too few respondents).
Every number is a field of an analysis result; nothing is computed here.
"""

from __future__ import annotations

from gapsight.analysis.mirror import MirrorGaps
from gapsight.reports import contents as c
from gapsight.reports import figures
from gapsight.reports.labels import Lang, label
from gapsight.reports.model import Block, Cell, Num, Paragraph, Section, Table
from gapsight.services.comparisons import COMPARISONS
from gapsight.services.reporting import ReportInputs

__all__ = ["dimension_name", "gap_section", "item_name", "mirror_conclusion"]

_GROUPS = {x.label: (x.reference, x.comparison) for x in COMPARISONS}


def _size(status: object, lang: Lang) -> Cell:
    size = getattr(status, "size", None)
    if size is None:
        return None
    if getattr(status, "unit", "points") == "share":
        return Num(float(size), 0, percent=True)
    return Num(float(size), 2, signed=True)


def _basis(n: int, inputs: ReportInputs, lang: Lang) -> str:
    if n in (2, 3, 4):
        v = inputs.verdicts.get(n)
        if v is None:
            return label("gapmodel.basis.not_recorded", lang)
        return label("gapmodel.basis.recorded", lang, text=v.explanation or "–")
    if n == 5:
        return label("gapmodel.basis.5", lang)
    key = f"gap{n}"
    if key in inputs.comparisons:
        return label(f"gapmodel.basis.{n}", lang)
    reason = inputs.comparisons_missing.get(key, "no_wave")
    wave = label(f"gapmodel.wave.{key}", lang)
    return label(f"gapmodel.basis.{reason}", lang, wave=wave)


def _overview(inputs: ReportInputs, lang: Lang) -> list[Block]:
    model = figures.gap_model(inputs)
    rows: list[tuple[Cell, ...]] = []
    for n in range(1, 8):
        status = model.status(n) if model is not None else None
        verdict = getattr(status, "verdict", "not_assessed")
        rows.append(
            (
                n,
                label(f"gap.name.{n}", lang),
                label(f"verdict.{verdict}", lang),
                _size(status, lang),
                _basis(n, inputs, lang),
            )
        )
    cols = (
        label("col.gap_no", lang),
        label("col.name", lang),
        label("col.verdict", lang),
        label("col.size", lang),
        label("col.basis", lang),
    )
    return [
        Paragraph(label("gapmodel.intro", lang)),
        Table(
            "gapmodel",
            label("table.gapmodel", lang),
            cols,
            tuple(rows),
            (label("gapmodel.size_note", lang),),
        ),
        *c._figure("servqual.gapmodel", inputs, lang, label("gapmodel.figure", lang)),
    ]


def dimension_name(inputs: ReportInputs, key: str, lang: Lang) -> str:
    """A comparison's dimension key as a reader names it: ``perception.reliability`` →
    "Reliability (perception)", ``kto_service`` → "Report grade Service"."""
    part, _, dim = key.rpartition(".")
    if dim == "cvs":
        return label("measure.cvs", lang)
    name = c.dimension_label(inputs.instrument, dim, lang)
    if part in ("expectation", "perception"):
        return f"{name} ({label(f'part.{part}', lang)})"
    if dim.startswith("kto_"):
        return label("measure.grade", lang, dimension=name)
    return name


def item_name(inputs: ReportInputs, code: str, lang: Lang) -> str:
    """A compared item as a sentence names it: grades and CVS questions by their
    measure, statements by code and dimension (``p07, Reliability``)."""
    if code.startswith(("grade_", "cvs_")):
        return c.measure_label(code, inputs.instrument, lang)
    item = c._item(inputs.instrument, code)
    if item is not None and item.dimension:
        return f"{code}, {c.dimension_label(inputs.instrument, item.dimension, lang)}"
    return code


def _question(inputs: ReportInputs, code: str, lang: Lang) -> str:
    """A compared question in a table: report grades and CVS questions by their measure
    name, statements by code and text (``p07 · … verleent een dienst …``), so the
    chart's labels (code · dimension) can be found in the table."""
    if code.startswith(("grade_", "cvs_")):
        return c.measure_label(code, inputs.instrument, lang)
    text = c._item_text(inputs.instrument, code, lang, inputs.organisation, inputs.sector)
    return f"{code} · {text}"


def _comparison(inputs: ReportInputs, gaps: MirrorGaps, lang: Lang) -> Section:
    ref_kind, cmp_kind = _GROUPS[gaps.label]
    ref_name, cmp_name = label(f"group.{ref_kind}", lang), label(f"group.{cmp_kind}", lang)
    title = label(f"comparison.{gaps.label}", lang)
    conf = gaps.confidence
    n_ref = max((i.n_reference for i in gaps.items), default=0)
    n_cmp = max((i.n_comparison for i in gaps.items), default=0)
    note = label(
        "note.comparison",
        lang,
        method=label(f"method.adjust.{gaps.adjust}", lang),
        threshold=c._fmt(gaps.threshold, lang, 1),
        alpha=c._fmt(gaps.alpha, lang, 2),
    )
    flag = label("flag.yes", lang)
    dim_rows: list[tuple[Cell, ...]] = [
        (
            dimension_name(inputs, d.dimension, lang),
            c._num(d.reference_mean),
            c._num(d.comparison_mean),
            c._num(d.gap, signed=True, mark="*" if c._significant(d.p_adjusted, conf) else ""),
            c._p(d.p_adjusted),
            flag if d.flagged else None,
        )
        for d in gaps.dimensions
    ]
    dim_cols = (
        label("col.dimension", lang),
        ref_name,
        cmp_name,
        label("col.comparison_gap", lang),
        label("col.p_adjusted", lang),
        label("col.flag", lang),
    )
    items = sorted(
        gaps.items, key=lambda i: -abs(float(i.gap)) if isinstance(i.gap, float) else 0.0
    )
    item_rows: list[tuple[Cell, ...]] = [
        (
            _question(inputs, i.code, lang),
            c._num(i.reference_mean),
            c._num(i.comparison_mean),
            c._num(i.gap, signed=True, mark="*" if c._significant(i.p_adjusted, conf) else ""),
            c._p(i.p_adjusted),
            flag if i.flagged else None,
        )
        for i in items
    ]
    item_cols = (
        label("col.item", lang),
        ref_name,
        cmp_name,
        label("col.comparison_gap", lang),
        label("col.p_adjusted", lang),
        label("col.flag", lang),
    )
    blocks: list[Block] = [
        Paragraph(label(f"comparison.intro.{gaps.label}", lang, n_ref=n_ref, n_cmp=n_cmp)),
    ]
    if dim_rows:
        blocks.append(
            Table(
                f"{gaps.label}.dimensions",
                label("table.comparison_dimensions", lang, title=title),
                dim_cols,
                tuple(dim_rows),
                (note,),
            )
        )
    slot = f"gapmodel.{gaps.label}"
    if slot in figures.MAKERS:
        blocks += c._figure(slot, inputs, lang, title)
    blocks.append(
        Table(
            f"{gaps.label}.items",
            label("table.comparison_items", lang, title=title),
            item_cols,
            tuple(item_rows),
            (note,),
        )
    )
    return Section(gaps.label, title, tuple(blocks))


def gap_section(inputs: ReportInputs, lang: Lang) -> Section:
    """The chapter: overview of the seven gaps, then one subsection per comparison."""
    blocks = _overview(inputs, lang)
    if not inputs.comparisons:
        blocks.append(Paragraph(label("comparison.none", lang), style="missing"))
    subs = tuple(
        _comparison(inputs, inputs.comparisons[x.label], lang)
        for x in COMPARISONS
        if x.label in inputs.comparisons
    )
    return Section("gapmodel", label("section.gapmodel", lang), tuple(blocks), subs)


def mirror_conclusion(inputs: ReportInputs, lang: Lang) -> str | None:
    """One sentence on the mirror survey for the conclusions (``None`` without one)."""
    gaps = inputs.comparisons.get("mirror")
    if gaps is None:
        return None
    flagged = sorted(
        (i for i in gaps.items if i.flagged),
        key=lambda i: -abs(float(i.gap)) if isinstance(i.gap, float) else 0.0,
    )
    if not flagged:
        return label("conclusion.mirror_none", lang)
    top = ", ".join(
        f"{item_name(inputs, i.code, lang)} ({c._fmt(i.gap, lang, 2, signed=True)})"
        for i in flagged[:3]
    )
    return label("conclusion.mirror", lang, count=len(flagged), items=top)
