"""Reading HTML forms: typed values out, messages per field in.

Handlers read raw form text with :class:`FormReader`, which converts values and
collects a message per field when a value is not of the right kind (not a whole
number, not a date …). Domain rules are checked by the services; their problems
(:class:`~gapsight.domain.problems.FieldProblem`) are added to the same
:class:`FormReader` with :meth:`FormReader.add_problems`, translated by code. The page
then shows an error summary at the top whose links jump to the fields (``id`` =
``field-<name>``), and each message again next to its field.

Example::

    >>> r = FormReader({"size": "7", "start": "2026-13-01"}, gettext=str)
    >>> r.integer("size"), r.date("start"), r.errors
    (7, None, {'start': 'Enter a date as YYYY-MM-DD.'})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gapsight.domain.problems import FieldProblem

__all__ = ["FormReader"]


class FormReader:
    """Typed access to submitted form fields, collecting per-field messages.

    ``values`` keeps the raw text of every field so a form shown again with errors
    keeps what the user typed.
    """

    def __init__(self, data: Mapping[str, Any], *, gettext: Callable[[str], str]) -> None:
        self._data = data
        self._ = gettext
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def _raw(self, name: str) -> str:
        value = self._data.get(name)
        text = value.strip() if isinstance(value, str) else ""
        self.values[name] = text
        return text

    def error(self, name: str, message: str) -> None:
        """Record ``message`` for field ``name`` (the first message per field wins)."""
        self.errors.setdefault(name, message)

    def text(self, name: str, *, required: bool = False) -> str:
        """The stripped text of ``name`` (``""`` when absent)."""
        text = self._raw(name)
        if required and not text:
            self.error(name, self._("Fill in this field."))
        return text

    def choice(self, name: str, options: Iterable[str], *, default: str | None = None) -> str:
        """The value of ``name`` when it is one of ``options`` (else a message)."""
        text = self._raw(name) or (default or "")
        if text not in set(options):
            self.error(name, self._("Choose one of the options."))
        self.values[name] = text
        return text

    def integer(self, name: str, *, required: bool = False) -> int | None:
        """A whole number, or ``None`` when empty or invalid."""
        text = self._raw(name)
        if not text:
            if required:
                self.error(name, self._("Fill in this field."))
            return None
        try:
            return int(text)
        except ValueError:
            self.error(name, self._("Enter a whole number, such as 5."))
            return None

    def number(self, name: str) -> float | None:
        """A decimal number (comma or point), or ``None`` when empty or invalid."""
        text = self._raw(name)
        if not text:
            return None
        try:
            return float(text.replace(",", "."))
        except ValueError:
            self.error(name, self._("Enter a number, such as 0.95."))
            return None

    def date(self, name: str) -> dt.date | None:
        """An ISO date ``YYYY-MM-DD`` (what ``<input type=date>`` sends), or ``None``."""
        text = self._raw(name)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(name, self._("Enter a date as YYYY-MM-DD."))
            return None

    def integers(self, name: str) -> list[int]:
        """Whole numbers separated by commas or spaces (``"7, 14"``)."""
        text = self._raw(name)
        out = []
        for part in text.replace(",", " ").split():
            try:
                out.append(int(part))
            except ValueError:
                self.error(name, self._("Enter whole numbers separated by commas, such as 7, 14."))
                return []
        return out

    def lines(self, name: str) -> list[str]:
        """Non-empty lines (or comma-separated entries) of a text area."""
        text = self._raw(name)
        return [p.strip() for p in text.replace(",", "\n").splitlines() if p.strip()]

    def add_problems(self, problems: Iterable[FieldProblem], messages: Mapping[str, str]) -> None:
        """Add domain problems, translated by code via ``messages`` (the English
        message when a code has no translation)."""
        for problem in problems:
            self.error(problem.field, messages.get(problem.code, problem.message))

    @property
    def ok(self) -> bool:
        """True when no field has a message."""
        return not self.errors
