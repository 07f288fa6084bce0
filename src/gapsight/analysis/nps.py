"""Net Promoter Score with an adjusted-Wald interval, and the two-wave z test.

Classification of the 0–10 recommendation answer: promoters 9–10, passives 7–8,
detractors 0–6. With shares ``p_P`` and ``p_D`` of the n valid answers::

    NPS = 100 · (p_P − p_D)
    V   = p_P + p_D − (p_P − p_D)²          (variance of the +1/0/−1 score)
    SE  = 100 · √(V / n)

Confidence interval: **adjusted Wald** (Rocks 2016, *The American Statistician* 70(4);
Sauro & Lewis, MeasuringU): add 0.75 to the promoter and detractor counts and 3 to n,
recompute ``p̃_P, p̃_D, Ṽ`` with those, then ``100 · ((p̃_P − p̃_D) ± z · √(Ṽ / ñ))``,
clipped to [−100, 100]. The worst-case margin ``100 · z / √n`` (``V ≤ 1``; at 95 % about
``196 / √n``) is reported so small B2B samples are read with care.

Two independent waves: ``z = Δ / √(SE₁² + SE₂²)`` with ``Δ = NPS₂ − NPS₁`` (sign kept),
two-sided normal p.

Example::

    >>> r = net_promoter_score([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
    >>> r.n, r.promoters, r.passives, r.detractors, r.score
    (10, 5, 2, 3, 20.0)
    >>> round(r.margin_worst_case, 1)
    62.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from gapsight.analysis.breakdown import Grouping, suppress_cells, suppression_reason
from gapsight.analysis.estimate import check_confidence
from gapsight.analysis.result import Number, Undefined, frame_value, is_defined, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NpsBreakdown",
    "NpsChange",
    "NpsGroup",
    "NpsResult",
    "net_promoter_score",
    "nps_breakdown",
    "nps_change",
    "nps_from_counts",
]

ADJ_COUNT = 0.75
ADJ_N = 3.0


@dataclass(frozen=True)
class NpsResult:
    """The NPS of one wave.

    Attributes:
        n: valid answers (0–10).
        promoters, passives, detractors: counts.
        score: NPS in points (−100 … 100).
        se: standard error in points, ``100 · √(V/n)`` (undefined when ``n = 0``).
        ci_low, ci_high: adjusted-Wald interval in points, clipped to [−100, 100].
        margin_worst_case: ``100 · z / √n`` points (≈ 196/√n at 95 %).
        confidence: the confidence level.
    """

    n: int
    promoters: int
    passives: int
    detractors: int
    score: Number
    se: Number
    ci_low: Number
    ci_high: Number
    margin_worst_case: Number
    confidence: float

    @property
    def share_promoters(self) -> Number:
        """Promoters / n."""
        return self.promoters / self.n if self.n else Undefined("no valid answers")

    @property
    def share_passives(self) -> Number:
        """Passives / n."""
        return self.passives / self.n if self.n else Undefined("no valid answers")

    @property
    def share_detractors(self) -> Number:
        """Detractors / n."""
        return self.detractors / self.n if self.n else Undefined("no valid answers")

    def to_frame(self) -> pd.DataFrame:
        """One row with counts, shares, score, SE, CI and worst-case margin."""
        import pandas as pd

        vals = (self.score, self.se, self.ci_low, self.ci_high, self.margin_worst_case)
        return pd.DataFrame(
            [
                {
                    "n": self.n,
                    "promoters": self.promoters,
                    "passives": self.passives,
                    "detractors": self.detractors,
                    "share_promoters": frame_value(self.share_promoters),
                    "share_passives": frame_value(self.share_passives),
                    "share_detractors": frame_value(self.share_detractors),
                    "score": frame_value(self.score),
                    "se": frame_value(self.se),
                    "ci_low": frame_value(self.ci_low),
                    "ci_high": frame_value(self.ci_high),
                    "margin_worst_case": frame_value(self.margin_worst_case),
                    "confidence": self.confidence,
                    "note": note_of(vals),
                }
            ]
        )


def nps_from_counts(
    promoters: int, passives: int, detractors: int, *, confidence: float = 0.95
) -> NpsResult:
    """The NPS from the three counts (see module docstring for the formulas)."""
    check_confidence(confidence)
    for name, v in (("promoters", promoters), ("passives", passives), ("detractors", detractors)):
        if int(v) != v or v < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
    P, Q, D = int(promoters), int(passives), int(detractors)
    n = P + Q + D
    if n == 0:
        u = Undefined("no valid answers")
        return NpsResult(0, 0, 0, 0, u, u, u, u, u, confidence)
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    pp, pd_ = P / n, D / n
    score = 100.0 * (pp - pd_)
    var = max(pp + pd_ - (pp - pd_) ** 2, 0.0)
    se = 100.0 * math.sqrt(var / n)
    n_adj = n + ADJ_N
    pp_a, pd_a = (P + ADJ_COUNT) / n_adj, (D + ADJ_COUNT) / n_adj
    var_a = pp_a + pd_a - (pp_a - pd_a) ** 2
    centre = 100.0 * (pp_a - pd_a)
    half = 100.0 * z * math.sqrt(var_a / n_adj)
    return NpsResult(
        n=n,
        promoters=P,
        passives=Q,
        detractors=D,
        score=score,
        se=se,
        ci_low=max(centre - half, -100.0),
        ci_high=min(centre + half, 100.0),
        margin_worst_case=100.0 * z / math.sqrt(n),
        confidence=confidence,
    )


def net_promoter_score(
    values: npt.ArrayLike, *, confidence: float = 0.95, code: str = "cvs_recommend"
) -> NpsResult:
    """The NPS of 0–10 answers (``NaN`` = missing, left out).

    ``ValueError`` when an answer is not a whole number in 0–10 (``code`` names the item).
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[~np.isnan(x)]
    if ((x < 0) | (x > 10) | (x != np.rint(x))).any():
        raise ValueError(f"{code} has answers that are not whole numbers 0-10")
    promoters = int((x >= 9).sum())
    detractors = int((x <= 6).sum())
    return nps_from_counts(
        promoters, int(x.size) - promoters - detractors, detractors, confidence=confidence
    )


@dataclass(frozen=True)
class NpsChange:
    """Difference between two independent waves' NPS (``current − previous``).

    Attributes:
        n_previous, n_current: the n of each wave.
        previous, current: the two scores (points).
        difference: ``current − previous`` in NPS points (sign kept).
        se: ``√(SE₁² + SE₂²)`` in points.
        z: ``difference / se``.
        p: two-sided p from the standard normal.
        ci_low, ci_high: Wald interval for the difference at ``confidence``.
    """

    n_previous: int
    n_current: int
    previous: Number
    current: Number
    difference: Number
    se: Number
    z: Number
    p: Number
    ci_low: Number
    ci_high: Number
    confidence: float
    unit: str = "NPS points"

    def to_frame(self) -> pd.DataFrame:
        """One row with both scores, the difference, z, p and the interval."""
        import pandas as pd

        vals = (self.difference, self.se, self.z, self.p, self.ci_low)
        row = {
            "n_previous": self.n_previous,
            "n_current": self.n_current,
            "previous": frame_value(self.previous),
            "current": frame_value(self.current),
            "difference": frame_value(self.difference),
            "se": frame_value(self.se),
            "z": frame_value(self.z),
            "p": frame_value(self.p),
            "ci_low": frame_value(self.ci_low),
            "ci_high": frame_value(self.ci_high),
            "confidence": self.confidence,
            "unit": self.unit,
            "note": note_of(vals),
        }
        return pd.DataFrame([row])


def nps_change(
    previous: NpsResult, current: NpsResult, *, confidence: float | None = None
) -> NpsChange:
    """Two-wave z test ``z = (NPS₂ − NPS₁) / √(SE₁² + SE₂²)`` for independent samples.

    ``confidence`` of the difference interval defaults to ``current.confidence``.
    """
    conf = check_confidence(current.confidence if confidence is None else confidence)
    a, b, sa, sb = previous.score, current.score, previous.se, current.se
    if not (is_defined(a) and is_defined(b) and is_defined(sa) and is_defined(sb)):
        u = Undefined("a wave has no valid answers")
        return NpsChange(previous.n, current.n, a, b, u, u, u, u, u, u, conf)
    diff = b - a
    se = math.sqrt(sa * sa + sb * sb)
    if se == 0.0:
        u = Undefined("both waves have zero variance (all answers in one category)")
        return NpsChange(previous.n, current.n, a, b, diff, 0.0, u, u, u, u, conf)
    z = diff / se
    p = float(2.0 * stats.norm.sf(abs(z)))
    zc = float(stats.norm.ppf(0.5 + conf / 2.0))
    return NpsChange(
        previous.n, current.n, a, b, diff, se, z, p, diff - zc * se, diff + zc * se, conf
    )


@dataclass(frozen=True)
class NpsGroup:
    """One group of an NPS breakdown: the full :class:`NpsResult`, or suppressed.

    Attributes:
        group: the group label (``None`` = characteristic missing).
        result: the group's NPS with adjusted-Wald interval; ``None`` when suppressed.
        suppressed: whether nothing of this group may be displayed.
        reason: why it is suppressed (the same text for every suppressed group).
    """

    group: Any
    result: NpsResult | None
    suppressed: bool
    reason: str | None


@dataclass(frozen=True)
class NpsBreakdown:
    """NPS per group with the minimum group size and complementary suppression
    (:mod:`gapsight.analysis.breakdown`), plus the total."""

    by: str
    groups: tuple[NpsGroup, ...]
    total: NpsGroup
    min_n: int

    def to_frame(self) -> pd.DataFrame:
        """One row per group then the total; suppressed rows carry only the reason."""
        import pandas as pd

        frames = []
        for g, label in [(g, g.group) for g in self.groups] + [(self.total, "total")]:
            if g.result is None:
                frames.append(
                    pd.DataFrame([{"group": label, "suppressed": True, "reason": g.reason}])
                )
            else:
                frames.append(
                    g.result.to_frame().assign(group=label, suppressed=False, reason=None)
                )
        out = pd.concat(frames, ignore_index=True)
        return out[["group", *[c for c in out.columns if c != "group"]]]


def nps_breakdown(
    values: npt.ArrayLike,
    groups: npt.ArrayLike | Grouping,
    *,
    by: str = "group",
    min_n: int = 5,
    confidence: float = 0.95,
    code: str = "cvs_recommend",
) -> NpsBreakdown:
    """The NPS of every group, each with its adjusted-Wald interval, with suppression.

    Counts per group come from one ``np.bincount`` per category; the suppression rule is
    :func:`gapsight.analysis.breakdown.suppress_cells` on the valid answers per group.
    """
    conf = check_confidence(confidence)
    x = np.ascontiguousarray(values, dtype=np.float64).ravel()
    grouping = Grouping.of(groups)
    if grouping.inverse.shape[0] != x.shape[0]:
        raise ValueError(f"values has {x.shape[0]} rows but groups has {grouping.inverse.shape[0]}")
    ok = ~np.isnan(x)
    xv = x[ok]
    if ((xv < 0) | (xv > 10) | (xv != np.rint(xv))).any():
        raise ValueError(f"{code} has answers that are not whole numbers 0-10")
    inv = grouping.inverse[ok]
    k = grouping.n_groups
    prom = np.bincount(inv, weights=(xv >= 9), minlength=k)
    detr = np.bincount(inv, weights=(xv <= 6), minlength=k)
    tot = np.bincount(inv, minlength=k)
    status, total_hidden = suppress_cells(tot.tolist(), min_n=min_n)
    reason = suppression_reason(min_n)
    out = []
    for g in range(k):
        if status[g] in ("below_minimum", "complementary"):
            out.append(NpsGroup(grouping.labels[g], None, True, reason))
            continue
        P, D, N = int(prom[g]), int(detr[g]), int(tot[g])
        out.append(
            NpsGroup(
                grouping.labels[g], nps_from_counts(P, N - P - D, D, confidence=conf), False, None
            )
        )
    if total_hidden:
        total = NpsGroup(None, None, True, reason)
    else:
        P, D, N = int(prom.sum()), int(detr.sum()), int(tot.sum())
        total = NpsGroup(None, nps_from_counts(P, N - P - D, D, confidence=conf), False, None)
    return NpsBreakdown(by, tuple(out), total, min_n)
