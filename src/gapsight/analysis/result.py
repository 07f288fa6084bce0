"""Shared conventions for analysis results: "undefined, because …" and warnings.

Every analysis function returns frozen dataclasses. A number that cannot be computed
(one respondent, a zero-variance item, a dimension without valid items …) is never a
silent ``NaN`` and never a crash: it is an :class:`Undefined` carrying the reason, so a
report can print "not computable: all answers are equal" instead of a blank.

Conventions used by every module in :mod:`gapsight.analysis`:

- a statistic that may be undefined is typed :data:`Number` (``float | Undefined``);
- :func:`defined` turns a computed float into :data:`Number` (``NaN``/``inf`` become
  :class:`Undefined` with the reason given);
- ``to_frame()`` writes undefined values as ``NaN`` (pandas' missing marker) and puts
  the reasons in a ``note`` column (see :func:`frame_value` and :func:`note_of`);
- JSON writers use :func:`as_optional` (``None`` for undefined) plus the reason;
- problems a reader should know about but that do not stop the computation (alpha below
  0.7, respondents whose points did not sum to 100 …) are :class:`AnalysisWarning`
  with a stable ``code``.

Example::

    >>> x = defined(float("nan"), "fewer than 2 complete pairs")
    >>> x
    Undefined(reason='fewer than 2 complete pairs')
    >>> bool(x), as_optional(x), as_optional(defined(1.5, "unused"))
    (False, None, 1.5)
    >>> is_defined(2.0), is_defined(x)
    (True, False)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeAlias, TypeGuard, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AnalysisWarning",
    "Number",
    "Result",
    "Undefined",
    "as_optional",
    "defined",
    "frame_value",
    "is_defined",
    "mean_of_defined",
    "note_of",
]


@dataclass(frozen=True)
class Undefined:
    """A statistic that has no value here, and why (plain English, one short clause).

    Falsy, so ``if result.alpha:`` reads naturally; compare with :func:`is_defined` when
    ``0.0`` is a legitimate value.
    """

    reason: str

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"undefined ({self.reason})"


Number: TypeAlias = float | Undefined
"""A float, or :class:`Undefined` with the reason it could not be computed."""


def defined(value: float, reason: str) -> Number:
    """``value`` as a float when finite, else ``Undefined(reason)``."""
    v = float(value)
    return v if math.isfinite(v) else Undefined(reason)


def is_defined(value: Number) -> TypeGuard[float]:
    """True when ``value`` is a (finite) number, not :class:`Undefined`."""
    return not isinstance(value, Undefined)


def as_optional(value: Number) -> float | None:
    """``None`` for undefined, the float otherwise (for JSON)."""
    return None if isinstance(value, Undefined) else float(value)


def frame_value(value: Number) -> float:
    """``NaN`` for undefined, the float otherwise (for ``to_frame()``)."""
    return math.nan if isinstance(value, Undefined) else float(value)


def mean_of_defined(values: Sequence[Number], what: str) -> Number:
    """Mean of the defined values; when none is defined, the first one's reason.

    Used for "mean of item means" where an item without answers is left out.

    Example::

        >>> mean_of_defined([1.0, Undefined("no answers"), 2.0], "gap")
        1.5
        >>> mean_of_defined([Undefined("no answers")], "gap")
        Undefined(reason='no answers')
    """
    ok = [float(v) for v in values if not isinstance(v, Undefined)]
    if ok:
        return math.fsum(ok) / len(ok)
    for v in values:
        if isinstance(v, Undefined):
            return v
    return Undefined(f"{what}: no items")


def note_of(values: Iterable[Number]) -> str:
    """The distinct reasons among ``values`` joined by ``"; "`` (``""`` when all defined).

    ``to_frame()`` methods put this in a ``note`` column so a ``NaN`` in a table is
    always explained.
    """
    seen: list[str] = []
    for v in values:
        if isinstance(v, Undefined) and v.reason not in seen:
            seen.append(v.reason)
    return "; ".join(seen)


@dataclass(frozen=True)
class AnalysisWarning:
    """Something a reader of the result should know; the computation went ahead.

    Attributes:
        code: stable identifier, e.g. ``"alpha_low"``, ``"alpha_if_deleted_higher"``,
            ``"weights_renormalised"``, ``"zone_inverted"``.
        message: one English sentence naming the scale/item concerned.
        subject: the item code, scale or dimension concerned, if any.
    """

    code: str
    message: str
    subject: str | None = None

    def __str__(self) -> str:
        return self.message


@runtime_checkable
class Result(Protocol):
    """What every analysis result offers: a tidy pandas view of itself."""

    def to_frame(self) -> pd.DataFrame:
        """The result as a DataFrame (one row per item / dimension / scale)."""
        ...
