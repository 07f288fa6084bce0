"""The list of report figures: which figure, its input, how to read it.

:func:`figures` is the single source for ``docs/figures.md`` (written by
:func:`figures_markdown`; a test keeps the file in step) and lets a report or a test
iterate over every figure.

>>> [f.name for f in figures()][:2]
['expectation_perception', 'item_gaps']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FigureInfo", "figures", "figures_markdown"]


@dataclass(frozen=True)
class FigureInfo:
    """One figure.

    Attributes:
        name: short stable id (also used for file names, e.g. ``item_gaps.svg``).
        title: the figure's English title.
        function: dotted path of the function that draws it.
        input: what to pass (analysis result or plain record).
        reading: how to read the figure, for a newcomer (English, a few sentences).
        degenerate: what is drawn when the input has nothing to show.
    """

    name: str
    title: str
    function: str
    input: str
    reading: str
    degenerate: str


_P = "gapsight.reports.charts"

_FIGURES: tuple[FigureInfo, ...] = (
    FigureInfo(
        "expectation_perception",
        "Expectation and perception per dimension",
        f"{_P}.servqual.expectation_perception_chart",
        "`ServqualResult` (optionally `aggregation=`, `scale=`, `names=`)",
        "Two bars per SERVQUAL dimension and overall: the light hatched bar is what "
        "customers expect (E), the dark bar what they perceive (P). The number above each "
        "pair is the gap P − E; negative means customers get less than they expect. With "
        "the respondent-level aggregation a `*` marks a gap significantly different from 0.",
        "No defined dimension: a 'no data' figure.",
    ),
    FigureInfo(
        "item_gaps",
        "Gap per statement, sorted",
        f"{_P}.servqual.item_gaps_chart",
        "`ServqualResult` (optionally `names=` for short statement texts)",
        "One bar per statement, the largest shortfall on top. Bars left of 0 are "
        "shortfalls. Solid bars with `*` are significant after the multiple-comparison "
        "adjustment of the analysis (Holm by default); hatched bars are not. The label "
        "gives the statement and its dimension. Start improving at the top.",
        "Undefined gaps are listed as 'not computable'; no items: 'no data'.",
    ),
    FigureInfo(
        "zone_of_tolerance",
        "Zone of tolerance per statement",
        f"{_P}.zone.zone_chart",
        "`ZoneOfTolerance` (`ServqualResult.zone`)",
        "The band runs from the minimum acceptable to the desired level; the marker is "
        "the perception. ▼ below the zone (not adequate: act first), ● within, ▲ above "
        "(superior). The position is also written next to each row.",
        "No statement with a band or perception: 'no data'.",
    ),
    FigureInfo(
        "cvs",
        "Customer Value Score and parts",
        f"{_P}.scores.cvs_chart",
        "`CvsResult`",
        "Satisfaction, loyalty and recommendation (on the same respondents) and the CVS, "
        "their mean, on 0–10 with confidence intervals. The dashed line is the norm (7); "
        "the heading says whether the norm is met and by which rule.",
        "No respondent with all three answers: 'no data'.",
    ),
    FigureInfo(
        "nps",
        "Net Promoter Score",
        f"{_P}.scores.nps_chart",
        "`NpsResult`, or a sequence of `(label, NpsResult | None)` per wave or group "
        "(`None` = suppressed; `scores.nps_rows(breakdown, lang)` builds them from an "
        "`NpsBreakdown`)",
        "Each bar splits the answers into detractors (0–6, hatched), passives (7–8) and "
        "promoters (9–10). The NPS (promoters − detractors, in points) and its confidence "
        "interval stand at the end of the bar.",
        "No answers: 'no data'; a suppressed group says so instead of a bar.",
    ),
    FigureInfo(
        "trend",
        "Trend across waves",
        f"{_P}.trend.trend_chart",
        "`TrendSeries` (name, `TrendPoint`s per wave, built with `TrendPoint.from_estimate` "
        "/ `from_nps` / `from_ttest`), `measure=` cvs, nps, gap, grade, perception or "
        "score, optional `reference=` norm line",
        "One line per score over the waves, oldest left, with its confidence band. Bands "
        "that do not overlap point to a real change; the change tests in the report "
        "decide. Series differ by colour, marker and line style.",
        "No value: 'no data'; one wave: the point with its interval and 'no trend yet'.",
    ),
    FigureInfo(
        "importance_performance",
        "Importance–performance matrix",
        f"{_P}.ipa.ipa_chart",
        '`ImportancePerformance` (`importance="stated"` or `"derived"`)',
        "Performance to the right, importance upwards, crosshairs at the mean. Top left "
        "'concentrate here' (important, performing below the others) is where to act; "
        "top right 'keep up the good work'; bottom left 'low priority'; bottom right "
        "'possible overkill'. Marker shapes repeat the quadrant.",
        "No point with both coordinates: 'no data'.",
    ),
    FigureInfo(
        "gap_model",
        "The gap model",
        f"{_P}.gapmodel.gap_model_chart",
        "`GapModel` (per gap a `GapStatus(verdict, size, unit)`; "
        "`status_from_servqual` for gap 5, `status_from_mirror` for gaps 1, 6, 7; gaps "
        "2–4 from the recorded assessment)",
        "The classic picture: customer above the dashed line, provider below. Each gap is "
        "a line between the two elements it separates, labelled with its number, name, "
        "verdict (present, partly, absent, not assessed; also shown by colour and line "
        "style) and measured size.",
        "Nothing assessed: the model with every gap 'not assessed'.",
    ),
    FigureInfo(
        "mirror",
        "Mirror survey per question",
        f"{_P}.mirror.mirror_chart",
        "`MirrorGaps` (label mirror, gap1, gap6 or gap7; optionally `codes=` to choose "
        "the questions)",
        "Per question the customers' mean (circle) and the employees' or management's "
        "(diamond), sorted from the largest positive gap ('service blindness'). Flagged "
        "questions (gap above the threshold and significant after adjustment) have a "
        "thick red line and ▲. Questions on different scales get separate panels.",
        "No question with both means: 'no data'.",
    ),
)


def figures() -> tuple[FigureInfo, ...]:
    """Every report figure, in report order."""
    return _FIGURES


def figures_markdown() -> str:
    """``docs/figures.md``: the figure list as Markdown."""
    lines = [
        "# Report figures",
        "",
        "Generated from `gapsight.reports.charts.catalogue` (a test keeps this file in "
        'step; regenerate with `python -c "from gapsight.reports.charts.catalogue import '
        "figures_markdown; print(figures_markdown(), end='')\" > docs/figures.md`).",
        "",
        "Every figure is a pure function: an analysis result (or a small frozen record) "
        'and a language (`"nl"` or `"en"`) in, SVG text out. The SVG is deterministic '
        "(same input, same bytes), keeps its text as text (searchable in the PDF), has a "
        "`<title>` and `<desc>` for screen readers, uses the Okabe–Ito colour-blind-safe "
        "palette and never relies on colour alone. Figures are 16 cm wide (A4 text "
        "width) with text of at least 8 pt at that size: place them at 100 % of the text "
        "width, do not scale them down. Numbers follow the language (decimal comma in "
        "Dutch). Display names for items and dimensions can be passed as `names=`; the "
        "five SERVQUAL dimensions and the report-grade topics have built-in names.",
        "",
    ]
    for i, f in enumerate(_FIGURES, start=1):
        lines += [
            f"## {i}. {f.title}",
            "",
            f"- **Function**: `{f.function}(…, lang)` → SVG text",
            f"- **Input**: {f.input}",
            f"- **How to read it**: {f.reading}",
            f"- **When there is nothing to show**: {f.degenerate}",
            "",
        ]
    return "\n".join(lines)
