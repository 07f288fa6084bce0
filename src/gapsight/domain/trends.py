"""Trend detection: a theme or category that rises or recurs beyond its own history.

The method is deliberately simple, so a coordinator can check it by hand.

**Rising** — for each key (a category, a theme tag …) let ``c`` be the count in the
current period and ``m`` the mean count over the previous ``k`` periods (``k`` = 6 by
default; periods without signals count as 0). Under "nothing changed" the current
count is Poisson with mean ``μ = max(m, floor)``, so the one-sided p-value is

.. math:: p = P(X \\ge c \\mid X \\sim \\text{Poisson}(\\mu)) = 1 - F(c - 1; \\mu)

The key is flagged *rising* when ``c >= min_count`` and ``p < alpha`` (defaults 3 and
0.01). The floor (0.5) keeps a key with no history from being flagged on a single
report while still flagging a new theme that appears several times at once (with
``μ = 0.5``, ``c = 3`` gives ``p ≈ 0.014``, not flagged; ``c = 4`` gives
``p ≈ 0.0018``, flagged).
``ratio = c / μ`` is reported as the size of the rise.

**Recurring** — a key that occurred in at least ``recur_periods`` of the last
``k + 1`` periods including the current one (default 4 of 7), and in the current
one, is flagged *recurring*: a steady irritation that never goes away is worth a
closer look even when it does not rise.

Reference: the Poisson exceedance test is the basis of simple outbreak detection in
public-health surveillance (e.g. Farrington et al., *J. R. Stat. Soc. A* 159 (1996)
547–563, here without their trend and seasonality terms).

Example::

    >>> counts = {"parking": [1, 0, 1, 0, 1, 0, 6], "wifi": [2, 2, 2, 2, 2, 2, 2]}
    >>> [(t.key, t.kind) for t in detect_trends(counts)]
    [('parking', 'rising'), ('wifi', 'recurring')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy.stats import poisson

__all__ = ["Trend", "TrendSettings", "detect_trends", "poisson_exceedance"]


@dataclass(frozen=True)
class TrendSettings:
    """The parameters of :func:`detect_trends` (see the module docstring)."""

    history: int = 6
    min_count: int = 3
    alpha: float = 0.01
    floor: float = 0.5
    recur_periods: int = 4

    def __post_init__(self) -> None:
        if self.history < 1 or self.min_count < 1 or self.recur_periods < 1:
            raise ValueError("history, min_count and recur_periods must be >= 1")
        if not 0 < self.alpha < 1 or self.floor <= 0:
            raise ValueError("alpha must be in (0, 1) and floor > 0")


@dataclass(frozen=True)
class Trend:
    """One flagged key: ``kind`` is ``rising`` or ``recurring``; ``count`` this
    period, ``expected`` (μ), ``p_value`` and ``ratio`` for rising, ``periods`` = the
    number of periods with reports among the last ``history + 1``."""

    key: str
    kind: str
    count: int
    expected: float
    p_value: float
    ratio: float
    periods: int

    def explain(self) -> str:
        """One sentence a report can print.

        >>> Trend("parking", "rising", 6, 0.5, 1.4e-05, 12.0, 4).explain()
        'parking: 6 this period against 0.5 expected from its history (p = 1.4e-05)'
        """
        if self.kind == "rising":
            return (
                f"{self.key}: {self.count} this period against {self.expected:.2g} expected "
                f"from its history (p = {self.p_value:.2g})"
            )
        return f"{self.key}: reported in {self.periods} of the last periods, {self.count} now"


def poisson_exceedance(count: int, mean: float) -> float:
    """``P(X >= count)`` for ``X ~ Poisson(mean)``.

    >>> round(poisson_exceedance(3, 0.5), 4)
    0.0144
    """
    if count <= 0:
        return 1.0
    return float(poisson.sf(count - 1, mean))


def detect_trends(
    counts: Mapping[str, Sequence[int]], settings: TrendSettings | None = None
) -> list[Trend]:
    """Flag the keys whose last count rises or recurs beyond their history.

    ``counts[key]`` lists counts per period, oldest first, the current period last;
    only the last ``history + 1`` are used (shorter series are padded with zeros at
    the start). Rising trends come first (smallest p first), then recurring ones;
    a key is reported once.
    """
    s = settings or TrendSettings()
    rising: list[Trend] = []
    recurring: list[Trend] = []
    for key, series in counts.items():
        values = [int(v) for v in series][-(s.history + 1) :]
        values = [0] * (s.history + 1 - len(values)) + values
        current, past = values[-1], values[:-1]
        mean = max(sum(past) / len(past), s.floor)
        p = poisson_exceedance(current, mean)
        periods = sum(1 for v in values if v > 0)
        if current >= s.min_count and p < s.alpha:
            rising.append(Trend(key, "rising", current, mean, p, current / mean, periods))
        elif current > 0 and periods >= s.recur_periods:
            recurring.append(Trend(key, "recurring", current, mean, p, current / mean, periods))
    rising.sort(key=lambda t: (t.p_value, t.key))
    recurring.sort(key=lambda t: (-t.periods, t.key))
    return rising + recurring
