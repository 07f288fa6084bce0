"""From what an analyst holds (a DataFrame, an instrument id) to what the core reads.

The analyst API accepts a wide :class:`pandas.DataFrame` whose columns are item codes
(``e01`` … ``p22``, ``cvs_recommend`` …) and an instrument given by id (``"servqual22"``)
or as an :class:`~gapsight.instruments.Instrument`. This module turns them into a
:class:`~gapsight.analysis.matrix.ResponseMatrix` and checks the data on the way, so an
analyst gets a sentence naming the column at fault instead of a silent ``NaN``:

- an unknown instrument id lists the built-in ids;
- required columns that are absent are all named at once;
- text in a numeric column is reported with the column, the row label and the value
  (``pandas.to_numeric(errors="coerce")`` would have turned it into missing quietly);
- answers outside the item's scale are reported, with a hint about ``dont_know_code``.

Example::

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"cvs_satisfaction": [8, 7], "cvs_loyalty": [7, 9],
    ...                       "cvs_recommend": [9, 99]})
    >>> m = to_matrix(frame, resolve_instrument("cvs"), dont_know_code=99)
    >>> m.codes, m.n, m.dont_know_count("cvs_recommend")
    (('cvs_satisfaction', 'cvs_loyalty', 'cvs_recommend'), 2, 1)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments import Instrument, combine, load_builtin

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "InstrumentLike",
    "missing_columns_message",
    "require_codes",
    "resolve_instrument",
    "restrict_to_modules",
    "to_matrix",
]

InstrumentLike: TypeAlias = str | Instrument | Sequence[str | Instrument]
"""An instrument id, an :class:`Instrument`, or several (a wave that fielded SERVQUAL
together with the KTO grades is analysed against both)."""


def resolve_instrument(instrument: InstrumentLike) -> Instrument:
    """The :class:`Instrument` named by ``instrument``.

    Several instruments (``["servqual22", "kto"]``) are merged with
    :func:`~gapsight.instruments.combine` into one questionnaire, as a wave that fielded
    them together was. ``KeyError`` listing the built-in ids for an unknown id;
    ``TypeError`` for anything that is neither an id nor an instrument.
    """
    given: list[Any] = (
        [instrument] if isinstance(instrument, str | Instrument) else list(instrument)
    )
    parts: list[Instrument] = []
    for one in given:
        if isinstance(one, Instrument):
            parts.append(one)
        elif isinstance(one, str):
            parts.append(load_builtin(one))
        else:
            raise TypeError(
                f"instrument must be an id such as 'servqual22' or an Instrument, "
                f"got {type(one).__name__}"
            )
    if not parts:
        raise ValueError("no instrument given")
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(one, str) for one in given):
        return _combined_builtin(tuple(given))
    return _combined(tuple(parts))


@cache
def _combined_builtin(ids: tuple[str, ...]) -> Instrument:
    # combining validates the whole questionnaire again (≈ 0.2 s); built-ins never change
    return _combined(tuple(load_builtin(i) for i in ids))


def _combined(parts: tuple[Instrument, ...]) -> Instrument:
    name = "_".join(p.id for p in parts)[:64]
    title = {lang: " + ".join(p.id for p in parts) for lang in parts[0].languages}
    return combine(name, title, *parts)


def missing_columns_message(what: str, missing: Sequence[str]) -> str:
    """``"servqual22: 2 required column(s) not in the data: e05, p05"``."""
    shown = ", ".join(missing[:30]) + (
        f" … and {len(missing) - 30} more" if len(missing) > 30 else ""
    )
    return f"{what}: {len(missing)} required column(s) not in the data: {shown}"


def require_codes(matrix: ResponseMatrix, codes: Sequence[str], what: str) -> None:
    """``ValueError`` naming every code of ``codes`` that ``matrix`` lacks."""
    missing = [c for c in codes if not matrix.has(c)]
    if missing:
        raise ValueError(missing_columns_message(what, missing))


def _numeric_items(instrument: Instrument) -> dict[str, tuple[int, int] | None]:
    """``{code: (min, max)}`` of every non-text item (a choice's lowest and highest
    code)."""
    out: dict[str, tuple[int, int] | None] = {}
    for item in instrument.items():
        scale = instrument.scale(item.scale)
        if scale.kind == "text":
            continue
        out[item.code] = scale.bounds()
    return out


def to_matrix(
    data: pd.DataFrame | ResponseMatrix,
    instrument: Instrument,
    *,
    dont_know_code: float | None = None,
    characteristics: Sequence[str] = (),
    check_scales: bool = True,
) -> ResponseMatrix:
    """The response matrix of ``data`` restricted to the instrument's numeric items.

    Columns of ``data`` that are item codes of ``instrument`` become matrix columns, in
    instrument order; other columns are ignored unless named in ``characteristics``
    (kept for breakdowns). ``dont_know_code`` (e.g. ``8`` on 7-point items) becomes
    missing and is counted as "don't know" on every item where it is not a valid answer
    (see :func:`dont_know_applies`). A :class:`ResponseMatrix` passes through
    (restricted to the instruments' codes when it holds more).

    Raises ``ValueError`` when no item of the instrument is present, when a
    characteristic column is absent, when a column holds text, or when answers lie
    outside the item's scale.
    """
    known = _numeric_items(instrument)
    names = instrument.id
    if isinstance(data, ResponseMatrix):
        return _from_matrix(data, known, names, dont_know_code, characteristics)

    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(data).__name__}")
    absent = [c for c in characteristics if c not in data.columns]
    if absent:
        raise ValueError(f"characteristic column(s) not in the data: {', '.join(map(str, absent))}")
    present = set(map(str, data.columns))
    codes = [c for c in known if c in present]
    if not codes:
        example = ", ".join(list(known)[:4])
        raise ValueError(
            f"none of the items of {names} is a column of the data; expected columns "
            f"named by item code, such as {example}"
        )
    values = np.empty((len(data), len(codes)), dtype=np.float64)
    for j, code in enumerate(codes):
        values[:, j] = _numeric_column(data[code], code)
    dont_know = None
    if dont_know_code is not None:
        dont_know = _dont_know_mask(values, codes, known, dont_know_code)
        values[dont_know] = np.nan
    if check_scales:
        _check_scales(values, codes, known, dont_know_code, row_labels=data.index)
    chars = {c: data[c].to_numpy() for c in characteristics}
    return ResponseMatrix(
        codes=tuple(codes), values=values, dont_know=dont_know, characteristics=chars
    )


def restrict_to_modules(
    matrix: ResponseMatrix, instrument: Instrument, modules: Mapping[str, bool]
) -> ResponseMatrix:
    """``matrix`` without the items of optional modules that are switched off.

    A stored wave has a column for every item of its instrument version; the items of a
    module the study did not field (zone of tolerance, detail statements …) are empty
    and must not be analysed as if they had been asked.
    """
    enabled = {it.code for it in instrument.items(modules=modules)}
    keep = [i for i, c in enumerate(matrix.codes) if c in enabled]
    if len(keep) == len(matrix.codes):
        return matrix
    return ResponseMatrix(
        codes=tuple(matrix.codes[i] for i in keep),
        values=matrix.values[:, keep],
        dont_know=None if matrix.dont_know is None else matrix.dont_know[:, keep],
        characteristics=matrix.characteristics,
    )


def _from_matrix(
    matrix: ResponseMatrix,
    known: dict[str, tuple[int, int] | None],
    names: str,
    dont_know_code: float | None,
    characteristics: Sequence[str],
) -> ResponseMatrix:
    absent = [c for c in characteristics if c not in matrix.characteristics]
    if absent:
        raise ValueError(f"characteristic(s) not in the data: {', '.join(absent)}")
    codes = [c for c in matrix.codes if c in known]
    if not codes:
        raise ValueError(f"none of the items of {names} is in the data")
    m = matrix
    if len(codes) != len(matrix.codes):
        idx = [matrix.index(c) for c in codes]
        m = ResponseMatrix(
            codes=tuple(codes),
            values=matrix.values[:, idx],
            dont_know=None if matrix.dont_know is None else matrix.dont_know[:, idx],
            characteristics=matrix.characteristics,
        )
    if dont_know_code is not None:
        dk = _dont_know_mask(m.values, m.codes, known, dont_know_code)
        if dk.any():
            values = np.where(dk, np.nan, m.values)
            if m.dont_know is not None:
                dk |= m.dont_know
            m = ResponseMatrix(
                codes=m.codes, values=values, dont_know=dk, characteristics=m.characteristics
            )
    return m


def dont_know_applies(bounds: tuple[int, int] | None, code: float) -> bool:
    """Whether the don't-know ``code`` is read as "don't know" on an item with scale
    ``bounds``: only where it is not a valid answer (8 on a 1–7 item, 99 anywhere), so
    ``8`` as "don't know" for SERVQUAL leaves a report grade of 8 alone."""
    return bounds is None or not bounds[0] <= code <= bounds[1]


def _dont_know_mask(
    values: Any,
    codes: Sequence[str],
    known: dict[str, tuple[int, int] | None],
    dont_know_code: float,
) -> Any:
    code = float(dont_know_code)
    applies = np.array([dont_know_applies(known.get(c), code) for c in codes], dtype=bool)
    mask: Any = (values == code) & applies
    return mask


def _numeric_column(column: pd.Series[Any], code: str) -> Any:
    """``column`` as float64; ``ValueError`` naming the first value that is not a number."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(column.dtype):
        raise ValueError(f"column {code!r} holds true/false values, expected numbers")
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    converted = pd.to_numeric(column, errors="coerce")
    lost = converted.isna() & column.notna()
    if lost.any():
        # blank strings are a common way to write "no answer" in CSV exports
        text = column[lost].astype(str).str.strip()
        real = text != ""
        if real.any():
            row = text[real].index[0]
            raise ValueError(
                f"column {code!r} holds {int(real.sum())} value(s) that are not numbers, "
                f"e.g. {text[real].iloc[0]!r} in row {row!r}"
            )
    return converted.to_numpy(dtype=np.float64, na_value=np.nan)


def _check_scales(
    values: Any,
    codes: Sequence[str],
    known: dict[str, tuple[int, int] | None],
    dont_know_code: float | None,
    *,
    row_labels: Any,
) -> None:
    problems: list[str] = []
    for j, code in enumerate(codes):
        bounds = known[code]
        if bounds is None:
            continue
        lo, hi = bounds
        col = values[:, j]
        with np.errstate(invalid="ignore"):
            bad = (col < lo) | (col > hi)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            value = col[first]
            shown = int(value) if float(value).is_integer() else float(value)
            problems.append(
                f"{code}: {int(bad.sum())} answer(s) outside {lo}-{hi}, e.g. {shown} in row "
                f"{row_labels[first]!r}"
            )
    if problems:
        hint = (
            ""
            if dont_know_code is not None
            else ' (if a code such as 9 means "don\'t know", pass dont_know_code)'
        )
        raise ValueError(
            "answers outside the item's scale" + hint + ":\n  " + "\n  ".join(problems)
        )
