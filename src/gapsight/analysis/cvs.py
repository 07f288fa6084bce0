"""Customer Value Score: the mean of satisfaction, loyalty and recommendation (0–10).

Per respondent ``CVS_i = (satisfaction_i + loyalty_i + recommend_i) / 3``, computed only
for respondents who answered **all three** (``analysis.md``). The study CVS is the mean of
the respondent values with its n, SD and t-based CI (see :mod:`.estimate`). The mean of
each part is reported on the **same respondents**, so the three part means average
exactly to the study CVS. The norm (``certification.md``, ``P3.cvs``) is "≥ 7 or
improved by ≥ 1.0 point on the previous wave" (or relative +10 %), see :mod:`.norm`.

Reference: Customer Value Score Foundation, *Richtlijnen Klantgerichtheid* (2016).

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> m = ResponseMatrix.from_columns({
    ...     "cvs_satisfaction": [8, 7, 9, 6], "cvs_loyalty": [7, 7, 9, float("nan")],
    ...     "cvs_recommend": [9, 6, 10, 5]})
    >>> r = customer_value_score(m, previous=6.5)
    >>> r.n, round(r.score.mean, 3), r.norm.met, r.norm.rule_applied
    (3, 8.0, True, 'level')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gapsight.analysis.estimate import MeanEstimate, check_confidence, mean_estimate
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.norm import NormCheck, NormRule, check_norm
from gapsight.analysis.result import Number, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CVS_CODES", "CvsResult", "customer_value_score", "respondent_cvs"]

CVS_CODES: tuple[str, str, str] = ("cvs_satisfaction", "cvs_loyalty", "cvs_recommend")
"""The three CVS items, in report order."""


def _check_range(block: npt.NDArray[np.float64], codes: tuple[str, ...]) -> None:
    ok = ~np.isnan(block)
    bad = ok & ((block < 0) | (block > 10))
    if bad.any():
        col = int(np.nonzero(bad.any(axis=0))[0][0])
        raise ValueError(f"{codes[col]} has answers outside 0-10")


def respondent_cvs(
    matrix: ResponseMatrix, codes: tuple[str, ...] = CVS_CODES
) -> npt.NDArray[np.float64]:
    """Per respondent the mean of the three CVS answers; ``NaN`` unless all three exist.

    ``KeyError`` names an item missing from the data.
    """
    block = matrix.columns(codes)
    _check_range(block, codes)
    out: npt.NDArray[np.float64] = block.mean(axis=1)  # NaN propagates: all three required
    return out


@dataclass(frozen=True)
class CvsResult:
    """The study CVS.

    Attributes:
        n: respondents with all three answers (the n of every number here).
        n_excluded: respondents with one or two of the three answers (left out).
        score: mean, SD, SE and CI of the respondent CVS values.
        parts: per item code, the mean estimate of that part on the same respondents.
        norm: the guideline norm check.
    """

    n: int
    n_excluded: int
    score: MeanEstimate
    parts: dict[str, MeanEstimate]
    norm: NormCheck

    @property
    def mean(self) -> Number:
        """The study CVS (shortcut for ``score.mean``)."""
        return self.score.mean

    def to_frame(self) -> pd.DataFrame:
        """Rows ``cvs`` and one per part: n, mean, sd, se, ci_low, ci_high, note."""
        import pandas as pd

        rows = [{"measure": "cvs", **self.score.row()}]
        notes = [note_of((self.score.mean, self.score.sd, self.score.ci_low))]
        for code, est in self.parts.items():
            rows.append({"measure": code, **est.row()})
            notes.append(note_of((est.mean, est.sd, est.ci_low)))
        return pd.DataFrame(rows).assign(note=notes)


def customer_value_score(
    matrix: ResponseMatrix,
    *,
    confidence: float = 0.95,
    previous: Number | None = None,
    rule: NormRule | None = None,
    codes: tuple[str, ...] = CVS_CODES,
) -> CvsResult:
    """The study CVS with CI, part means and the norm check.

    Args:
        matrix: the wave; must contain the three CVS codes (``KeyError`` otherwise).
        confidence: level of the t interval.
        previous: the previous wave's CVS for the improvement rule (``None`` = none).
        rule: the norm (default: ≥ 7 or +1.0 point).
        codes: the three item codes (default :data:`CVS_CODES`).
    """
    check_confidence(confidence)
    block = matrix.columns(codes)
    _check_range(block, codes)
    complete = ~np.isnan(block).any(axis=1)
    answered_some = (~np.isnan(block)).any(axis=1)
    used = np.ascontiguousarray(block[complete].T)  # one row per part, contiguous
    per_resp = used.mean(axis=0)
    score = mean_estimate(per_resp, confidence=confidence)
    parts = {c: mean_estimate(used[j], confidence=confidence) for j, c in enumerate(codes)}
    return CvsResult(
        n=int(complete.sum()),
        n_excluded=int((answered_some & ~complete).sum()),
        score=score,
        parts=parts,
        norm=check_norm(score.mean, previous, rule=rule),
    )
