"""Mirror and prediction gaps (gaps 1, 6 and 7 of the extended gap model).

Two independent groups answer the same items: customers, and staff or management
answering "as customers would" (mirror) or "what do our customers expect?"
(prediction). Per item (``gap-model.md``, ``analysis.md``)::

    gap = mean(comparison) − mean(reference)

- gap 1: comparison = management prediction, reference = customers' expectations;
- gap 6: comparison = staff prediction, reference = customers' expectations;
- gap 7: comparison = staff prediction, reference = management prediction;
- mirror gap: comparison = staff mirror answers, reference = customer answers (a positive
  gap on perceptions = "service blindness").

Each item gets a Welch t-test (:func:`gapsight.analysis.change.welch_arrays`, unequal
variances, Welch–Satterthwaite df), p-values adjusted over the item family (Holm by
default, :mod:`gapsight.analysis.adjust`), and a **flag** when ``|gap| > threshold`` **and**
the adjusted ``p < alpha``. The threshold is given for a 5-point scale (default 0.5)
and scaled to each item's range: ``threshold · (max − min) / 4`` (0.75 on a 1–7 scale,
1.125 on 1–10). Items without a known range are treated as 5-point.

Per dimension, like SERVQUAL's first aggregation: the dimension mean of each group is
the mean of its item means, gap = their difference. The dimension test is a Welch test
on respondent dimension scores (mean of the respondent's valid items in the dimension,
required share of valid items ``min_valid_share``, default 50 %), adjusted over the
dimension family.

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> cust = ResponseMatrix.from_columns({"p01": [3, 4, 3, 2, 3, 4], "p02": [4, 4, 5, 4, 4, 5]})
    >>> staff = ResponseMatrix.from_columns({"p01": [5, 5, 4, 5, 5], "p02": [4, 5, 4, 4, 5]})
    >>> res = mirror_gaps(cust, staff, dimensions={"p01": "reliability", "p02": "reliability"})
    >>> [(i.code, round(i.gap, 2), i.flagged) for i in res.items]
    [('p01', 1.63, True), ('p02', 0.07, False)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gapsight.analysis.adjust import adjust_pvalues, check_method
from gapsight.analysis.change import welch_arrays
from gapsight.analysis.estimate import check_confidence
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import (
    AnalysisWarning,
    Number,
    Undefined,
    defined,
    frame_value,
    note_of,
)

if TYPE_CHECKING:
    import pandas as pd

    from gapsight.instruments.model import Instrument

__all__ = ["DimensionGap", "ItemGap", "MirrorGaps", "mirror_gaps"]

FIVE_POINT_RANGE = 4.0


@dataclass(frozen=True)
class ItemGap:
    """One item's gap between the comparison group and the reference group.

    Attributes:
        code, dimension: the item and its dimension (``None`` when not given).
        n_reference, n_comparison: valid answers per group.
        reference_mean, comparison_mean: the two means.
        gap: ``comparison_mean − reference_mean`` in scale points.
        t, df, p: Welch test; ``p_adjusted`` over the item family.
        ci_low, ci_high: Welch interval of the gap.
        threshold: the flag threshold on this item's scale.
        flagged: ``|gap| > threshold`` and ``p_adjusted < alpha``.
    """

    code: str
    dimension: str | None
    n_reference: int
    n_comparison: int
    reference_mean: Number
    comparison_mean: Number
    gap: Number
    t: Number
    df: Number
    p: Number
    p_adjusted: Number
    ci_low: Number
    ci_high: Number
    threshold: float
    flagged: bool


@dataclass(frozen=True)
class DimensionGap:
    """A dimension's gap: difference of the mean of item means; Welch test on
    respondent dimension scores."""

    dimension: str
    codes: tuple[str, ...]
    n_reference: int
    n_comparison: int
    reference_mean: Number
    comparison_mean: Number
    gap: Number
    t: Number
    df: Number
    p: Number
    p_adjusted: Number
    threshold: Number
    flagged: bool


@dataclass(frozen=True)
class MirrorGaps:
    """Item and dimension gaps with tests and flags.

    Attributes:
        items, dimensions: the results.
        threshold: the flag threshold on a 5-point scale (scaled per item).
        alpha: significance level for the flag.
        adjust: multiple-comparison method applied to each family.
        confidence: level of the item intervals.
        label: which gap this is (``"mirror"``, ``"gap1"``, ``"gap6"``, ``"gap7"`` …),
            as given by the caller, for reports.
        warnings: ``range_assumed`` for each item whose scale range was not known
            (neither ``scales`` nor ``instrument`` gave it) and was taken as 1–5 to
            scale the flag threshold.
    """

    items: tuple[ItemGap, ...]
    dimensions: tuple[DimensionGap, ...]
    threshold: float
    alpha: float
    adjust: str
    confidence: float
    label: str = "mirror"
    warnings: tuple[AnalysisWarning, ...] = ()

    @property
    def flagged(self) -> tuple[str, ...]:
        """Codes of the flagged items."""
        return tuple(i.code for i in self.items if i.flagged)

    def to_frame(self) -> pd.DataFrame:
        """One row per item (undefined → ``NaN``, reason in ``note``)."""
        import pandas as pd

        rows = []
        for i in self.items:
            nums = (i.reference_mean, i.comparison_mean, i.gap, i.t, i.df, i.p, i.p_adjusted)
            rows.append(
                {
                    "gap_type": self.label,
                    "code": i.code,
                    "dimension": i.dimension,
                    "n_reference": i.n_reference,
                    "n_comparison": i.n_comparison,
                    "reference_mean": frame_value(i.reference_mean),
                    "comparison_mean": frame_value(i.comparison_mean),
                    "gap": frame_value(i.gap),
                    "t": frame_value(i.t),
                    "df": frame_value(i.df),
                    "p": frame_value(i.p),
                    "p_adjusted": frame_value(i.p_adjusted),
                    "ci_low": frame_value(i.ci_low),
                    "ci_high": frame_value(i.ci_high),
                    "threshold": i.threshold,
                    "flagged": i.flagged,
                    "note": note_of(nums),
                }
            )
        return pd.DataFrame(rows)

    def dimensions_frame(self) -> pd.DataFrame:
        """One row per dimension."""
        import pandas as pd

        rows = []
        for d in self.dimensions:
            nums = (d.reference_mean, d.comparison_mean, d.gap, d.t, d.p, d.threshold)
            rows.append(
                {
                    "dimension": d.dimension,
                    "items": len(d.codes),
                    "n_reference": d.n_reference,
                    "n_comparison": d.n_comparison,
                    "reference_mean": frame_value(d.reference_mean),
                    "comparison_mean": frame_value(d.comparison_mean),
                    "gap": frame_value(d.gap),
                    "t": frame_value(d.t),
                    "df": frame_value(d.df),
                    "p": frame_value(d.p),
                    "p_adjusted": frame_value(d.p_adjusted),
                    "threshold": frame_value(d.threshold),
                    "flagged": d.flagged,
                    "note": note_of(nums),
                }
            )
        return pd.DataFrame(rows)


def _moments(block: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
    ok = ~np.isnan(block)
    n = ok.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(ok, block, 0.0).sum(axis=0)
        mean = np.where(n > 0, s / np.maximum(n, 1), np.nan)
        dev = np.where(ok, block - mean, 0.0)
        var = np.where(n > 1, (dev * dev).sum(axis=0) / np.maximum(n - 1, 1), np.nan)
    return n, mean, var


def _reason(n1: float, n2: float, se: float) -> str:
    if n1 == 0 or n2 == 0:
        return "a group has no valid answers"
    if n1 < 2 or n2 < 2:
        return "a group has fewer than 2 valid answers"
    return "both groups answered with zero variance"


def _dimension_scores(block: npt.NDArray[np.float64], min_share: float) -> npt.NDArray[np.float64]:
    ok = ~np.isnan(block)
    k = block.shape[1]
    cnt = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(ok, block, 0.0).sum(axis=1) / cnt
    out: npt.NDArray[np.float64] = np.where((cnt > 0) & (cnt >= min_share * k), score, np.nan)
    return out


def mirror_gaps(
    reference: ResponseMatrix,
    comparison: ResponseMatrix,
    *,
    codes: Sequence[str] | None = None,
    dimensions: Mapping[str, str] | None = None,
    scales: Mapping[str, tuple[float, float]] | None = None,
    instrument: Instrument | None = None,
    threshold: float = 0.5,
    alpha: float = 0.05,
    adjust: str = "holm",
    confidence: float = 0.95,
    min_valid_share: float = 0.5,
    label: str = "mirror",
) -> MirrorGaps:
    """Gaps ``mean(comparison) − mean(reference)`` per item and dimension.

    Args:
        reference: the reference group (customers; management for gap 7).
        comparison: the group whose answers are compared (staff or management).
        codes: items to compare; default: every code in both matrices, in the
            reference's order. A code given but missing in either is a ``KeyError``.
        dimensions: item code → dimension id (default: from ``instrument``, else none).
        scales: item code → ``(min, max)`` (default: from ``instrument``, else 5-point).
        instrument: the customer instrument, used for dimensions and scale ranges.
        threshold: flag threshold on a 5-point scale, scaled per item range.
        alpha: significance level of the flag (on the adjusted p).
        adjust: ``"holm"`` (default), ``"bh"`` or ``"none"``.
        confidence: level of the Welch intervals.
        min_valid_share: share of a dimension's items a respondent must have answered
            to get a dimension score (dimension test only).
        label: which gap this is (``"mirror"``, ``"gap1"``, ``"gap6"``, ``"gap7"``).
    """
    conf = check_confidence(confidence)
    method = check_method(adjust)
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    if threshold < 0:
        raise ValueError(f"threshold must be non-negative, got {threshold!r}")
    if codes is None:
        use = [c for c in reference.codes if comparison.has(c)]
    else:
        use = list(codes)
        for c in use:
            reference.index(c)
            comparison.index(c)
    dims: dict[str, str] = {}
    rng: dict[str, tuple[float, float]] = {}
    if instrument is not None:
        for c in use:
            it = instrument.item(c)
            if it.dimension is not None:
                dims[c] = it.dimension
            sc = instrument.scale_of(c)
            if sc.numeric:
                rng[c] = tuple(map(float, sc.bounds()))  # type: ignore[assignment]
    dims.update(dimensions or {})
    rng.update(scales or {})

    n1, m1, v1 = _moments(reference.columns(use))
    n2, m2, v2 = _moments(comparison.columns(use))
    w = welch_arrays(n1, m1, v1, n2, m2, v2, confidence=conf)
    reasons = [_reason(a, b, s) for a, b, s in zip(n1, n2, w.se, strict=True)]
    p_raw = [defined(float(p), r) for p, r in zip(w.p, reasons, strict=True)]
    p_adj = adjust_pvalues(p_raw, method).adjusted

    def scaled(code: str) -> float:
        lo, hi = rng.get(code, (1.0, 5.0))
        return threshold * (hi - lo) / FIVE_POINT_RANGE

    items: list[ItemGap] = []
    for j, c in enumerate(use):
        gap = defined(float(w.difference[j]), "a group has no valid answers")
        thr = scaled(c)
        pa = p_adj[j]
        flagged = bool(
            isinstance(gap, float) and isinstance(pa, float) and abs(gap) > thr and pa < alpha
        )
        items.append(
            ItemGap(
                code=c,
                dimension=dims.get(c),
                n_reference=int(n1[j]),
                n_comparison=int(n2[j]),
                reference_mean=defined(float(m1[j]), "no valid answers"),
                comparison_mean=defined(float(m2[j]), "no valid answers"),
                gap=gap,
                t=defined(float(w.t[j]), reasons[j]),
                df=defined(float(w.df[j]), reasons[j]),
                p=p_raw[j],
                p_adjusted=pa,
                ci_low=defined(float(w.difference[j] - w.half_width[j]), reasons[j]),
                ci_high=defined(float(w.difference[j] + w.half_width[j]), reasons[j]),
                threshold=thr,
                flagged=flagged,
            )
        )

    dim_ids: list[str] = []
    for c in use:
        d = dims.get(c)
        if d is not None and d not in dim_ids:
            dim_ids.append(d)
    drafts: list[DimensionGap] = []
    for d in dim_ids:
        members = [j for j, c in enumerate(use) if dims.get(c) == d]
        mm1 = m1[members]
        mm2 = m2[members]
        both = ~np.isnan(mm1) & ~np.isnan(mm2)
        no_item = "no item with answers in both groups"
        ref_mean = float(mm1[both].mean()) if both.any() else float("nan")
        cmp_mean = float(mm2[both].mean()) if both.any() else float("nan")
        s1 = _dimension_scores(reference.columns([use[j] for j in members]), min_valid_share)
        s2 = _dimension_scores(comparison.columns([use[j] for j in members]), min_valid_share)
        k1, a1, b1 = _moments(s1[:, None])
        k2, a2, b2 = _moments(s2[:, None])
        wd = welch_arrays(k1, a1, b1, k2, a2, b2, confidence=conf)
        why = _reason(k1[0], k2[0], wd.se[0])
        thrs = {scaled(use[j]) for j in members}
        dim_thr: Number = (
            thrs.pop()
            if len(thrs) == 1
            else Undefined("items of this dimension have different scale ranges")
        )
        drafts.append(
            DimensionGap(
                dimension=d,
                codes=tuple(use[j] for j in members),
                n_reference=int(k1[0]),
                n_comparison=int(k2[0]),
                reference_mean=defined(ref_mean, no_item),
                comparison_mean=defined(cmp_mean, no_item),
                gap=defined(cmp_mean - ref_mean, no_item),
                t=defined(float(wd.t[0]), why),
                df=defined(float(wd.df[0]), why),
                p=defined(float(wd.p[0]), why),
                p_adjusted=Undefined("not adjusted yet"),
                threshold=dim_thr,
                flagged=False,
            )
        )
    dp_adj = adjust_pvalues([dg.p for dg in drafts], method).adjusted
    dimensions_out = []
    for dg, pa in zip(drafts, dp_adj, strict=True):
        flagged = bool(
            isinstance(dg.gap, float)
            and isinstance(dg.threshold, float)
            and isinstance(pa, float)
            and abs(dg.gap) > dg.threshold
            and pa < alpha
        )
        dimensions_out.append(replace(dg, p_adjusted=pa, flagged=flagged))
    return MirrorGaps(
        items=tuple(items),
        dimensions=tuple(dimensions_out),
        threshold=threshold,
        alpha=alpha,
        adjust=method,
        confidence=conf,
        label=label,
        warnings=tuple(
            AnalysisWarning(
                "range_assumed",
                f"item {c}: scale range unknown (give scales= or instrument=); the flag "
                "threshold assumes a 1-5 scale",
                c,
            )
            for c in use
            if c not in rng
        ),
    )
