"""Trend across waves with confidence bands, for any score.

:func:`trend_chart` draws one line per series (a dimension gap, the CVS, the NPS, a
report grade …) over the waves of a study series, oldest left. The shaded band around
each line is the confidence interval of each wave's value: where the bands of two waves
do not overlap, the change is clearly more than sampling noise (overlapping bands do
not prove the opposite; the report's change tests decide). Series differ by colour,
marker *and* line style. An optional dashed reference line shows a norm (7 for the CVS
and report grades; 0 for gaps).

The input is plain: :class:`TrendPoint` per wave (value, CI, n), built with the
``from_*`` helpers from the analysis results of each wave, grouped in a
:class:`TrendSeries`.

Example::

    >>> from gapsight.analysis.estimate import mean_estimate
    >>> s = TrendSeries("CVS", (
    ...     TrendPoint.from_estimate("2024", mean_estimate([6, 7, 7, 8])),
    ...     TrendPoint.from_estimate("2025", mean_estimate([7, 8, 8, 9]))))
    >>> "2025" in trend_chart(s, "en", measure="cvs", reference=7)
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gapsight.analysis.estimate import MeanEstimate
from gapsight.analysis.nps import NpsResult
from gapsight.analysis.result import Number, Undefined
from gapsight.analysis.ttest import TTest
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

__all__ = ["MEASURES", "TrendPoint", "TrendSeries", "trend_chart"]

MEASURES = ("score", "cvs", "nps", "gap", "grade", "perception")
"""Kinds of score; each names the y-axis in both languages."""

_NO_CI = Undefined("no interval given")
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
_LINES = ("-", "--", "-.", ":")


@dataclass(frozen=True)
class TrendPoint:
    """One wave's value of a score, with its confidence interval.

    Attributes:
        wave: the x-axis label of the wave (e.g. ``"2024"`` or ``"voorjaar 2025"``).
        value: the score (undefined: no point drawn for this wave).
        ci_low, ci_high: the interval (undefined: no band at this wave).
        n: respondents behind the value, if known.
        confidence: level of the interval.
    """

    wave: str
    value: Number
    ci_low: Number = _NO_CI
    ci_high: Number = _NO_CI
    n: int | None = None
    confidence: float = 0.95

    @classmethod
    def from_estimate(cls, wave: str, est: MeanEstimate) -> TrendPoint:
        """From a mean estimate (CVS ``score``, a grade's ``estimate`` …)."""
        return cls(wave, est.mean, est.ci_low, est.ci_high, est.n, est.confidence)

    @classmethod
    def from_nps(cls, wave: str, nps: NpsResult) -> TrendPoint:
        """From an NPS result (points, adjusted-Wald interval)."""
        return cls(wave, nps.score, nps.ci_low, nps.ci_high, nps.n, nps.confidence)

    @classmethod
    def from_ttest(cls, wave: str, test: TTest) -> TrendPoint:
        """From a t-test of a mean (e.g. a respondent-level dimension gap's test)."""
        return cls(wave, test.mean, test.ci_low, test.ci_high, test.n, test.confidence)


@dataclass(frozen=True)
class TrendSeries:
    """A named line: the points of one score over waves (name in the report language)."""

    name: str
    points: tuple[TrendPoint, ...]


def trend_chart(
    series: TrendSeries | Sequence[TrendSeries],
    lang: str,
    *,
    measure: str = "score",
    reference: float | None = None,
    decimals: int | None = None,
) -> str:
    """Lines with confidence bands per series over the waves.

    Args:
        series: one series or several (same measure) to compare.
        lang: ``"nl"`` or ``"en"``.
        measure: one of :data:`MEASURES`; names the y-axis.
        reference: draw a dashed norm line at this value (e.g. 7, or 0 for gaps).
        decimals: decimals of the value labels (default 0 for NPS, else 2 for gaps, 1).

    Returns:
        SVG text. No defined value gives a "no data" figure; one wave shows the points
        with their intervals and says there is no trend yet.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}")
    many = [series] if isinstance(series, TrendSeries) else list(series)
    return to_svg(_trend_drawing(many, check_lang(lang), measure, reference, decimals))


def _trend_drawing(
    series: list[TrendSeries],
    lang: Lang,
    measure: str,
    reference: float | None,
    decimals: int | None,
) -> Drawing:
    title = text("trend_title", lang)
    waves: list[str] = []
    for s in series:
        for p in s.points:
            if p.wave not in waves:
                waves.append(p.wave)
    if not any(value(p.value) is not None for s in series for p in s.points):
        return no_data(title, lang)
    dec = (
        decimals
        if decimals is not None
        else (0 if measure == "nps" else 2 if measure == "gap" else 1)
    )
    x_of = {w: i for i, w in enumerate(waves)}
    label_all = len(series) == 1
    signed = measure in ("nps", "gap")
    confidence = next((p.confidence for s in series for p in s.points), 0.95)
    desc_parts: list[str] = []
    end_labels: list[tuple[float, float, str, str]] = []
    with drawing():
        fig = new_figure(3.0)
        ax = fig.add_subplot()
        for k, s in enumerate(series):
            colour = DIMENSION_COLOURS[k % len(DIMENSION_COLOURS)]
            pts = [(x_of[p.wave], p) for p in s.points if value(p.value) is not None]
            xs = [x for x, _ in pts]
            ys = [value(p.value) or 0.0 for _, p in pts]
            band: list[tuple[float, float, float]] = []
            for x, p in pts:
                blo, bhi = value(p.ci_low), value(p.ci_high)
                if blo is not None and bhi is not None:
                    band.append((x, blo, bhi))
            if len(band) >= 2:
                ax.fill_between(
                    [b[0] for b in band],
                    [b[1] for b in band],
                    [b[2] for b in band],
                    color=colour,
                    alpha=0.18,
                    linewidth=0,
                )
            for bx, blo, bhi in band:  # whiskers too: a band needs two waves
                ax.plot([bx, bx], [blo, bhi], color=colour, linewidth=0.8, alpha=0.8)
            ax.plot(
                xs,
                ys,
                marker=_MARKERS[k % len(_MARKERS)],
                linestyle=_LINES[k % len(_LINES)],
                color=colour,
                linewidth=1.6,
                markersize=5.5,
                label=dimension_name(s.name, lang),
            )
            for j, (x, y) in enumerate(zip(xs, ys, strict=True)):
                if label_all and j < len(xs) - 1:
                    ax.annotate(
                        fmt(y, lang, dec, sign=signed),
                        (x, y),
                        xytext=(6, 4),
                        textcoords="offset points",
                        fontsize=SMALL_PT,
                        color="black",
                    )
            if xs:
                end_labels.append((xs[-1], ys[-1], fmt(ys[-1], lang, dec, sign=signed), colour))
            desc_parts.append(
                f"{dimension_name(s.name, lang)}: "
                + ", ".join(f"{p.wave} {fmt(p.value, lang, dec, sign=signed)}" for p in s.points)
            )
        if reference is not None:
            ax.axhline(reference, color=PALETTE["dark_grey"], linestyle=(0, (5, 3)), linewidth=1)
            lo, hi = ax.get_ylim()
            pad = (hi - lo) * 0.08
            ax.set_ylim(min(lo, reference - pad), max(hi, reference + pad))
            if measure != "gap":  # a zero line on a gap axis explains itself
                decs = 0 if float(reference).is_integer() else 1
                ax.annotate(
                    text("reference_line", lang, level=fmt(reference, lang, decs)),
                    (1, reference),
                    xycoords=("axes fraction", "data"),
                    xytext=(-2, 3),
                    textcoords="offset points",
                    ha="right",
                    fontsize=SMALL_PT,
                    color=PALETTE["dark_grey"],
                )
        _end_labels(ax, end_labels)
        ax.set_xticks(range(len(waves)))
        ax.set_xticklabels(waves)
        if len(waves) == 1:
            ax.set_xlim(-1.0, 1.0)
        else:
            ax.set_xlim(-0.4, len(waves) - 0.4 + 0.3)
        ax.set_xlabel(text("wave", lang))
        ax.set_ylabel(text(f"measure_{measure}", lang))
        ax.yaxis.set_major_formatter(number_formatter(lang))
        ax.grid(axis="y", color=PALETTE["light_grey"], linewidth=0.5)
        ax.set_axisbelow(True)
        note = text("band_note", lang, level=fmt(confidence * 100, lang, 0))
        if len(waves) == 1:
            note = f"{text('one_wave_note', lang)}. {note}"
        ax.set_title(note, loc="left", fontsize=SMALL_PT, color=PALETTE["dark_grey"])
        if len(series) > 2:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        else:
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False)
    return Drawing(fig, title, f"{title}: " + "; ".join(desc_parts) + ".")


def _end_labels(ax: Any, labels: list[tuple[float, float, str, str]]) -> None:
    """Value labels right of each series' last point, pushed apart vertically so they
    never overlap (at least one line of 8-pt text between centres)."""
    if not labels:
        return
    lo, hi = ax.get_ylim()
    height_pt = ax.get_position().height * ax.figure.get_figheight() * 72
    sep = (hi - lo) * (SMALL_PT * 1.3) / max(height_pt, 1.0)
    order = sorted(range(len(labels)), key=lambda i: labels[i][1])
    ys = [labels[i][1] for i in order]
    for k in range(1, len(ys)):
        ys[k] = max(ys[k], ys[k - 1] + sep)
    for k, i in enumerate(order):
        x, y, label, colour = labels[i]
        ax.annotate(
            label,
            (x, y),
            xytext=(x + 0.06, ys[k]),
            textcoords="data",
            va="center",
            fontsize=SMALL_PT,
            color="black",
            fontweight="bold",
            arrowprops=(
                {"arrowstyle": "-", "color": colour, "linewidth": 0.6}
                if abs(ys[k] - y) > sep / 2
                else None
            ),
        )
