"""Multiple-comparison adjustment of a family of p-values: Holm, Benjamini–Hochberg.

The 22 item tests of one SERVQUAL report are one family (``analysis.md``). With the
``m`` defined p-values sorted ascending, ``p_(1) ≤ … ≤ p_(m)``:

- **Holm** (1979), step-down, controls the family-wise error rate:
  ``p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j))``.
- **Benjamini–Hochberg** (1995), step-up, controls the false discovery rate:
  ``p̃_(i) = min_{j ≥ i} min(1, m / j · p_(j))``.
- **none**: the raw p-values.

Undefined p-values (e.g. a zero-variance item) are not part of the family: they stay
undefined and do not count in ``m``. Same results as
``statsmodels.stats.multitest.multipletests(p, method="holm" | "fdr_bh")``.

Example::

    >>> [round(p, 3) for p in adjust_pvalues([0.01, 0.04, 0.03], "holm").adjusted]
    [0.03, 0.06, 0.06]
    >>> [round(p, 3) for p in adjust_pvalues([0.01, 0.04, 0.03], "bh").adjusted]
    [0.03, 0.04, 0.04]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from gapsight.analysis.result import Number, frame_value, is_defined

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AdjustMethod", "AdjustedPValues", "adjust_pvalues", "check_method"]

AdjustMethod = Literal["holm", "bh", "none"]
"""``holm`` (default, family-wise error), ``bh`` (false discovery rate), ``none``."""

_ALIASES = {"fdr_bh": "bh", "benjamini-hochberg": "bh", "bonferroni-holm": "holm"}


def check_method(method: str) -> AdjustMethod:
    """The canonical method name, or ``ValueError`` listing the options."""
    name = _ALIASES.get(method.lower(), method.lower())
    if name not in get_args(AdjustMethod):
        raise ValueError(
            f"unknown multiple-comparison method {method!r}; use one of holm, bh, none"
        )
    return name  # type: ignore[return-value]


@dataclass(frozen=True)
class AdjustedPValues:
    """Raw and adjusted p-values of one family, in the input order.

    Attributes:
        method: ``holm``, ``bh`` or ``none``.
        raw: the p-values given.
        adjusted: the adjusted p-values (undefined where the raw one is).
        family_size: ``m``, the number of defined p-values.
    """

    method: AdjustMethod
    raw: tuple[Number, ...]
    adjusted: tuple[Number, ...]
    family_size: int

    def to_frame(self) -> pd.DataFrame:
        """Columns ``p``, ``p_adjusted``; one row per test."""
        import pandas as pd

        return pd.DataFrame(
            {
                "p": [frame_value(p) for p in self.raw],
                "p_adjusted": [frame_value(p) for p in self.adjusted],
                "method": self.method,
            }
        )


def adjust_pvalues(pvalues: Sequence[Number], method: str = "holm") -> AdjustedPValues:
    """Adjust a family of p-values; see the module docstring for the formulas."""
    name = check_method(method)
    raw = tuple(pvalues)
    idx = [i for i, p in enumerate(raw) if is_defined(p)]
    p = np.array([frame_value(raw[i]) for i in idx], dtype=np.float64)
    if np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError("p-values must lie between 0 and 1")
    m = p.size
    if name == "none" or m == 0:
        adj = p.copy()
    else:
        order = np.argsort(p, kind="mergesort")
        ps = p[order]
        rank = np.arange(1, m + 1, dtype=np.float64)
        if name == "holm":
            stepped = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * ps))
        else:
            stepped = np.minimum.accumulate(np.minimum(1.0, m / rank * ps)[::-1])[::-1]
        adj = np.empty(m)
        adj[order] = stepped
    out: list[Number] = list(raw)  # undefined p-values keep their reason
    for j, i in enumerate(idx):
        out[i] = float(adj[j])
    return AdjustedPValues(method=name, raw=raw, adjusted=tuple(out), family_size=m)
