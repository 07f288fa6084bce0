"""Student t-tests for one sample and for paired data, with CI and effect size d_z.

For differences ``d`` (paired: ``d = a − b`` on the complete pairs) or a sample ``x``
tested against ``μ``:

    t = (mean − μ) / (sd / √n),   df = n − 1,   p = 2 · P(T_df > |t|)
    CI = mean ± t_{1−γ/2, df} · sd / √n      (γ = 1 − confidence)
    d_z = (mean − μ) / sd                      (Cohen's d for paired data)

``sd`` uses the denominator ``n − 1``. d_z is the effect size of a paired design; note
pingouin's paired ``cohen_d`` is |d_av| instead, which differs (see ``analysis.md``).

When a number cannot be computed the field is :class:`~gapsight.analysis.result.Undefined`
with the reason: no observations, a single observation (no SD), or all differences equal
(zero SD: t and d_z would be infinite or 0/0; the CI collapses onto the mean).

References: Student (1908); Cohen (1988), *Statistical power analysis*, ch. 2.3 (d_z).
Agrees with ``scipy.stats.ttest_rel`` / ``ttest_1samp`` and PSPP ``T-TEST PAIRS``.

Example::

    >>> res = paired_ttest([5, 6, 4, 6], [4, 4, 4, 5])
    >>> round(res.t, 4), res.df, round(res.p, 4), round(res.d_z, 4)
    (2.4495, 3.0, 0.0917, 1.2247)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import stats

from gapsight.analysis.result import Number, Undefined, frame_value, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TTest",
    "check_confidence",
    "one_sample_ttest",
    "paired_ttest",
    "ttest_from_summary",
    "ttests_from_summary",
]

ArrayLike = Sequence[float] | npt.NDArray[np.float64]


def check_confidence(confidence: float) -> float:
    """``confidence`` as a float strictly between 0 and 1, else ``ValueError``."""
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")
    return c


@dataclass(frozen=True)
class TTest:
    """A one-sample (or paired-difference) t-test.

    Attributes:
        n: observations (complete pairs) used.
        mean: mean of the values (of the differences), the estimate tested.
        sd: their standard deviation (n − 1).
        t, df, p: statistic, degrees of freedom (n − 1) and two-sided p-value.
        ci_low, ci_high: confidence interval of the mean at :attr:`confidence`.
        d_z: standardised mean (mean − μ) / sd.
        mu: the hypothesised value (0 for gaps).
        confidence: level of the interval, e.g. 0.95.
    """

    n: int
    mean: Number
    sd: Number
    t: Number
    df: Number
    p: Number
    ci_low: Number
    ci_high: Number
    d_z: Number
    mu: float = 0.0
    confidence: float = 0.95

    def to_frame(self) -> pd.DataFrame:
        """One row with every field; undefined values as NaN, reasons in ``note``."""
        import pandas as pd

        nums = {
            "mean": self.mean,
            "sd": self.sd,
            "t": self.t,
            "df": self.df,
            "p": self.p,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "d_z": self.d_z,
        }
        row: dict[str, object] = {"n": self.n}
        row.update({k: frame_value(v) for k, v in nums.items()})
        row.update(mu=self.mu, confidence=self.confidence, note=note_of(nums.values()))
        return pd.DataFrame([row])


def ttests_from_summary(
    n: npt.NDArray[np.int64] | Sequence[int],
    mean: npt.NDArray[np.float64] | Sequence[float],
    sd: npt.NDArray[np.float64] | Sequence[float],
    *,
    mu: float = 0.0,
    confidence: float = 0.95,
) -> tuple[TTest, ...]:
    """Vectorised :func:`ttest_from_summary` over arrays of ``n``, ``mean`` and ``sd``."""
    c = check_confidence(confidence)
    n_a = np.asarray(n, dtype=np.int64)
    m_a = np.asarray(mean, dtype=np.float64)
    s_a = np.asarray(sd, dtype=np.float64)
    df = np.maximum(n_a - 1, 1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = s_a / np.sqrt(np.maximum(n_a, 1))
        t = (m_a - mu) / se
        p = 2.0 * stats.t.sf(np.abs(t), df)
        q = stats.t.ppf(0.5 + c / 2.0, df)
        dz = (m_a - mu) / s_a
    out = []
    for i in range(n_a.size):
        out.append(
            _one(int(n_a[i]), m_a[i], s_a[i], t[i], p[i], q[i] * se[i], dz[i], mu=mu, conf=c)
        )
    return tuple(out)


def _one(
    n: int,
    mean: float,
    sd: float,
    t: float,
    p: float,
    half: float,
    dz: float,
    *,
    mu: float,
    conf: float,
) -> TTest:
    if n == 0 or not math.isfinite(mean):
        u = Undefined("no observations")
        return TTest(0, u, u, u, u, u, u, u, u, mu=mu, confidence=conf)
    if n == 1 or not math.isfinite(sd):
        u = Undefined("only one observation: no standard deviation")
        return TTest(n, float(mean), u, u, u, u, u, u, u, mu=mu, confidence=conf)
    df = float(n - 1)
    if sd == 0.0:
        u = Undefined("zero variance: all values are equal")
        m = float(mean)
        return TTest(n, m, 0.0, u, df, u, m, m, u, mu=mu, confidence=conf)
    return TTest(
        n=n,
        mean=float(mean),
        sd=float(sd),
        t=float(t),
        df=df,
        p=float(p),
        ci_low=float(mean - half),
        ci_high=float(mean + half),
        d_z=float(dz),
        mu=mu,
        confidence=conf,
    )


def ttest_from_summary(
    n: int, mean: float, sd: float, *, mu: float = 0.0, confidence: float = 0.95
) -> TTest:
    """One-sample t-test from ``n``, ``mean`` and ``sd`` (n − 1) of the sample.

    Example::

        >>> round(ttest_from_summary(25, 0.4, 1.0).t, 6)
        2.0
    """
    return ttests_from_summary([n], [mean], [sd], mu=mu, confidence=confidence)[0]


def one_sample_ttest(x: ArrayLike, *, mu: float = 0.0, confidence: float = 0.95) -> TTest:
    """t-test of the non-missing values of ``x`` against ``mu`` (NaN are dropped).

    Example::

        >>> round(one_sample_ttest([0.5, -0.2, 1.0, 0.3, float("nan")]).p, 4)
        0.2056
    """
    arr = np.asarray(x, dtype=np.float64)
    arr = arr[~np.isnan(arr)]
    n = int(arr.size)
    mean = float(arr.mean()) if n else math.nan
    sd = float(arr.std(ddof=1)) if n >= 2 else math.nan
    if n >= 2 and float(arr.min()) == float(arr.max()):
        sd = 0.0
    return ttest_from_summary(n, mean, sd, mu=mu, confidence=confidence)


def paired_ttest(a: ArrayLike, b: ArrayLike, *, confidence: float = 0.95) -> TTest:
    """Paired t-test of ``d = a − b`` against 0 on the pairs where both are present.

    For a SERVQUAL item, ``paired_ttest(perception, expectation)`` tests the gap P − E.
    """
    xa = np.asarray(a, dtype=np.float64)
    xb = np.asarray(b, dtype=np.float64)
    if xa.shape != xb.shape:
        raise ValueError(f"paired samples differ in length: {xa.shape} vs {xb.shape}")
    return one_sample_ttest(xa - xb, confidence=confidence)
