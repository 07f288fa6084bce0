"""Build the research report model from the computed results: :func:`build`.

Input is a :class:`~gapsight.services.reporting.ReportInputs` (every number already
computed by the analysis core); output is a :class:`~gapsight.reports.model.Report`.
This module decides *what* is said and in which order, never computes a statistic:
it picks, sorts, rounds for display and words the results.

Reading order (a board member reads the first two chapters, a methodologist all):

1. Conclusions — generated from the numbers: overall gap, the largest shortfalls,
   weakest and strongest dimension, significant changes since the previous wave, the
   CVS and dimension grades against the guideline norm and the rule applied, the NPS.
2. Recommendations — written by people (stored with the wave); when none are stored
   yet, a suggestion from the gap model's remedies for the weakest dimensions, marked
   as such.
3. Method, 4. Response and precision (with the standard sentence and its caveat),
5. Results (SERVQUAL, scores and grades, reliability, every item),
6. Breakdowns (loaded characteristics, answers to choice questions) with suppression,
7. Trend across the waves of the series,
8. Appendix: the questionnaire as respondents saw it.

A wave without usable answers (or with fewer than the minimum group size) still gets
chapters 2–4, 8 and a conclusion saying what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from gapsight.analysis.breakdown import BreakdownCell, BreakdownTable
from gapsight.analysis.norm import NormCheck, NormRule
from gapsight.analysis.precision import precision_sentence
from gapsight.analysis.result import Number, frame_value, is_defined
from gapsight.analyst.analysis import Analysis
from gapsight.instruments.model import Instrument, Item
from gapsight.instruments.render import render as render_questionnaire
from gapsight.reports import figures
from gapsight.reports.labels import Lang, label
from gapsight.reports.model import (
    SUPPRESSED,
    Block,
    Cell,
    Figure,
    Num,
    Paragraph,
    Question,
    QuestionGroup,
    Report,
    Section,
    Table,
)
from gapsight.services.reporting import ReportInputs, WaveResult

__all__ = [
    "MAX_DISTRIBUTION",
    "MEASURES_PER_TABLE",
    "breakdown_table",
    "build",
    "conclusions_section",
    "hidden_rows",
    "measure_label",
    "remedies",
    "report_facts",
    "suggested_recommendations",
    "trend_section",
]

MAX_DISTRIBUTION = 11
"""Answer distributions with more values (0–100 points) are left out of the item table."""
MEASURES_PER_TABLE = 4
"""Measures per breakdown table (each takes two columns, n and value, on A4)."""


def _lang(lang: str) -> Lang:
    if lang == "nl":
        return "nl"
    if lang == "en":
        return "en"
    raise ValueError(f"lang must be 'nl' or 'en'; got {lang!r}")


def _num(value: Number | None, decimals: int = 2, **kw: object) -> Cell:
    if value is None or not is_defined(value):
        return "–"
    return Num(frame_value(value), decimals, **kw)  # type: ignore[arg-type]


def _fmt(value: Number | None, lang: Lang, decimals: int = 2, **kw: object) -> str:
    cell = _num(value, decimals, **kw)
    return cell.text(lang) if isinstance(cell, Num) else "–"


def _p(value: Number | None) -> Cell:
    """A p-value with 3 decimals; below 0.001 as ``<0.001``."""
    if value is not None and is_defined(value) and frame_value(value) < 0.001:
        return Num(0.001, 3, mark="", signed=False, percent=False, below=True)
    return _num(value, 3)


def _level(confidence: float, lang: Lang) -> str:
    s = f"{confidence * 100:g}%"
    return s.replace(".", ",") if lang == "nl" else s


def dimension_label(ins: Instrument, dimension: str, lang: Lang) -> str:
    """The instrument's name of ``dimension`` (``overall`` → "overall")."""
    for d in ins.dimensions:
        if d.id == dimension:
            return ins.text(d.label, lang)
    if dimension == "overall":
        return label("measure.overall", lang)
    return dimension


def measure_label(name: str, ins: Instrument, lang: Lang) -> str:
    """The display name of a score or item (``cvs``, ``nps``, ``gap.reliability``,
    ``grade_overall`` …)."""
    if name in ("cvs", "nps", "cvs_satisfaction", "cvs_loyalty", "cvs_recommend"):
        return label(f"measure.{name}", lang)
    if name.startswith("gap."):
        return label("measure.gap", lang, dimension=dimension_label(ins, name[4:], lang))
    if name.startswith("perception."):
        return label("measure.perception", lang, dimension=dimension_label(ins, name[11:], lang))
    if name.startswith("grade_"):
        item = _item(ins, name)
        dim = item.dimension if item is not None and item.dimension else name[6:]
        return label("measure.grade", lang, dimension=dimension_label(ins, dim, lang))
    return name


def _item(ins: Instrument, code: str) -> Item | None:
    return next((i for i in ins.items() if i.code == code), None)


def _item_text(ins: Instrument, code: str, lang: Lang, org: str, sector: str | None) -> str:
    """The item's text in ``lang`` with ``{org}`` and ``{sector}`` filled as respondents
    saw them (an unknown sector stays ``{sector}``, as on the respondent pages)."""
    fill = {"org": org or "{org}", "sector": sector or "{sector}"}
    for i in ins.items():
        if i.code == code:
            return ins.text(i.text, lang, **fill)
    return code


# ----------------------------------------------------------------------- conclusions
def _norm_verdict(check: NormCheck, lang: Lang) -> str:
    if check.rule_applied == "level":
        return label("norm.met.level", lang, level=f"{check.rule.level:g}")
    if check.rule_applied in ("improvement_points", "improvement_relative"):
        return label(
            "norm.met.improvement", lang, change=_fmt(check.improvement, lang, 1, signed=True)
        )
    if check.rule_applied == "undefined":
        return label("norm.undefined", lang)
    return label("norm.not_met", lang)


def rule_text(rule: NormRule, lang: Lang) -> str:
    """The norm rule applied, in words."""
    if rule.relative:
        share = f"{rule.relative_share:.0%}"
        return label("norm.rule.relative", lang, level=f"{rule.level:g}", share=share)
    points = f"{rule.improvement:g}".replace(".", "," if lang == "nl" else ".")
    return label("norm.rule.points", lang, level=f"{rule.level:g}", points=points)


def _significant(p: Number | None, confidence: float) -> bool:
    return p is not None and is_defined(p) and frame_value(p) < 1.0 - confidence


def _conclusions(inp: ReportInputs, lang: Lang) -> list[Block]:
    cur = inp.current
    a = cur.analysis
    ins = inp.instrument
    if a is None:
        return [_missing_results(cur, lang)]
    items: list[str] = []
    sq = a.servqual
    if sq is not None:
        items.append(label("conclusion.overall_gap", lang, gap=_fmt(sq.overall.gap, lang)))
        gaps = sorted(
            (it for it in sq.items if is_defined(it.gap) and frame_value(it.gap) < 0),
            key=lambda it: frame_value(it.gap),
        )[:3]
        if gaps:
            parts = [
                label(
                    "conclusion.gap_item",
                    lang,
                    text=_item_text(ins, it.perception_code, lang, inp.organisation, inp.sector),
                    gap=_fmt(it.gap, lang),
                    mark=label("conclusion.significant_mark", lang)
                    if _significant(it.p_adjusted, sq.confidence)
                    else "",
                )
                for it in gaps
            ]
            items.append(label("conclusion.largest_gaps", lang, items="; ".join(parts)))
        else:
            items.append(label("conclusion.no_shortfall", lang))
        dims = [d for d in sq.chosen.dimensions if is_defined(d.gap)]
        if dims:
            worst = min(dims, key=lambda d: frame_value(d.gap))
            best = max(dims, key=lambda d: frame_value(d.gap))
            items.append(
                label(
                    "conclusion.weakest",
                    lang,
                    dimension=dimension_label(ins, worst.dimension, lang),
                    gap=_fmt(worst.gap, lang),
                    best=dimension_label(ins, best.dimension, lang),
                    best_gap=_fmt(best.gap, lang),
                )
            )
    if inp.history:
        prev = inp.history[-1].study.name
        sig = [
            label(
                "conclusion.change_item",
                lang,
                measure=measure_label(name, ins, lang),
                change=_fmt(c.difference, lang, 2, signed=True),
            )
            for name, c in inp.changes.items()
            if _significant(inp.adjusted_p.get(name), a.options.confidence)
        ]
        if sig:
            items.append(label("conclusion.changes", lang, previous=prev, changes="; ".join(sig)))
        else:
            items.append(label("conclusion.no_changes", lang, previous=prev))
    if inp.cvs_norm is not None and a.cvs is not None:
        items.append(
            label(
                "conclusion.cvs",
                lang,
                score=_fmt(a.cvs.score.mean, lang, 1),
                verdict=_norm_verdict(inp.cvs_norm, lang),
            )
        )
    dim_grades = {k: v for k, v in inp.grade_norms.items() if k != "grade_overall"}
    if dim_grades:
        met = [measure_label(k, ins, lang) for k, v in dim_grades.items() if v.met]
        not_met = [measure_label(k, ins, lang) for k, v in dim_grades.items() if not v.met]
        none = label("conclusion.none", lang)
        items.append(
            label(
                "conclusion.grades",
                lang,
                met=", ".join(met) or none,
                not_met=", ".join(not_met) or none,
            )
        )
    if a.nps is not None:
        items.append(
            label(
                "conclusion.nps",
                lang,
                score=_fmt(a.nps.score, lang, 0),
                low=_fmt(a.nps.ci_low, lang, 0),
                high=_fmt(a.nps.ci_high, lang, 0),
            )
        )
    from gapsight.reports.gaps import mirror_conclusion

    mirror = mirror_conclusion(inp, lang)
    if mirror is not None:
        items.append(mirror)
    blocks: list[Block] = [Paragraph("", tuple(items))]
    if inp.cvs_norm is not None or inp.grade_norms:
        blocks.append(
            Paragraph(
                label("note.norm_rule", lang, rule=rule_text(inp.norm_rule, lang)), style="note"
            )
        )
    if not inp.history:
        blocks.append(Paragraph(label("missing.previous", lang), style="missing"))
    return blocks


def _missing_results(cur: WaveResult, lang: Lang) -> Paragraph:
    if cur.n == 0:
        return Paragraph(label("missing.no_responses", lang), style="missing")
    return Paragraph(
        label("missing.few_responses", lang, n=cur.n, min_n=cur.study.min_group_size),
        style="missing",
    )


# ------------------------------------------------------------------- recommendations
def remedies(inp: ReportInputs, lang: str) -> tuple[str, ...]:
    """The gap model's remedy for each of the two dimensions with the largest
    shortfall (negative gap), weakest first; empty without SERVQUAL or shortfalls."""
    lg = _lang(lang)
    a = inp.current.analysis
    if a is None or a.servqual is None:
        return ()
    dims = sorted(
        (d for d in a.servqual.chosen.dimensions if is_defined(d.gap) and frame_value(d.gap) < 0),
        key=lambda d: frame_value(d.gap),
    )[:2]
    out = [
        label("remedy.gap5", lg, dimension=dimension_label(inp.instrument, d.dimension, lg))
        for d in dims
    ]
    return tuple(out) + _model_remedies(inp, lg)


def _model_remedies(inp: ReportInputs, lang: Lang) -> tuple[str, ...]:
    """The gap model's typical remedy for every other gap judged present or partly
    present (gaps 1, 6, 7 measured; 2, 3, 4 recorded), in gap order."""
    model = figures.gap_model(inp)
    if model is None:
        return ()
    return tuple(
        label(f"remedy.gap{n}", lang)
        for n in (1, 2, 3, 4, 6, 7)
        if model.status(n).verdict in ("present", "partly")
    )


def suggested_recommendations(inp: ReportInputs, lang: str) -> str:
    """:func:`remedies` as plain text (``- `` items) to pre-fill the recommendations
    people then edit (the web form does this when none are stored)."""
    return "\n".join(f"- {r}" for r in remedies(inp, lang))


def _recommendations(inp: ReportInputs, lang: Lang) -> list[Block]:
    if inp.recommendations:
        return list(_plain_text_blocks(inp.recommendations))
    blocks: list[Block] = [Paragraph(label("missing.recommendations", lang), style="missing")]
    items = remedies(inp, lang)
    if items:
        blocks.append(Paragraph(label("recommendations.prefill", lang), items, style="note"))
    return blocks


def _plain_text_blocks(text: str) -> Iterable[Paragraph]:
    """Paragraphs separated by blank lines; ``- `` lines become list items."""
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [ln.rstrip() for ln in chunk.strip().split("\n") if ln.strip()]
        if not lines:
            continue
        bullets = tuple(ln.lstrip()[2:].strip() for ln in lines if ln.lstrip().startswith("- "))
        prose = " ".join(ln.strip() for ln in lines if not ln.lstrip().startswith("- "))
        yield Paragraph(prose, bullets)


# ---------------------------------------------------------------------- method, response
def _method(inp: ReportInputs, lang: Lang) -> list[Block]:
    s = inp.current.study
    if s.field_start or s.field_end:
        period = f"{_date(s.field_start, lang)} – {_date(s.field_end, lang)}"
    else:
        period = label("method.field.unknown", lang)
    if s.series:
        freq = label("method.frequency.series", lang, number=len(inp.history) + 1, series=s.series)
    else:
        freq = label("method.frequency.single", lang)
    days = ", ".join(str(d) for d in s.reminder_days)
    sent = inp.fieldwork.reminders_sent
    reminders = (
        label("method.reminders.value", lang, sent=sent, days=days)
        if days
        else label("method.reminders.none", lang, sent=sent)
    )
    a = inp.current.analysis
    mode = "email" if inp.fieldwork.in_sample else "other"
    rows: list[tuple[Cell, ...]] = [
        (label("method.study", lang), s.name),
        (label("method.kind", lang), _kind(s.kind, lang)),
        (label("method.instrument", lang), s.instrument_ref),
        (label("method.mode", lang), label(f"method.mode.{mode}", lang)),
        (label("method.anonymity", lang), _anonymity(s.anonymity_mode, lang)),
        (label("method.frequency", lang), freq),
        (label("method.field", lang), period),
        (label("method.reminders", lang), reminders),
        (label("method.min_group", lang), s.min_group_size),
    ]
    if a is not None and a.servqual is not None:
        rows.append(
            (
                label("method.aggregation", lang),
                label(f"method.aggregation.{a.options.aggregation}", lang),
            )
        )
        rows.append(
            (label("method.adjust", lang), label(f"method.adjust.{a.options.adjust}", lang))
        )
    cols = (label("col.measure", lang), label("col.value", lang))
    return [Table("method", label("table.method", lang), cols, tuple(rows))]


def _kind(kind: str, lang: Lang) -> str:
    key = f"kind.{kind}"
    try:
        return label(key, lang)
    except KeyError:
        return kind


def _anonymity(mode: str, lang: Lang) -> str:
    try:
        return label(f"anonymity.{mode}", lang)
    except KeyError:
        return mode


def _date(d: dt.date | None, lang: Lang) -> str:
    if d is None:
        return "…"
    return d.strftime("%d-%m-%Y") if lang == "nl" else d.isoformat()


def _response(inp: ReportInputs, lang: Lang) -> list[Block]:
    fw = inp.fieldwork
    cur = inp.current
    s = cur.study
    excluded = fw.started - fw.partial - fw.complete
    returned = fw.partial + fw.complete
    valid = fw.in_sample - fw.bounced
    unknown = label("response.unknown", lang)
    rows: list[tuple[Cell, ...]] = [
        (label("response.population", lang), s.population_size or unknown),
        (label("response.invited", lang), fw.in_sample if fw.in_sample else unknown),
        (label("response.valid", lang), valid if fw.in_sample else unknown),
        (label("response.returned", lang), returned),
        (label("response.excluded", lang), excluded),
        (label("response.complete", lang), fw.complete),
        (label("response.partial", lang), fw.partial),
        (label("response.analysed", lang), cur.n),
        (
            label("response.gross", lang),
            _num(returned / valid, 1, percent=True) if fw.in_sample and valid else unknown,
        ),
        (
            label("response.net", lang),
            _num(cur.n / valid, 1, percent=True) if fw.in_sample and valid else unknown,
        ),
    ]
    a = cur.analysis
    if a is not None:
        rows.append((label("response.margin", lang), _num(a.precision.margin_pp, 1, mark=" pp")))
    cols = (label("col.measure", lang), label("col.value", lang))
    blocks: list[Block] = [Table("response", label("table.response", lang), cols, tuple(rows))]
    if not fw.in_sample:
        blocks.append(Paragraph(label("response.no_sample", lang), style="note"))
    if a is not None:
        blocks.append(Paragraph(precision_sentence(a.precision, lang)))
    return blocks


# ---------------------------------------------------------------------------- results
def _figure(slot: str, inp: ReportInputs, lang: Lang, title: str) -> list[Block]:
    svg = figures.make(slot, inp, lang)
    return [] if svg is None else [Figure(slot, title, svg)]


def _servqual(inp: ReportInputs, a: Analysis, lang: Lang) -> Section | None:
    ins = inp.instrument
    sq = a.servqual
    if sq is None:
        if a.servperf is None:
            return Section(
                "servqual",
                label("section.servqual", lang),
                (Paragraph(label("missing.servqual", lang), style="missing"),),
            )
        sp = a.servperf
        rows: list[tuple[Cell, ...]] = [
            (dimension_label(ins, d.dimension, lang), d.k, _num(d.perception))
            for d in sp.dimensions
        ]
        rows.append((label("col.total", lang), None, _num(sp.overall)))
        cols = (
            label("col.dimension", lang),
            label("col.items", lang),
            label("col.perception", lang),
        )
        return Section(
            "servqual",
            label("section.servqual", lang),
            (
                Paragraph(label("missing.servqual", lang), style="missing"),
                Table("servperf", label("table.servperf", lang), cols, tuple(rows)),
            ),
        )
    conf = sq.confidence
    method = label(f"method.adjust.{sq.adjustment}", lang)
    sig_note = label(
        "note.significance", lang, level=f"α = {_fmt(1 - conf, lang, 2)}", method=method
    )
    dim_rows: list[tuple[Cell, ...]] = []
    for d in sq.chosen.dimensions:
        p = d.test.p if d.test is not None else None
        dim_rows.append(
            (
                dimension_label(ins, d.dimension, lang),
                d.k,
                _num(d.expectation),
                _num(d.perception),
                _num(d.gap, signed=True, mark="*" if _significant(p, conf) else ""),
            )
        )
    o = sq.overall
    dim_rows.append(
        (
            label("col.total", lang),
            None,
            _num(o.expectation),
            _num(o.perception),
            _num(o.gap, signed=True),
        )
    )
    dim_cols = (
        label("col.dimension", lang),
        label("col.items", lang),
        label("col.expectation", lang),
        label("col.perception", lang),
        label("col.gap", lang),
    )
    item_rows: list[tuple[Cell, ...]] = []
    for it in sorted(sq.items, key=lambda i: float(i.gap) if is_defined(i.gap) else 99.0):
        sig = _significant(it.p_adjusted, conf)
        item_rows.append(
            (
                it.code,
                _item_text(ins, it.perception_code, lang, inp.organisation, inp.sector),
                it.n_pairs,
                _num(it.expectation),
                _num(it.perception),
                _num(it.gap, signed=True, mark="*" if sig else ""),
                _p(it.p_adjusted),
            )
        )
    item_cols = (
        label("col.code", lang),
        label("col.item", lang),
        label("col.n", lang),
        "E",
        "P",
        label("col.gap", lang),
        label("col.p_adjusted", lang),
    )
    blocks: list[Block] = [
        Table(
            "dimensions", label("table.dimensions", lang), dim_cols, tuple(dim_rows), (sig_note,)
        ),
        *_figure("servqual.ep", inp, lang, label("table.dimensions", lang)),
        Table("items", label("table.items", lang), item_cols, tuple(item_rows), (sig_note,)),
        *_figure("servqual.items", inp, lang, label("table.items", lang)),
        *_figure("servqual.ipa", inp, lang, label("table.items", lang)),
    ]
    return Section("servqual", label("section.servqual", lang), tuple(blocks))


def _scores(inp: ReportInputs, a: Analysis, lang: Lang) -> Section:
    ins = inp.instrument
    conf = a.options.confidence
    blocks: list[Block] = []
    rows: list[tuple[Cell, ...]] = []
    ci = label("col.ci", lang)
    if a.cvs is not None:
        c = a.cvs
        rows.append(
            (
                label("measure.cvs", lang),
                c.n,
                _num(c.score.mean, 1),
                _num(c.score.sd, 2),
                _ci(c.score.ci_low, c.score.ci_high, lang, 1),
                _norm_verdict(inp.cvs_norm, lang) if inp.cvs_norm is not None else None,
            )
        )
        for code, est in c.parts.items():
            rows.append(
                (
                    measure_label(code, ins, lang),
                    est.n,
                    _num(est.mean, 1),
                    _num(est.sd, 2),
                    _ci(est.ci_low, est.ci_high, lang, 1),
                    None,
                )
            )
    else:
        blocks.append(Paragraph(label("missing.cvs", lang), style="missing"))
    if a.nps is not None:
        n = a.nps
        rows.append(
            (
                label("measure.nps", lang),
                n.n,
                _num(n.score, 0),
                None,
                _ci(n.ci_low, n.ci_high, lang, 0),
                None,
            )
        )
    else:
        blocks.append(Paragraph(label("missing.nps", lang), style="missing"))
    cols = (
        label("col.measure", lang),
        label("col.n", lang),
        label("col.value", lang),
        label("col.sd", lang),
        f"{ci} {_level(conf, lang)}",
        label("col.norm", lang),
    )
    if rows:
        notes = [label("note.ci", lang, level=_level(conf, lang))]
        if a.nps is not None:
            notes.append(
                label(
                    "nps.detail",
                    lang,
                    promoters=a.nps.promoters,
                    passives=a.nps.passives,
                    detractors=a.nps.detractors,
                    margin=_fmt(a.nps.margin_worst_case, lang, 0),
                )
            )
        blocks.insert(
            0, Table("scores", label("table.scores", lang), cols, tuple(rows), tuple(notes))
        )
        blocks[1:1] = [
            *_figure("scores.cvs", inp, lang, label("measure.cvs", lang)),
            *_figure("scores.nps", inp, lang, label("measure.nps", lang)),
        ]
    if a.grades is not None:
        grows: list[tuple[Cell, ...]] = []
        for g in a.grades.grades:
            norm = inp.grade_norms.get(g.code)
            grows.append(
                (
                    measure_label(g.code, ins, lang),
                    g.n,
                    _num(g.estimate.mean, 1),
                    _num(g.estimate.sd, 2),
                    _ci(g.estimate.ci_low, g.estimate.ci_high, lang, 1),
                    _num(g.share_sufficient, 0, percent=True),
                    _norm_verdict(norm, lang) if norm is not None else None,
                )
            )
        gcols = (
            label("col.measure", lang),
            label("col.n", lang),
            label("col.mean", lang),
            label("col.sd", lang),
            f"{ci} {_level(conf, lang)}",
            label("col.sufficient", lang),
            label("col.norm", lang),
        )
        blocks.append(Table("grades", label("table.grades", lang), gcols, tuple(grows)))
    else:
        blocks.append(Paragraph(label("missing.grades", lang), style="missing"))
    if inp.cvs_norm is not None or inp.grade_norms:
        blocks.append(
            Paragraph(
                label("note.norm_rule", lang, rule=rule_text(inp.norm_rule, lang)), style="note"
            )
        )
    if inp.changes:
        crows: list[tuple[Cell, ...]] = []
        for name, ch in inp.changes.items():
            p = inp.adjusted_p.get(name)
            crows.append(
                (
                    measure_label(name, ins, lang),
                    _num(ch.previous),
                    _num(ch.current),
                    _num(ch.difference, signed=True, mark="*" if _significant(p, conf) else ""),
                    _p(p),
                )
            )
        ccols = (
            label("col.measure", lang),
            label("col.previous", lang),
            inp.current.study.name,
            label("col.change", lang),
            label("col.p", lang),
        )
        note = label("note.changes", lang, level=f"α = {_fmt(1 - conf, lang, 2)}")
        if inp.paired:
            how = label("note.changes_paired", lang, matched=inp.matched)
        else:
            how = label("note.changes_welch", lang, matched=inp.matched, n=inp.current.n)
        blocks.append(
            Table("changes", label("table.changes", lang), ccols, tuple(crows), (note, how))
        )
    return Section("scores", label("section.scores", lang), tuple(blocks))


def _ci(low: Number, high: Number, lang: Lang, decimals: int) -> str:
    return f"{_fmt(low, lang, decimals)} – {_fmt(high, lang, decimals)}"


def _scale_name(ins: Instrument, scale: str, lang: Lang) -> str:
    part, _, dim = scale.partition(".")
    head = label(f"scale.{part}", lang) if part in ("expectation", "perception") else part
    if not dim or dim == "all":
        return f"{head}: {label('scale.full', lang)}" if dim == "all" else head
    return f"{head}: {dimension_label(ins, dim, lang)}"


def _reliability(inp: ReportInputs, a: Analysis, lang: Lang) -> Section:
    ins = inp.instrument
    if a.reliability is None:
        return Section(
            "reliability",
            label("section.reliability", lang),
            (Paragraph(label("missing.reliability", lang), style="missing"),),
        )
    rows: list[tuple[Cell, ...]] = []
    low: list[str] = []
    undefined: list[str] = []
    raise_alpha: list[str] = []
    for r in a.reliability.scales:
        name = _scale_name(ins, r.scale, lang)
        rows.append(
            (
                name,
                r.k,
                r.n,
                _num(r.alpha, 2),
                _ci(r.ci_low, r.ci_high, lang, 2),
            )
        )
        if not is_defined(r.alpha):
            undefined.append(name)
            continue
        if frame_value(r.alpha) < 0.7:
            low.append(name)
        for it in r.items:
            if is_defined(it.alpha_if_deleted) and frame_value(it.alpha_if_deleted) > frame_value(
                r.alpha
            ):
                raise_alpha.append(f"{it.code} ({name})")
    notes: list[str] = []
    if low:
        notes.append(label("note.alpha_low", lang, scales=", ".join(low)))
    if undefined:
        notes.append(label("note.alpha_undefined", lang, scales=", ".join(undefined)))
    if raise_alpha:
        notes.append(label("note.alpha_deleted", lang, items=", ".join(raise_alpha)))
    cols = (
        label("col.scale", lang),
        label("col.items", lang),
        label("col.n", lang),
        label("col.alpha", lang),
        f"{label('col.ci', lang)} {_level(a.options.confidence, lang)}",
    )
    table = Table("reliability", label("table.reliability", lang), cols, tuple(rows), tuple(notes))
    return Section("reliability", label("section.reliability", lang), (table,))


def _descriptives(inp: ReportInputs, a: Analysis, lang: Lang) -> Section:
    ins = inp.instrument
    rows: list[tuple[Cell, ...]] = []
    for it in a.descriptives.items:
        dist = ""
        if it.distribution and len(it.distribution) <= MAX_DISTRIBUTION:
            dist = " · ".join(str(v) for v in it.distribution.values())
        rows.append(
            (
                it.code,
                _item_text(ins, it.code, lang, inp.organisation, inp.sector),
                it.n,
                _num(it.mean),
                _num(it.sd),
                it.dont_know,
                dist,
            )
        )
    cols = (
        label("col.code", lang),
        label("col.item", lang),
        label("col.n", lang),
        label("col.mean", lang),
        label("col.sd", lang),
        label("col.dont_know", lang),
        label("col.distribution", lang),
    )
    table = Table("descriptives", label("table.descriptives", lang), cols, tuple(rows))
    return Section("items", label("section.items", lang), (table,))


# ------------------------------------------------------------------------- breakdowns
def _cell(cell: BreakdownCell, name: str) -> Cell:
    if cell.suppressed:
        return SUPPRESSED
    if cell.estimate is None or cell.n in (None, 0):
        return "–"
    decimals = 0 if name == "nps" else 1 if name in ("cvs", "grade_overall") else 2
    return _num(cell.estimate.mean, decimals, signed=name.startswith("gap."))


def _ncell(cell: BreakdownCell) -> Cell:
    if cell.suppressed:
        return SUPPRESSED
    return cell.n if cell.n is not None else 0


def hidden_rows(table: BreakdownTable) -> tuple[frozenset[int], bool]:
    """The groups (by position) hidden for at least one measure of ``table``, and
    whether a total is hidden for one.

    Each measure is suppressed on its own n by the analysis core, so a group can be
    hidden for the CVS (complementary to a small group) but shown for a gap, which would
    let a reader recover the hidden CVS group's n from the other column. The report
    therefore hides such a group in every measure of the table."""
    rows: set[int] = set()
    total = False
    for b in table.breakdowns:
        rows.update(i for i, c in enumerate(b.cells) if c.suppressed)
        total = total or b.total.suppressed
    return frozenset(rows), total


def breakdown_table(
    key: str,
    title: str,
    table: BreakdownTable,
    ins: Instrument,
    lang: Lang,
    notes: Sequence[str],
    hidden: tuple[frozenset[int], bool] | None = None,
) -> Table:
    """Rows = groups then the total; per score two columns, its n and its value.

    Only the public status of each cell is used: a suppressed cell (small or
    complementary alike) is printed as ``•`` for both its n and its value. Groups in
    ``hidden`` (default: :func:`hidden_rows` of ``table``) are hidden in every
    measure."""
    rows_hidden, total_hidden = hidden if hidden is not None else hidden_rows(table)
    names = [b.code for b in table.breakdowns]
    cols: list[str] = [label("col.group", lang)]
    for name in names:
        cols += [label("col.n", lang), measure_label(name, ins, lang)]
    groups = table.breakdowns[0].cells if table.breakdowns else ()
    rows: list[tuple[Cell, ...]] = []
    for i, g in enumerate(groups):
        row: list[Cell] = [label("missing_group", lang) if g.group is None else str(g.group)]
        for b in table.breakdowns:
            c = b.cells[i]
            if i in rows_hidden:
                row += [SUPPRESSED, SUPPRESSED]
            else:
                row += [_ncell(c), _cell(c, b.code)]
        rows.append(tuple(row))
    total: list[Cell] = [label("col.total", lang)]
    for b in table.breakdowns:
        if total_hidden:
            total += [SUPPRESSED, SUPPRESSED]
        else:
            total += [_ncell(b.total), _cell(b.total, b.code)]
    rows.append(tuple(total))
    t = Table(key, title, tuple(cols), tuple(rows), tuple(notes))
    if t.has_suppressed:
        min_n = table.breakdowns[0].min_n
        t = Table(key, title, t.columns, t.rows, (*notes, label("note.suppressed", lang, n=min_n)))
    return t


def _parts(table: BreakdownTable) -> list[BreakdownTable]:
    """``table`` split into tables of at most :data:`MEASURES_PER_TABLE` measures."""
    b = table.breakdowns
    return [
        BreakdownTable(table.by, b[i : i + MEASURES_PER_TABLE])
        for i in range(0, len(b), MEASURES_PER_TABLE)
    ] or [table]


def _breakdowns(inp: ReportInputs, lang: Lang) -> Section:
    ins = inp.instrument
    blocks: list[Block] = []
    if inp.current.analysis is None:
        return Section(
            "breakdowns", label("section.breakdowns", lang), (_missing_results(inp.current, lang),)
        )
    if not inp.loaded:
        blocks.append(Paragraph(label("missing.loaded", lang), style="missing"))
    for name, table in inp.loaded.items():
        title = label("table.breakdown", lang, name=name.replace("_", " "))
        note = label("note.breakdown_loaded", lang)
        hidden = hidden_rows(table)
        for i, part in enumerate(_parts(table)):
            key = f"breakdown.{name}" + (f".{i + 1}" if i else "")
            blocks.append(breakdown_table(key, title, part, ins, lang, (note,), hidden))
    if not inp.by_answer:
        blocks.append(Paragraph(label("missing.answer_breakdowns", lang), style="missing"))
    for code, table in inp.by_answer.items():
        question = _item_text(ins, code, lang, inp.organisation, inp.sector)
        title = label("table.breakdown", lang, name=code)
        note = label("note.breakdown_by_answer", lang, question=question)
        hidden = hidden_rows(table)
        for i, part in enumerate(_parts(table)):
            key = f"answer.{code}" + (f".{i + 1}" if i else "")
            blocks.append(breakdown_table(key, title, part, ins, lang, (note,), hidden))
    return Section("breakdowns", label("section.breakdowns", lang), tuple(blocks))


# ------------------------------------------------------------------------------ trend
def _trend(inp: ReportInputs, lang: Lang) -> Section:
    waves = [*inp.history, inp.current]
    if not inp.history:
        return Section(
            "trend",
            label("section.trend", lang),
            (Paragraph(label("missing.previous", lang), style="missing"),),
        )
    min_n = inp.current.study.min_group_size
    measures: list[str] = []
    for w in waves:
        for m in _trend_values(w):
            if m not in measures:
                measures.append(m)
    rows: list[tuple[Cell, ...]] = []
    for w in waves:
        values = _trend_values(w)
        row: list[Cell] = [w.study.name, w.n if w.n >= min_n else SUPPRESSED]
        for m in measures:
            v = values.get(m)
            if w.analysis is None:
                row.append(SUPPRESSED if w.n else "–")
            elif v is None:
                row.append("–")
            else:
                decimals = 0 if m == "nps" else 2 if m == "overall_gap" else 1
                row.append(_num(v[0], decimals, signed=m == "overall_gap"))
        rows.append(tuple(row))
    cols = (
        label("col.wave", lang),
        label("col.n", lang),
        *(
            label("measure.overall_gap", lang)
            if m == "overall_gap"
            else measure_label(m, inp.instrument, lang)
            for m in measures
        ),
    )
    notes = [label("note.trend", lang, n=min_n)]
    t = Table("trend", label("table.trend", lang), cols, tuple(rows), tuple(notes))
    if t.has_suppressed:
        t = Table(
            t.key, t.title, t.columns, t.rows, (*notes, label("note.suppressed", lang, n=min_n))
        )
    return Section(
        "trend",
        label("section.trend", lang),
        (t, *_figure("trend.cvs", inp, lang, label("table.trend", lang))),
    )


def _trend_values(w: WaveResult) -> dict[str, tuple[Number, int]]:
    a = w.analysis
    out: dict[str, tuple[Number, int]] = {}
    if a is None:
        return out
    if a.servqual is not None:
        out["overall_gap"] = (a.servqual.overall.gap, a.servqual.n)
    if a.cvs is not None:
        out["cvs"] = (a.cvs.score.mean, a.cvs.n)
    if a.nps is not None:
        out["nps"] = (a.nps.score, a.nps.n)
    if a.grades is not None:
        for g in a.grades.grades:
            if g.code == "grade_overall":
                out[g.code] = (g.estimate.mean, g.n)
    return {k: v for k, v in out.items() if v[1] >= w.study.min_group_size}


# -------------------------------------------------------------------------- appendix
def _questionnaire(inp: ReportInputs, lang: Lang) -> Section:
    ins = inp.instrument
    qlang = lang if lang in ins.languages else ins.languages[0]
    doc = render_questionnaire(ins, qlang, org=inp.organisation or None, sector=inp.sector)
    modules: Mapping[str, bool] = inp.current.study.modules
    groups: list[Block] = [
        Paragraph(
            label(
                "questionnaire.intro",
                lang,
                language=label(f"questionnaire.language.{qlang}", lang),
                ref=doc["ref"],
            ),
            style="note",
        )
    ]
    if doc.get("intro"):
        groups.append(Paragraph(str(doc["intro"])))
    for sec in doc["sections"]:
        module = sec.get("module")
        on = modules.get(module, sec["on_by_default"]) if module else True
        if not on:
            continue
        qs = []
        for it in sec["items"]:
            answers = [
                f"{a['value']}" + (f" = {a['label']}" if a.get("label") else "")
                for a in it["answers"]
            ]
            if it.get("dont_know"):
                answers.append(str(it["dont_know"]))
            if it["kind"] == "text":
                answers = [label("questionnaire.open", lang)]
            qs.append(Question(it["code"], it["text"], tuple(answers)))
        groups.append(QuestionGroup(sec["title"], sec.get("intro"), tuple(qs)))
    return Section("questionnaire", label("section.questionnaire", lang), tuple(groups))


# ------------------------------------------------------------------------------ build
def build(inputs: ReportInputs, lang: str, *, today: dt.date | None = None) -> Report:
    """The research report model of ``inputs`` in ``lang`` (``nl`` or ``en``)."""
    lg = _lang(lang)
    a = inputs.current.analysis
    results: list[Section] = []
    if a is not None:
        sq = _servqual(inputs, a, lg)
        if sq is not None:
            results.append(sq)
        from gapsight.reports.gaps import gap_section

        if inputs.current.study.kind == "customer":  # the gap model is about customers
            results.append(gap_section(inputs, lg))
        results += [
            _scores(inputs, a, lg),
            _reliability(inputs, a, lg),
            _descriptives(inputs, a, lg),
        ]
    else:
        results.append(
            Section("scores", label("section.scores", lg), (_missing_results(inputs.current, lg),))
        )
    sections = (
        Section("conclusions", label("section.conclusions", lg), tuple(_conclusions(inputs, lg))),
        Section(
            "recommendations",
            label("section.recommendations", lg),
            tuple(_recommendations(inputs, lg)),
        ),
        Section("method", label("section.method", lg), tuple(_method(inputs, lg))),
        Section("response", label("section.response", lg), tuple(_response(inputs, lg))),
        *results,
        _breakdowns(inputs, lg),
        _trend(inputs, lg),
        _questionnaire(inputs, lg),
    )
    day = today or dt.date.today()
    s = inputs.current.study
    return Report(
        lang=lg,
        title=label("report.title", lg),
        subtitle=s.name,
        organisation=inputs.organisation,
        generated=label("report.generated", lg, date=_date(day, lg)),
        sections=sections,
        facts=report_facts(inputs),
    )


def report_facts(inputs: ReportInputs) -> dict[str, float]:
    """The headline numbers of :attr:`Report.facts` (unrounded)."""
    a = inputs.current.analysis
    facts: dict[str, float] = {}
    if a is not None:
        if a.servqual is not None and is_defined(a.servqual.overall.gap):
            facts["overall_gap"] = frame_value(a.servqual.overall.gap)
        if a.cvs is not None and is_defined(a.cvs.score.mean):
            facts["cvs"] = frame_value(a.cvs.score.mean)
        if a.nps is not None and is_defined(a.nps.score):
            facts["nps"] = frame_value(a.nps.score)
        facts["margin_pp"] = (
            float(a.precision.margin_pp) if is_defined(a.precision.margin_pp) else float("nan")
        )
    return facts


def conclusions_section(inputs: ReportInputs, lang: Lang) -> Section:
    """The conclusions chapter (also used by the management summary)."""
    return Section(
        "conclusions", label("section.conclusions", lang), tuple(_conclusions(inputs, lang))
    )


def trend_section(inputs: ReportInputs, lang: Lang) -> Section:
    """The trend chapter (also used by the management summary)."""
    return _trend(inputs, lang)
