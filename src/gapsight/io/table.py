"""What importers produce and exporters consume, and how an import is rejected.

Importers (CSV, Excel, SPSS) read a file, map its columns to instrument item codes,
validate every value against the item's scale and return a :class:`ResponseTable` or
:class:`SampleTable`. They never write to the database: the import service stores the
table in one transaction, so a rejected file changes nothing.

A rejected file raises :class:`ImportRejected` carrying every :class:`ImportProblem`
(row, column, value, what was expected), capped for display, with the total count.
Rows are numbered as the user sees them: the first data row of a CSV or Excel sheet is
row 2 (row 1 holds the headers); in SPSS files the first case is row 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from gapsight.analysis.matrix import ResponseMatrix

__all__ = ["ImportProblem", "ImportRejected", "ResponseTable", "SampleTable"]

MAX_SHOWN = 50
"""How many problems an error message lists before summarising the rest."""


@dataclass(frozen=True)
class ImportProblem:
    """One invalid cell or structural problem. ``row``/``column`` are ``None`` when the
    problem concerns the whole file (e.g. truncated) or a whole column."""

    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        head = ", ".join(where) or "file"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{head}{got}; expected {self.expected}"


class ImportRejected(ValueError):
    """The file was not imported; nothing was stored. ``problems`` holds every finding
    (the message shows at most :data:`MAX_SHOWN`)."""

    def __init__(self, source: str, problems: list[ImportProblem]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:MAX_SHOWN])
        more = len(problems) - MAX_SHOWN
        tail = f"\n  … and {more} more problem(s)" if more > 0 else ""
        super().__init__(
            f"{source}: not imported, {len(problems)} problem(s), nothing was stored:\n"
            f"{shown}{tail}"
        )


@dataclass(frozen=True)
class ResponseTable:
    """Validated responses to one instrument version.

    Attributes:
        instrument_ref: ``"<id>@<version>"`` the answers are coded against.
        matrix: numeric answers; ``matrix.codes`` are the instrument's numeric codes
            present in the file, in instrument order; don't-know in ``matrix.dont_know``.
        texts: free-text answers per text item code (``None`` = no answer).
        characteristics: loaded characteristics, one typed column each (string,
            integer, float, boolean or datetime64), same row order as ``matrix``.
        respondent_keys: an optional stable respondent key per row (to pair waves),
            ``None`` when the file has none.
    """

    instrument_ref: str
    matrix: ResponseMatrix
    texts: dict[str, list[str | None]] = field(default_factory=dict)
    characteristics: pd.DataFrame = field(default_factory=pd.DataFrame)
    respondent_keys: list[str | None] | None = None

    @property
    def n(self) -> int:
        """Number of respondents."""
        return self.matrix.n


@dataclass(frozen=True)
class SampleTable:
    """A validated sample: contacts to invite and their loaded characteristics.

    Attributes:
        contacts: columns ``email`` (required, valid address), ``name``, ``language``
            (``nl``/``en``, default ``nl``) and ``external_id`` (may be empty).
        characteristics: one typed column per loaded characteristic, same row order.
    """

    contacts: pd.DataFrame
    characteristics: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n(self) -> int:
        """Number of contacts."""
        return len(self.contacts)
