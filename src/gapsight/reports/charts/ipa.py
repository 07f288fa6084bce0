"""Importance–performance matrix (Martilla & James 1977).

:func:`ipa_chart` plots each dimension or item as a point: performance (mean perception)
to the right, importance (points given, or derived importance) upwards. The crosshairs
(dashed) split the plane into four labelled quadrants:

- top left, **concentrate here**: important and performing below the others, the first
  place to improve;
- top right, **keep up the good work**: important and performing well;
- bottom left, **low priority**: less important, performing below the others;
- bottom right, **possible overkill**: performing well on something customers value
  less; effort might go elsewhere.

The marker shape repeats the quadrant, and each point is labelled; labels are moved
aside (with a thin leader line) when they would overlap. Crosshairs sit at the mean of
the points unless the analysis was given fixed values; the note under the title says
which.

Example::

    >>> from gapsight.analysis.importance import importance_performance
    >>> r = importance_performance({"service": 6.1, "quality": 7.9},
    ...                            {"service": 0.30, "quality": 0.35})
    >>> "Keep up the good work" in ipa_chart(r, "en")
    True
"""

from __future__ import annotations

from collections.abc import Mapping

from gapsight.analysis.importance import ImportancePerformance
from gapsight.reports.charts.labels import dimension_name, text
from gapsight.reports.charts.style import (
    BASE_PT,
    PALETTE,
    SMALL_PT,
    WIDTH_IN,
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

__all__ = ["QUADRANT_STYLE", "ipa_chart"]

QUADRANT_STYLE: dict[str, tuple[str, str]] = {
    "concentrate_here": ("s", PALETTE["vermillion"]),
    "keep_up_the_good_work": ("o", PALETTE["bluish_green"]),
    "low_priority": ("v", PALETTE["dark_grey"]),
    "possible_overkill": ("^", PALETTE["orange"]),
}
"""Marker and colour per quadrant."""

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in axes fraction


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_labels(
    points: list[tuple[str, float, float]], ax_w_pt: float, ax_h_pt: float, fontsize: float
) -> list[tuple[float, float, str, bool]]:
    """Greedy label placement in axes-fraction coordinates.

    Each label is tried right, left, above and below its point, then shifted up and
    down in steps of one line; the first place that overlaps no other label, point or
    quadrant caption and stays inside the axes wins. Returns per point ``(x, y, ha,
    moved)`` with ``moved`` when a leader line is needed.
    """
    h = fontsize * 1.25 / ax_h_pt
    gap_x = 7 / ax_w_pt
    # quadrant captions sit in the four corners
    cap_h = (SMALL_PT + 1) * 1.4 / ax_h_pt
    taken: list[Box] = [
        (0.0, 1 - cap_h, 0.45, 1.0),
        (0.55, 1 - cap_h, 1.0, 1.0),
        (0.0, 0.0, 0.45, cap_h),
        (0.55, 0.0, 1.0, cap_h),
    ]
    marker = 5 / ax_w_pt, 5 / ax_h_pt
    for _, px, py in points:
        taken.append((px - marker[0], py - marker[1], px + marker[0], py + marker[1]))
    placed: list[tuple[float, float, str, bool]] = []
    for name, px, py in points:
        w = len(name) * fontsize * 0.58 / ax_w_pt
        candidates: list[tuple[float, float, str, bool]] = [
            (px + gap_x, py, "left", False),
            (px - gap_x, py, "right", False),
            (px, py + h, "center", False),
            (px, py - h, "center", False),
        ]
        for step in range(1, 8):
            for sign in (1, -1):
                candidates.append((px + gap_x, py + sign * step * h, "left", True))
                candidates.append((px - gap_x, py + sign * step * h, "right", True))
        choice = candidates[0]
        for cx, cy, ha, moved in candidates:
            x0 = cx if ha == "left" else cx - w if ha == "right" else cx - w / 2
            box = (x0, cy - h / 2, x0 + w, cy + h / 2)
            if box[0] < 0 or box[2] > 1 or box[1] < 0 or box[3] > 1:
                continue
            if any(_overlaps(box, t) for t in taken):
                continue
            choice = (cx, cy, ha, moved)
            taken.append(box)
            break
        placed.append(choice)
    return placed


def ipa_chart(
    ipa: ImportancePerformance,
    lang: str,
    *,
    names: Mapping[str, str] | None = None,
    importance: str = "stated",
) -> str:
    """The importance–performance scatter with crosshairs and four labelled quadrants.

    Args:
        ipa: :func:`gapsight.analysis.importance.importance_performance` result.
        lang: ``"nl"`` or ``"en"``.
        names: display names of the points (default: built-in dimension names, else
            the point's own name).
        importance: ``"stated"`` (points given by respondents) or ``"derived"``
            (e.g. LMG shares from a key-driver analysis); names the y-axis.

    Returns:
        SVG text; fewer than one point with both coordinates gives "no data".
    """
    if importance not in ("stated", "derived"):
        raise ValueError(f"importance must be 'stated' or 'derived', got {importance!r}")
    return to_svg(_ipa_drawing(ipa, check_lang(lang), names, importance))


def _ipa_drawing(
    ipa: ImportancePerformance, lang: Lang, names: Mapping[str, str] | None, importance: str
) -> Drawing:
    title = text("ipa_title", lang)
    pts = [
        (dimension_name(p.name, lang, names), value(p.performance), value(p.importance), p)
        for p in ipa.points
    ]
    ok = [(n, x, y, p) for n, x, y, p in pts if x is not None and y is not None]
    cx, cy = value(ipa.performance_cross), value(ipa.importance_cross)
    if not ok or cx is None or cy is None:
        return no_data(title, lang)
    xs = [x for _, x, _, _ in ok if x is not None] + [cx]
    ys = [y for _, _, y, _ in ok if y is not None] + [cy]
    # symmetric around the crosshairs, so the quadrants are equally large
    dx = max(max(abs(x - cx) for x in xs), 0.1) * 1.35
    dy = max(max(abs(y - cy) for y in ys), 0.01) * 1.45
    xlim, ylim = (cx - dx, cx + dx), (cy - dy, cy + dy)
    height = 4.2
    stated_share = importance == "stated" and max(ys) <= 1.0
    with drawing():
        fig = new_figure(height)
        ax = fig.add_subplot()
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.axvline(cx, color=PALETTE["dark_grey"], linestyle=(0, (5, 3)), linewidth=1)
        ax.axhline(cy, color=PALETTE["dark_grey"], linestyle=(0, (5, 3)), linewidth=1)
        corners = {
            "concentrate_here": (0.01, 0.99, "left", "top"),
            "keep_up_the_good_work": (0.99, 0.99, "right", "top"),
            "low_priority": (0.01, 0.01, "left", "bottom"),
            "possible_overkill": (0.99, 0.01, "right", "bottom"),
        }
        for quadrant, (qx, qy, ha, va) in corners.items():
            marker, colour = QUADRANT_STYLE[quadrant]
            ax.text(
                qx,
                qy,
                text(quadrant, lang),
                transform=ax.transAxes,
                ha=ha,
                va=va,
                fontsize=SMALL_PT + 1,
                fontweight="bold",
                color=colour if quadrant != "possible_overkill" else "#9A6A00",
            )
        for _n, x, y, p in ok:
            marker, colour = QUADRANT_STYLE[p.quadrant or "low_priority"]
            ax.plot(
                [x],
                [y],
                marker=marker,
                color=colour,
                markersize=8,
                markeredgecolor="black",
                markeredgewidth=0.5,
                linestyle="none",
            )
        # label placement in axes fraction (axes size estimated from the figure size)
        ax_w_pt, ax_h_pt = (WIDTH_IN - 0.8) * 72, (height - 0.8) * 72
        frac = [
            (n, ((x or 0.0) - xlim[0]) / (2 * dx), ((y or 0.0) - ylim[0]) / (2 * dy))
            for n, x, y, _ in ok
        ]
        for (n, px, py), (lx, ly, ha, moved) in zip(
            frac, _place_labels(frac, ax_w_pt, ax_h_pt, BASE_PT), strict=True
        ):
            ax.annotate(
                n,
                (px, py),
                xycoords="axes fraction",
                xytext=(lx, ly),
                textcoords="axes fraction",
                ha=ha,
                va="center",
                fontsize=BASE_PT,
                arrowprops=(
                    {"arrowstyle": "-", "color": PALETTE["grey"], "linewidth": 0.6}
                    if moved
                    else None
                ),
            )
        ax.set_xlabel(text("performance", lang))
        ax.set_ylabel(text(f"importance_{importance}", lang))
        ax.xaxis.set_major_formatter(number_formatter(lang, 1))
        if stated_share:
            from matplotlib.ticker import FuncFormatter

            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{fmt(v * 100, lang, 0)}%"))
        else:
            ax.yaxis.set_major_formatter(number_formatter(lang, 2))
        note = text(
            "crosshair_note"
            if ipa.cross_source == ("grand_mean", "grand_mean")
            else "crosshair_given_note",
            lang,
        )
        ax.set_title(note, loc="left", fontsize=SMALL_PT, color=PALETTE["dark_grey"])
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
    desc = "; ".join(
        f"{n}: {text(p.quadrant, lang) if p.quadrant else text('not_computable', lang)} "
        f"({fmt(x, lang, 2)}; {fmt(y, lang, 2)})"
        for n, x, y, p in pts
    )
    return Drawing(fig, title, f"{title}: {desc}.")
