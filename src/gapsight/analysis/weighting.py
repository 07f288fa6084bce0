"""Weighted SERVQUAL: dimension gaps weighted by each respondent's importance points.

Zeithaml, Parasuraman & Berry (1990): per respondent ``w_d = points_d / 100`` over the
five dimensions and

    SQw_i = Σ_d w_d · gap_id,      SQw = mean_i SQw_i

with ``gap_id`` the respondent-level dimension gap (see
:mod:`gapsight.analysis.servqual`). The score stays on the gap scale. Points must sum to
100: a respondent whose points do not is rejected (default) or renormalised
(``w_d = points_d / Σ points``) and counted; negative points are always rejected. The
sample-mean-weights variant ``Σ_d w̄_d · gap_d`` is reported only on request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from gapsight.analysis.layout import ServqualLayout
from gapsight.analysis.matrix import FloatMatrix, ResponseMatrix
from gapsight.analysis.moments import ColumnMoments, add_blocks
from gapsight.analysis.result import (
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

__all__ = ["WeightRule", "WeightedServqual", "weighted_servqual"]

WeightRule = Literal["reject", "renormalise"]
"""What to do with a respondent whose importance points do not sum to 100."""

_SUM_TOLERANCE = 1e-6


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

        >>> from gapsight.analysis.layout import Pair, ServqualLayout
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
        from gapsight.analysis.servqual import respondent_dimension_gaps

        dimension_gaps = respondent_dimension_gaps(matrix, layout, min_share=min_share)
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
            add_blocks(g_acc, gaps)
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
