"""The guideline norm: a score of at least 7, or enough improvement on the last wave.

The customer-orientation guidelines (``certification.md``, criteria ``P3.cvs`` and
``P2.dimension_grade``) require a CVS or a dimension's report grade to be **≥ 7, or
improved by ≥ 10 percentage points on the previous measurement**. On a 0–10 score
"10 percentage points" is ambiguous; our default reads it as **+1.0 point** (10 % of the
scale range). A per-organisation setting may choose a **relative +10 %** instead
(``current ≥ previous × 1.10``). Every check says which rule it applied.

The check uses the unrounded score (rounding happens only when displaying): a CVS of
6.96 does not meet "≥ 7" although one decimal would print it as 7.0, so reports should
print the verdict next to the number. Comparisons use a tolerance of 1e-9 so that
2.3 − 1.3 (0.9999999999999998 in binary floating point) counts as an improvement of 1.0,
as a person reading the report would.

Example::

    >>> check_norm(6.4, previous=5.3).met
    True
    >>> check_norm(6.4, previous=5.3).rule_applied
    'improvement_points'
    >>> check_norm(6.4, previous=5.3, rule=NormRule(relative=True)).met
    True
    >>> check_norm(6.4).met, check_norm(7.0).rule_applied
    (False, 'level')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from gapsight.analysis.result import Number, Undefined, frame_value, is_defined, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NormCheck", "NormRule", "check_norm"]

_EPS = 1e-9

RuleApplied = Literal["level", "improvement_points", "improvement_relative", "not_met", "undefined"]


@dataclass(frozen=True)
class NormRule:
    """The norm: ``level`` (default 7.0) or an improvement on the previous wave.

    Attributes:
        level: the score that meets the norm by itself.
        improvement: required absolute improvement in points (default 1.0, i.e. 10
            percentage points of a 0–10 range).
        relative: use the relative rule instead: ``current ≥ previous × (1 + relative_share)``.
        relative_share: the relative improvement required (default 0.10).
    """

    level: float = 7.0
    improvement: float = 1.0
    relative: bool = False
    relative_share: float = 0.10

    def describe(self) -> str:
        """The rule in one English sentence (for reports)."""
        if self.relative:
            how = f"improved by at least {self.relative_share:.0%} (relative) on the previous wave"
        else:
            how = f"improved by at least {self.improvement:g} point on the previous wave"
        return f"score ≥ {self.level:g}, or {how}"


@dataclass(frozen=True)
class NormCheck:
    """The outcome of :func:`check_norm`.

    Attributes:
        score: the current score (undefined when it could not be computed).
        previous: the previous wave's score, if known.
        rule: the rule checked.
        meets_level: ``score ≥ level``.
        improvement: ``score − previous`` in points (undefined without a previous wave).
        meets_improvement: whether the improvement rule is satisfied (``False`` without a
            previous wave).
        met: whether the norm is met.
        rule_applied: ``"level"``, ``"improvement_points"``, ``"improvement_relative"``
            (the rule by which it was met), ``"not_met"``, or ``"undefined"`` when the
            score is undefined.
    """

    score: Number
    previous: float | None
    rule: NormRule
    meets_level: bool
    improvement: Number
    meets_improvement: bool
    met: bool
    rule_applied: RuleApplied

    def to_frame(self) -> pd.DataFrame:
        """One row with the score, the previous score, the checks and the rule text."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "score": frame_value(self.score),
                    "previous": math.nan if self.previous is None else self.previous,
                    "improvement": frame_value(self.improvement),
                    "meets_level": self.meets_level,
                    "meets_improvement": self.meets_improvement,
                    "met": self.met,
                    "rule_applied": self.rule_applied,
                    "rule": self.rule.describe(),
                    "note": note_of((self.score, self.improvement)),
                }
            ]
        )


def check_norm(
    score: Number, previous: Number | None = None, *, rule: NormRule | None = None
) -> NormCheck:
    """Check ``score`` against the guideline norm (see module docstring).

    ``previous`` may be ``None`` (first measurement) or undefined (the previous wave
    had no valid answers); then only the level rule can be met.
    """
    r = rule or NormRule()
    prev = float(previous) if previous is not None and is_defined(previous) else None
    if not is_defined(score):
        imp: Number = Undefined("the current score is undefined")
        return NormCheck(score, prev, r, False, imp, False, False, "undefined")
    s = float(score)
    meets_level = s >= r.level - _EPS
    if prev is None:
        improvement: Number = Undefined("no previous wave")
        meets_improvement = False
    else:
        improvement = s - prev
        if r.relative:
            meets_improvement = prev > 0 and s >= prev * (1.0 + r.relative_share) - _EPS
        else:
            meets_improvement = s - prev >= r.improvement - _EPS
    applied: RuleApplied
    if meets_level:
        applied = "level"
    elif meets_improvement:
        applied = "improvement_relative" if r.relative else "improvement_points"
    else:
        applied = "not_met"
    return NormCheck(
        score=s,
        previous=prev,
        rule=r,
        meets_level=meets_level,
        improvement=improvement,
        meets_improvement=meets_improvement,
        met=meets_level or meets_improvement,
        rule_applied=applied,
    )
