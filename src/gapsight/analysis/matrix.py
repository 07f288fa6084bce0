"""The response matrix: what every analysis function reads.

A wave is ``n`` respondents × ``k`` numeric items. Values are ``float64`` with ``NaN``
for anything that is not a number: skipped, not shown, or "don't know". The separate
boolean ``dont_know`` mask tells "don't know" apart from skipped, because descriptives
report the don't-know count (``analysis.md``: "don't know" is missing, never a number).

The store loads a wave into this shape in one sequential read; the analyst API builds
it from a pandas DataFrame with :meth:`ResponseMatrix.from_frame`.

Example::

    >>> import numpy as np
    >>> m = ResponseMatrix.from_columns({"e01": [5, 6, np.nan], "p01": [4, 7, 3]})
    >>> m.n, m.codes
    (3, ('e01', 'p01'))
    >>> float(np.nanmean(m.column("p01")))
    4.666666666666667
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FloatMatrix", "ResponseMatrix"]

FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ResponseMatrix:
    """Respondents × items, ``NaN`` = missing; columns named by stable item codes.

    Attributes:
        codes: item codes, one per column.
        values: ``(n, k)`` float64 array.
        dont_know: ``(n, k)`` bool mask of "don't know" answers (a subset of the NaNs),
            or ``None`` when the source cannot tell.
        characteristics: per-respondent attributes for breakdowns (loaded
            characteristics such as ``segment``), each a length-``n`` array.
    """

    codes: tuple[str, ...]
    values: FloatMatrix
    dont_know: npt.NDArray[np.bool_] | None = None
    characteristics: Mapping[str, npt.NDArray[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape[1] != len(self.codes):
            raise ValueError(
                f"values has shape {self.values.shape}, expected (n, {len(self.codes)})"
            )
        if len(set(self.codes)) != len(self.codes):
            raise ValueError("item codes must be unique")
        if self.dont_know is not None and self.dont_know.shape != self.values.shape:
            raise ValueError("dont_know mask must have the shape of values")
        for name, col in self.characteristics.items():
            if len(col) != self.n:
                raise ValueError(f"characteristic {name!r} has {len(col)} rows, expected {self.n}")
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(self.codes)})

    @property
    def n(self) -> int:
        """Number of respondents (rows)."""
        return int(self.values.shape[0])

    def has(self, code: str) -> bool:
        """Whether item ``code`` is a column."""
        return code in self._index  # type: ignore[attr-defined]

    def index(self, code: str) -> int:
        """Column position of ``code``; ``KeyError`` naming the missing item."""
        try:
            return int(self._index[code])  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"item {code!r} is not in the data") from None

    def column(self, code: str) -> npt.NDArray[np.float64]:
        """The answers to ``code`` (a view, not a copy)."""
        return self.values[:, self.index(code)]

    def columns(self, codes: Sequence[str]) -> FloatMatrix:
        """The ``(n, len(codes))`` sub-matrix of ``codes`` (a copy)."""
        return self.values[:, [self.index(c) for c in codes]]

    def dont_know_count(self, code: str) -> int:
        """How many respondents answered "don't know" to ``code``."""
        if self.dont_know is None:
            return 0
        return int(self.dont_know[:, self.index(code)].sum())

    def subset(self, rows: npt.NDArray[np.bool_] | npt.NDArray[np.intp]) -> ResponseMatrix:
        """The respondents selected by a boolean mask or index array."""
        return ResponseMatrix(
            codes=self.codes,
            values=self.values[rows],
            dont_know=None if self.dont_know is None else self.dont_know[rows],
            characteristics={k: v[rows] for k, v in self.characteristics.items()},
        )

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Sequence[float] | npt.NDArray[Any]],
        *,
        characteristics: Mapping[str, Sequence[Any] | npt.NDArray[Any]] | None = None,
    ) -> ResponseMatrix:
        """Build from ``{code: answers}``; ``None``/``NaN`` become missing."""
        codes = tuple(columns)
        values = (
            np.column_stack([np.asarray(columns[c], dtype=np.float64) for c in codes])
            if codes
            else np.empty((0, 0))
        )
        chars = {k: np.asarray(v) for k, v in (characteristics or {}).items()}
        return cls(codes=codes, values=values, characteristics=chars)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        codes: Sequence[str] | None = None,
        *,
        dont_know_code: float | None = None,
        characteristics: Sequence[str] = (),
    ) -> ResponseMatrix:
        """Build from a wide DataFrame whose columns are item codes.

        ``dont_know_code`` (e.g. 6 on a 5-point scale) is turned into ``NaN`` and
        recorded in the ``dont_know`` mask. Columns named in ``characteristics`` are
        kept for breakdowns.
        """
        import pandas as pd

        use = (
            list(codes)
            if codes is not None
            else [c for c in frame.columns if c not in set(characteristics)]
        )
        missing = [c for c in use if c not in frame.columns]
        if missing:
            raise KeyError(f"columns not in the data: {', '.join(map(str, missing))}")
        raw = frame[use].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
        dk = None
        if dont_know_code is not None:
            dk = raw == dont_know_code
            raw = np.where(dk, np.nan, raw)
        chars = {c: frame[c].to_numpy() for c in characteristics}
        return cls(codes=tuple(map(str, use)), values=raw, dont_know=dk, characteristics=chars)

    def to_frame(self) -> pd.DataFrame:
        """A wide DataFrame: item columns, then characteristic columns."""
        import pandas as pd

        frame = pd.DataFrame(self.values, columns=list(self.codes))
        for name, col in self.characteristics.items():
            frame[name] = col
        return frame
