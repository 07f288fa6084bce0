"""The report model: what a report says, before it is HTML, PDF or Excel.

:mod:`gapsight.reports.contents` turns analysis results into a :class:`Report`; the
renderers (:mod:`~gapsight.reports.html`, :mod:`~gapsight.reports.pdf`,
:mod:`~gapsight.reports.workbook`) only lay it out. Every number in a report is a
value in a :class:`Table` cell or a text written by the builder from an analysis
result, so a test can compare the model with the analysis and the rendered document
with the model.

A table cell is plain data:

- ``str`` (text), ``int`` (a count), ``None`` (empty);
- :class:`Num` — a number with the decimals to display it with (the unrounded value is
  kept for the workbook);
- :data:`SUPPRESSED` — a cell hidden by the minimum group size (rendered as ``•`` with
  the table's note; the workbook writes the same mark, never a number).

Example::

    >>> t = Table("scores", "Key figures", ("Measure", "Value"), (("CVS", Num(7.26, 1)),))
    >>> t.rows[0][1].text("nl")
    '7,3'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "SUPPRESSED",
    "Block",
    "Cell",
    "Figure",
    "Num",
    "Paragraph",
    "Question",
    "QuestionGroup",
    "Report",
    "Section",
    "Suppressed",
    "Table",
]


@dataclass(frozen=True)
class Num:
    """A number shown with ``decimals`` decimals (``percent``: value × 100 and ``%``;
    ``signed``: always a sign; ``mark``: appended, e.g. ``*`` for significant)."""

    value: float
    decimals: int = 2
    percent: bool = False
    signed: bool = False
    mark: str = ""
    below: bool = False
    """Print ``<value`` (a p-value under the smallest shown)."""

    def text(self, lang: str) -> str:
        """The displayed text: ``,`` as decimal separator in Dutch."""
        if not math.isfinite(self.value):
            return "–"
        v = self.value * 100 if self.percent else self.value
        s = f"{v:+.{self.decimals}f}" if self.signed else f"{v:.{self.decimals}f}"
        if s.lstrip("+-").strip("0.") == "":  # -0.00 → 0.00
            s = s.lstrip("+-")
        if lang == "nl":
            s = s.replace(".", ",")
        s = s.replace("-", "−")
        return ("<" if self.below else "") + s + ("%" if self.percent else "") + self.mark


@dataclass(frozen=True)
class Suppressed:
    """A cell hidden to protect anonymity (see the table's note)."""

    def text(self, lang: str) -> str:
        """The mark printed in place of the number."""
        return "•"


SUPPRESSED = Suppressed()

Cell = str | int | Num | Suppressed | None


def cell_text(cell: Cell, lang: str) -> str:
    """The displayed text of one cell."""
    if cell is None:
        return ""
    if isinstance(cell, Num | Suppressed):
        return cell.text(lang)
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:,}".replace(",", "." if lang == "nl" else ",")
    return str(cell)


@dataclass(frozen=True)
class Table:
    """A table with a heading row; ``notes`` are printed under it."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()
    kind: Literal["table"] = "table"

    @property
    def has_suppressed(self) -> bool:
        """True when a cell is hidden by the minimum group size."""
        return any(isinstance(c, Suppressed) for row in self.rows for c in row)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text; ``items`` makes it a bulleted list after the text."""

    text: str
    items: tuple[str, ...] = ()
    style: Literal["normal", "note", "missing"] = "normal"
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class Figure:
    """A server-rendered SVG figure with its caption."""

    key: str
    title: str
    svg: str
    kind: Literal["figure"] = "figure"


@dataclass(frozen=True)
class Question:
    """One question of the appendix as respondents saw it."""

    code: str
    text: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class QuestionGroup:
    """A section of the questionnaire (appendix)."""

    title: str
    intro: str | None
    questions: tuple[Question, ...]
    kind: Literal["questions"] = "questions"


Block = Table | Paragraph | Figure | QuestionGroup


@dataclass(frozen=True)
class Section:
    """A numbered chapter of the report (``key`` is stable across languages)."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    subsections: tuple[Section, ...] = ()

    def tables(self) -> list[Table]:
        """Every table of the section and its subsections, in order."""
        out = [b for b in self.blocks if isinstance(b, Table)]
        for sub in self.subsections:
            out.extend(sub.tables())
        return out


@dataclass(frozen=True)
class Report:
    """A whole report: title page data and the sections in reading order."""

    lang: str
    title: str
    subtitle: str
    organisation: str
    generated: str
    sections: tuple[Section, ...]
    compact: bool = False
    """A short report (the management summary): no contents page, chapters run on."""
    facts: dict[str, float] = field(default_factory=dict)
    """Headline numbers by name (``overall_gap``, ``cvs``, ``nps`` …), unrounded, so
    tests and summaries can check what the report prints."""

    def tables(self) -> list[Table]:
        """Every table of the report, in reading order (the workbook's sheets)."""
        out: list[Table] = []
        for s in self.sections:
            out.extend(s.tables())
        return out
