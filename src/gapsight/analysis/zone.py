"""Zone of tolerance (three-column SERVQUAL): adequacy, superiority, classification.

Parasuraman, Zeithaml & Berry (1994), J. Retailing 70(3): per statement the customer
gives a *minimum* acceptable level, a *desired* level and the perception ``P``:

    MSA = P − minimum   (measure of service adequacy)
    MSS = P − desired   (measure of service superiority)
    width = desired − minimum

each averaged over the respondents with both answers. A respondent with all three
answers is *below* (P < minimum), *above* (P > desired) or *within* the zone; an
inverted zone (desired < minimum) is counted and not classified. Dimensions are the
means of their item values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gapsight.analysis.layout import ServqualLayout
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.moments import ColumnMoments, row_blocks
from gapsight.analysis.result import (
    AnalysisWarning,
    Number,
    Undefined,
    frame_value,
    is_defined,
    mean_of_defined,
    note_of,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ZoneDimension", "ZoneItem", "ZoneOfTolerance", "zone_of_tolerance"]


@dataclass(frozen=True)
class ZoneItem:
    """Zone of tolerance of one statement.

    Attributes:
        code, dimension: pair number and dimension.
        minimum, desired, perception: item means (available answers).
        msa, n_msa: mean of ``P − minimum`` on complete P/minimum pairs, and their n.
        mss, n_mss: mean of ``P − desired``, and n.
        width, n_width: mean of ``desired − minimum``, and n.
        position: ``below`` (msa < 0), ``above`` (mss > 0) or ``within``; undefined when
            not computable or when msa < 0 and mss > 0 (an inverted zone on average).
        n_complete: respondents with all three answers.
        below, within, above: how many of them fall below, within or above their zone.
        inverted: how many have desired < minimum (not classified).
    """

    code: str
    dimension: str
    minimum: Number
    desired: Number
    perception: Number
    msa: Number
    n_msa: int
    mss: Number
    n_mss: int
    width: Number
    n_width: int
    position: str | Undefined
    n_complete: int
    below: int
    within: int
    above: int
    inverted: int


@dataclass(frozen=True)
class ZoneDimension:
    """Zone of tolerance of a dimension: means of its item values.

    ``n_min``/``n_max``: smallest and largest n behind the values, over the items'
    ``n_msa``, ``n_mss`` and ``n_width``.
    """

    dimension: str
    minimum: Number
    desired: Number
    perception: Number
    msa: Number
    mss: Number
    width: Number
    position: str | Undefined
    n_min: int | None = None
    n_max: int | None = None


@dataclass(frozen=True)
class ZoneOfTolerance:
    """Zone of tolerance per item and dimension, with the count of inverted zones."""

    items: tuple[ZoneItem, ...]
    dimensions: tuple[ZoneDimension, ...]
    inverted: int
    warnings: tuple[AnalysisWarning, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per item."""
        import pandas as pd

        rows = []
        for z in self.items:
            nums = [z.minimum, z.desired, z.perception, z.msa, z.mss, z.width]
            rows.append(
                {
                    "code": z.code,
                    "dimension": z.dimension,
                    "minimum": frame_value(z.minimum),
                    "desired": frame_value(z.desired),
                    "perception": frame_value(z.perception),
                    "msa": frame_value(z.msa),
                    "mss": frame_value(z.mss),
                    "width": frame_value(z.width),
                    "position": z.position if isinstance(z.position, str) else None,
                    "n_complete": z.n_complete,
                    "below": z.below,
                    "within": z.within,
                    "above": z.above,
                    "inverted": z.inverted,
                    "note": note_of([*nums, z.position])
                    if not isinstance(z.position, str)
                    else note_of(nums),
                }
            )
        return pd.DataFrame(rows).set_index("code")

    def dimensions_frame(self) -> pd.DataFrame:
        """One row per dimension."""
        import pandas as pd

        rows = [
            {
                "dimension": d.dimension,
                "minimum": frame_value(d.minimum),
                "desired": frame_value(d.desired),
                "perception": frame_value(d.perception),
                "msa": frame_value(d.msa),
                "mss": frame_value(d.mss),
                "width": frame_value(d.width),
                "position": d.position if isinstance(d.position, str) else None,
                "n_min": d.n_min,
                "n_max": d.n_max,
            }
            for d in self.dimensions
        ]
        return pd.DataFrame(rows).set_index("dimension")


def _position(msa: Number, mss: Number) -> str | Undefined:
    if not is_defined(msa) or not is_defined(mss):
        return Undefined("minimum, desired or perception has no valid answers")
    below, above = float(msa) < 0, float(mss) > 0
    if below and above:
        return Undefined("inverted zone: desired level below minimum level on average")
    return "below" if below else "above" if above else "within"


def zone_of_tolerance(matrix: ResponseMatrix, layout: ServqualLayout) -> ZoneOfTolerance:
    """Zone of tolerance per item and dimension (three-column format).

    ``MSA = P − minimum`` (measure of service adequacy), ``MSS = P − desired`` (service
    superiority), ``width = desired − minimum``; each on the respondents with both
    answers. A respondent with all three answers is *below* (P < minimum), *above*
    (P > desired) or *within*; desired < minimum is an inverted zone, counted and not
    classified. Reference: Parasuraman, Zeithaml & Berry (1994), J. Retailing 70(3).

    Example::

        >>> from gapsight.analysis.layout import Pair, ServqualLayout
        >>> from gapsight.analysis.matrix import ResponseMatrix
        >>> lay = ServqualLayout((Pair("01", "a", "e1", "p1", "m1", "d1"),))
        >>> m = ResponseMatrix.from_columns({"e1": [7, 7, 7], "p1": [4, 6, 8],
        ...     "m1": [5, 5, 6], "d1": [7, 8, 5]})
        >>> z = zone_of_tolerance(m, lay).items[0]
        >>> z.below, z.within, z.above, z.inverted, round(z.msa, 4)
        (1, 1, 0, 1, 0.6667)
    """
    lacking = [p.code for p in layout.pairs if p.minimum is None or p.desired is None]
    if lacking:
        raise ValueError(f"pairs without minimum/desired columns: {', '.join(lacking)}")
    k = len(layout.pairs)
    cols = (
        [matrix.index(p.perception) for p in layout.pairs]
        + [matrix.index(str(p.minimum)) for p in layout.pairs]
        + [matrix.index(str(p.desired)) for p in layout.pairs]
    )
    acc = ColumnMoments(6 * k)
    counts = np.zeros((5, k), dtype=np.int64)  # complete, below, within, above, inverted
    for rows in row_blocks(matrix.n):
        b = matrix.values[rows][:, cols]
        p, mn, ds = b[:, :k], b[:, k : 2 * k], b[:, 2 * k :]
        complete = ~(np.isnan(p) | np.isnan(mn) | np.isnan(ds))
        inv = complete & (ds < mn)
        ok = complete & ~inv
        below = ok & (p < mn)
        above = ok & (p > ds)
        counts[0] += complete.sum(axis=0)
        counts[1] += below.sum(axis=0)
        counts[2] += (ok & ~below & ~above).sum(axis=0)
        counts[3] += above.sum(axis=0)
        counts[4] += inv.sum(axis=0)
        acc.add(np.hstack([p, mn, ds, p - mn, p - ds, ds - mn]))
    means = acc.mean()

    def val(block: int, j: int, what: str) -> Number:
        c = block * k + j
        return float(means[c]) if acc.n[c] else Undefined(f"no valid {what}")

    items = []
    for j, pr in enumerate(layout.pairs):
        msa, mss = val(3, j, "perception/minimum pairs"), val(4, j, "perception/desired pairs")
        items.append(
            ZoneItem(
                code=pr.code,
                dimension=pr.dimension,
                minimum=val(1, j, "minimum answers"),
                desired=val(2, j, "desired answers"),
                perception=val(0, j, "perception answers"),
                msa=msa,
                n_msa=int(acc.n[3 * k + j]),
                mss=mss,
                n_mss=int(acc.n[4 * k + j]),
                width=val(5, j, "minimum/desired pairs"),
                n_width=int(acc.n[5 * k + j]),
                position=_position(msa, mss),
                n_complete=int(counts[0, j]),
                below=int(counts[1, j]),
                within=int(counts[2, j]),
                above=int(counts[3, j]),
                inverted=int(counts[4, j]),
            )
        )
    dims = []
    for d in layout.dimensions:
        its = [z for z in items if z.dimension == d]
        msa_d = mean_of_defined([z.msa for z in its], f"MSA of {d}")
        mss_d = mean_of_defined([z.mss for z in its], f"MSS of {d}")
        ns = [n for z in its for n in (z.n_msa, z.n_mss, z.n_width)]
        dims.append(
            ZoneDimension(
                dimension=d,
                minimum=mean_of_defined([z.minimum for z in its], f"minimum of {d}"),
                desired=mean_of_defined([z.desired for z in its], f"desired of {d}"),
                perception=mean_of_defined([z.perception for z in its], f"perception of {d}"),
                msa=msa_d,
                mss=mss_d,
                width=mean_of_defined([z.width for z in its], f"width of {d}"),
                position=_position(msa_d, mss_d),
                n_min=min(ns),
                n_max=max(ns),
            )
        )
    inverted = int(counts[4].sum())
    warnings = []
    if inverted:
        warnings.append(
            AnalysisWarning(
                "zone_inverted",
                f"{inverted} answer(s) give a desired level below the minimum level "
                "(inverted zone); they are not classified",
                "zone",
            )
        )
    return ZoneOfTolerance(
        items=tuple(items), dimensions=tuple(dims), inverted=inverted, warnings=tuple(warnings)
    )
