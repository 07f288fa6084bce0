"""Mirror chart: customers' answers vs employees' (or management's) predictions.

:func:`mirror_chart` is a dumbbell chart, one row per question: the circle is the
reference group's mean (customers, or management for gap 7), the diamond the comparison
group's mean (employees answering as they expect customers to, or a prediction), and
the line between them the gap. Rows are sorted from the largest positive gap (staff
think they do better than customers say: "service blindness") to the largest negative.

A **flagged** question (difference larger than the threshold *and* significant after
the multiple-comparison adjustment, :mod:`gapsight.analysis.mirror`) has a thick red
line, a ▲ before its label and its gap in bold; unflagged questions have a thin grey
line. Questions on different answer scales (7-point statements, 1–10 grades, 0–10 CVS
questions) are drawn in separate panels, each with its own axis.

The same chart shows gap 1 (management prediction vs customer expectation), gap 6
(employee prediction vs customer expectation) and gap 7 (employee vs management
prediction): the result's ``label`` picks the title and the group names.

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> from gapsight.analysis.mirror import mirror_gaps
    >>> cust = ResponseMatrix.from_columns({"p01": [3, 4, 3, 2, 3, 4], "p02": [4, 4, 5, 4, 4, 5]})
    >>> staff = ResponseMatrix.from_columns({"p01": [5, 5, 4, 5, 5], "p02": [4, 5, 4, 4, 5]})
    >>> svg = mirror_chart(mirror_gaps(cust, staff), "en")
    >>> "▲ p01" in svg and "Customers" in svg
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.lines import Line2D

from gapsight.analysis.cvs import CVS_CODES
from gapsight.analysis.mirror import ItemGap, MirrorGaps
from gapsight.reports.charts.labels import dimension_name, text
from gapsight.reports.charts.style import (
    PALETTE,
    SMALL_PT,
    Drawing,
    Lang,
    check_lang,
    drawing,
    fmt,
    new_figure,
    no_data,
    number_formatter,
    to_svg,
    value,
)

__all__ = ["GROUPS", "mirror_chart"]

GROUPS: dict[str, tuple[str, str, str]] = {
    "mirror": ("mirror_title", "customers", "employees_mirror"),
    "gap1": ("gap1_title", "customers_expectation", "management_prediction"),
    "gap6": ("gap6_title", "customers_expectation", "employees_prediction"),
    "gap7": ("gap7_title", "management_prediction", "employees_prediction"),
}
"""Per result label: title, reference group and comparison group (text ids)."""

_REF = PALETTE["blue"]
_CMP = PALETTE["orange"]
_FLAG = PALETTE["vermillion"]


def mirror_chart(
    gaps: MirrorGaps,
    lang: str,
    *,
    names: Mapping[str, str] | None = None,
    codes: Sequence[str] | None = None,
) -> str:
    """Dumbbells of the two groups' means per question, flagged questions marked.

    Args:
        gaps: :func:`gapsight.analysis.mirror.mirror_gaps` result (``label`` ``mirror``,
            ``gap1``, ``gap6`` or ``gap7``; another label is drawn as a mirror chart).
        lang: ``"nl"`` or ``"en"``.
        names: display names of item codes (short question text) and dimension ids.
        codes: only these questions, in this set (default: every question with both
            means defined). Use it to leave out points and ranking questions.

    Returns:
        SVG text; no question with both means gives a "no data" figure.
    """
    return to_svg(_mirror_drawing(gaps, check_lang(lang), names, codes))


def _label(it: ItemGap, lang: Lang, names: Mapping[str, str] | None) -> str:
    """``▲ p07 · Reliability``; CVS questions and report grades by their topic alone."""
    mark = "▲ " if it.flagged else ""
    if names and it.code in names:
        return f"{mark}{names[it.code]}"
    if it.code in CVS_CODES:
        return f"{mark}{text(it.code, lang)}"
    if it.code.startswith("grade_"):
        topic = dimension_name(it.dimension or it.code.removeprefix("grade_"), lang, names)
        return f"{mark}{topic}"
    dim = dimension_name(it.dimension, lang, names)
    return f"{mark}{it.code}" + (f" · {dim}" if dim else "")


def _mirror_drawing(
    gaps: MirrorGaps,
    lang: Lang,
    names: Mapping[str, str] | None,
    codes: Sequence[str] | None,
) -> Drawing:
    title_key, ref_key, cmp_key = GROUPS.get(gaps.label, GROUPS["mirror"])
    title = text(title_key, lang)
    wanted = set(codes) if codes is not None else None
    items = [
        it
        for it in gaps.items
        if (wanted is None or it.code in wanted)
        and value(it.reference_mean) is not None
        and value(it.comparison_mean) is not None
    ]
    if not items:
        return no_data(title, lang)
    # one panel per answer scale: the flag threshold is scaled to each item's range
    panels: dict[float, list[ItemGap]] = {}
    for it in items:
        panels.setdefault(it.threshold, []).append(it)
    groups = [
        sorted(p, key=lambda it: -(value(it.gap) or 0.0))
        for p in sorted(panels.values(), key=len, reverse=True)
    ]
    rows = sum(len(g) for g in groups)
    with drawing():
        fig = new_figure(1.0 + 0.24 * rows + 0.45 * len(groups))
        axes = fig.subplots(
            len(groups), 1, squeeze=False, height_ratios=[len(g) + 1.2 for g in groups]
        )[:, 0]
        for k, (ax, group) in enumerate(zip(axes, groups, strict=True)):
            vals: list[float] = []
            for row, it in enumerate(group):
                r = value(it.reference_mean) or 0.0
                c = value(it.comparison_mean) or 0.0
                vals += [r, c]
                ax.plot(
                    [r, c],
                    [row, row],
                    color=_FLAG if it.flagged else PALETTE["grey"],
                    linewidth=3.0 if it.flagged else 1.2,
                    solid_capstyle="butt",
                    zorder=1,
                )
                ax.plot(
                    [r],
                    [row],
                    marker="o",
                    color=_REF,
                    markersize=6.5,
                    linestyle="none",
                    markeredgecolor="black",
                    markeredgewidth=0.4,
                    zorder=2,
                    label=text(ref_key, lang) if k == 0 and row == 0 else None,
                )
                ax.plot(
                    [c],
                    [row],
                    marker="D",
                    color=_CMP,
                    markersize=5.5,
                    linestyle="none",
                    markeredgecolor="black",
                    markeredgewidth=0.4,
                    zorder=2,
                    label=text(cmp_key, lang) if k == 0 and row == 0 else None,
                )
            lo, hi = min(vals), max(vals)
            span = max(hi - lo, 0.5)
            right = hi + span * 0.05
            for row, it in enumerate(group):
                ax.text(
                    right + span * 0.02,
                    row,
                    fmt(it.gap, lang, 2, sign=True),
                    va="center",
                    fontsize=SMALL_PT,
                    fontweight="bold" if it.flagged else "normal",
                    color=_FLAG if it.flagged else "black",
                )
            ax.set_xlim(lo - span * 0.08, hi + span * 0.3)
            ax.set_yticks(range(len(group)))
            ax.set_yticklabels([_label(it, lang, names) for it in group])
            for tick, it in zip(ax.get_yticklabels(), group, strict=True):
                if it.flagged:
                    tick.set_fontweight("bold")
                    tick.set_color(_FLAG)
            ax.set_ylim(len(group) - 0.4, -0.6)
            ax.tick_params(axis="y", length=0)
            ax.xaxis.set_major_formatter(number_formatter(lang))
            ax.grid(axis="x", color=PALETTE["light_grey"], linewidth=0.5)
            ax.set_axisbelow(True)
            if k == len(groups) - 1:
                ax.set_xlabel(text("mean_answer", lang))
        handles, labels = axes[0].get_legend_handles_labels()
        if any(it.flagged for g in groups for it in g):
            handles.append(Line2D([], [], color=_FLAG, linewidth=3.0))
            labels.append(text("flag_note", lang, alpha=fmt(gaps.alpha, lang, 2)))
        axes[0].legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=1,
            frameon=False,
            fontsize=SMALL_PT,
        )
    desc = "; ".join(
        f"{_label(it, lang, names).removeprefix('▲ ')}: "
        f"{fmt(it.reference_mean, lang)} / {fmt(it.comparison_mean, lang)}"
        f" ({fmt(it.gap, lang, 2, sign=True)}{', ▲' if it.flagged else ''})"
        for g in groups
        for it in g
    )
    head = f"{title}. {text(ref_key, lang)} / {text(cmp_key, lang)}"
    return Drawing(fig, title, f"{head}: {desc}.")
