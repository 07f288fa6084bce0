"""Report grades (Dutch *rapportcijfer*, 1–10) per dimension.

For each grade item: n, mean, SD, t-based CI (:mod:`.estimate`), the distribution over
1…10, the share ≥ 7 (*voldoende* and up) and the share ≤ 5 (*onvoldoende*), and the
guideline norm (``certification.md``, ``P2.dimension_grade``): "≥ 7 or improved by ≥ 10
percentage points on the previous measurement", by default +1.0 point (:mod:`.norm`).

Shares are proportions of the n valid answers (``count / n``), not of all respondents.

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> m = ResponseMatrix.from_columns({"grade_service": [8, 7, 5, 9, float("nan")]})
    >>> g = report_grades(m).grades[0]
    >>> g.n, g.estimate.mean, g.share_sufficient, g.share_insufficient
    (4, 7.25, 0.75, 0.25)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gapsight.analysis.estimate import (
    MeanEstimate,
    check_confidence,
    estimate_from_moments,
    mean_estimate,
)
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.norm import NormCheck, NormRule, check_norm
from gapsight.analysis.result import Number, Undefined, frame_value, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["KTO_GRADE_CODES", "GradeResult", "GradesResult", "grade", "report_grades"]

KTO_GRADE_CODES: tuple[str, ...] = (
    "grade_service",
    "grade_quality",
    "grade_appearance",
    "grade_reliability",
    "grade_competence",
    "grade_handling",
    "grade_communication",
    "grade_expectations",
    "grade_crm",
    "grade_overall",
)
"""Grade items looked for by :func:`report_grades` (those present in the data are used)."""

GRADE_MIN, GRADE_MAX = 1, 10


@dataclass(frozen=True)
class GradeResult:
    """One report grade.

    Attributes:
        code: item code, e.g. ``grade_service``.
        dimension: the guideline dimension (the code without ``grade_``).
        n: valid answers.
        estimate: mean, SD, SE, CI.
        distribution: count per grade 1…10 (all ten keys present).
        share_sufficient: share of answers ≥ 7.
        share_insufficient: share of answers ≤ 5.
        norm: the guideline norm check on the mean.
    """

    code: str
    dimension: str
    n: int
    estimate: MeanEstimate
    distribution: dict[int, int]
    share_sufficient: Number
    share_insufficient: Number
    norm: NormCheck

    def row(self) -> dict[str, object]:
        """A flat dict for tables (undefined → ``NaN``, reasons in ``note``)."""
        return {
            "code": self.code,
            "dimension": self.dimension,
            **self.estimate.row(),
            "share_ge_7": frame_value(self.share_sufficient),
            "share_le_5": frame_value(self.share_insufficient),
            **{f"count_{k}": v for k, v in self.distribution.items()},
            "norm_met": self.norm.met,
            "norm_rule_applied": self.norm.rule_applied,
            "note": note_of(
                (self.estimate.mean, self.estimate.sd, self.estimate.ci_low, self.share_sufficient)
            ),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row (see :meth:`row`)."""
        import pandas as pd

        return pd.DataFrame([self.row()])


@dataclass(frozen=True)
class GradesResult:
    """All report grades of a wave, in the order of :data:`KTO_GRADE_CODES`."""

    grades: tuple[GradeResult, ...]

    def by_code(self, code: str) -> GradeResult:
        """The grade for ``code``; ``KeyError`` when it was not analysed."""
        for g in self.grades:
            if g.code == code:
                return g
        raise KeyError(f"grade {code!r} is not in the result")

    def to_frame(self) -> pd.DataFrame:
        """One row per grade."""
        import pandas as pd

        return pd.DataFrame([g.row() for g in self.grades])


def grade(
    values: npt.ArrayLike,
    *,
    code: str = "grade",
    confidence: float = 0.95,
    previous: Number | None = None,
    rule: NormRule | None = None,
) -> GradeResult:
    """Statistics of one 1–10 grade item (``NaN`` = missing).

    ``ValueError`` when an answer lies outside 1–10. With whole-number answers (the
    normal case) everything follows exactly from the ten counts; other answers are
    counted at the nearest grade in ``distribution`` only.
    """
    check_confidence(confidence)
    x = np.ascontiguousarray(values, dtype=np.float64).ravel()
    x = x[~np.isnan(x)]
    if ((x < GRADE_MIN) | (x > GRADE_MAX)).any():
        raise ValueError(f"{code} has answers outside {GRADE_MIN}-{GRADE_MAX}")
    n = int(x.size)
    r = np.rint(x)
    counts = np.bincount(r.astype(np.intp), minlength=GRADE_MAX + 1)
    suff: Number
    insuff: Number
    if n and bool((r == x).all()):
        v = np.arange(GRADE_MAX + 1, dtype=np.float64)
        c = counts.astype(np.float64)
        mean = float((v * c).sum() / n)
        var = float((c * (v - mean) ** 2).sum() / (n - 1)) if n > 1 else float("nan")
        est = estimate_from_moments(n, mean, var, confidence)
        suff = float(counts[7:].sum() / n)
        insuff = float(counts[: 5 + 1].sum() / n)
    elif n:
        est = mean_estimate(x, confidence=confidence)
        suff = float((x >= 7).sum() / n)
        insuff = float((x <= 5).sum() / n)
    else:
        est = mean_estimate(x, confidence=confidence)
        suff = insuff = Undefined("no valid answers")
    dim = code.removeprefix("grade_")
    return GradeResult(
        code=code,
        dimension=dim,
        n=n,
        estimate=est,
        distribution={k: int(counts[k]) for k in range(GRADE_MIN, GRADE_MAX + 1)},
        share_sufficient=suff,
        share_insufficient=insuff,
        norm=check_norm(est.mean, previous, rule=rule),
    )


def report_grades(
    matrix: ResponseMatrix,
    codes: Sequence[str] | None = None,
    *,
    confidence: float = 0.95,
    previous: Mapping[str, Number] | None = None,
    rule: NormRule | None = None,
) -> GradesResult:
    """Every grade item: statistics and norm check per dimension.

    Args:
        matrix: the wave.
        codes: grade items to analyse; default: those of :data:`KTO_GRADE_CODES`
            present in ``matrix``. A code given explicitly but absent is a ``KeyError``.
        confidence: level of the t intervals.
        previous: previous-wave mean per code, for the improvement rule.
        rule: the norm (default ≥ 7 or +1.0 point).
    """
    use = list(codes) if codes is not None else [c for c in KTO_GRADE_CODES if matrix.has(c)]
    prev = previous or {}
    return GradesResult(
        tuple(
            grade(
                matrix.column(c),
                code=c,
                confidence=confidence,
                previous=prev.get(c),
                rule=rule,
            )
            for c in use
        )
    )
