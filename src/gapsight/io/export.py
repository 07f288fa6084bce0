"""The columns of an export, shared by every output format.

An export has, in this order: ``respondent_key`` (when the table has keys), the numeric
items in instrument order, the free-text items, then the loaded characteristics.
"Don't know" becomes the item's code from :mod:`gapsight.io.codebook` in formats that
need a number (CSV, Excel, SPSS); Parquet keeps answers analysable and flags it in a
separate boolean column instead (see :mod:`gapsight.io.parquet`).

Example::

    >>> from gapsight.instruments import load_builtin
    >>> from gapsight.analysis.matrix import ResponseMatrix
    >>> from gapsight.io.table import ResponseTable
    >>> cvs = load_builtin("cvs")
    >>> m = ResponseMatrix.from_columns({"cvs_satisfaction": [8.0, float("nan")]})
    >>> cols = export_columns(ResponseTable(cvs.ref, m), cvs, "en")
    >>> [c.name for c in cols], cols[0].codes().tolist()
    (['cvs_satisfaction'], [8, <NA>])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from gapsight.instruments.model import Instrument, Item, Scale
from gapsight.io.codebook import dont_know_code, item_label
from gapsight.io.columns import KEY_COLUMN
from gapsight.io.table import ResponseTable

__all__ = ["ExportColumn", "export_columns", "export_frame", "is_missing"]

Kind = Literal["key", "item", "text", "characteristic"]


@dataclass(frozen=True, eq=False)
class ExportColumn:
    """One output column with what every format needs to describe it."""

    name: str
    kind: Kind
    label: str
    values: Any
    """float64 answers (``NaN`` = missing) for items, else a pandas Series."""
    item: Item | None = None
    scale: Scale | None = None
    dont_know: npt.NDArray[np.bool_] | None = None
    dont_know_code: int | None = None
    char_type: str | None = None
    """``string``, ``integer``, ``float``, ``boolean`` or ``date`` for characteristics."""

    def codes(self) -> pd.Series:
        """Item answers as nullable integers with don't-know written as its code."""
        values = np.asarray(self.values, np.float64).copy()
        if self.dont_know is not None and self.dont_know_code is not None:
            values[self.dont_know] = self.dont_know_code
        empty = np.isnan(values)
        whole = np.where(empty, 0, values).astype(np.int64)
        return pd.Series(pd.arrays.IntegerArray(whole, empty))


def is_missing(value: Any) -> bool:
    """Whether a cell is empty: ``None``, ``pd.NA``, ``NaN`` or ``NaT``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _char_type(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    return "string"


def export_columns(
    table: ResponseTable,
    instrument: Instrument,
    lang: str,
    placeholders: dict[str, str] | None = None,
) -> list[ExportColumn]:
    """The columns of ``table`` ready to write; labels in ``lang``."""
    out: list[ExportColumn] = []
    if table.respondent_keys is not None:
        out.append(
            ExportColumn(
                KEY_COLUMN,
                "key",
                "respondent key" if lang != "nl" else "respondentsleutel",
                pd.Series(table.respondent_keys, dtype=object),
            )
        )
    matrix = table.matrix
    for j, code in enumerate(matrix.codes):
        item = instrument.item(code)
        scale = instrument.scale(item.scale)
        out.append(
            ExportColumn(
                code,
                "item",
                item_label(instrument, item, lang, placeholders),
                matrix.values[:, j],
                item=item,
                scale=scale,
                dont_know=None if matrix.dont_know is None else matrix.dont_know[:, j],
                dont_know_code=dont_know_code(scale) if item.dont_know else None,
            )
        )
    for code in instrument.text_codes():
        if code in table.texts:
            item = instrument.item(code)
            out.append(
                ExportColumn(
                    code,
                    "text",
                    item_label(instrument, item, lang, placeholders),
                    pd.Series(table.texts[code], dtype=object),
                    item=item,
                    scale=instrument.scale(item.scale),
                )
            )
    for name in table.characteristics.columns:
        series = table.characteristics[name]
        out.append(
            ExportColumn(
                str(name), "characteristic", str(name), series, char_type=_char_type(series)
            )
        )
    return out


def export_frame(columns: list[ExportColumn]) -> pd.DataFrame:
    """A DataFrame of the columns: items as nullable integers with don't-know codes,
    texts and keys as text, characteristics in their own types."""
    data: dict[str, Any] = {}
    for c in columns:
        if c.kind == "item":
            data[c.name] = c.codes()
        else:
            series = c.values
            data[c.name] = (
                series.reset_index(drop=True) if isinstance(series, pd.Series) else series
            )
    return pd.DataFrame(data)
