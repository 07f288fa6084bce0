"""The choices an analysis run makes, validated once, shared by the API and the CLI.

``analysis.md`` fixes the defaults: SERVQUAL aggregated as the mean of item means,
item means not rounded, reliability listwise on each scale's items (as SPSS/PSPP),
Holm adjustment of the 22 item tests, 95 % confidence, a minimum of 5 respondents behind
every number of a breakdown, and at least half of a dimension's items valid for a
respondent-level dimension score.

Example::

    >>> AnalysisOptions(adjust="bh", confidence=0.9).adjust
    'bh'
    >>> AnalysisOptions(aggregation="item-means").aggregation
    'item_means'
    >>> AnalysisOptions(aggregation="mean")
    Traceback (most recent call last):
    ...
    ValueError: aggregation must be one of item_means, respondent; got 'mean'
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

__all__ = ["ADJUSTMENTS", "AGGREGATIONS", "MISSING_RULES", "WEIGHT_RULES", "AnalysisOptions"]

Aggregation = Literal["item_means", "respondent"]
MissingRule = Literal["listwise", "pairwise"]
Adjustment = Literal["holm", "bh", "none"]
WeightRule = Literal["reject", "renormalise"]

AGGREGATIONS: tuple[str, ...] = get_args(Aggregation)
"""``item_means``: dimension = mean of its item means (what most reports print);
``respondent``: per respondent the mean of the dimension's item gaps, then averaged."""
MISSING_RULES: tuple[str, ...] = get_args(MissingRule)
"""Reliability: ``listwise`` on the scale's items (default), or ``pairwise``."""
ADJUSTMENTS: tuple[str, ...] = get_args(Adjustment)
"""Multiple comparisons over the item tests: Holm (default), Benjamini–Hochberg, none."""
WEIGHT_RULES: tuple[str, ...] = get_args(WeightRule)
"""Importance points not summing to 100: ``reject`` the respondent (default) or
``renormalise`` (points / their sum) and count them."""


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


@dataclass(frozen=True)
class AnalysisOptions:
    """Every option of a full analysis (see the module docstring for the defaults).

    Attributes:
        aggregation: ``item_means`` or ``respondent`` (the SERVQUAL aggregation shown
            as *the* result; both are always computed). ``item-means`` (the CLI
            spelling) is accepted and stored as ``item_means``.
        round_item_means: average item means rounded to 2 decimals into dimension
            means (reproduces hand-computed thesis tables; off by default).
        missing: ``listwise`` or ``pairwise`` for reliability.
        adjust: ``holm``, ``bh`` or ``none`` for the item tests.
        confidence: level of every interval, strictly between 0 and 1.
        dont_know_code: the number that codes "don't know" in the input (missing).
        min_group_size: smallest group shown in a breakdown (3–10).
        min_valid_share: share of a dimension's items a respondent must have answered
            for a respondent-level dimension score.
        population: size of the population the respondents represent, for the finite
            population correction of the margin of error (``None``: infinite).
        weight_rule: importance points not summing to 100 are ``reject``-ed (default)
            or ``renormalise``-d, and counted either way.
        norm_relative: the guideline norm's improvement rule (``certification.md``):
            ``False`` (default) asks +1.0 point on the previous wave, ``True`` the
            per-organisation relative +10 %. Applies only when the previous wave is
            given (``analyze(..., previous=...)``); the level rule (≥ 7) always applies.
    """

    aggregation: Aggregation = "item_means"
    round_item_means: bool = False
    missing: MissingRule = "listwise"
    adjust: Adjustment = "holm"
    confidence: float = 0.95
    dont_know_code: float | None = None
    min_group_size: int = 5
    min_valid_share: float = 0.5
    population: int | None = None
    weight_rule: WeightRule = "reject"
    norm_relative: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "aggregation", str(self.aggregation).replace("-", "_"))
        _one_of("aggregation", self.aggregation, AGGREGATIONS)
        _one_of("missing", self.missing, MISSING_RULES)
        _one_of("adjust", self.adjust, ADJUSTMENTS)
        _one_of("weight_rule", self.weight_rule, WEIGHT_RULES)
        if not (isinstance(self.confidence, int | float) and 0.0 < self.confidence < 1.0):
            raise ValueError(
                f"confidence must be between 0 and 1 (e.g. 0.95), got {self.confidence!r}"
            )
        if self.dont_know_code is not None and not math.isfinite(float(self.dont_know_code)):
            raise ValueError("dont_know_code must be a finite number")
        if not 3 <= int(self.min_group_size) <= 10:
            raise ValueError(
                f"min_group_size must be between 3 and 10, got {self.min_group_size!r}"
            )
        if not 0.0 < self.min_valid_share <= 1.0:
            raise ValueError(f"min_valid_share must be in (0, 1], got {self.min_valid_share!r}")

        if self.population is not None and int(self.population) < 1:
            raise ValueError(f"population must be a positive count, got {self.population!r}")

    def as_dict(self) -> dict[str, Any]:
        """The options as plain JSON-able values (the ``options`` of the document)."""
        return asdict(self)
