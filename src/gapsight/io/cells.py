"""Cells as files hold them: numbers, text, booleans, and the problems they cause.

Readers hand over cells in several shapes (float64 arrays, Arrow arrays, object arrays
of Python values from Excel and SPSS). These helpers turn them into numbers or text
the same way for every format, and :class:`Problems` collects invalid cells with the
row the user sees, listing at most :data:`MAX_PER_COLUMN` per column and kind.

Example::

    >>> import numpy as np
    >>> numbers, wrong = as_numbers(np.array(["5", " 3 ", "", "veel", 2, "1,5"], object))
    >>> numbers.tolist()[:3], wrong.tolist()
    ([5.0, 3.0, nan], [False, False, False, True, False, False])
    >>> fmt(7.0), fmt(2.5), boolean("Ja"), as_text(3.0)
    ('7', '2.5', True, '3')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from gapsight.io.table import ImportProblem

if TYPE_CHECKING:
    from gapsight.io.columns import RawData

__all__ = [
    "MAX_PER_COLUMN",
    "NULL_TOKENS",
    "Problems",
    "as_numbers",
    "as_objects",
    "as_text",
    "boolean",
    "display",
    "fmt",
    "is_number",
]

NULL_TOKENS = ("", "NA", "N/A", "#N/A", "NaN", "nan", "null", "NULL")
"""Cell texts read as an empty (missing) value in numeric columns."""

MAX_PER_COLUMN = 1000
"""Invalid cells listed one by one per column; the rest are counted in one problem."""

_NUMBER = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"
"""A number as text; a decimal comma (Dutch ``1,5``) is accepted."""

_TRUE = {"1", "true", "yes", "y", "ja", "j", "waar", "t"}

_FALSE = {"0", "false", "no", "n", "nee", "onwaar", "f"}


# -- cell conversion -----------------------------------------------------------------


class Problems:
    """Collects problems, listing at most :data:`MAX_PER_COLUMN` cells per column and
    expectation; :meth:`all` adds one counting problem for the rest."""

    def __init__(self, initial: Iterable[ImportProblem]) -> None:
        self.items: list[ImportProblem] = list(initial)
        self._seen: dict[tuple[str, str], int] = {}

    def add(self, row: int | None, header: str, value: str | None, expected: str) -> None:
        key = (header, expected)
        seen = self._seen.get(key, 0)
        self._seen[key] = seen + 1
        if seen < MAX_PER_COLUMN:
            self.items.append(ImportProblem(row, header, value, expected))

    def cells(
        self,
        raw: RawData,
        header: str,
        data: Any,
        bad: npt.NDArray[np.bool_],
        expected: str,
    ) -> None:
        idx = np.flatnonzero(bad)
        for i in idx[: MAX_PER_COLUMN + 1]:
            self.add(int(raw.rows[i]), header, display(data, int(i)), expected)
        if idx.size > MAX_PER_COLUMN + 1:
            self._seen[(header, expected)] += idx.size - MAX_PER_COLUMN - 1

    def all(self, headers: Sequence[str] = ()) -> list[ImportProblem]:
        """Every problem: first those about the whole file or a column, then the cells
        in reading order (by row, then by position of the column in ``headers``),
        then the counts of cells not listed."""
        position = {h: i for i, h in enumerate(headers)}
        general = [p for p in self.items if p.row is None]
        cells = sorted(
            (p for p in self.items if p.row is not None),
            key=lambda p: (p.row, position.get(p.column or "", len(position))),
        )
        counts = [
            ImportProblem(
                None, header, None, f"{expected} ({seen - MAX_PER_COLUMN} more such cells)"
            )
            for (header, expected), seen in self._seen.items()
            if seen > MAX_PER_COLUMN
        ]
        return general + cells + counts

    def __bool__(self) -> bool:
        return bool(self.items)


def display(data: Any, i: int) -> str | None:
    value = data[i].as_py() if isinstance(data, pa.ChunkedArray | pa.Array) else data[i]
    return None if value is None else fmt(value)


def fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        if math.isfinite(value) and float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, np.datetime64):
        return str(value)
    return str(value)


def as_numbers(data: Any) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_] | None]:
    """Numbers of a raw column and the mask of non-numeric cells (``None``: none)."""
    if isinstance(data, pa.ChunkedArray | pa.Array):
        if pa.types.is_floating(data.type) or pa.types.is_integer(data.type):
            return _arrow_floats(data), None
        text = pc.utf8_trim_whitespace(data.cast(pa.string()))
        empty = pc.or_kleene(pc.is_null(text), pc.is_in(text, pa.array(NULL_TOKENS)))
        empty = pc.fill_null(empty, True)
        ok = pc.and_(pc.invert(empty), pc.match_substring_regex(text, _NUMBER))
        ok = pc.fill_null(ok, False)
        text = pc.replace_substring(text, ",", ".")
        numbers = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
        bad = pc.and_(pc.invert(empty), pc.invert(ok))
        return _arrow_floats(numbers), np.asarray(bad.to_numpy(zero_copy_only=False), bool)
    arr = np.asarray(data)
    if arr.dtype.kind == "f":
        return arr.astype(np.float64, copy=False), None
    if arr.dtype.kind in "iu":
        return arr.astype(np.float64), None
    if arr.dtype.kind == "M":
        return np.full(len(arr), np.nan), ~np.isnat(arr)
    if arr.dtype.kind == "b":
        return np.full(len(arr), np.nan), np.ones(len(arr), bool)
    out = np.empty(len(arr), np.float64)
    bad = np.zeros(len(arr), bool)
    for i, v in enumerate(arr):
        out[i], bad[i] = _cell_number(v)
    return out, (bad if bad.any() else None)


def _arrow_floats(data: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.float64]:
    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks() if data.num_chunks != 1 else data.chunk(0)
    filled = pc.fill_null(data.cast(pa.float64()), np.nan)
    return np.asarray(filled.to_numpy(zero_copy_only=False), np.float64)


def _cell_number(v: Any) -> tuple[float, bool]:
    if v is None:
        return (math.nan, False)
    if isinstance(v, bool | np.bool_):
        return (math.nan, True)
    if isinstance(v, int | float | np.integer | np.floating):
        return (float(v), False)
    if isinstance(v, str):
        s = v.strip()
        if s in NULL_TOKENS:
            return (math.nan, False)
        if re.match(_NUMBER, s):
            return (float(s.replace(",", ".")), False)
    return (math.nan, True)


def as_objects(data: Any) -> npt.NDArray[Any]:
    if isinstance(data, pa.ChunkedArray | pa.Array):
        return np.asarray(data.to_numpy(zero_copy_only=False), dtype=object)
    return np.asarray(data, dtype=object)


def as_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float | np.floating):
        if math.isnan(v):
            return None
        return fmt(v)
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else str(v)
    if isinstance(v, dt.datetime) and v.time() == dt.time():
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    text = str(v)
    return text if text.strip() else None


def boolean(v: Any) -> bool | None:
    if v is None:
        return None
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | float | np.integer | np.floating):
        if isinstance(v, float | np.floating) and math.isnan(v):
            return None
        return True if v == 1 else False if v == 0 else None
    if isinstance(v, str):
        s = v.strip().casefold()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    return None


def is_number(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
