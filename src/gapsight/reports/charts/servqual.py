"""SERVQUAL figures: expectation vs perception per dimension, and item gaps sorted.

:func:`expectation_perception_chart`
    Paired bars per dimension (and overall): the lighter, hatched bar is the
    expectation E, the dark bar the perception P, both starting at the bottom of the
    answer scale. The number above each pair is the gap P − E; a negative gap is a
    shortfall (customers get less than they expect). ``*`` marks a dimension gap that
    differs significantly from 0 (respondent-level t-test; only available when the
    respondent-level aggregation is shown).

:func:`item_gaps_chart`
    One horizontal bar per statement, sorted from the largest shortfall (top) to the
    largest surplus. Bars left of 0 are shortfalls. The label names the statement and
    its dimension (the colour repeats the dimension). Solid bars with ``*`` are
    significant after the multiple-comparison adjustment of the analysis (Holm by
    default); hatched bars are not. Read it top-down: the first bars are where to
    improve first.

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> from gapsight.analysis.servqual import Pair, ServqualLayout, servqual
    >>> layout = ServqualLayout(pairs=(Pair("01", "tangibles", "e01", "p01"),
    ...                                Pair("02", "empathy", "e02", "p02")))
    >>> m = ResponseMatrix.from_columns({"e01": [6, 7, 6, 5], "p01": [5, 5, 6, 4],
    ...                                  "e02": [7, 7, 6, 6], "p02": [6, 7, 5, 5]})
    >>> svg = item_gaps_chart(servqual(m, layout), "en")
    >>> svg.startswith("<?xml") and "Gap per statement" in svg
    True
"""

from __future__ import annotations

from collections.abc import Mapping

from gapsight.analysis.result import is_defined
from gapsight.analysis.servqual import Aggregate, ItemGap, ServqualResult
from gapsight.reports.charts.labels import dimension_name, text
from gapsight.reports.charts.style import (
    DIMENSION_COLOURS,
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

__all__ = ["expectation_perception_chart", "item_gaps_chart"]


def _aggregate(result: ServqualResult, aggregation: str | None) -> Aggregate:
    if aggregation is None:
        return result.chosen
    if aggregation == "item_means":
        return result.by_item_means
    if aggregation == "respondent":
        return result.by_respondent
    raise ValueError(f"aggregation must be 'item_means' or 'respondent', got {aggregation!r}")


def expectation_perception_chart(
    result: ServqualResult,
    lang: str,
    *,
    names: Mapping[str, str] | None = None,
    aggregation: str | None = None,
    scale: tuple[float, float] = (1.0, 7.0),
    alpha: float = 0.05,
) -> str:
    """Paired bars E and P per dimension plus overall, the gap written above each pair.

    Args:
        result: a SERVQUAL result (:func:`gapsight.analysis.servqual.servqual`).
        lang: ``"nl"`` or ``"en"``.
        names: display names of dimension ids (default: built-in SERVQUAL names).
        aggregation: ``"item_means"`` or ``"respondent"`` (default: the result's own).
        scale: the answer scale; bars start at its minimum (default 1–7).
        alpha: significance level for the ``*`` on respondent-level dimension gaps.

    Returns:
        SVG text. A result without any defined dimension gives a "no data" figure.
    """
    return to_svg(_ep_drawing(result, check_lang(lang), names, aggregation, scale, alpha))


def _ep_drawing(
    result: ServqualResult,
    lang: Lang,
    names: Mapping[str, str] | None,
    aggregation: str | None,
    scale: tuple[float, float],
    alpha: float,
) -> Drawing:
    agg = _aggregate(result, aggregation)
    title = text("ep_title", lang)
    rows: list[tuple[str, float | None, float | None, float | None, bool]] = []
    for d in agg.dimensions:
        sig = bool(d.test is not None and is_defined(d.test.p) and float(d.test.p) < alpha)
        rows.append(
            (
                dimension_name(d.dimension, lang, names),
                float(d.expectation) if is_defined(d.expectation) else None,
                float(d.perception) if is_defined(d.perception) else None,
                float(d.gap) if is_defined(d.gap) else None,
                sig,
            )
        )
    o = agg.overall
    rows.append(
        (
            text("overall", lang),
            float(o.expectation) if is_defined(o.expectation) else None,
            float(o.perception) if is_defined(o.perception) else None,
            float(o.gap) if is_defined(o.gap) else None,
            False,
        )
    )
    if all(r[1] is None and r[2] is None for r in rows):
        return no_data(title, lang)
    lo, hi = scale
    width = 0.38
    any_sig = any(r[4] for r in rows)
    with drawing():
        fig = new_figure(3.3)
        ax = fig.add_subplot()
        for i, (_name, e, p, gap, sig) in enumerate(rows):
            if e is not None:
                ax.bar(
                    i - width / 2,
                    e - lo,
                    width,
                    bottom=lo,
                    color=PALETTE["sky_blue"],
                    hatch="///",
                    edgecolor="white",
                    linewidth=0,
                    label=text("expectation", lang) if i == 0 else None,
                )
            if p is not None:
                ax.bar(
                    i + width / 2,
                    p - lo,
                    width,
                    bottom=lo,
                    color=PALETTE["blue"],
                    label=text("perception", lang) if i == 0 else None,
                )
            top = max(v for v in (e, p, lo) if v is not None)
            label = f"{text('gap_short', lang)} {fmt(gap, lang, 2, sign=True)}" + (
                "*" if sig else ""
            )
            ax.text(
                i,
                top + (hi - lo) * 0.03,
                label,
                ha="center",
                va="bottom",
                fontsize=SMALL_PT + 0.5,
                fontweight="bold" if sig else "normal",
            )
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels([r[0] for r in rows], rotation=0)
        if len(rows) > 6 or max(len(r[0]) for r in rows) > 14:
            for t in ax.get_xticklabels():
                t.set_rotation(25)
                t.set_horizontalalignment("right")
        ax.axvline(len(rows) - 1.5, color=PALETTE["grey"], linewidth=0.6, linestyle=":")
        ax.set_ylim(lo, hi + (hi - lo) * 0.12)
        ax.set_ylabel(text("scale_points", lang))
        ax.yaxis.set_major_formatter(number_formatter(lang))
        ax.grid(axis="y", color=PALETTE["light_grey"], linewidth=0.5)
        ax.set_axisbelow(True)
        ax.legend(loc="upper center", ncols=2, frameon=False, bbox_to_anchor=(0.5, 1.13))
        if any_sig:
            ax.set_xlabel(
                text("dim_sig_note", lang, alpha=fmt(alpha, lang, 2)),
                fontsize=SMALL_PT,
                color=PALETTE["dark_grey"],
                loc="left",
            )
    parts = [
        f"{r[0]}: {text('expectation', lang).lower()} {fmt(r[1], lang)}, "
        f"{text('perception', lang).lower()} {fmt(r[2], lang)}, "
        f"{text('gap_short', lang)} {fmt(r[3], lang, sign=True)}"
        for r in rows
    ]
    return Drawing(fig, title, "; ".join(parts) + ".")


def _item_label(it: ItemGap, lang: Lang, names: Mapping[str, str] | None) -> str:
    """``07 · Reliability``, or with a statement text two lines: text, then dimension."""
    dim = dimension_name(it.dimension, lang, names)
    if names and it.code in names:
        return f"{it.code} {names[it.code]}\n{dim}"
    return f"{it.code} · {dim}"


def item_gaps_chart(
    result: ServqualResult,
    lang: str,
    *,
    names: Mapping[str, str] | None = None,
    alpha: float = 0.05,
) -> str:
    """Horizontal bars of the item gaps P − E, sorted from largest shortfall to surplus.

    Args:
        result: a SERVQUAL result; its ``p_adjusted`` (method ``result.adjustment``)
            decides the significance marks.
        lang: ``"nl"`` or ``"en"``.
        names: display names; item codes (``"07"``) map to a short statement text,
            dimension ids to a dimension name. Without them the label is
            ``"07 · Reliability"``.
        alpha: significance level applied to the adjusted p-values.

    Returns:
        SVG text; items whose gap is undefined are listed at the bottom without a bar
        ("not computable"); no items at all give a "no data" figure.
    """
    return to_svg(_items_drawing(result, check_lang(lang), names, alpha))


def _items_drawing(
    result: ServqualResult, lang: Lang, names: Mapping[str, str] | None, alpha: float
) -> Drawing:
    title = text("items_title", lang)
    if not result.items:
        return no_data(title, lang)
    defined_items = sorted(
        (it for it in result.items if is_defined(it.gap)), key=lambda it: value(it.gap) or 0.0
    )
    undefined_items = [it for it in result.items if not is_defined(it.gap)]
    ordered = defined_items + undefined_items
    dims: list[str] = []
    for it in result.items:
        if it.dimension not in dims:
            dims.append(it.dimension)
    colour = {d: DIMENSION_COLOURS[i % len(DIMENSION_COLOURS)] for i, d in enumerate(dims)}
    n = len(ordered)
    gaps = [value(it.gap) or 0.0 for it in defined_items]
    span_lo = min([0.0, *gaps])
    span_hi = max([0.0, *gaps])
    span = max(span_hi - span_lo, 0.5)
    method = text(f"adjust_{result.adjustment}", lang)
    with drawing():
        two_lines = bool(names) and any(it.code in (names or {}) for it in ordered)
        fig = new_figure(1.1 + (0.31 if two_lines else 0.235) * (n + 1))
        ax = fig.add_subplot()
        sig_codes: list[str] = []
        for row, it in enumerate(ordered):
            y = row
            if not is_defined(it.gap):
                ax.text(
                    0,
                    y,
                    text("not_computable", lang),
                    va="center",
                    ha="center",
                    fontsize=SMALL_PT,
                    color=PALETTE["dark_grey"],
                    style="italic",
                )
                continue
            g = value(it.gap) or 0.0
            p_adj = value(it.p_adjusted)
            sig = p_adj is not None and p_adj < alpha
            if sig:
                sig_codes.append(it.code)
            ax.barh(
                y,
                g,
                height=0.7,
                color=colour[it.dimension] if sig else "white",
                edgecolor=colour[it.dimension],
                hatch=None if sig else "////",
                linewidth=0.9,
            )
            label = fmt(g, lang, 2, sign=True) + (" *" if sig else "")
            pad = span * 0.015
            ax.text(
                g + (pad if g >= 0 else -pad),
                y,
                label,
                ha="left" if g >= 0 else "right",
                va="center",
                fontsize=SMALL_PT,
                fontweight="bold" if sig else "normal",
            )
        ax.set_yticks(range(n))
        ax.set_yticklabels([_item_label(it, lang, names) for it in ordered])
        for tick, it in zip(ax.get_yticklabels(), ordered, strict=True):
            tick.set_color(PALETTE["black"])
            if it.code in sig_codes:
                tick.set_fontweight("bold")
        ax.set_ylim(n + 0.4, -0.6)  # one free row at the bottom for the direction words
        ax.set_xlim(span_lo - span * 0.3, span_hi + span * 0.3)
        for x, key, ha in ((-1, "shortfall", "right"), (1, "surplus", "left")):
            ax.text(
                x * span * 0.02,
                n - 0.05,
                text(key, lang),
                ha=ha,
                va="center",
                fontsize=SMALL_PT,
                color=PALETTE["dark_grey"],
            )
        ax.axvline(0, color=PALETTE["black"], linewidth=0.9)
        ax.xaxis.set_major_formatter(number_formatter(lang))
        ax.grid(axis="x", color=PALETTE["light_grey"], linewidth=0.5)
        ax.set_axisbelow(True)
        ax.set_xlabel(text("gap_axis", lang))
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        if sig_codes or result.adjustment != "none":
            note = text("sig_item_note", lang, method=method, alpha=fmt(alpha, lang, 2))
        else:
            note = text("sig_none_note", lang)
        fig.suptitle(note, fontsize=SMALL_PT, color=PALETTE["dark_grey"], x=0.01, ha="left")
    parts = [
        f"{it.code} {fmt(it.gap, lang, 2, sign=True)}"
        + (f" ({text('significant', lang)})" if it.code in sig_codes else "")
        for it in ordered
    ]
    desc = f"{title}: " + "; ".join(parts) + "."
    return Drawing(fig, title, desc)
