"""The report as PDF: WeasyPrint renders the HTML of :mod:`gapsight.reports.html`.

The print rules live in the same stylesheet (``@media print``): A4 pages, the wave's
name in the running header, "page / pages" at the bottom, each chapter on a new page,
and a table of contents whose page numbers WeasyPrint fills in with
``target-counter(attr(href), page)``. Figures are SVG images (``<img>`` with a data
URL, :func:`~gapsight.reports.html.svg_image`), so they stay vector graphics (sharp at
any zoom, small files, text searchable) without every path of every figure going
through the HTML style cascade.

Example::

    >>> # Path("report.pdf").write_bytes(render_pdf(report))
"""

from __future__ import annotations

from gapsight.reports.html import render_html
from gapsight.reports.model import Report

__all__ = ["render_pdf"]


def render_pdf(report: Report) -> bytes:
    """``report`` as PDF bytes (A4, page numbers, table of contents)."""
    from weasyprint import HTML

    html = render_html(report, images=True)
    data: bytes = HTML(string=html, media_type="print").write_pdf()
    return data
