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
Σ points``) and counted (computed in :mod:`gapsight.analysis.weighting`).

**Zone of tolerance** (Parasuraman, Zeithaml & Berry 1994, three-column format):
``MSA = P − minimum``, ``MSS = P − desired``, ``width = desired − minimum``; respondents
are classified below / within / above the zone, inverted zones (desired < minimum) are
counted and not classified (:mod:`gapsight.analysis.zone`). The layout of pairs and
weights is :mod:`gapsight.analysis.layout`; every name is re-exported here.
**SERVPERF** (Cronin & Taylor 1992) is the perception part with the same aggregations
(:func:`servperf`).

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
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from gapsight.analysis.adjust import AdjustMethod, adjust_pvalues, check_method
from gapsight.analysis.breakdown import suppression_reason
from gapsight.analysis.layout import Pair, ServqualLayout, servqual_layout
from gapsight.analysis.matrix import FloatMatrix, ResponseMatrix
from gapsight.analysis.moments import (
    ColumnMoments,
    FloatVector,
    add_blocks,
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
    mean_of_defined,
    note_of,
)
from gapsight.analysis.ttest import TTest, check_confidence, ttests_from_summary
from gapsight.analysis.weighting import WeightedServqual, WeightRule, weighted_servqual
from gapsight.analysis.zone import (
    ZoneDimension,
    ZoneItem,
    ZoneOfTolerance,
    zone_of_tolerance,
)

if TYPE_CHECKING:
    import pandas as pd

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
    "respondent_dimension_gaps",
    "round_half_up",
    "servperf",
    "servqual",
    "servqual_layout",
    "weighted_servqual",
    "zone_of_tolerance",
]

Aggregation = Literal["item_means", "respondent"]
"""``item_means``: mean of item means; ``respondent``: mean of respondent-level means."""

"""What to do with a respondent whose importance points do not sum to 100."""

AGGREGATION_LABELS: Mapping[str, str] = {
    "item_means": "mean of item means",
    "respondent": "mean of respondent-level means",
}


# --------------------------------------------------------------------------- layout


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
        n_min, n_max: smallest and largest ``n_pairs`` (respondents with both E and P)
            of the dimension's items (mean of item means only, else None).
    """

    dimension: str
    k: int
    expectation: Number
    perception: Number
    gap: Number
    n: int | None = None
    test: TTest | None = None
    n_min: int | None = None
    n_max: int | None = None


@dataclass(frozen=True)
class Overall:
    """Overall E, P and gap = mean of the dimension values.

    ``n_min``/``n_max``: smallest and largest n behind the value: the items' ``n_pairs``
    (mean of item means) or the dimensions' ``n`` (respondent level).
    """

    expectation: Number
    perception: Number
    gap: Number
    n_min: int | None = None
    n_max: int | None = None


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
            if self.method == "item_means":
                row.update(n_min=d.n_min, n_max=d.n_max)
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
                "n_min": o.n_min,
                "n_max": o.n_max,
                "note": note_of([o.expectation, o.perception, o.gap]),
            }
        )
        frame = pd.DataFrame(rows).set_index("dimension")
        frame.attrs["aggregation"] = self.label
        return frame


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
    with single_threaded_blas(matrix.n):
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


def respondent_dimension_gaps(
    matrix: ResponseMatrix, layout: ServqualLayout, *, min_share: float = 0.5
) -> FloatMatrix:
    """``(n, dimensions)`` respondent-level dimension gaps (NaN below ``min_share``).

    Per respondent, the mean of the dimension's item gaps ``P − E`` over the pairs
    answered, when at least ``min_share`` of its items have both answers.

    Example::

        >>> lay = ServqualLayout((Pair("01", "a", "e1", "p1"), Pair("02", "a", "e2", "p2")))
        >>> m = ResponseMatrix.from_columns({"e1": [5, 6], "p1": [4, 6],
        ...                                  "e2": [5, float("nan")], "p2": [6, 5]})
        >>> respondent_dimension_gaps(m, lay).tolist()
        [[0.0], [0.0]]
    """
    _check_common("item_means", min_share, 0.95)
    return _scan(matrix, layout, min_share, with_e=True).dim_gap


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
def withheld_test(test: TTest, min_n: int) -> TTest:
    """``test`` with every number replaced by the suppression reason (its n stays):
    fewer than ``min_n`` observations stand behind it.

    Example::

        >>> from gapsight.analysis.ttest import ttest_from_summary
        >>> hidden = withheld_test(ttest_from_summary(3, 0.5, 1.0), 5)
        >>> hidden.n, hidden.mean.reason
        (3, 'suppressed to protect anonymity (groups need at least 5 answers)')
    """
    u = Undefined(suppression_reason(min_n))
    return replace(test, mean=u, sd=u, t=u, df=u, p=u, ci_low=u, ci_high=u, d_z=u)


def _withhold_small(tests: tuple[TTest, ...], min_n: int) -> tuple[TTest, ...]:
    return tuple(withheld_test(t, min_n) if 0 < t.n < min_n else t for t in tests)


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
    min_pairs: int = 1,
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
        min_pairs: the minimum group size (``analysis.md``: it applies to the n behind
            every displayed number). An item test on 1 to ``min_pairs − 1`` complete
            pairs, and a respondent-level dimension on fewer respondents, is withheld
            (undefined, with the suppression reason); the item's E and P means rest on
            their own n and stay. Default 1: nothing withheld.
    """
    _check_common(aggregation, min_share, confidence)
    method = check_method(adjust)
    if weight_rule not in get_args(WeightRule):
        raise ValueError(f"unknown weight rule {weight_rule!r}; use 'reject' or 'renormalise'")
    scan = _scan(matrix, layout, min_share, with_e=True)
    dims = layout.dimensions
    warnings: list[AnalysisWarning] = []

    # items
    e_means = _item_means(scan.e, "expectation", False)
    p_means = _item_means(scan.p, "perception", False)
    tests = _withhold_small(
        ttests_from_summary(scan.d.n, scan.d.mean(), scan.d.sd(), confidence=confidence),
        min_pairs,
    )
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
                expectation=mean_of_defined([e_r[j] for j in idx], f"expectation of {d}"),
                perception=mean_of_defined([p_r[j] for j in idx], f"perception of {d}"),
                gap=mean_of_defined(ge, f"gap of {d}"),
                n_min=min(items[j].n_pairs for j in idx),
                n_max=max(items[j].n_pairs for j in idx),
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
    item_n = [it.n_pairs for it in items]
    by_item_means = Aggregate("item_means", tuple(agg1), _overall(agg1, min(item_n), max(item_n)))

    # aggregation 2: respondent level
    de_m, dp_m = scan.dim_e.mean(), scan.dim_p.mean()
    g_acc = ColumnMoments(len(dims))
    add_blocks(g_acc, scan.dim_gap)
    dim_tests = _withhold_small(
        ttests_from_summary(g_acc.n, g_acc.mean(), g_acc.sd(), confidence=confidence), min_pairs
    )
    agg2 = []
    for i, d in enumerate(dims):
        reason = f"no respondent has at least {min_share:.0%} valid items in {d}"
        agg2.append(
            DimensionGap(
                dimension=d,
                k=sum(1 for pr in layout.pairs if pr.dimension == d),
                expectation=defined(de_m[i], reason) if scan.dim_e.n[i] else Undefined(reason),
                perception=defined(dp_m[i], reason) if scan.dim_p.n[i] else Undefined(reason),
                gap=dim_tests[i].mean if g_acc.n[i] else Undefined(reason),
                n=int(g_acc.n[i]),
                test=dim_tests[i],
            )
        )
    dim_n = [int(g_acc.n[i]) for i in range(len(dims))]
    by_respondent = Aggregate("respondent", tuple(agg2), _overall(agg2, min(dim_n), max(dim_n)))

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


def _overall(
    dims: Sequence[DimensionGap], n_min: int | None = None, n_max: int | None = None
) -> Overall:
    names = [f"dimension {d.dimension}" for d in dims]
    return Overall(
        expectation=_all_or_undefined([d.expectation for d in dims], names, "overall"),
        perception=_all_or_undefined([d.perception for d in dims], names, "overall"),
        gap=_all_or_undefined([d.gap for d in dims], names, "overall"),
        n_min=n_min,
        n_max=n_max,
    )


# --------------------------------------------------------------------------- weighted


# --------------------------------------------------------------------------- zone


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
        agg1.append(DimensionScore(d, len(idx), mean_of_defined([p_r[j] for j in idx], d)))
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
