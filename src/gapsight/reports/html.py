"""The report as one HTML document (screen and print), from Jinja2 templates.

The same HTML is the web page and the input of the PDF (:mod:`gapsight.reports.pdf`):
``templates/report.html`` lays out the :class:`~gapsight.reports.model.Report`, and
``templates/report.css`` holds both the screen style and the paged-media rules
(A4, running header, page numbers, table of contents with ``target-counter``) that
WeasyPrint applies. Figures are inline SVG. Templates only lay out: every number
arrives formatted by the model (:func:`~gapsight.reports.model.cell_text`).

Example::

    >>> # html = render_html(report)          # a complete <!doctype html> document
    >>> # html = render_html(report, embed=True)  # the <article> only, for the web page
"""

from __future__ import annotations

import base64
from functools import lru_cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from gapsight.reports.labels import label
from gapsight.reports.model import Num, Report, Suppressed, Table, cell_text

__all__ = ["column_widths", "render_html", "stylesheet", "svg_image"]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("gapsight.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["cell_text"] = cell_text
    env.globals["label"] = label
    env.globals["column_widths"] = column_widths
    env.tests["numeric"] = lambda c: isinstance(c, Num | int) and not isinstance(c, bool)
    env.tests["suppressed"] = lambda c: isinstance(c, Suppressed)
    env.filters["svg"] = Markup
    env.globals["svg_image"] = svg_image
    return env


TEXT_WIDTH_CM = 16.0
"""Width of a table on A4 (the text width)."""
CHAR_CM = 0.17
"""Width of one character of table text (8.5 pt DejaVu Sans)."""
HEADING_CHAR_CM = 0.2
"""Width of one character of a (bold) column heading."""
PAD_CM = 0.45
"""Cell padding left and right."""


def column_widths(table: Table) -> list[float]:
    """Column widths in percent for a fixed table layout (WeasyPrint's automatic layout
    measures every cell twice and dominates the PDF time).

    Every column first gets the width its words need so none is broken mid-word: the
    longest word of its heading, its widest number, its longest word of text, and the
    whole text of short codes (at most 16 characters, never wrapped). What is left of
    the text width goes to the columns of long text, in proportion to their average
    length (capped, so one very long column cannot take everything). When even the
    minimum widths do not fit, they are scaled down together."""
    mins: list[float] = []
    wants: list[float] = []
    for j, heading in enumerate(table.columns):
        cells = [row[j] for row in table.rows if j < len(row)]
        texts = [c for c in cells if isinstance(c, str)]
        heading_word = max((len(w) for w in heading.split()), default=1)
        if texts and len(texts) * 2 >= len(cells):
            widest = max(len(t) for t in texts)
            word = max((len(w) for t in texts for w in t.split()), default=1)
            chars = max(min(word, 18), widest if widest <= 16 else 0)  # long codes may wrap
            mins.append(max(chars * CHAR_CM, heading_word * HEADING_CHAR_CM) + PAD_CM)
            avg = sum(len(t) for t in texts) / len(texts)
            wants.append(min(60.0, avg) if widest > 16 else 0.0)
        else:
            number = max((len(cell_text(c, "en")) for c in cells), default=0)
            mins.append(max(number * CHAR_CM, heading_word * HEADING_CHAR_CM, 0.5) + PAD_CM)
            wants.append(0.0)
    spare = TEXT_WIDTH_CM - sum(mins)
    if spare < 0:
        widths = mins
    elif sum(wants) > 0:
        widths = [m + spare * w / sum(wants) for m, w in zip(mins, wants, strict=True)]
    else:
        widths = [m + spare / len(mins) for m in mins]
    total = sum(widths) or 1.0
    return [round(100 * w / total, 2) for w in widths]


def stylesheet() -> str:
    """The report's CSS (screen and print)."""
    return files("gapsight.reports").joinpath("templates/report.css").read_text("utf-8")


def svg_image(svg: str, title: str) -> Markup:
    """``svg`` as an ``<img>`` with a data URL: WeasyPrint then draws it with its SVG
    renderer (still vector, text still text) instead of styling every path and text
    element of the figure as part of the HTML document, which took a third of the PDF
    time (see ``benchmarks/RESULTS.md``)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img class="svg" alt="{}" src="data:image/svg+xml;base64,{}">').format(
        title, Markup(data)
    )


def render_html(report: Report, *, embed: bool = False, images: bool = False) -> str:
    """``report`` as HTML: a whole document, or with ``embed`` only the article (the
    web app wraps it in its own page and links :func:`stylesheet`). ``images`` puts the
    figures in ``<img>`` elements instead of inline (for the PDF, see :func:`svg_image`)."""
    template = _environment().get_template("report.html")
    return template.render(report=report, embed=embed, images=images, css=Markup(stylesheet()))
