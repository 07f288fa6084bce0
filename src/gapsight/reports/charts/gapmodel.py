"""The gap model diagram: seven gaps, each with its verdict and measured size.

:func:`gap_model_chart` draws the classic picture of the service-quality gap model
(Parasuraman, Zeithaml & Berry 1985; gaps 6 and 7 from Luk & Layton 2002). Above the
dashed line the **customer**: expected service (shaped by word of mouth, personal needs
and past experience) and perceived service. Below it the **provider**: management's
perceptions of customer expectations, the service-quality specifications, the service
delivery, external communication to customers, and the employees' perceptions of
customer expectations. Thin grey arrows show how one element shapes the next.

Each gap is a thick line between the two elements it separates, with a label giving
its number, name, **verdict** and, where measured, its **size**:

===========  ==========================  ===============================
gap          between                      size (when measured)
===========  ==========================  ===============================
1 knowledge  expected service ↔ mgmt     mgmt-predicted E − customer E
2 standards  mgmt perceptions ↔ specs    recorded (e.g. share of roles with standards)
3 delivery   specs ↔ delivery            recorded (e.g. share of cases meeting the standard)
4 comm.      delivery ↔ communication    recorded (e.g. promised vs delivered)
5 customer   expected ↔ perceived        P − E (SERVQUAL overall gap)
6 distance   expected ↔ employees        staff-predicted E − customer E
7 alignment  employees ↔ mgmt            staff-predicted E − mgmt-predicted E
===========  ==========================  ===============================

Verdicts are shown by colour (red present, orange partly, green absent, grey not
assessed), by line style (solid thick, dashed, thin, dotted) **and** by the word in the
label, so the figure reads in black and white.

The input is :class:`GapModel`, a small frozen record the report fills: per gap a
:class:`GapStatus` (verdict and optional size). :func:`status_from_servqual` and
:func:`status_from_mirror` derive gap 5 and gaps 1, 6, 7 from analysis results;
gaps 2–4 come from the recorded qualitative assessment.

Example::

    >>> model = GapModel(gap5=GapStatus("present", -0.52), gap3=GapStatus("partly", 0.82, "share"))
    >>> svg = gap_model_chart(model, "en")
    >>> "−0.52" in svg and "82%" in svg and "not assessed" in svg
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from matplotlib.patches import FancyBboxPatch

from gapsight.analysis.mirror import MirrorGaps
from gapsight.analysis.result import is_defined, mean_of_defined
from gapsight.analysis.servqual import ServqualResult
from gapsight.reports.charts.labels import text
from gapsight.reports.charts.style import (
    PALETTE,
    SMALL_PT,
    Drawing,
    Lang,
    check_lang,
    drawing,
    fmt,
    new_figure,
    to_svg,
    value,
)

__all__ = [
    "VERDICT_STYLE",
    "GapModel",
    "GapStatus",
    "Verdict",
    "gap_model_chart",
    "status_from_mirror",
    "status_from_servqual",
]

Verdict = Literal["present", "partly", "absent", "not_assessed"]

VERDICT_STYLE: dict[str, tuple[str, object, float]] = {
    "present": (PALETTE["vermillion"], "solid", 3.0),
    "partly": (PALETTE["orange"], (0, (4, 2)), 3.0),
    "absent": (PALETTE["bluish_green"], "solid", 1.6),
    "not_assessed": (PALETTE["grey"], (0, (1, 2)), 1.6),
}
"""Colour, line style and width per verdict."""


@dataclass(frozen=True)
class GapStatus:
    """One gap's verdict and, when measured, its size.

    Attributes:
        verdict: ``present``, ``partly``, ``absent`` or ``not_assessed``.
        size: the measured gap (scale points for gaps 1, 5, 6, 7; for 2, 3, 4 a share
            between 0 and 1 such as the share of cases meeting a service standard),
            ``None`` when not measured.
        unit: ``"points"`` (printed with sign, 2 decimals) or ``"share"`` (percent).
    """

    verdict: Verdict = "not_assessed"
    size: float | None = None
    unit: Literal["points", "share"] = "points"

    def __post_init__(self) -> None:
        if self.verdict not in VERDICT_STYLE:
            raise ValueError(
                f"verdict must be one of {', '.join(VERDICT_STYLE)}, got {self.verdict!r}"
            )


_NOT_ASSESSED = GapStatus()


@dataclass(frozen=True)
class GapModel:
    """The seven gaps of one measurement (default: every gap not assessed)."""

    gap1: GapStatus = _NOT_ASSESSED
    gap2: GapStatus = _NOT_ASSESSED
    gap3: GapStatus = _NOT_ASSESSED
    gap4: GapStatus = _NOT_ASSESSED
    gap5: GapStatus = _NOT_ASSESSED
    gap6: GapStatus = _NOT_ASSESSED
    gap7: GapStatus = _NOT_ASSESSED

    def status(self, n: int) -> GapStatus:
        """The status of gap ``n`` (1–7); ``ValueError`` otherwise."""
        if not 1 <= n <= 7:
            raise ValueError(f"the gap model has gaps 1 to 7, got {n}")
        status: GapStatus = getattr(self, f"gap{n}")
        return status


def status_from_servqual(result: ServqualResult, *, alpha: float = 0.05) -> GapStatus:
    """Gap 5 from SERVQUAL: size = overall gap (P − E, chosen aggregation).

    Verdict: *present* when the overall gap is negative and at least half the items
    have a significant shortfall (adjusted p < ``alpha``); *partly* when some item has
    one; *absent* when none has; *not assessed* when the overall gap is undefined.
    """
    size = value(result.overall.gap)
    if size is None:
        return GapStatus()
    short = [
        it
        for it in result.items
        if (g := value(it.gap)) is not None
        and g < 0
        and (p := value(it.p_adjusted)) is not None
        and p < alpha
    ]
    if size < 0 and result.items and len(short) * 2 >= len(result.items):
        verdict: Verdict = "present"
    elif short:
        verdict = "partly"
    else:
        verdict = "absent"
    return GapStatus(verdict, size)


def status_from_mirror(gaps: MirrorGaps) -> GapStatus:
    """Gap 1, 6 or 7 from a prediction comparison: size = mean of the item gaps.

    Verdict: *present* when a dimension is flagged (its gap exceeds the threshold and is
    significant after adjustment), *partly* when only items are flagged, *absent* when
    nothing is flagged, *not assessed* when no item gap is defined.
    """
    mean = mean_of_defined([i.gap for i in gaps.items], "gap")
    if not is_defined(mean):
        return GapStatus()
    if any(d.flagged for d in gaps.dimensions):
        verdict: Verdict = "present"
    elif gaps.flagged:
        verdict = "partly"
    else:
        verdict = "absent"
    return GapStatus(verdict, float(mean))


# -------------------------------------------------------------------------- layout
# Data coordinates: x from -1 to 123, y from -13 to 100.5.
_BOXES: dict[str, tuple[float, float, float, float]] = {  # centre x, centre y, w, h
    "gm_expected": (39, 89.5, 34, 7),
    "gm_perceived": (39, 68.5, 34, 7),
    "gm_delivery": (39, 50, 34, 9),
    "gm_specifications": (39, 31, 34, 9),
    "gm_management": (39, 12, 34, 9),
    "gm_communication": (94, 50, 30, 9),
    "gm_staff": (94, 31, 30, 9),
}

# per gap: the line (polyline points) and where its label sits
_GAPS: dict[int, tuple[list[tuple[float, float]], tuple[float, float]]] = {
    1: ([(22, 89.5), (10, 89.5), (10, 12), (22, 12)], (10, 50)),
    2: ([(48, 16.5), (48, 26.5)], (48, 21.5)),
    3: ([(48, 35.5), (48, 45.5)], (48, 40.5)),
    4: ([(56, 50), (79, 50)], (67.5, 50)),
    5: ([(42, 86), (42, 72)], (42, 79)),
    6: ([(56, 91.5), (114, 91.5), (114, 31), (109, 31)], (114, 70)),
    7: ([(94, 26.5), (94, 12), (56, 12)], (73, 12)),
}

_FLOWS: list[tuple[tuple[float, float], tuple[float, float]]] = [
    ((39, 96.6), (39, 93.1)),  # sources -> expected
    ((94, 54.6), (56.2, 87.5)),  # communication -> expected
    ((32, 54.6), (32, 64.9)),  # delivery -> perceived
    ((30, 35.6), (30, 45.4)),  # specifications -> delivery
    ((30, 16.6), (30, 26.4)),  # management -> specifications
]


def _size_text(status: GapStatus, lang: Lang) -> str:
    if status.size is None:
        return ""
    if status.unit == "share":
        return f"{fmt(status.size * 100, lang, 0)}%"
    return fmt(status.size, lang, 2, sign=True)


def gap_model_chart(model: GapModel, lang: str) -> str:
    """The gap model picture with each gap's verdict and measured size.

    Args:
        model: the seven gaps' statuses (:class:`GapModel`).
        lang: ``"nl"`` or ``"en"``.

    Returns:
        SVG text. A model where nothing is assessed still draws the picture, every gap
        labelled "not assessed".
    """
    return to_svg(_gap_model_drawing(model, check_lang(lang)))


def _gap_model_drawing(model: GapModel, lang: Lang) -> Drawing:
    title = text("gm_title", lang)
    with drawing():
        fig = new_figure(6.6)
        ax = fig.add_subplot()
        ax.set_xlim(-1, 123)
        ax.set_ylim(-13, 100.5)
        ax.set_axis_off()
        # customer / provider divide
        ax.axhline(61, color=PALETTE["dark_grey"], linestyle=(0, (6, 4)), linewidth=0.8)
        ax.text(
            58,
            62.3,
            text("gm_customer", lang),
            fontsize=SMALL_PT + 0.5,
            fontweight="bold",
            va="bottom",
            ha="left",
            color=PALETTE["dark_grey"],
        )
        ax.text(
            58,
            59.7,
            text("gm_provider", lang),
            fontsize=SMALL_PT + 0.5,
            fontweight="bold",
            va="top",
            ha="left",
            color=PALETTE["dark_grey"],
        )
        ax.text(
            39,
            98.3,
            text("gm_sources", lang),
            fontsize=SMALL_PT,
            ha="center",
            va="center",
            color=PALETTE["dark_grey"],
            style="italic",
        )
        for key, (cx, cy, w, h) in _BOXES.items():
            ax.add_patch(
                FancyBboxPatch(
                    (cx - w / 2, cy - h / 2),
                    w,
                    h,
                    boxstyle="round,pad=0,rounding_size=1.2",
                    facecolor="#F2F2F2",
                    edgecolor=PALETTE["dark_grey"],
                    linewidth=0.9,
                )
            )
            ax.text(
                cx,
                cy,
                text(key, lang),
                ha="center",
                va="center",
                fontsize=SMALL_PT,
                linespacing=1.15,
            )
        for start, end in _FLOWS:
            ax.annotate(
                "",
                xy=end,
                xytext=start,
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": PALETTE["dark_grey"],
                    "linewidth": 0.8,
                    "mutation_scale": 8,
                },
            )
        desc_parts: list[str] = []
        for n, (line, (lx, ly)) in _GAPS.items():
            status = model.status(n)
            colour, style, width = VERDICT_STYLE[status.verdict]
            xs, ys = zip(*line, strict=True)
            ax.plot(
                xs,
                ys,
                color=colour,
                linestyle=style,
                linewidth=width,
                solid_capstyle="butt",
                zorder=3,
            )
            for end in (line[0], line[-1]):  # bar ends mark where the gap starts and stops
                ax.plot([end[0]], [end[1]], marker="o", markersize=3.5, color=colour, zorder=4)
            verdict = text(f"verdict_{status.verdict}", lang)
            size = _size_text(status, lang)
            second = f"{verdict} · {size}" if size else verdict
            head = f"{text('gap_n', lang, n=n)}"
            label = f"{head}\n{text(f'gap{n}_name', lang)}\n{second}"
            ax.text(
                lx,
                ly,
                label,
                ha="center",
                va="center",
                fontsize=SMALL_PT,
                zorder=5,
                linespacing=1.1,
                fontweight="normal",
                bbox={
                    "boxstyle": "round,pad=0.25",
                    "facecolor": "white",
                    "edgecolor": colour,
                    "linewidth": 1.2,
                    "linestyle": "solid" if status.verdict != "not_assessed" else "dotted",
                },
            )
            desc_parts.append(f"{head} ({text(f'gap{n}_name', lang)}): {second}")
        # legend: one sample line per verdict, in words
        ax.text(-0.5, -5, text("verdict_legend", lang), fontsize=SMALL_PT, va="center")
        x = 20.0
        for verdict, (colour, style, width) in VERDICT_STYLE.items():
            ax.plot([x, x + 7], [-5, -5], color=colour, linestyle=style, linewidth=width)
            label = text(f"verdict_{verdict}", lang)
            ax.text(x + 8.5, -5, label, fontsize=SMALL_PT, va="center")
            x += 12 + len(label) * 1.35
        ax.text(
            -0.5,
            -10.5,
            text("gm_size_note", lang),
            fontsize=SMALL_PT,
            va="center",
            color=PALETTE["dark_grey"],
        )
    return Drawing(fig, title, f"{title}: " + "; ".join(desc_parts) + ".")
