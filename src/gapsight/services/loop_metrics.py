"""Loop metrics for the management summary: an optional hook.

The closed loop (promoters and detractors flagged, cases handled within the guideline
deadlines) is built elsewhere. The management summary shows its metrics **when a
provider is registered**, and says plainly that they are not available otherwise; the
report does not depend on how the cases are stored.

A provider is a function ``(session, wave_id) -> LoopMetrics | None``, registered
once at start-up::

    >>> register_loop_metrics(None)          # no provider: the summary says so
    >>> loop_metrics_provider() is None
    True

The case module registers its own, e.g.
``register_loop_metrics(lambda session, wave: LoopMetrics(flagged=40, closed=38,
on_time=35))``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

__all__ = ["LoopMetrics", "LoopMetricsProvider", "loop_metrics_provider", "register_loop_metrics"]


@dataclass(frozen=True)
class LoopMetrics:
    """Follow-up of a wave's flagged respondents.

    Attributes:
        flagged: promoters and detractors flagged for follow-up.
        closed: cases closed.
        on_time: cases closed within the guideline deadline.
        overdue: open cases past their deadline.
    """

    flagged: int
    closed: int
    on_time: int
    overdue: int = 0

    @property
    def share_on_time(self) -> float | None:
        """``on_time / flagged``, ``None`` when nothing was flagged."""
        return self.on_time / self.flagged if self.flagged else None


LoopMetricsProvider = Callable[[Session, int], LoopMetrics | None]

_provider: LoopMetricsProvider | None = None


def register_loop_metrics(provider: LoopMetricsProvider | None) -> None:
    """Register (or with ``None`` remove) the function that gives a wave's loop metrics."""
    global _provider
    _provider = provider


def loop_metrics_provider() -> LoopMetricsProvider | None:
    """The registered provider, ``None`` when there is none."""
    return _provider
