"""Respondent-level scores derived from items: CVS and SERVQUAL dimension scores.

Breakdowns and key drivers work on one number per respondent. These are the same
definitions the core uses (``analysis.md``):

- ``cvs``: the mean of the three CVS answers, only when all three are present
  (:func:`gapsight.analysis.cvs.respondent_cvs`);
- ``gap.<dimension>``: the mean of the respondent's item gaps ``P − E`` in the dimension,
  when at least ``min_valid_share`` of its items have both answers (the respondent-level
  SERVQUAL aggregation);
- ``perception.<dimension>``: the mean of the respondent's perceptions in the dimension,
  with the same minimum share (SERVPERF, and the usual key-driver predictors).

Example::

    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> m = ResponseMatrix.from_columns({"p1": [4, 5, float("nan")], "p2": [6, float("nan"), 2]})
    >>> dimension_means(m, ("p1", "p2"), 0.5).tolist()
    [5.0, 5.0, 2.0]
    >>> dimension_means(m, ("p1", "p2"), 1.0).tolist()
    [5.0, nan, nan]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from gapsight.analysis.cvs import CVS_CODES, respondent_cvs
from gapsight.analysis.layout import ServqualLayout
from gapsight.analysis.matrix import FloatMatrix, ResponseMatrix

__all__ = ["dimension_means", "min_count", "nps_points", "respondent_scores"]

FloatVector = npt.NDArray[np.float64]


def min_count(k: int, min_valid_share: float) -> int:
    """Smallest number of valid items out of ``k`` that meets the share (at least 1)."""
    return max(1, math.ceil(k * min_valid_share - 1e-9))


def _row_means(block: FloatMatrix, need: int) -> FloatVector:
    valid = ~np.isnan(block)
    count = valid.sum(axis=1)
    total = np.where(valid, block, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means: FloatVector = np.where(count >= need, total / count, np.nan)
    return means


def dimension_means(
    matrix: ResponseMatrix, codes: Sequence[str], min_valid_share: float
) -> FloatVector:
    """Per respondent the mean of ``codes`` when enough of them are valid, else NaN."""
    return _row_means(matrix.columns(codes), min_count(len(codes), min_valid_share))


def nps_points(values: FloatVector) -> FloatVector:
    """0–10 answers as +100 (9–10), 0 (7–8) or −100 (0–6); missing stays NaN."""
    with np.errstate(invalid="ignore"):
        points: FloatVector = np.where(values >= 9, 100.0, np.where(values <= 6, -100.0, 0.0))
    points[np.isnan(values)] = np.nan
    return points


def respondent_scores(
    matrix: ResponseMatrix,
    layout: ServqualLayout | None,
    *,
    min_valid_share: float = 0.5,
    gaps: bool = True,
    nps_code: str | None = None,
) -> dict[str, FloatVector]:
    """The derived scores present in ``matrix``, in report order (see module docstring).

    ``gap.<dimension>`` needs every E and P item of the layout; ``perception.<dimension>``
    every P item; ``cvs`` the three CVS items; ``nps`` the item ``nps_code``.
    """
    out: dict[str, FloatVector] = {}
    if layout is not None:
        has_p = all(matrix.has(c) for c in layout.perception_codes())
        has_e = all(matrix.has(c) for c in layout.expectation_codes())
        for dim in layout.dimensions:
            p_codes = layout.perception_codes(dim)
            need = min_count(len(p_codes), min_valid_share)
            if not has_p:
                continue
            p_block = matrix.columns(p_codes)
            if gaps and has_e:
                e_block = matrix.columns(layout.expectation_codes(dim))
                np.subtract(e_block, p_block, out=e_block)  # reuse the copy: E − P
                out[f"gap.{dim}"] = -_row_means(e_block, need)
            out[f"perception.{dim}"] = _row_means(p_block, need)
    if all(matrix.has(c) for c in CVS_CODES):
        out["cvs"] = respondent_cvs(matrix)
    if nps_code is not None and matrix.has(nps_code):
        out["nps"] = nps_points(matrix.column(nps_code))
    return out
