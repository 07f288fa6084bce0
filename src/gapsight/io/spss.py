"""SPSS system files (.sav) with pyreadstat: labels and user-missing codes.

Reading keeps user-missing values (``user_missing=True``) so that a declared missing
code is never mistaken for an answer: on an item that offers don't know it becomes
"don't know", on other items "skipped". Value labels are read too and checked by the
validator: a label on a value the item's scale does not admit (say 8 on a 1–7 item)
that is not a declared missing code means the file does not code the item the way
the instrument does, and the file is rejected. On characteristics of type ``string``
value labels replace codes (1 → "Retail"). Cases are numbered from 1.

Writing gives every variable its label (the item text in the chosen language),
value labels from the scale, "don't know" as a declared user-missing code
(:func:`gapsight.io.codebook.dont_know_code`) labelled *don't know* / *weet niet*,
free-text items as string variables, and characteristics typed (boolean as 0/1 with
labels, dates as SPSS dates). Names that are not valid SPSS variable names are
adjusted (``Business unit`` → ``Business_unit``) and keep the original as label.

Example::

    raw, plan = read_raw(Path("wave.sav"), planner, ImportMapping())
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gapsight.io.codebook import DONT_KNOW_LABEL, value_labels
from gapsight.io.columns import Plan, RawData
from gapsight.io.export import ExportColumn, is_missing
from gapsight.io.mapping import ImportMapping
from gapsight.io.table import ImportProblem, ImportRejected

__all__ = ["read_raw", "spss_name", "write_columns"]

Progress = Callable[[int, int], None]
_RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
_LABEL_BYTES = 255
_VALUE_LABEL_BYTES = 120


def read_raw(
    path: Path,
    planner: Callable[[Sequence[str]], Plan],
    mapping: ImportMapping,
    progress: Progress | None = None,
) -> tuple[RawData, Plan]:
    """Read a .sav file into :class:`RawData` with its value labels and missing codes."""
    import pyreadstat

    source = str(path)
    if progress is not None:
        progress(0, 1)
    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # ReadstatError, PyreadstatError, OSError, …
        detail = str(exc).split("\n")[0][:120] or type(exc).__name__
        raise ImportRejected(
            source,
            [
                ImportProblem(
                    None,
                    None,
                    None,
                    f"a complete SPSS .sav file (the file is damaged or truncated: {detail})",
                )
            ],
        ) from None
    headers = [str(c) for c in frame.columns]
    plan = planner(headers)
    columns: list[Any] = []
    labels: dict[int, dict[float, str]] = {}
    missing: dict[int, list[tuple[float, float]]] = {}
    value_labels_meta = meta.variable_value_labels or {}
    ranges_meta = meta.missing_ranges or {}
    for i, name in enumerate(headers):
        series = frame[name]
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype
        ):
            columns.append(series.to_numpy(dtype=np.float64, na_value=np.nan))
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            columns.append(series.to_numpy(dtype="datetime64[ns]"))
        else:
            cells = series.astype(object).to_numpy()
            columns.append(np.asarray([_blank(v) for v in cells] + [None], dtype=object)[:-1])
        if name in value_labels_meta:
            labels[i] = {
                float(k): str(v)
                for k, v in value_labels_meta[name].items()
                if isinstance(k, int | float)
            }
        ranges = []
        for r in ranges_meta.get(name, []):
            lo, hi = (r.get("lo"), r.get("hi")) if isinstance(r, dict) else (r, r)
            if isinstance(lo, int | float) and isinstance(hi, int | float):
                ranges.append((float(lo), float(hi)))
        if ranges:
            missing[i] = ranges
    if progress is not None:
        progress(1, 1)
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return RawData(source, headers, columns, rows, labels, missing), plan


def _blank(v: Any) -> Any:
    if isinstance(v, str) and not v.strip():
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    return v


def spss_name(name: str, taken: set[str]) -> str:
    """A valid, unique SPSS variable name for ``name`` (recorded in ``taken``).

    >>> spss_name("Business unit", set())
    'Business_unit'
    """
    clean = re.sub(r"[^A-Za-z0-9_.$#@]", "_", name.strip()) or "v"
    if not re.match(r"[A-Za-z@]", clean[0]):
        clean = "v" + clean
    clean = clean.rstrip(".")
    if clean.lower() in _RESERVED:
        clean = clean + "_"
    clean = clean[:64]
    candidate, n = clean, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{clean[:60]}_{n}"
    taken.add(candidate.lower())
    return candidate


def _cut(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", errors="ignore")


def write_columns(path: Path, columns: list[ExportColumn], lang: str, file_label: str) -> None:
    """Write a .sav file with variable labels, value labels and missing codes
    (compressed, i.e. a ``.zsav``, when the file name ends in ``.zsav``)."""
    import pyreadstat

    data: dict[str, Any] = {}
    labels: dict[str, str | None] = {}
    value_label_map: dict[str, dict[float | int, str]] = {}
    missing: dict[str, list[Any]] = {}
    measure: dict[str, str] = {}
    formats: dict[str, str] = {}
    taken: set[str] = set()
    for c in columns:
        name = spss_name(c.name, taken)
        labels[name] = _cut(c.label, _LABEL_BYTES)
        if c.kind == "item" and c.scale is not None:
            data[name] = c.codes().to_numpy(dtype=np.float64, na_value=np.nan)
            vl: dict[float | int, str] = {
                v: _cut(t, _VALUE_LABEL_BYTES) for v, t in value_labels(c.scale, lang).items()
            }
            if c.dont_know_code is not None:
                vl[c.dont_know_code] = DONT_KNOW_LABEL.get(lang, DONT_KNOW_LABEL["en"])
                missing[name] = [c.dont_know_code]
            if vl:
                value_label_map[name] = vl
            measure[name] = "nominal" if c.scale.kind == "choice" else "ordinal"
            _, hi = c.scale.bounds()
            width = max(len(str(hi)), len(str(c.dont_know_code or 0)), 1)
            formats[name] = f"F{width}.0"
        elif c.kind == "characteristic" and c.char_type in ("integer", "float", "boolean"):
            series = c.values
            if c.char_type == "boolean":
                data[name] = (
                    series.astype("boolean").astype("Float64").to_numpy(np.float64, na_value=np.nan)
                )
                value_label_map[name] = (
                    {0: "nee", 1: "ja"} if lang == "nl" else {0: "false", 1: "true"}
                )
                measure[name] = "nominal"
                formats[name] = "F1.0"
            else:
                data[name] = series.astype("Float64").to_numpy(np.float64, na_value=np.nan)
                measure[name] = "scale"
                if c.char_type == "integer":
                    formats[name] = "F12.0"
        elif c.kind == "characteristic" and c.char_type == "date":
            data[name] = pd.to_datetime(c.values).astype("datetime64[ns]").reset_index(drop=True)
            measure[name] = "scale"
        else:
            texts = [None if is_missing(v) else str(v) for v in c.values]
            data[name] = pd.Series(["" if v is None else v for v in texts], dtype=object)
            measure[name] = "nominal"
    frame = pd.DataFrame(data)
    pyreadstat.write_sav(
        frame,
        str(path),
        compress=path.suffix.lower() == ".zsav",
        file_label=_cut(file_label, 64),
        column_labels=labels,
        variable_value_labels=value_label_map,
        missing_ranges=missing,
        variable_measure=measure,
        variable_format=formats,
    )
