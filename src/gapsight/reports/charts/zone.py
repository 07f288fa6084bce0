"""Zone of tolerance per statement (three-column SERVQUAL).

:func:`zone_chart` draws, per statement, the customers' **zone of tolerance** as a band
from the mean *minimum acceptable* level to the mean *desired* level, and the mean
**perception** as a marker. The marker's shape and the word after it say where the
perception falls, so the figure reads without colour:

- ▼ *below the zone* (perception under the minimum: service is not adequate; act first),
- ● *within the zone* (adequate, not superior),
- ▲ *above the zone* (perception above the desired level: superior service).

A narrow band means customers tolerate little variation on that statement. The
position is the analysis' own classification of the means
(:attr:`gapsight.analysis.zone.ZoneItem.position`).

Example::

    >>> from gapsight.analysis.layout import Pair, ServqualLayout
    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> from gapsight.analysis.zone import zone_of_tolerance
    >>> lay = ServqualLayout((Pair("01", "empathy", "e1", "p1", "m1", "d1"),))
    >>> m = ResponseMatrix.from_columns({"e1": [7, 7, 7], "p1": [4, 5, 4],
    ...     "m1": [5, 5, 6], "d1": [7, 8, 8]})
    >>> "below the zone" in zone_chart(zone_of_tolerance(m, lay), "en")
    True
"""

from __future__ import annotations

from collections.abc import Mapping

from gapsight.analysis.zone import ZoneItem, ZoneOfTolerance
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

__all__ = ["POSITION_MARKERS", "zone_chart"]

POSITION_MARKERS: dict[str, tuple[str, str]] = {
    "below": ("v", PALETTE["vermillion"]),
    "within": ("o", PALETTE["blue"]),
    "above": ("^", PALETTE["bluish_green"]),
    "unknown": ("X", PALETTE["dark_grey"]),
}
"""Marker shape and colour per position of the perception relative to the zone."""


def _position(z: ZoneItem) -> str:
    return z.position if isinstance(z.position, str) else "unknown"


def _position_text(position: str, lang: Lang) -> str:
    return text("position_unknown" if position == "unknown" else position, lang)


def zone_chart(
    zone: ZoneOfTolerance,
    lang: str,
    *,
    names: Mapping[str, str] | None = None,
    scale: tuple[float, float] | None = None,
) -> str:
    """Band minimum–desired with the perception marker, one row per statement.

    Args:
        zone: :attr:`gapsight.analysis.servqual.ServqualResult.zone` or the result of
            :func:`gapsight.analysis.zone.zone_of_tolerance`.
        lang: ``"nl"`` or ``"en"``.
        names: display names of item codes (short statement text) and dimension ids.
        scale: x-axis range (default: fitted to the values, e.g. the 1–9 scale).

    Returns:
        SVG text; no statement with a defined band or perception gives "no data".
    """
    return to_svg(_zone_drawing(zone, check_lang(lang), names, scale))


def _zone_drawing(
    zone: ZoneOfTolerance,
    lang: Lang,
    names: Mapping[str, str] | None,
    scale: tuple[float, float] | None,
) -> Drawing:
    title = text("zone_title", lang)
    items = [
        z
        for z in zone.items
        if value(z.perception) is not None
        or (value(z.minimum) is not None and value(z.desired) is not None)
    ]
    if not items:
        return no_data(title, lang)
    vals = [
        v
        for z in items
        for v in (value(z.minimum), value(z.desired), value(z.perception))
        if v is not None
    ]
    lo, hi = scale if scale is not None else (min(vals) - 0.5, max(vals) + 0.5)
    n = len(items)
    used: list[str] = []
    with drawing():
        two_lines = any(names and z.code in names for z in items)
        fig = new_figure(1.1 + (0.34 if two_lines else 0.26) * n)
        ax = fig.add_subplot()
        for row, z in enumerate(items):
            mn, ds, p = value(z.minimum), value(z.desired), value(z.perception)
            if mn is not None and ds is not None:
                left, right = min(mn, ds), max(mn, ds)
                ax.barh(
                    row,
                    right - left,
                    left=left,
                    height=0.55,
                    color=PALETTE["sky_blue"],
                    alpha=0.45,
                    edgecolor=PALETTE["blue"],
                    linewidth=0.6,
                    label=text("zone_band", lang) if row == 0 else None,
                )
            pos = _position(z)
            marker, colour = POSITION_MARKERS[pos]
            if p is not None:
                ax.plot(
                    [p],
                    [row],
                    marker=marker,
                    color=colour,
                    markersize=7,
                    markeredgecolor="black",
                    markeredgewidth=0.5,
                    linestyle="none",
                    label=_position_text(pos, lang) if pos not in used else None,
                )
                used.append(pos)
            ax.text(
                hi + (hi - lo) * 0.01,
                row,
                f"{fmt(p, lang, 2)}  {_position_text(pos, lang)}",
                va="center",
                ha="left",
                fontsize=SMALL_PT,
                fontweight="bold" if pos == "below" else "normal",
            )
        labels = []
        for z in items:
            dim = dimension_name(z.dimension, lang, names)
            if names and z.code in names:  # statement text, dimension on a second line
                labels.append(f"{z.code} {names[z.code]}\n{dim}")
            else:
                labels.append(f"{z.code} · {dim}")
        ax.set_yticks(range(n))
        ax.set_yticklabels(labels)
        ax.set_ylim(n - 0.4, -0.6)
        ax.set_xlim(lo, hi)
        ax.xaxis.set_major_formatter(number_formatter(lang))
        ax.grid(axis="x", color=PALETTE["light_grey"], linewidth=0.5)
        ax.set_axisbelow(True)
        ax.set_xlabel(text("scale_points", lang))
        ax.tick_params(axis="y", length=0)
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=2,
            frameon=False,
            fontsize=SMALL_PT,
        )
    parts = [
        f"{z.code}: {fmt(z.minimum, lang)}–{fmt(z.desired, lang)}, "
        f"{text('perception', lang).lower()} {fmt(z.perception, lang)} "
        f"({_position_text(_position(z), lang)})"
        for z in items
    ]
    return Drawing(fig, title, f"{title}: " + "; ".join(parts) + ".")
