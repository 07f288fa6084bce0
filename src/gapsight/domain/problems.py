"""Problems with user input, tied to the field they concern.

Domain checks return a list of :class:`FieldProblem` (all problems at once) and
services raise them together as one :class:`InvalidInput`. Each problem has a stable
``code``: user interfaces look the message up by code in the user's language and show
it next to ``field``; the English ``message`` is for logs, the CLI and the library.

Example::

    >>> err = InvalidInput([FieldProblem("name", "name_empty", "name must not be empty")])
    >>> str(err), err.problems[0].field
    ('name must not be empty', 'name')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["FieldProblem", "InvalidInput"]


@dataclass(frozen=True)
class FieldProblem:
    """One broken rule: the ``field`` it concerns, a stable ``code`` and an English
    ``message``."""

    field: str
    code: str
    message: str


class InvalidInput(ValueError):
    """The input breaks one or more rules; ``problems`` lists them all."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))
