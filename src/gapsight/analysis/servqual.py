"""SERVQUAL: item, dimension and overall gaps, weighted score, zone of tolerance, SERVPERF.

The customer gap (gap 5, Parasuraman, Zeithaml & Berry 1988) per item and respondent is
``G = P − E`` (perception minus expectation; negative = shortfall). Following
``analysis.md`` two aggregations are computed and labelled:

1. **Mean of item means** (``"item_means"``, what most reports print): item E and P are
   the means of the available answers, item gap = mean(P) − mean(E); a dimension's E, P
   and gap are the means of its item values; **overall = mean of the five dimension
   values** (not of the 22 items: dimensions have 4 or 5 items). Option
   ``round_item_means`` first rounds item means to 2 decimals (half up), reproducing
   hand-computed thesis tables.
2. **Respondent-level** (``"respondent"``): per respondent, the mean of that dimension's
   item gaps (and of its E and P answers) when at least ``min_share`` (default 50%) of
   its items are valid; then the mean over respondents. Overall = mean of the dimension
   values. Each dimension gap is tested against 0 with a one-sample t-test.

Per item, a paired t-test of P vs E on the complete pairs (``n_pairs``) gives t, df, p,
the CI of the mean gap and d_z (see :mod:`gapsight.analysis.ttest`); the item tests of
one analysis are one family, adjusted by Holm (default), Benjamini–Hochberg or none.

**Weighted SERVQUAL** (Zeithaml, Parasuraman & Berry 1990): per respondent
``w_d = points_d / 100`` and ``SQw_i = Σ_d w_d · gap_id`` with ``gap_id`` the
respondent-level dimension gap; ``SQw`` = mean over respondents, on the gap scale.
Points not summing to 100 are rejected (default) or renormalised (``w_d = points_d /
Σ points``) and counted.

**Zone of tolerance** (Parasuraman, Zeithaml & Berry 1994, three-column format):
``MSA = P − minimum``, ``MSS = P − desired``, ``width = desired − minimum``; respondents
are classified below / within / above the zone, inverted zones (desired < minimum) are
counted and not classified. **SERVPERF** (Cronin & Taylor 1992) is the perception part
with the same aggregations (:func:`servperf`).

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> layout = ServqualLayout(pairs=(
    ...     Pair("01", "tangibles", "e01", "p01"), Pair("02", "tangibles", "e02", "p02"),
    ...     Pair("03", "empathy", "e03", "p03")))
    >>> m = ResponseMatrix.from_columns({
    ...     "e01": [6, 7, 6, 5], "p01": [5, 5, 6, 4], "e02": [7, 7, 6, 6],
    ...     "p02": [6, 7, 5, 5], "e03": [6, 6, 7, 7], "p03": [4, 5, 5, 6]})
    >>> res = servqual(m, layout)
    >>> [(i.code, i.gap) for i in res.items]
    [('01', -1.0), ('02', -0.75), ('03', -1.5)]
    >>> res.dimension("tangibles").gap, res.overall.gap
    (-0.875, -1.1875)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from gapsight.analysis.adjust import AdjustMethod, adjust_pvalues, check_method
from gapsight.analysis.matrix import FloatMatrix, ResponseMatrix
from gapsight.analysis.moments import (
    ColumnMoments,
    FloatVector,
    first_means,
    row_blocks,
    shifted,
    single_threaded_blas,
)
from gapsight.analysis.result import (
    AnalysisWarning,
    Number,
    Undefined,
    defined,
    frame_value,
    is_defined,
    note_of,
)
from gapsight.analysis.ttest import TTest, check_confidence, ttests_from_summary

if TYPE_CHECKING:
    import pandas as pd

    from gapsight.instruments.model import Instrument

__all__ = [
    "Aggregate",
    "Aggregation",
    "DimensionGap",
    "DimensionScore",
    "ItemGap",
    "Overall",
    "Pair",
    "PerceptionItem",
    "Servperf",
    "ServqualLayout",
    "ServqualResult",
    "WeightRule",
    "WeightedServqual",
    "ZoneDimension",
    "ZoneItem",
    "ZoneOfTolerance",
    "round_half_up",
    "servperf",
    "servqual",
    "servqual_layout",
    "weighted_servqual",
    "zone_of_tolerance",
]

Aggregation = Literal["item_means", "respondent"]
"""``item_means``: mean of item means; ``respondent``: mean of respondent-level means."""

WeightRule = Literal["reject", "renormalise"]
"""What to do with a respondent whose importance points do not sum to 100."""

AGGREGATION_LABELS: Mapping[str, str] = {
    "item_means": "mean of item means",
    "respondent": "mean of respondent-level means",
}

_SUM_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- layout
@dataclass(frozen=True)
class Pair:
    """One SERVQUAL statement: its E and P items (and zone columns when asked).

    Attributes:
        code: the pair number, ``"01"`` … ``"22"``.
        dimension: e.g. ``"tangibles"``.
        expectation, perception: item codes, e.g. ``"e01"``, ``"p01"``.
        minimum, desired: zone-of-tolerance item codes (``"m01"``, ``"d01"``) or None.
    """

    code: str
    dimension: str
    expectation: str
    perception: str
    minimum: str | None = None
    desired: str | None = None


@dataclass(frozen=True)
class ServqualLayout:
    """Which columns form the SERVQUAL pairs, dimensions and importance weights.

    Independent of any instrument file; build it by hand or with
    :func:`servqual_layout` from an :class:`~gapsight.instruments.model.Instrument`.

    Attributes:
        pairs: the statements, in questionnaire order.
        weights: ``{dimension: code of its importance points}`` or None.
    """

    pairs: tuple[Pair, ...]
    weights: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if not self.pairs:
            raise ValueError("a SERVQUAL layout needs at least one E/P pair")
        codes = [p.code for p in self.pairs]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"duplicate pair code(s): {', '.join(dup)}")
        if self.weights is not None:
            extra = sorted(set(self.weights) - set(self.dimensions))
            if extra:
                raise ValueError(f"weights name dimension(s) without items: {', '.join(extra)}")
            lacking = [d for d in self.dimensions if d not in self.weights]
            if lacking:
                raise ValueError(f"no importance-points item for dimension(s): {lacking}")

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimension ids in order of first appearance."""
        return tuple(dict.fromkeys(p.dimension for p in self.pairs))

    def pairs_of(self, dimension: str) -> tuple[Pair, ...]:
        """The pairs of ``dimension``; ``KeyError`` naming it when it has none."""
        found = tuple(p for p in self.pairs if p.dimension == dimension)
        if not found:
            raise KeyError(f"dimension {dimension!r} has no items in this layout")
        return found

    @property
    def has_zone(self) -> bool:
        """True when every pair has minimum and desired columns."""
        return all(p.minimum is not None and p.desired is not None for p in self.pairs)

    def expectation_codes(self, dimension: str | None = None) -> tuple[str, ...]:
        """E item codes (of one dimension, or all)."""
        ps = self.pairs if dimension is None else self.pairs_of(dimension)
        return tuple(p.expectation for p in ps)

    def perception_codes(self, dimension: str | None = None) -> tuple[str, ...]:
        """P item codes (of one dimension, or all)."""
        ps = self.pairs if dimension is None else self.pairs_of(dimension)
        return tuple(p.perception for p in ps)


def servqual_layout(instrument: Instrument) -> ServqualLayout:
    """Build the layout from an instrument's items by ``part``, ``pair`` and ``dimension``.

    Items with ``part`` ``expectation`` / ``perception`` / ``minimum`` / ``desired`` and
    the same ``pair`` form one :class:`Pair`; ``importance`` items give the weights of
    their ``dimension`` (or of the dimension named by a ``w_<dimension>`` code).
    ``ValueError`` names a pair lacking its E or P item.
    """
    parts: dict[str, dict[str, str]] = {}
    dims: dict[str, str] = {}
    weights: dict[str, str] = {}
    for it in instrument.items():
        if it.part == "importance":
            # 100-point items; "most / least important dimension" choices have no dimension
            if it.dimension is not None:
                weights[it.dimension] = it.code
            elif it.code.startswith("w_"):
                weights[it.code.removeprefix("w_")] = it.code
        elif it.part in ("expectation", "perception", "minimum", "desired") and it.pair:
            parts.setdefault(it.pair, {})[it.part] = it.code
            if it.dimension is not None:
                dims.setdefault(it.pair, it.dimension)
    pairs = []
    for code, roles in parts.items():
        if "expectation" not in roles or "perception" not in roles:
            raise ValueError(
                f"instrument {instrument.ref}: pair {code!r} needs an expectation and a "
                f"perception item, found {sorted(roles)}"
            )
        if code not in dims:
            raise ValueError(f"instrument {instrument.ref}: pair {code!r} has no dimension")
        pairs.append(
            Pair(
                code=code,
                dimension=dims[code],
                expectation=roles["expectation"],
                perception=roles["perception"],
                minimum=roles.get("minimum"),
                desired=roles.get("desired"),
            )
        )
    if not pairs:
        raise ValueError(f"instrument {instrument.ref} has no SERVQUAL (E/P) pairs")
    dim_order = tuple(dict.fromkeys(p.dimension for p in pairs))
    use_weights = {d: weights[d] for d in dim_order if d in weights}
    return ServqualLayout(
        pairs=tuple(pairs),
        weights=use_weights if len(use_weights) == len(dim_order) else None,
    )


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ItemGap:
    """Gap of one statement.

    Attributes:
        code, dimension: pair number and dimension.
        expectation_code, perception_code: the item codes.
        n_expectation, n_perception: valid answers to E and to P.
        expectation, perception: item means over the available answers.
        gap: ``perception − expectation`` (mean-of-item-means convention).
        test: paired t-test of P − E on the complete pairs (``test.n`` = n_pairs,
            ``test.mean`` = mean paired gap, with CI and d_z).
        p_adjusted: ``test.p`` adjusted over the family of item tests.
    """

    code: str
    dimension: str
    expectation_code: str
    perception_code: str
    n_expectation: int
    n_perception: int
    expectation: Number
    perception: Number
    gap: Number
    test: TTest
    p_adjusted: Number

    @property
    def n_pairs(self) -> int:
        """Respondents with both E and P answered."""
        return self.test.n


@dataclass(frozen=True)
class DimensionGap:
    """E, P and gap of one dimension under one aggregation.

    Attributes:
        dimension: id.
        k: number of items.
        expectation, perception, gap: the aggregated values.
        n: respondents with a valid dimension gap (respondent-level only, else None).
        test: one-sample t-test of respondent dimension gaps vs 0 (respondent-level).
    """

    dimension: str
    k: int
    expectation: Number
    perception: Number
    gap: Number
    n: int | None = None
    test: TTest | None = None


@dataclass(frozen=True)
class Overall:
    """Overall E, P and gap = mean of the dimension values."""

    expectation: Number
    perception: Number
    gap: Number


@dataclass(frozen=True)
class Aggregate:
    """Dimensions and overall under one aggregation (``method``, with a ``label``)."""

    method: Aggregation
    dimensions: tuple[DimensionGap, ...]
    overall: Overall

    @property
    def label(self) -> str:
        """Human-readable name of the aggregation."""
        return AGGREGATION_LABELS[self.method]

    def dimension(self, dimension: str) -> DimensionGap:
        """One dimension; ``KeyError`` naming it."""
        for d in self.dimensions:
            if d.dimension == dimension:
                return d
        raise KeyError(f"dimension {dimension!r} is not in this aggregation")

    def to_frame(self) -> pd.DataFrame:
        """One row per dimension plus an ``overall`` row."""
        import pandas as pd

        rows = []
        for d in self.dimensions:
            t = d.test
            nums = [d.expectation, d.perception, d.gap]
            row: dict[str, object] = {
                "dimension": d.dimension,
                "k": d.k,
                "expectation": frame_value(d.expectation),
                "perception": frame_value(d.perception),
                "gap": frame_value(d.gap),
            }
            if self.method == "respondent" and t is not None:
                nums += [t.t, t.p]
                row.update(
                    n=d.n,
                    t=frame_value(t.t),
                    df=frame_value(t.df),
                    p=frame_value(t.p),
                    ci_low=frame_value(t.ci_low),
                    ci_high=frame_value(t.ci_high),
                    d_z=frame_value(t.d_z),
                )
            row["note"] = note_of(nums)
            rows.append(row)
        o = self.overall
        rows.append(
            {
                "dimension": "overall",
                "k": sum(d.k for d in self.dimensions),
                "expectation": frame_value(o.expectation),
                "perception": frame_value(o.perception),
                "gap": frame_value(o.gap),
                "note": note_of([o.expectation, o.perception, o.gap]),
            }
        )
        frame = pd.DataFrame(rows).set_index("dimension")
        frame.attrs["aggregation"] = self.label
        return frame


@dataclass(frozen=True)
class WeightedServqual:
    """Weighted SERVQUAL score and what happened to each respondent's weights.

    Attributes:
        gap: mean of the respondent scores ``SQw_i = Σ_d w_d · gap_id``.
        n: respondents with a score.
        test: one-sample t-test of ``SQw_i`` against 0.
        rule: ``reject`` or ``renormalise`` (points not summing to 100).
        n_weights_missing: respondents with an unanswered points item.
        n_invalid: respondents with negative points (always rejected).
        n_not_100: respondents whose points do not sum to 100.
        n_rejected: respondents excluded because of their points.
        n_renormalised: respondents whose points were renormalised (and flagged).
        n_gaps_missing: respondents with valid weights but an undefined dimension gap.
        mean_weights: mean ``w_d`` over the respondents with valid weights.
        sample_mean_weights_gap: ``Σ_d w̄_d · gap_d`` (option), else None.
    """

    gap: Number
    n: int
    test: TTest
    rule: WeightRule
    n_weights_missing: int
    n_invalid: int
    n_not_100: int
    n_rejected: int
    n_renormalised: int
    n_gaps_missing: int
    mean_weights: Mapping[str, Number]
    sample_mean_weights_gap: Number | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row: score, test and the respondent counts."""
        import pandas as pd

        t = self.test
        row = {
            "weighted_gap": frame_value(self.gap),
            "n": self.n,
            "t": frame_value(t.t),
            "df": frame_value(t.df),
            "p": frame_value(t.p),
            "ci_low": frame_value(t.ci_low),
            "ci_high": frame_value(t.ci_high),
            "rule": self.rule,
            "n_weights_missing": self.n_weights_missing,
            "n_invalid": self.n_invalid,
            "n_not_100": self.n_not_100,
            "n_rejected": self.n_rejected,
            "n_renormalised": self.n_renormalised,
            "n_gaps_missing": self.n_gaps_missing,
            "note": note_of([self.gap, t.t]),
        }
        if self.sample_mean_weights_gap is not None:
            row["sample_mean_weights_gap"] = frame_value(self.sample_mean_weights_gap)
        return pd.DataFrame([row])


@dataclass(frozen=True)
class ZoneItem:
    """Zone of tolerance of one statement.

    Attributes:
        code, dimension: pair number and dimension.
        minimum, desired, perception: item means (available answers).
        msa, n_msa: mean of ``P − minimum`` on complete P/minimum pairs, and their n.
        mss, n_mss: mean of ``P − desired``, and n.
        width, n_width: mean of ``desired − minimum``, and n.
        position: ``below`` (msa < 0), ``above`` (mss > 0) or ``within``; undefined when
            not computable or when msa < 0 and mss > 0 (an inverted zone on average).
        n_complete: respondents with all three answers.
        below, within, above: how many of them fall below, within or above their zone.
        inverted: how many have desired < minimum (not classified).
    """

    code: str
    dimension: str
    minimum: Number
    desired: Number
    perception: Number
    msa: Number
    n_msa: int
    mss: Number
    n_mss: int
    width: Number
    n_width: int
    position: str | Undefined
    n_complete: int
    below: int
    within: int
    above: int
    inverted: int


@dataclass(frozen=True)
class ZoneDimension:
    """Zone of tolerance of a dimension: means of its item values."""

    dimension: str
    minimum: Number
    desired: Number
    perception: Number
    msa: Number
    mss: Number
    width: Number
    position: str | Undefined


@dataclass(frozen=True)
class ZoneOfTolerance:
    """Zone of tolerance per item and dimension, with the count of inverted zones."""

    items: tuple[ZoneItem, ...]
    dimensions: tuple[ZoneDimension, ...]
    inverted: int
    warnings: tuple[AnalysisWarning, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per item."""
        import pandas as pd

        rows = []
        for z in self.items:
            nums = [z.minimum, z.desired, z.perception, z.msa, z.mss, z.width]
            rows.append(
                {
                    "code": z.code,
                    "dimension": z.dimension,
                    "minimum": frame_value(z.minimum),
                    "desired": frame_value(z.desired),
                    "perception": frame_value(z.perception),
                    "msa": frame_value(z.msa),
                    "mss": frame_value(z.mss),
                    "width": frame_value(z.width),
                    "position": z.position if isinstance(z.position, str) else None,
                    "n_complete": z.n_complete,
                    "below": z.below,
                    "within": z.within,
                    "above": z.above,
                    "inverted": z.inverted,
                    "note": note_of([*nums, z.position])
                    if not isinstance(z.position, str)
                    else note_of(nums),
                }
            )
        return pd.DataFrame(rows).set_index("code")

    def dimensions_frame(self) -> pd.DataFrame:
        """One row per dimension."""
        import pandas as pd

        rows = [
            {
                "dimension": d.dimension,
                "minimum": frame_value(d.minimum),
                "desired": frame_value(d.desired),
                "perception": frame_value(d.perception),
                "msa": frame_value(d.msa),
                "mss": frame_value(d.mss),
                "width": frame_value(d.width),
                "position": d.position if isinstance(d.position, str) else None,
            }
            for d in self.dimensions
        ]
        return pd.DataFrame(rows).set_index("dimension")


@dataclass(frozen=True)
class ServqualResult:
    """Everything SERVQUAL: items, both aggregations, weighted score, zone.

    :attr:`dimensions` and :attr:`overall` follow the ``aggregation`` asked for; both
    aggregations stay available as :attr:`by_item_means` and :attr:`by_respondent`.
    """

    items: tuple[ItemGap, ...]
    by_item_means: Aggregate
    by_respondent: Aggregate
    aggregation: Aggregation
    adjustment: AdjustMethod
    confidence: float
    min_share: float
    round_item_means: bool
    n: int
    weighted: WeightedServqual | None = None
    zone: ZoneOfTolerance | None = None
    warnings: tuple[AnalysisWarning, ...] = field(default=())

    @property
    def chosen(self) -> Aggregate:
        """The aggregation asked for."""
        return self.by_item_means if self.aggregation == "item_means" else self.by_respondent

    @property
    def dimensions(self) -> tuple[DimensionGap, ...]:
        """Dimension values under the chosen aggregation."""
        return self.chosen.dimensions

    @property
    def overall(self) -> Overall:
        """Overall values under the chosen aggregation."""
        return self.chosen.overall

    def dimension(self, dimension: str) -> DimensionGap:
        """One dimension under the chosen aggregation; ``KeyError`` naming it."""
        return self.chosen.dimension(dimension)

    def item(self, code: str) -> ItemGap:
        """One item by pair number (``"05"``) or E/P code; ``KeyError`` naming it."""
        for it in self.items:
            if code in (it.code, it.expectation_code, it.perception_code):
                return it
        raise KeyError(f"item {code!r} is not in this SERVQUAL result")

    def to_frame(self) -> pd.DataFrame:
        """One row per item: means, gap, paired test, adjusted p, note."""
        import pandas as pd

        rows = []
        for it in self.items:
            t = it.test
            rows.append(
                {
                    "code": it.code,
                    "dimension": it.dimension,
                    "expectation": frame_value(it.expectation),
                    "perception": frame_value(it.perception),
                    "gap": frame_value(it.gap),
                    "n_expectation": it.n_expectation,
                    "n_perception": it.n_perception,
                    "n_pairs": t.n,
                    "mean_difference": frame_value(t.mean),
                    "sd_difference": frame_value(t.sd),
                    "t": frame_value(t.t),
                    "df": frame_value(t.df),
                    "p": frame_value(t.p),
                    "p_adjusted": frame_value(it.p_adjusted),
                    "d_z": frame_value(t.d_z),
                    "ci_low": frame_value(t.ci_low),
                    "ci_high": frame_value(t.ci_high),
                    "note": note_of([it.expectation, it.perception, it.gap, t.mean, t.t]),
                }
            )
        frame = pd.DataFrame(rows).set_index("code")
        frame.attrs.update(adjustment=self.adjustment, confidence=self.confidence)
        return frame


@dataclass(frozen=True)
class PerceptionItem:
    """SERVPERF item: perception mean, SD and n."""

    code: str
    dimension: str
    perception_code: str
    n: int
    mean: Number
    sd: Number


@dataclass(frozen=True)
class DimensionScore:
    """SERVPERF dimension score under one aggregation (``n`` for respondent-level)."""

    dimension: str
    k: int
    perception: Number
    n: int | None = None
    sd: Number | None = None


@dataclass(frozen=True)
class Servperf:
    """SERVPERF (perceptions only): items and both aggregations, overall = mean of dims."""

    items: tuple[PerceptionItem, ...]
    by_item_means: tuple[DimensionScore, ...]
    overall_item_means: Number
    by_respondent: tuple[DimensionScore, ...]
    overall_respondent: Number
    aggregation: Aggregation
    min_share: float
    round_item_means: bool

    @property
    def dimensions(self) -> tuple[DimensionScore, ...]:
        """Dimension scores under the chosen aggregation."""
        return self.by_item_means if self.aggregation == "item_means" else self.by_respondent

    @property
    def overall(self) -> Number:
        """Overall score under the chosen aggregation."""
        return (
            self.overall_item_means if self.aggregation == "item_means" else self.overall_respondent
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per dimension plus overall, both aggregations side by side."""
        import pandas as pd

        rows = [
            {
                "dimension": a.dimension,
                "k": a.k,
                "item_means": frame_value(a.perception),
                "respondent": frame_value(b.perception),
                "n_respondent": b.n,
                "note": note_of([a.perception, b.perception]),
            }
            for a, b in zip(self.by_item_means, self.by_respondent, strict=True)
        ]
        rows.append(
            {
                "dimension": "overall",
                "k": sum(a.k for a in self.by_item_means),
                "item_means": frame_value(self.overall_item_means),
                "respondent": frame_value(self.overall_respondent),
                "n_respondent": None,
                "note": note_of([self.overall_item_means, self.overall_respondent]),
            }
        )
        return pd.DataFrame(rows).set_index("dimension")


# --------------------------------------------------------------------------- helpers
def round_half_up(value: float, decimals: int = 2) -> float:
    """Round as by hand (half away from zero on the decimal representation).

    ``round_half_up(2.345) == 2.35`` whereas ``round(2.345, 2) == 2.35`` only by luck of
    binary representation (``round(2.675, 2) == 2.67``).

    Example::

        >>> round_half_up(2.675), round_half_up(-1.125)
        (2.68, -1.13)
    """
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def _check_common(aggregation: str, min_share: float, confidence: float) -> None:
    if aggregation not in get_args(Aggregation):
        raise ValueError(f"unknown aggregation {aggregation!r}; use 'item_means' or 'respondent'")
    if not 0.0 < float(min_share) <= 1.0:
        raise ValueError(f"min_share must be in (0, 1], got {min_share!r}")
    check_confidence(confidence)


def _min_count(k: int, min_share: float) -> int:
    return max(1, math.ceil(k * min_share - 1e-9))


def _row_means(block: FloatMatrix, need: int) -> FloatVector:
    """Per-row mean of the valid values when at least ``need`` are valid, else NaN."""
    valid = ~np.isnan(block)
    cnt = valid.sum(axis=1)
    tot = np.where(valid, block, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt >= need, tot / cnt, np.nan)


def _mean_of(values: Sequence[Number], what: str) -> Number:
    ok = [float(v) for v in values if is_defined(v)]
    if len(ok) != len(values):
        bad = next(v for v in values if isinstance(v, Undefined))
        if not ok:
            return bad if isinstance(bad, Undefined) else Undefined(f"{what}: no values")
    if not ok:
        return Undefined(f"{what}: no items")
    return float(np.mean(ok))


def _difference(p: Number, e: Number) -> Number:
    if isinstance(e, Undefined):
        return e
    if isinstance(p, Undefined):
        return p
    return float(p) - float(e)


def _all_or_undefined(values: Sequence[Number], names: Sequence[str], what: str) -> Number:
    for v, name in zip(values, names, strict=True):
        if isinstance(v, Undefined):
            return Undefined(f"{what} undefined because {name} is: {v.reason}")
    return float(np.mean([frame_value(v) for v in values]))


@dataclass
class _Scan:
    """Sufficient statistics of one pass over the E/P columns."""

    e: ColumnMoments
    p: ColumnMoments
    d: ColumnMoments
    dim_e: ColumnMoments
    dim_p: ColumnMoments
    dim_gap: FloatMatrix  # (n, dims): respondent-level dimension gaps


def _dimension_means(
    z: FloatMatrix, vf: FloatMatrix, shift: FloatVector, groups: FloatMatrix, need: FloatVector
) -> FloatMatrix:
    """Per-row means over each group of columns with at least ``need`` valid values.

    ``z`` holds the shifted, zero-filled values and ``vf`` the validity as 0/1, so the
    group counts and sums are two matrix products: ``vf·G`` and ``z·G + vf·(G∘shift)``.
    """
    g = groups.shape[1]
    both = vf @ np.hstack([groups, groups * shift[:, None]])
    cnt, tot = both[:, :g], z @ groups + both[:, g:]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(cnt >= need, tot / cnt, np.nan))


def _scan(matrix: ResponseMatrix, layout: ServqualLayout, min_share: float, with_e: bool) -> _Scan:
    dims = layout.dimensions
    k, nd = len(layout.pairs), len(dims)
    pcols = [matrix.index(p.perception) for p in layout.pairs]
    ecols = [matrix.index(p.expectation) for p in layout.pairs] if with_e else []
    cols = ecols + pcols
    groups = np.zeros((k, nd))
    for j, pr in enumerate(layout.pairs):
        groups[j, dims.index(pr.dimension)] = 1.0
    need = np.array([_min_count(int(c), min_share) for c in groups.sum(axis=0)], dtype=float)
    parts = 2 if with_e else 1
    big = np.asarray(
        np.kron(np.eye(parts), groups), dtype=np.float64
    )  # E items → E dims, P items → P dims
    big_need = np.tile(need, parts)
    items = ColumnMoments(len(cols))
    dim_means = ColumnMoments(parts * nd)
    d_acc = ColumnMoments(k)
    dim_gap = np.full((matrix.n, nd), np.nan)
    with single_threaded_blas():
        for rows in row_blocks(matrix.n):
            block = matrix.values[rows][:, cols]
            valid = ~np.isnan(block)
            if items.shift is None:
                items.shift = first_means(block, valid)
            z = shifted(block, items.shift)
            items.add_shifted(z, valid)
            vf = valid.astype(np.float64)
            dim_means.add(_dimension_means(z, vf, items.shift, big, big_need))
            if with_e:
                d = block[:, k:] - block[:, :k]
                dv = ~np.isnan(d)
                if d_acc.shift is None:
                    d_acc.shift = first_means(d, dv)
                dz = shifted(d, d_acc.shift)
                d_acc.add_shifted(dz, dv)
                dim_gap[rows] = _dimension_means(
                    dz, dv.astype(np.float64), d_acc.shift, groups, need
                )
    if with_e:
        e, p = items.subset(range(k)), items.subset(range(k, 2 * k))
        de, dp = dim_means.subset(range(nd)), dim_means.subset(range(nd, 2 * nd))
    else:
        e, p = ColumnMoments(k), items
        de, dp = ColumnMoments(nd), dim_means
    return _Scan(e, p, d_acc, de, dp, dim_gap)


def _item_means(acc: ColumnMoments, what: str, rounding: bool) -> list[Number]:
    means = acc.mean()
    out: list[Number] = []
    for j in range(acc.k):
        if acc.n[j] == 0:
            out.append(Undefined(f"no valid {what} answers"))
        else:
            out.append(round_half_up(means[j]) if rounding else float(means[j]))
    return out


# --------------------------------------------------------------------------- SERVQUAL
def servqual(
    matrix: ResponseMatrix,
    layout: ServqualLayout,
    *,
    aggregation: Aggregation = "item_means",
    min_share: float = 0.5,
    round_item_means: bool = False,
    adjust: str = "holm",
    confidence: float = 0.95,
    weighted: bool | None = None,
    weight_rule: WeightRule = "reject",
    sample_mean_weights: bool = False,
    zone: bool | None = None,
) -> ServqualResult:
    """SERVQUAL gaps with tests, both aggregations, and (when present) weights and zone.

    Args:
        matrix: responses; every E and P code of ``layout`` must be a column
            (``KeyError`` names the first missing item).
        layout: pairs and dimensions (see :func:`servqual_layout`).
        aggregation: which aggregation :attr:`ServqualResult.dimensions` reports.
        min_share: respondent-level rule: minimum share of valid items per dimension.
        round_item_means: average item means rounded to 2 decimals (item-means
            aggregation only; default off).
        adjust: ``holm`` (default), ``bh`` or ``none`` over the item tests.
        confidence: level of every CI (default 0.95).
        weighted: compute weighted SERVQUAL; None = when the layout has weights and the
            matrix has their columns; True = required (``ValueError``/``KeyError`` if not).
        weight_rule: ``reject`` or ``renormalise`` respondents whose points ≠ 100.
        sample_mean_weights: also report the sample-mean-weights variant.
        zone: compute the zone of tolerance; None = when all zone columns are present.
    """
    _check_common(aggregation, min_share, confidence)
    method = check_method(adjust)
    scan = _scan(matrix, layout, min_share, with_e=True)
    dims = layout.dimensions
    warnings: list[AnalysisWarning] = []

    # items
    e_means = _item_means(scan.e, "expectation", False)
    p_means = _item_means(scan.p, "perception", False)
    tests = ttests_from_summary(scan.d.n, scan.d.mean(), scan.d.sd(), confidence=confidence)
    adjusted = adjust_pvalues([t.p for t in tests], method).adjusted
    items = []
    for j, pair in enumerate(layout.pairs):
        e, p = e_means[j], p_means[j]
        gap = _difference(p, e)
        items.append(
            ItemGap(
                code=pair.code,
                dimension=pair.dimension,
                expectation_code=pair.expectation,
                perception_code=pair.perception,
                n_expectation=int(scan.e.n[j]),
                n_perception=int(scan.p.n[j]),
                expectation=e,
                perception=p,
                gap=gap,
                test=tests[j],
                p_adjusted=adjusted[j],
            )
        )
        if not is_defined(tests[j].t):
            warnings.append(
                AnalysisWarning(
                    "item_test_undefined",
                    f"paired t-test of item {pair.code} undefined: "
                    f"{getattr(tests[j].t, 'reason', '')}",
                    pair.code,
                )
            )

    # aggregation 1: mean of item means
    e_r = _item_means(scan.e, "expectation", round_item_means)
    p_r = _item_means(scan.p, "perception", round_item_means)
    agg1 = []
    for d in dims:
        idx = [j for j, pr in enumerate(layout.pairs) if pr.dimension == d]
        ge: list[Number] = []
        for j in idx:
            ge.append(_difference(p_r[j], e_r[j]))
        agg1.append(
            DimensionGap(
                dimension=d,
                k=len(idx),
                expectation=_mean_of([e_r[j] for j in idx], f"expectation of {d}"),
                perception=_mean_of([p_r[j] for j in idx], f"perception of {d}"),
                gap=_mean_of(ge, f"gap of {d}"),
            )
        )
        if any(not is_defined(g) for g in ge) and any(is_defined(g) for g in ge):
            warnings.append(
                AnalysisWarning(
                    "dimension_items_missing",
                    f"dimension {d}: some items have no valid answers and were left out "
                    "of the mean of item means",
                    d,
                )
            )
    by_item_means = Aggregate("item_means", tuple(agg1), _overall(agg1))

    # aggregation 2: respondent level
    de_m, dp_m = scan.dim_e.mean(), scan.dim_p.mean()
    g_acc = ColumnMoments(len(dims))
    _add_blocks(g_acc, scan.dim_gap)
    dim_tests = ttests_from_summary(g_acc.n, g_acc.mean(), g_acc.sd(), confidence=confidence)
    agg2 = []
    for i, d in enumerate(dims):
        reason = f"no respondent has at least {min_share:.0%} valid items in {d}"
        agg2.append(
            DimensionGap(
                dimension=d,
                k=sum(1 for pr in layout.pairs if pr.dimension == d),
                expectation=defined(de_m[i], reason) if scan.dim_e.n[i] else Undefined(reason),
                perception=defined(dp_m[i], reason) if scan.dim_p.n[i] else Undefined(reason),
                gap=dim_tests[i].mean,
                n=int(g_acc.n[i]),
                test=dim_tests[i],
            )
        )
    by_respondent = Aggregate("respondent", tuple(agg2), _overall(agg2))

    # weighted SERVQUAL
    w_res: WeightedServqual | None = None
    has_w = layout.weights is not None and all(matrix.has(c) for c in layout.weights.values())
    if weighted or (weighted is None and has_w):
        w_res = weighted_servqual(
            matrix,
            layout,
            scan.dim_gap,
            rule=weight_rule,
            confidence=confidence,
            sample_mean_weights=sample_mean_weights,
            dimension_means=[d.gap for d in agg2],
        )
        if w_res.n_rejected or w_res.n_renormalised or w_res.n_invalid:
            warnings.append(
                AnalysisWarning(
                    "weights_not_100",
                    f"importance points: {w_res.n_not_100} respondent(s) did not sum to 100 "
                    f"({w_res.n_rejected} rejected, {w_res.n_renormalised} renormalised), "
                    f"{w_res.n_invalid} with negative points rejected",
                    "weights",
                )
            )

    # zone of tolerance
    z_res: ZoneOfTolerance | None = None
    zone_cols = [c for p in layout.pairs for c in (p.minimum, p.desired) if c is not None]
    has_zone = layout.has_zone and all(matrix.has(c) for c in zone_cols)
    if zone or (zone is None and has_zone):
        z_res = zone_of_tolerance(matrix, layout)
        warnings.extend(z_res.warnings)

    return ServqualResult(
        items=tuple(items),
        by_item_means=by_item_means,
        by_respondent=by_respondent,
        aggregation=aggregation,
        adjustment=method,
        confidence=confidence,
        min_share=min_share,
        round_item_means=round_item_means,
        n=matrix.n,
        weighted=w_res,
        zone=z_res,
        warnings=tuple(warnings),
    )


def _add_blocks(acc: ColumnMoments, values: FloatMatrix) -> None:
    for rows in row_blocks(values.shape[0]):
        acc.add(values[rows].copy())


def _overall(dims: Sequence[DimensionGap]) -> Overall:
    names = [f"dimension {d.dimension}" for d in dims]
    return Overall(
        expectation=_all_or_undefined([d.expectation for d in dims], names, "overall"),
        perception=_all_or_undefined([d.perception for d in dims], names, "overall"),
        gap=_all_or_undefined([d.gap for d in dims], names, "overall"),
    )


# --------------------------------------------------------------------------- weighted
def weighted_servqual(
    matrix: ResponseMatrix,
    layout: ServqualLayout,
    dimension_gaps: FloatMatrix | None = None,
    *,
    rule: WeightRule = "reject",
    min_share: float = 0.5,
    confidence: float = 0.95,
    sample_mean_weights: bool = False,
    dimension_means: Sequence[Number] | None = None,
) -> WeightedServqual:
    """Weighted SERVQUAL: mean over respondents of ``Σ_d (points_d / 100) · gap_d``.

    Args:
        matrix, layout: the responses and a layout with ``weights``.
        dimension_gaps: ``(n, dimensions)`` respondent-level gaps if already computed
            (as :func:`servqual` does); computed with ``min_share`` otherwise.
        rule: ``reject`` (default) or ``renormalise`` points not summing to 100.
        confidence: level of the CI of the mean score.
        sample_mean_weights: also compute ``Σ_d w̄_d · gap_d`` with the sample-mean
            weights and the respondent-level dimension gaps.
        dimension_means: the respondent-level dimension gaps if already computed.

    Example::

        >>> from gapsight.analysis.matrix import ResponseMatrix
        >>> lay = ServqualLayout((Pair("01", "a", "e1", "p1"), Pair("02", "b", "e2", "p2")),
        ...                      weights={"a": "wa", "b": "wb"})
        >>> m = ResponseMatrix.from_columns({"e1": [5, 5], "p1": [4, 5], "e2": [5, 6],
        ...     "p2": [5, 4], "wa": [50, 70], "wb": [50, 20]})
        >>> w = weighted_servqual(m, lay)
        >>> w.gap, w.n, w.n_rejected
        (-0.5, 1, 1)
    """
    if rule not in get_args(WeightRule):
        raise ValueError(f"unknown weight rule {rule!r}; use 'reject' or 'renormalise'")
    if layout.weights is None:
        raise ValueError("the layout has no importance-points items (weights)")
    check_confidence(confidence)
    dims = layout.dimensions
    if dimension_gaps is None:
        dimension_gaps = _scan(matrix, layout, min_share, with_e=True).dim_gap
    gaps = dimension_gaps
    points = matrix.columns([layout.weights[d] for d in dims])
    missing = np.isnan(points).any(axis=1)
    with np.errstate(invalid="ignore"):
        negative = ~missing & (points < 0).any(axis=1)
    total = np.where(missing, np.nan, points.sum(axis=1))
    ok_basic = ~missing & ~negative
    not100 = ok_basic & (np.abs(total - 100.0) > _SUM_TOLERANCE)
    if rule == "reject":
        ok = ok_basic & ~not100
        rejected = not100
        w = points / 100.0
    else:
        zero = ok_basic & (total <= 0)
        ok = ok_basic & ~zero
        rejected = zero
        with np.errstate(invalid="ignore", divide="ignore"):
            w = points / total[:, None]
    renormalised = not100 & ok if rule == "renormalise" else np.zeros_like(ok)
    gaps_ok = ~np.isnan(gaps).any(axis=1)
    use = ok & gaps_ok
    scores = np.einsum("ij,ij->i", w[use], gaps[use])
    acc = ColumnMoments(1)
    acc.add(scores[:, None].copy())
    test = ttests_from_summary(acc.n, acc.mean(), acc.sd(), confidence=confidence)[0]
    mean_w = w[ok].mean(axis=0) if ok.any() else np.full(len(dims), np.nan)
    mean_weights: dict[str, Number] = {
        d: defined(mean_w[i], "no respondent with valid points") for i, d in enumerate(dims)
    }
    smw: Number | None = None
    if sample_mean_weights:
        dim_vals = dimension_means
        if dim_vals is None:
            g_acc = ColumnMoments(len(dims))
            _add_blocks(g_acc, gaps)
            means = g_acc.mean()
            dim_vals = [defined(means[i], f"no valid gaps in {d}") for i, d in enumerate(dims)]
        parts = list(dim_vals)
        if all(is_defined(v) for v in parts) and ok.any():
            smw = float(sum(float(mean_w[i]) * frame_value(parts[i]) for i in range(len(dims))))
        else:
            smw = Undefined("a dimension gap or the mean weights are undefined")
    gap = test.mean if use.any() else Undefined("no respondent with valid points and gaps")
    return WeightedServqual(
        gap=gap,
        n=int(use.sum()),
        test=test,
        rule=rule,
        n_weights_missing=int(missing.sum()),
        n_invalid=int(negative.sum()),
        n_not_100=int(not100.sum()),
        n_rejected=int(rejected.sum()) + int(negative.sum()),
        n_renormalised=int(renormalised.sum()),
        n_gaps_missing=int((ok & ~gaps_ok).sum()),
        mean_weights=mean_weights,
        sample_mean_weights_gap=smw,
    )


# --------------------------------------------------------------------------- zone
def _position(msa: Number, mss: Number) -> str | Undefined:
    if not is_defined(msa) or not is_defined(mss):
        return Undefined("minimum, desired or perception has no valid answers")
    below, above = float(msa) < 0, float(mss) > 0
    if below and above:
        return Undefined("inverted zone: desired level below minimum level on average")
    return "below" if below else "above" if above else "within"


def zone_of_tolerance(matrix: ResponseMatrix, layout: ServqualLayout) -> ZoneOfTolerance:
    """Zone of tolerance per item and dimension (three-column format).

    ``MSA = P − minimum`` (measure of service adequacy), ``MSS = P − desired`` (service
    superiority), ``width = desired − minimum``; each on the respondents with both
    answers. A respondent with all three answers is *below* (P < minimum), *above*
    (P > desired) or *within*; desired < minimum is an inverted zone, counted and not
    classified. Reference: Parasuraman, Zeithaml & Berry (1994), J. Retailing 70(3).

    Example::

        >>> from gapsight.analysis.matrix import ResponseMatrix
        >>> lay = ServqualLayout((Pair("01", "a", "e1", "p1", "m1", "d1"),))
        >>> m = ResponseMatrix.from_columns({"e1": [7, 7, 7], "p1": [4, 6, 8],
        ...     "m1": [5, 5, 6], "d1": [7, 8, 5]})
        >>> z = zone_of_tolerance(m, lay).items[0]
        >>> z.below, z.within, z.above, z.inverted, round(z.msa, 4)
        (1, 1, 0, 1, 0.6667)
    """
    lacking = [p.code for p in layout.pairs if p.minimum is None or p.desired is None]
    if lacking:
        raise ValueError(f"pairs without minimum/desired columns: {', '.join(lacking)}")
    k = len(layout.pairs)
    cols = (
        [matrix.index(p.perception) for p in layout.pairs]
        + [matrix.index(str(p.minimum)) for p in layout.pairs]
        + [matrix.index(str(p.desired)) for p in layout.pairs]
    )
    acc = ColumnMoments(6 * k)
    counts = np.zeros((5, k), dtype=np.int64)  # complete, below, within, above, inverted
    for rows in row_blocks(matrix.n):
        b = matrix.values[rows][:, cols]
        p, mn, ds = b[:, :k], b[:, k : 2 * k], b[:, 2 * k :]
        complete = ~(np.isnan(p) | np.isnan(mn) | np.isnan(ds))
        inv = complete & (ds < mn)
        ok = complete & ~inv
        below = ok & (p < mn)
        above = ok & (p > ds)
        counts[0] += complete.sum(axis=0)
        counts[1] += below.sum(axis=0)
        counts[2] += (ok & ~below & ~above).sum(axis=0)
        counts[3] += above.sum(axis=0)
        counts[4] += inv.sum(axis=0)
        acc.add(np.hstack([p, mn, ds, p - mn, p - ds, ds - mn]))
    means = acc.mean()

    def val(block: int, j: int, what: str) -> Number:
        c = block * k + j
        return float(means[c]) if acc.n[c] else Undefined(f"no valid {what}")

    items = []
    for j, pr in enumerate(layout.pairs):
        msa, mss = val(3, j, "perception/minimum pairs"), val(4, j, "perception/desired pairs")
        items.append(
            ZoneItem(
                code=pr.code,
                dimension=pr.dimension,
                minimum=val(1, j, "minimum answers"),
                desired=val(2, j, "desired answers"),
                perception=val(0, j, "perception answers"),
                msa=msa,
                n_msa=int(acc.n[3 * k + j]),
                mss=mss,
                n_mss=int(acc.n[4 * k + j]),
                width=val(5, j, "minimum/desired pairs"),
                n_width=int(acc.n[5 * k + j]),
                position=_position(msa, mss),
                n_complete=int(counts[0, j]),
                below=int(counts[1, j]),
                within=int(counts[2, j]),
                above=int(counts[3, j]),
                inverted=int(counts[4, j]),
            )
        )
    dims = []
    for d in layout.dimensions:
        its = [z for z in items if z.dimension == d]
        msa_d = _mean_of([z.msa for z in its], f"MSA of {d}")
        mss_d = _mean_of([z.mss for z in its], f"MSS of {d}")
        dims.append(
            ZoneDimension(
                dimension=d,
                minimum=_mean_of([z.minimum for z in its], f"minimum of {d}"),
                desired=_mean_of([z.desired for z in its], f"desired of {d}"),
                perception=_mean_of([z.perception for z in its], f"perception of {d}"),
                msa=msa_d,
                mss=mss_d,
                width=_mean_of([z.width for z in its], f"width of {d}"),
                position=_position(msa_d, mss_d),
            )
        )
    inverted = int(counts[4].sum())
    warnings = []
    if inverted:
        warnings.append(
            AnalysisWarning(
                "zone_inverted",
                f"{inverted} answer(s) give a desired level below the minimum level "
                "(inverted zone); they are not classified",
                "zone",
            )
        )
    return ZoneOfTolerance(
        items=tuple(items), dimensions=tuple(dims), inverted=inverted, warnings=tuple(warnings)
    )


# --------------------------------------------------------------------------- SERVPERF
def servperf(
    matrix: ResponseMatrix,
    layout: ServqualLayout,
    *,
    aggregation: Aggregation = "item_means",
    min_share: float = 0.5,
    round_item_means: bool = False,
) -> Servperf:
    """SERVPERF: perceptions only, aggregated like SERVQUAL (Cronin & Taylor 1992).

    Only the perception columns are read; expectations may be absent from the data.

    Example::

        >>> from gapsight.analysis.matrix import ResponseMatrix
        >>> lay = ServqualLayout((Pair("01", "a", "e1", "p1"), Pair("02", "b", "e2", "p2")))
        >>> s = servperf(ResponseMatrix.from_columns({"p1": [4, 5], "p2": [6, 7]}), lay)
        >>> [d.perception for d in s.dimensions], s.overall
        ([4.5, 6.5], 5.5)
    """
    _check_common(aggregation, min_share, 0.95)
    scan = _scan(matrix, layout, min_share, with_e=False)
    dims = layout.dimensions
    p_means = _item_means(scan.p, "perception", False)
    p_r = _item_means(scan.p, "perception", round_item_means)
    sds = scan.p.sd()
    items = tuple(
        PerceptionItem(
            code=pr.code,
            dimension=pr.dimension,
            perception_code=pr.perception,
            n=int(scan.p.n[j]),
            mean=p_means[j],
            sd=defined(sds[j], "fewer than 2 valid answers"),
        )
        for j, pr in enumerate(layout.pairs)
    )
    agg1 = []
    agg2 = []
    dm, dsd = scan.dim_p.mean(), scan.dim_p.sd()
    for i, d in enumerate(dims):
        idx = [j for j, pr in enumerate(layout.pairs) if pr.dimension == d]
        agg1.append(DimensionScore(d, len(idx), _mean_of([p_r[j] for j in idx], d)))
        reason = f"no respondent has at least {min_share:.0%} valid items in {d}"
        nd = int(scan.dim_p.n[i])
        agg2.append(
            DimensionScore(
                d,
                len(idx),
                defined(dm[i], reason) if nd else Undefined(reason),
                n=nd,
                sd=defined(dsd[i], "fewer than 2 respondents"),
            )
        )
    names = [f"dimension {d}" for d in dims]
    return Servperf(
        items=items,
        by_item_means=tuple(agg1),
        overall_item_means=_all_or_undefined([a.perception for a in agg1], names, "overall"),
        by_respondent=tuple(agg2),
        overall_respondent=_all_or_undefined([a.perception for a in agg2], names, "overall"),
        aggregation=aggregation,
        min_share=min_share,
        round_item_means=round_item_means,
    )
