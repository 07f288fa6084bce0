"""Parquet files with pyarrow: typed columns for DuckDB, Spark or pandas.

Parquet exports are meant for further analysis, so an answer column never holds a
code that is not an answer: item columns are nullable integers (``int16`` when the
scale fits) with null for skipped *and* don't-know, and items that offer don't know
get a boolean column ``<code>__dont_know`` next to them. Free text and keys are
strings, characteristics keep their types (dates as ``timestamp``). The item text is
kept as field metadata ``label`` and the instrument reference as table metadata
``gapsight.instrument``.

Reading accepts any Parquet file whose columns follow the same rules as CSV, and
recognises the ``__dont_know`` columns.

Example::

    >>> import duckdb  # doctest: +SKIP
    >>> duckdb.sql("select avg(p05) from 'wave.parquet'")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from gapsight.io.columns import DONT_KNOW_SUFFIX, Plan, RawData
from gapsight.io.export import ExportColumn, is_missing
from gapsight.io.mapping import ImportMapping
from gapsight.io.table import ImportProblem, ImportRejected

__all__ = ["read_raw", "write_columns"]

Progress = Callable[[int, int], None]


def read_raw(
    path: Path,
    planner: Callable[[Sequence[str]], Plan],
    mapping: ImportMapping,
    progress: Progress | None = None,
) -> tuple[RawData, Plan]:
    """Read a Parquet file into :class:`RawData` (rows numbered from 1)."""
    source = str(path)
    try:
        parquet = pq.ParquetFile(path)
        headers = [str(n) for n in parquet.schema_arrow.names]
        plan = planner(headers)
        batches = []
        total = max(parquet.metadata.num_row_groups, 1)
        for g in range(parquet.metadata.num_row_groups):
            batches.append(parquet.read_row_group(g))
            if progress is not None:
                progress(g + 1, total)
        table = pa.concat_tables(batches) if batches else parquet.schema_arrow.empty_table()
        if progress is not None and not batches:
            progress(1, 1)
    except (pa.ArrowException, OSError) as exc:
        detail = str(exc).split("\n")[0][:120]
        raise ImportRejected(
            source,
            [
                ImportProblem(
                    None,
                    None,
                    None,
                    f"a complete Parquet file (the file is damaged or truncated: {detail})",
                )
            ],
        ) from None
    columns: list[Any] = []
    for i in range(table.num_columns):
        col = table.column(i)
        t = col.type
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            filled = col.cast(pa.float64()).fill_null(np.nan)
            columns.append(np.asarray(filled.to_numpy(), np.float64))
        elif pa.types.is_timestamp(t) or pa.types.is_date(t):
            columns.append(col.cast(pa.timestamp("ns")).to_numpy().astype("datetime64[ns]"))
        elif pa.types.is_boolean(t) and col.null_count == 0:
            columns.append(np.asarray(col.to_numpy(), bool))
        else:
            columns.append(np.asarray(col.to_numpy(zero_copy_only=False), dtype=object))
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return RawData(source, headers, columns, rows), plan


def _int_type(lo: int, hi: int) -> pa.DataType:
    if lo >= -(2**15) and hi < 2**15:
        return pa.int16()
    if lo >= -(2**31) and hi < 2**31:
        return pa.int32()
    return pa.int64()


def write_columns(path: Path, columns: list[ExportColumn], instrument_ref: str) -> None:
    """Write typed columns (see module docstring)."""
    arrays: list[pa.Array] = []
    fields: list[pa.Field] = []
    for c in columns:
        meta = {b"label": c.label.encode("utf-8")}
        if c.kind == "item" and c.scale is not None:
            values = np.asarray(c.values, np.float64)
            empty = np.isnan(values)
            lo, hi = c.scale.bounds()
            type_ = _int_type(lo, hi)
            arrays.append(pa.array(np.where(empty, 0, values).astype(np.int64), type_, mask=empty))
            fields.append(pa.field(c.name, type_, metadata=meta))
            if c.item is not None and c.item.dont_know:
                dk = np.zeros(len(values), bool) if c.dont_know is None else c.dont_know
                arrays.append(pa.array(dk, pa.bool_()))
                fields.append(pa.field(c.name + DONT_KNOW_SUFFIX, pa.bool_()))
            continue
        if c.kind == "characteristic" and c.char_type == "date":
            arr = pa.array(
                np.asarray(c.values, "datetime64[ns]"), pa.timestamp("ns"), from_pandas=True
            )
        elif c.kind == "characteristic" and c.char_type in ("integer", "float", "boolean"):
            arr = pa.Array.from_pandas(c.values)
        else:
            arr = pa.array([None if is_missing(v) else str(v) for v in c.values], pa.string())
        arrays.append(arr)
        fields.append(pa.field(c.name, arr.type, metadata=meta))
    schema = pa.schema(fields, metadata={b"gapsight.instrument": instrument_ref.encode()})
    table = pa.Table.from_arrays(arrays, schema=schema)
    pq.write_table(table, path)
