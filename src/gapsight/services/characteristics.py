"""Loaded characteristics: typed attributes per contact or response (segment, region …).

A wave declares each characteristic once with a type (``string``, ``integer``,
``float``, ``boolean`` or ``date``); every invitation and response stores its values as
a JSON object typed by those declarations (dates as ISO ``YYYY-MM-DD``). Loading turns
them back into one NumPy array per characteristic for breakdowns.

Example::

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"segment": ["A", None], "size": [3, 4]})
    >>> infer_types(frame)
    {'segment': 'string', 'size': 'integer'}
    >>> json_rows(frame, infer_types(frame))
    ['{"segment":"A","size":3}', '{"size":4}']
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from gapsight.store.models import CHARACTERISTIC_TYPES, CharacteristicDefinition, Study

__all__ = ["arrays", "declare", "infer_types", "json_rows", "records", "types_of"]

MAX_NAME = 64


def infer_types(frame: pd.DataFrame) -> dict[str, str]:
    """The characteristic type of every column of ``frame`` from its dtype."""
    out: dict[str, str] = {}
    for name in frame.columns:
        dtype = frame[name].dtype
        if pd.api.types.is_bool_dtype(dtype):
            out[str(name)] = "boolean"
        elif pd.api.types.is_integer_dtype(dtype):
            out[str(name)] = "integer"
        elif pd.api.types.is_float_dtype(dtype):
            out[str(name)] = "float"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            out[str(name)] = "date"
        else:
            out[str(name)] = "string"
    return out


def types_of(study: Study) -> dict[str, str]:
    """``{name: type}`` of the characteristics declared for ``study``."""
    return {d.name: d.type for d in study.characteristics}


def declare(session: Session, study: Study, types: Mapping[str, str]) -> dict[str, str]:
    """Declare new characteristics for ``study``; existing ones must keep their type.

    Raises ``ValueError`` naming the characteristic when a type differs from the one
    declared before (e.g. ``region`` was ``string`` and is now ``integer``).
    """
    known = types_of(study)
    for name, kind in types.items():
        if kind not in CHARACTERISTIC_TYPES:
            raise ValueError(
                f"characteristic {name!r}: unknown type {kind!r}, expected one of "
                f"{', '.join(CHARACTERISTIC_TYPES)}"
            )
        if not name.strip() or len(name) > MAX_NAME:
            raise ValueError(f"characteristic name {name!r} must have 1-{MAX_NAME} characters")
        if name in known:
            if known[name] != kind:
                raise ValueError(
                    f"characteristic {name!r} was declared as {known[name]} for study "
                    f"{study.id}; the new data has {kind} values"
                )
            continue
        study.characteristics.append(CharacteristicDefinition(name=name, type=kind))
        known[name] = kind
    session.flush()
    return known


def _column(series: pd.Series, kind: str) -> list[Any]:
    """Values of one column as JSON-ready Python objects, ``None`` for missing."""
    missing = series.isna().to_numpy()
    if kind == "date":
        values: list[Any] = [
            None if m else v.strftime("%Y-%m-%d")
            for v, m in zip(pd.to_datetime(series), missing, strict=True)
        ]
        return values
    if kind == "integer":
        raw = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return [None if m else int(v) for v, m in zip(raw.tolist(), missing, strict=True)]
    if kind == "float":
        raw = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return [None if m else v for v, m in zip(raw.tolist(), missing, strict=True)]
    if kind == "boolean":
        return [None if m else bool(v) for v, m in zip(series.tolist(), missing, strict=True)]
    return [None if m else str(v) for v, m in zip(series.tolist(), missing, strict=True)]


def records(frame: pd.DataFrame, types: Mapping[str, str]) -> list[dict[str, Any]]:
    """One ``{name: value}`` dict per row, JSON-ready (missing values left out)."""
    names = [str(c) for c in frame.columns]
    if not names:
        return [{} for _ in range(len(frame))]
    cols = [_column(frame[c], types[n]) for c, n in zip(frame.columns, names, strict=True)]
    return [
        {n: v for n, v in zip(names, row, strict=True) if v is not None}
        for row in zip(*cols, strict=True)
    ]


def json_rows(frame: pd.DataFrame, types: Mapping[str, str]) -> list[str | None]:
    """One compact JSON object per row (missing values left out; ``None`` when the
    frame has no columns)."""
    if frame.shape[1] == 0:
        return [None] * len(frame)
    return [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records(frame, types)]


def arrays(
    rows: Sequence[Mapping[str, Any] | None], types: Mapping[str, str]
) -> dict[str, npt.NDArray[Any]]:
    """One array per declared characteristic from stored JSON objects.

    ``string`` and ``boolean`` give object arrays (``None`` = missing), ``integer`` and
    ``float`` give ``float64`` (``NaN`` = missing), ``date`` gives ``datetime64[D]``
    (``NaT`` = missing).
    """
    out: dict[str, npt.NDArray[Any]] = {}
    for name, kind in types.items():
        values = [None if r is None else r.get(name) for r in rows]
        if kind in ("integer", "float"):
            out[name] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        elif kind == "date":
            out[name] = np.array(
                [np.datetime64("NaT") if v is None else dt.date.fromisoformat(v) for v in values],
                dtype="datetime64[D]",
            )
        else:
            out[name] = np.array(values, dtype=object)
    return out
