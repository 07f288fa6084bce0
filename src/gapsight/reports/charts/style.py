"""House style for report figures: palette, sizes, number format and SVG output.

Every figure in :mod:`gapsight.reports.charts` is drawn with matplotlib's object API
(``Figure``, never ``pyplot``: no global figure state, safe in a web worker) and written
as SVG text by :func:`to_svg`, which makes the output

- **deterministic**: ``svg.hashsalt`` is fixed and the ``Date`` metadata removed, so the
  same result gives byte-identical SVG (reproducible reports, stable tests);
- **text as text**: ``svg.fonttype = "none"`` keeps labels as ``<text>`` elements, so
  they stay searchable in the PDF and testable in the SVG;
- **accessible**: a ``<title>`` and a ``<desc>`` (what the figure shows, in the report
  language) are the first children of ``<svg>``, which has ``role="img"``.

Sizes are for A4 print: figures are :data:`WIDTH_IN` (16 cm, the text width of an A4
page with 2.5 cm margins) wide and are meant to be placed at that width. The smallest
text is :data:`SMALL_PT` (8 pt) at that size; do not scale a figure down.

The palette is Okabe & Ito (2008), distinguishable with the common forms of colour
blindness. No figure relies on colour alone: significance, zone position, verdicts and
flags are also shown by text, markers, hatching or line style.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from gapsight.analysis.result import Number, is_defined
from gapsight.reports.charts.labels import text

__all__ = [
    "BASE_PT",
    "DIMENSION_COLOURS",
    "PALETTE",
    "SMALL_PT",
    "WIDTH_IN",
    "Drawing",
    "Lang",
    "check_lang",
    "fmt",
    "fmt_range",
    "new_figure",
    "no_data",
    "number_formatter",
    "to_png",
    "to_svg",
    "value",
]

Lang: TypeAlias = Literal["nl", "en"]
"""Report languages."""

WIDTH_IN = 6.3
"""Figure width in inches (16 cm: A4 text width)."""
BASE_PT = 9.0
"""Body text of figures (axis labels, tick labels) in points at :data:`WIDTH_IN`."""
SMALL_PT = 8.0
"""Smallest text (annotations, footnotes) in points; nothing is drawn smaller."""

PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
    "light_grey": "#DDDDDD",
    "dark_grey": "#555555",
}
"""Okabe–Ito colours by name, plus greys."""

DIMENSION_COLOURS: tuple[str, ...] = (
    PALETTE["blue"],
    PALETTE["orange"],
    PALETTE["bluish_green"],
    PALETTE["reddish_purple"],
    PALETTE["sky_blue"],
    PALETTE["vermillion"],
    PALETTE["yellow"],
    PALETTE["dark_grey"],
)
"""Colours given to dimensions in order of first appearance."""

_RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "gapsight",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": BASE_PT,
    "axes.titlesize": BASE_PT + 1,
    "axes.labelsize": BASE_PT,
    "xtick.labelsize": BASE_PT,
    "ytick.labelsize": BASE_PT,
    "legend.fontsize": SMALL_PT + 0.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": PALETTE["dark_grey"],
    "axes.linewidth": 0.8,
    "hatch.linewidth": 0.8,
    "axes.unicode_minus": True,
    "svg.image_inline": True,
}

# rcParams are process-global: one figure at a time is drawn and saved under the lock,
# so two web requests cannot mix their settings.
_LOCK = threading.RLock()


@contextmanager
def _house_style() -> Iterator[None]:
    with _LOCK, matplotlib.rc_context(_RC):
        yield


def check_lang(lang: str) -> Lang:
    """``lang`` when it is ``"nl"`` or ``"en"``; ``ValueError`` otherwise."""
    if lang == "nl":
        return "nl"
    if lang == "en":
        return "en"
    raise ValueError(f"language must be 'nl' or 'en', got {lang!r}")


@dataclass
class Drawing:
    """A drawn figure with its accessible title and description (report language)."""

    figure: Figure
    title: str
    desc: str


def new_figure(height_in: float, width_in: float = WIDTH_IN) -> Figure:
    """A figure in the house style (call inside :func:`drawing`)."""
    with _house_style():
        return Figure(figsize=(width_in, height_in), layout="constrained")


@contextmanager
def drawing() -> Iterator[None]:
    """Context in which figures are built: the house rcParams under the drawing lock."""
    with _house_style():
        yield


def value(x: Number | None) -> float | None:
    """A defined, finite number as ``float``; ``None`` for undefined or missing."""
    if x is None or not is_defined(x):
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def fmt(value: Number | None, lang: Lang, decimals: int = 2, *, sign: bool = False) -> str:
    """A number as printed in the report: decimal comma in Dutch, true minus sign.

    Undefined values print as ``n.b.`` (*niet berekenbaar*) / ``n/a``.

    >>> fmt(-0.524, "nl"), fmt(-0.524, "en"), fmt(0.5, "en", 1, sign=True)
    ('−0,52', '−0.52', '+0.5')
    """
    if value is None or not is_defined(value) or not math.isfinite(float(value)):
        return text("not_available", lang)
    v = round(float(value), decimals)
    if v == 0:
        v = 0.0  # no "-0.00"
    s = f"{abs(v):,.{decimals}f}"
    s = s.replace(",", "\u2009")
    if lang == "nl":
        s = s.replace(".", ",")
    if v < 0:
        return "\u2212" + s
    return ("+" + s) if sign and v > 0 else s


def fmt_range(low: Number, high: Number, lang: Lang, decimals: int = 2) -> str:
    """A confidence interval as ``low–high`` (``n.b.`` when undefined)."""
    if not (is_defined(low) and is_defined(high)):
        return text("not_available", lang)
    return f"{fmt(low, lang, decimals)} {text('to', lang)} {fmt(high, lang, decimals)}"


def number_formatter(lang: Lang, decimals: int = 1) -> Any:
    """A matplotlib tick formatter printing numbers like :func:`fmt`."""
    from matplotlib.ticker import FuncFormatter

    def _f(x: float, _pos: int | None = None) -> str:
        d = 0 if float(x).is_integer() else decimals
        return fmt(float(x), lang, d)

    return FuncFormatter(_f)


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def to_svg(d: Drawing) -> str:
    """The figure as deterministic SVG text with ``<title>``, ``<desc>`` and ``role``."""
    buf = io.StringIO()
    with _house_style():
        d.figure.savefig(
            buf,
            format="svg",
            metadata={"Date": None, "Creator": "gapsight"},
        )
    svg = buf.getvalue()
    match = _SVG_OPEN.search(svg)
    if match is None:  # matplotlib always writes one; keep the figure rather than fail
        return svg
    # ids unique per figure (several SVGs are inlined in one HTML page) yet deterministic
    key = hashlib.sha256(f"{d.title}\n{d.desc}".encode()).hexdigest()[:10]
    head = match.group(0)
    opened = head[:-1] + f' role="img" aria-labelledby="gs-title-{key} gs-desc-{key}">'
    inserted = (
        f'\n <title id="gs-title-{key}">{escape(d.title)}</title>'
        f'\n <desc id="gs-desc-{key}">{escape(d.desc)}</desc>'
    )
    return svg[: match.start()] + opened + inserted + svg[match.end() :]


def to_png(d: Drawing, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (for previews and spreadsheets; the report uses SVG)."""
    buf = io.BytesIO()
    with _house_style():
        d.figure.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def no_data(title: str, lang: Lang, detail: str | None = None) -> Drawing:
    """A small figure saying there is nothing to show (instead of an empty chart).

    ``detail`` is an extra line in the report language (e.g. which input is missing).
    """
    with drawing():
        fig = new_figure(1.2)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.add_patch(
            Rectangle(
                (0.005, 0.02),
                0.99,
                0.96,
                fill=False,
                linestyle=(0, (4, 3)),
                edgecolor=PALETTE["grey"],
                linewidth=0.8,
            )
        )
        ax.text(0.5, 0.68, title, ha="center", va="center", fontsize=BASE_PT + 1)
        msg = text("no_data", lang)
        ax.text(0.5, 0.4, msg, ha="center", va="center", color=PALETTE["dark_grey"])
        if detail:
            ax.text(
                0.5,
                0.18,
                detail,
                ha="center",
                va="center",
                fontsize=SMALL_PT,
                color=PALETTE["dark_grey"],
            )
    desc = f"{msg}." + (f" {detail}" if detail else "")
    return Drawing(fig, title, desc)
