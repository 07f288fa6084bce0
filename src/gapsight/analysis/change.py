"""Wave-over-wave change: Welch t for means, z test and Newcombe interval for shares,
paired t when the same respondents answered both waves.

Every change is ``current − previous`` (sign kept) and carries its unit: **points** for
means (plus **POMP**, percent of maximum possible, ``100 · Δ / (max − min)``, when the
scale range is given), **percentage points** for shares. Relative change (``100 · Δ /
previous``, in %) is computed only when asked for, because it is easily misread.

**Means, independent waves** — Welch (1947), never the pooled variance (the default of
``scipy.stats.ttest_ind`` and statsmodels; see ``analysis.md`` pitfalls)::

    Δ = m₂ − m₁,  SE = √(s₁²/n₁ + s₂²/n₂),  t = Δ / SE
    df = SE⁴ / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1))     (Welch–Satterthwaite)
    CI = Δ ± t(1 − γ/2; df) · SE

Same as ``scipy.stats.ttest_ind(current, previous, equal_var=False)``.

**Means, same respondents** — pass respondent keys; respondents present in both waves
with an answer in both are matched and a paired t-test runs on ``d = current −
previous`` (:func:`gapsight.analysis.ttest.paired_ttest`). Unmatched respondents are
counted, not used.

**Shares** — significance by the pooled two-proportion z test::

    p̄ = (x₁ + x₂)/(n₁ + n₂),  z = (p₂ − p₁) / √(p̄(1 − p̄)(1/n₁ + 1/n₂))

(= ``statsmodels.stats.proportion.proportions_ztest``), interval for the difference by
Newcombe's hybrid score method (Newcombe 1998, *Stat Med* 17, method 10) from the two
Wilson intervals ``[l_i, u_i]``::

    L = Δ − √((p₂ − l₂)² + (u₁ − p₁)²),   U = Δ + √((u₂ − p₂)² + (p₁ − l₁)²)

(= ``confint_proportions_2indep(..., method="newcomb")``), or the Wald interval
``Δ ± z √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)`` on request.

Example::

    >>> c = proportion_change(30, 100, 45, 110)
    >>> round(c.difference_pp, 2), round(c.z, 3), round(c.ci_low_pp, 2)
    (10.91, 1.648, -2.06)
    >>> m = mean_change([6, 7, 8, 7], [8, 8, 9, 7, 9], scale=(1, 10))
    >>> round(m.difference, 2), round(m.pomp, 2), m.method
    (1.2, 13.33, 'welch')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from gapsight.analysis.estimate import check_confidence
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.result import (
    Number,
    Undefined,
    defined,
    frame_value,
    is_defined,
    note_of,
)
from gapsight.analysis.ttest import paired_ttest

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ItemChanges",
    "MeanChange",
    "ProportionChange",
    "WelchArrays",
    "item_changes",
    "mean_change",
    "paired_mean_change",
    "proportion_change",
    "welch_arrays",
    "wilson_interval",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WelchArrays:
    """Vectorised Welch tests (one entry per item); ``NaN`` where undefined.

    Used by :mod:`.mirror` for many items at once; :func:`mean_change` wraps one entry
    into a :class:`MeanChange` with explicit reasons.
    """

    difference: FloatArray
    se: FloatArray
    t: FloatArray
    df: FloatArray
    p: FloatArray
    half_width: FloatArray


def welch_arrays(
    n1: npt.ArrayLike,
    m1: npt.ArrayLike,
    v1: npt.ArrayLike,
    n2: npt.ArrayLike,
    m2: npt.ArrayLike,
    v2: npt.ArrayLike,
    *,
    confidence: float = 0.95,
) -> WelchArrays:
    """Welch tests of ``m2 − m1`` from counts, means and sample variances (``n − 1``)."""
    conf = check_confidence(confidence)
    a_n, a_m, a_v = (np.asarray(x, dtype=np.float64) for x in (n1, m1, v1))
    b_n, b_m, b_v = (np.asarray(x, dtype=np.float64) for x in (n2, m2, v2))
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (a_n >= 2) & (b_n >= 2)
        qa = np.where(ok, a_v / a_n, np.nan)
        qb = np.where(ok, b_v / b_n, np.nan)
        se2 = qa + qb
        se = np.sqrt(se2)
        diff = np.where((a_n >= 1) & (b_n >= 1), b_m - a_m, np.nan)
        pos = se > 0
        t = np.where(pos, diff / se, np.nan)
        df = np.where(pos, se2 * se2 / (qa * qa / (a_n - 1) + qb * qb / (b_n - 1)), np.nan)
        p = np.where(pos, 2.0 * stats.t.sf(np.abs(t), df), np.nan)
        half = np.where(pos, stats.t.ppf(0.5 + conf / 2.0, df) * se, np.nan)
    return WelchArrays(diff, se, t, df, p, half)


def _relative(diff: Number, previous: Number, asked: bool) -> Number | None:
    if not asked:
        return None
    if not (is_defined(diff) and is_defined(previous)):
        return Undefined("change is undefined")
    if previous == 0:
        return Undefined("previous value is 0")
    return 100.0 * diff / previous


@dataclass(frozen=True)
class MeanChange:
    """Change of a mean between two waves (``current − previous``).

    Attributes:
        method: ``"welch"`` (independent waves) or ``"paired"`` (matched respondents).
        n_previous, n_current: values used per wave (paired: both equal ``n_pairs``).
        previous, current: the two means (paired: on the matched respondents).
        difference: ``current − previous`` in points of the item's scale.
        pomp: the difference as percent of the scale range (undefined without a range).
        relative: ``100 · difference / previous`` in %, only when asked for.
        t, df, p: the test (Welch–Satterthwaite df, or ``n − 1`` paired).
        ci_low, ci_high: interval of the difference in points.
        n_unmatched_previous, n_unmatched_current: paired only: respondents with an
            answer in one wave but not matched in the other.
    """

    method: Literal["welch", "paired"]
    n_previous: int
    n_current: int
    previous: Number
    current: Number
    difference: Number
    pomp: Number
    relative: Number | None
    t: Number
    df: Number
    p: Number
    ci_low: Number
    ci_high: Number
    confidence: float
    n_unmatched_previous: int = 0
    n_unmatched_current: int = 0
    unit: str = "points"

    def to_frame(self) -> pd.DataFrame:
        """One row with both means, the difference (points, POMP), test and interval."""
        import pandas as pd

        vals = [self.difference, self.pomp, self.t, self.p, self.ci_low]
        row: dict[str, object] = {
            "method": self.method,
            "n_previous": self.n_previous,
            "n_current": self.n_current,
            "previous": frame_value(self.previous),
            "current": frame_value(self.current),
            "difference": frame_value(self.difference),
            "unit": self.unit,
            "pomp": frame_value(self.pomp),
        }
        if self.relative is not None:
            row["relative_pct"] = frame_value(self.relative)
            vals.append(self.relative)
        row.update(
            t=frame_value(self.t),
            df=frame_value(self.df),
            p=frame_value(self.p),
            ci_low=frame_value(self.ci_low),
            ci_high=frame_value(self.ci_high),
            confidence=self.confidence,
            note=note_of(vals),
        )
        return pd.DataFrame([row])


def _clean(x: npt.ArrayLike) -> FloatArray:
    a = np.asarray(x, dtype=np.float64).ravel()
    return a[~np.isnan(a)]


def _pomp(diff: Number, scale: tuple[float, float] | None) -> Number:
    if scale is None:
        return Undefined("no scale range given")
    lo, hi = scale
    if not hi > lo:
        raise ValueError(f"scale must be (min, max) with max > min, got {scale!r}")
    if not is_defined(diff):
        return diff
    return 100.0 * diff / (hi - lo)


def mean_change(
    previous: npt.ArrayLike,
    current: npt.ArrayLike,
    *,
    scale: tuple[float, float] | None = None,
    confidence: float = 0.95,
    relative: bool = False,
) -> MeanChange:
    """Welch t-test of ``mean(current) − mean(previous)`` for independent waves.

    ``NaN`` values are missing. ``scale=(min, max)`` adds the POMP change.
    """
    conf = check_confidence(confidence)
    a, b = _clean(previous), _clean(current)
    na, nb = int(a.size), int(b.size)
    ma = float(a.mean()) if na else math.nan
    mb = float(b.mean()) if nb else math.nan
    va = float(a.var(ddof=1)) if na > 1 else math.nan
    vb = float(b.var(ddof=1)) if nb > 1 else math.nan
    w = welch_arrays([na], [ma], [va], [nb], [mb], [vb], confidence=conf)
    if na == 0 or nb == 0:
        reason = "a wave has no valid answers"
    elif na < 2 or nb < 2:
        reason = "a wave has fewer than 2 valid answers"
    else:
        reason = "both waves have zero variance"
    diff = defined(float(w.difference[0]), reason)
    half = float(w.half_width[0])
    return MeanChange(
        method="welch",
        n_previous=na,
        n_current=nb,
        previous=defined(ma, "no valid answers"),
        current=defined(mb, "no valid answers"),
        difference=diff,
        pomp=_pomp(diff, scale),
        relative=_relative(diff, defined(ma, "no valid answers"), relative),
        t=defined(float(w.t[0]), reason),
        df=defined(float(w.df[0]), reason),
        p=defined(float(w.p[0]), reason),
        ci_low=defined(float(w.difference[0]) - half, reason),
        ci_high=defined(float(w.difference[0]) + half, reason),
        confidence=conf,
    )


def paired_mean_change(
    previous: npt.ArrayLike,
    current: npt.ArrayLike,
    previous_keys: npt.ArrayLike,
    current_keys: npt.ArrayLike,
    *,
    scale: tuple[float, float] | None = None,
    confidence: float = 0.95,
    relative: bool = False,
) -> MeanChange:
    """Paired t-test of ``current − previous`` on respondents present in both waves.

    ``previous_keys[i]`` identifies the respondent of ``previous[i]`` (likewise for the
    current wave). Keys must be unique within a wave (``ValueError`` otherwise). Only
    respondents with a key in both waves **and** an answer in both are used.
    """
    conf = check_confidence(confidence)
    xa = np.asarray(previous, dtype=np.float64).ravel()
    xb = np.asarray(current, dtype=np.float64).ravel()
    ka, kb = np.asarray(previous_keys).ravel(), np.asarray(current_keys).ravel()
    if ka.shape != xa.shape or kb.shape != xb.shape:
        raise ValueError("each wave needs exactly one key per value")
    for name, k in (("previous", ka), ("current", kb)):
        if np.unique(k).size != k.size:
            raise ValueError(f"respondent keys of the {name} wave are not unique")
    _, ia, ib = np.intersect1d(ka, kb, assume_unique=True, return_indices=True)
    pa, pb = xa[ia], xb[ib]
    both = ~np.isnan(pa) & ~np.isnan(pb)
    pa, pb = pa[both], pb[both]
    n = int(pa.size)
    res = paired_ttest(pb, pa, confidence=conf)
    prev_mean = float(pa.mean()) if n else math.nan
    cur_mean = float(pb.mean()) if n else math.nan
    diff = res.mean if n else Undefined("no respondent answered in both waves")
    return MeanChange(
        method="paired",
        n_previous=n,
        n_current=n,
        previous=defined(prev_mean, "no respondent answered in both waves"),
        current=defined(cur_mean, "no respondent answered in both waves"),
        difference=diff,
        pomp=_pomp(diff, scale),
        relative=_relative(
            diff, defined(prev_mean, "no respondent answered in both waves"), relative
        ),
        t=res.t,
        df=res.df,
        p=res.p,
        ci_low=res.ci_low,
        ci_high=res.ci_high,
        confidence=conf,
        n_unmatched_previous=int((~np.isnan(xa)).sum()) - n,
        n_unmatched_current=int((~np.isnan(xb)).sum()) - n,
    )


def wilson_interval(count: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a single proportion ``count / n`` (``n > 0``)."""
    if n <= 0:
        raise ValueError("the Wilson interval needs n > 0")
    z = float(stats.norm.ppf(0.5 + check_confidence(confidence) / 2.0))
    p = count / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    return max(centre - half, 0.0), min(centre + half, 1.0)


@dataclass(frozen=True)
class ProportionChange:
    """Change of a share between two independent waves (``current − previous``).

    Attributes:
        n_previous, n_current: the denominators.
        count_previous, count_current: the numerators.
        previous, current: the shares (0–1).
        difference_pp: ``100 · (p₂ − p₁)`` in percentage points.
        z, p: pooled two-proportion z test (two-sided).
        ci_low_pp, ci_high_pp: interval of the difference in percentage points.
        interval: ``"newcombe"`` (hybrid score) or ``"wald"``.
        relative: ``100 · (p₂ − p₁) / p₁`` in %, only when asked for.
    """

    n_previous: int
    n_current: int
    count_previous: int
    count_current: int
    previous: Number
    current: Number
    difference_pp: Number
    z: Number
    p: Number
    ci_low_pp: Number
    ci_high_pp: Number
    interval: Literal["newcombe", "wald"]
    confidence: float
    relative: Number | None = None
    unit: str = "percentage points"

    def to_frame(self) -> pd.DataFrame:
        """One row with both shares, the difference in pp, z, p and the interval."""
        import pandas as pd

        vals = [self.difference_pp, self.z, self.p, self.ci_low_pp]
        row: dict[str, object] = {
            "n_previous": self.n_previous,
            "n_current": self.n_current,
            "previous": frame_value(self.previous),
            "current": frame_value(self.current),
            "difference_pp": frame_value(self.difference_pp),
            "unit": self.unit,
        }
        if self.relative is not None:
            row["relative_pct"] = frame_value(self.relative)
            vals.append(self.relative)
        row.update(
            z=frame_value(self.z),
            p=frame_value(self.p),
            ci_low_pp=frame_value(self.ci_low_pp),
            ci_high_pp=frame_value(self.ci_high_pp),
            interval=self.interval,
            confidence=self.confidence,
            note=note_of(vals),
        )
        return pd.DataFrame([row])


def proportion_change(
    count_previous: int,
    n_previous: int,
    count_current: int,
    n_current: int,
    *,
    confidence: float = 0.95,
    interval: Literal["newcombe", "wald"] = "newcombe",
    relative: bool = False,
) -> ProportionChange:
    """Pooled z test and Newcombe (or Wald) interval for ``p_current − p_previous``."""
    conf = check_confidence(confidence)
    if interval not in ("newcombe", "wald"):
        raise ValueError(f"interval must be 'newcombe' or 'wald', got {interval!r}")
    for name, c, n in (
        ("previous", count_previous, n_previous),
        ("current", count_current, n_current),
    ):
        if int(c) != c or int(n) != n or c < 0 or n < 0 or c > n:
            raise ValueError(f"{name} wave: need whole numbers 0 ≤ count ≤ n, got {c}/{n}")
    x1, n1, x2, n2 = int(count_previous), int(n_previous), int(count_current), int(n_current)
    if n1 == 0 or n2 == 0:
        u = Undefined("a wave has no valid answers")
        p1: Number = x1 / n1 if n1 else u
        p2: Number = x2 / n2 if n2 else u
        rel = None if not relative else u
        return ProportionChange(n1, n2, x1, x2, p1, p2, u, u, u, u, u, interval, conf, rel)
    q1, q2 = x1 / n1, x2 / n2
    diff = q2 - q1
    pooled = (x1 + x2) / (n1 + n2)
    se0 = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    if se0 > 0:
        z: Number = diff / se0
        p: Number = float(2.0 * stats.norm.sf(abs(diff / se0)))
    else:
        z = p = Undefined("both waves are 0% or both 100%")
    zc = float(stats.norm.ppf(0.5 + conf / 2.0))
    if interval == "newcombe":
        l1, u1 = wilson_interval(x1, n1, confidence=conf)
        l2, u2 = wilson_interval(x2, n2, confidence=conf)
        lo = diff - math.sqrt((q2 - l2) ** 2 + (u1 - q1) ** 2)
        hi = diff + math.sqrt((u2 - q2) ** 2 + (q1 - l1) ** 2)
    else:
        half = zc * math.sqrt(q1 * (1.0 - q1) / n1 + q2 * (1.0 - q2) / n2)
        lo, hi = diff - half, diff + half
    return ProportionChange(
        n_previous=n1,
        n_current=n2,
        count_previous=x1,
        count_current=x2,
        previous=q1,
        current=q2,
        difference_pp=100.0 * diff,
        z=z,
        p=p,
        ci_low_pp=100.0 * lo,
        ci_high_pp=100.0 * hi,
        interval=interval,
        confidence=conf,
        relative=_relative(diff, q1, relative),
    )


@dataclass(frozen=True)
class ItemChanges:
    """Mean change per item between two waves (see :func:`item_changes`)."""

    changes: dict[str, MeanChange]

    def to_frame(self) -> pd.DataFrame:
        """One row per item."""
        import pandas as pd

        frames = [c.to_frame().assign(code=code) for code, c in self.changes.items()]
        if not frames:
            return pd.DataFrame()
        out = pd.concat(frames, ignore_index=True)
        return out[["code", *[c for c in out.columns if c != "code"]]]


def item_changes(
    previous: ResponseMatrix,
    current: ResponseMatrix,
    codes: Sequence[str] | None = None,
    *,
    scales: Mapping[str, tuple[float, float]] | None = None,
    previous_keys: npt.ArrayLike | None = None,
    current_keys: npt.ArrayLike | None = None,
    confidence: float = 0.95,
    relative: bool = False,
) -> ItemChanges:
    """Wave-over-wave change of every item's mean.

    Independent waves by default (Welch). When respondent keys are given for both
    waves, each item gets a paired test on the respondents present in both
    (:func:`paired_mean_change`). ``codes`` defaults to the items in both waves;
    ``scales`` maps codes to ``(min, max)`` for the POMP change.
    """
    use = list(codes) if codes is not None else [c for c in previous.codes if current.has(c)]
    paired = previous_keys is not None and current_keys is not None
    if (previous_keys is None) != (current_keys is None):
        raise ValueError("give respondent keys for both waves, or for neither")
    rng = scales or {}
    out: dict[str, MeanChange] = {}
    for c in use:
        a, b = previous.column(c), current.column(c)
        if paired:
            out[c] = paired_mean_change(
                a,
                b,
                previous_keys,  # type: ignore[arg-type]
                current_keys,  # type: ignore[arg-type]
                scale=rng.get(c),
                confidence=confidence,
                relative=relative,
            )
        else:
            out[c] = mean_change(a, b, scale=rng.get(c), confidence=confidence, relative=relative)
    return ItemChanges(out)
