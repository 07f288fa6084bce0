"""CSV files: fast, typed reading with Arrow and a plain UTF-8 export.

Reading sniffs the delimiter from the header line (``,`` ``;`` or tab: Dutch Excel
writes ``;``), tolerates a UTF-8 byte-order mark, and reads item columns straight into
float64 with ``pyarrow.csv`` (multi-threaded; streamed in blocks when a progress
callback is given). Only when a value is not a number does it read the file again as
text so that every bad cell can be named; a clean file is parsed once.

Writing uses ``,``, UTF-8 with a byte-order mark (so Excel shows accents), item codes
as headers, empty cells for missing answers and the don't-know code of
:mod:`gapsight.io.codebook` for "don't know".

Example::

    raw, plan = read_raw(Path("wave.csv"), planner, ImportMapping(), progress=None)
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from gapsight.io.cells import NULL_TOKENS
from gapsight.io.columns import Plan, RawData
from gapsight.io.export import ExportColumn, is_missing
from gapsight.io.mapping import ImportMapping
from gapsight.io.table import ImportProblem, ImportRejected

__all__ = ["read_raw", "sniff_delimiter", "write_columns"]

Progress = Callable[[int, int], None]
_HEAD = 1 << 16
_BLOCK = 8 << 20
_DELIMITERS = (",", ";", "\t", "|")
_RETRIES = 4
"""Item columns read as text one by one before reading all of them as text."""


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header ``line``: the most frequent of ``, ; tab |`` outside
    quotes (``,`` when none occurs, i.e. a single column).

    >>> sniff_delimiter("a;b;c")
    ';'
    >>> sniff_delimiter('"x, y",b')
    ','
    """
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(path: Path, mapping: ImportMapping) -> tuple[list[str], str, int, str]:
    """Header names, delimiter, the number of lines before the data (1, or 2 after
    Excel's ``sep=;`` hint line, which Excel hides: rows keep their numbers) and the
    encoding (the mapping's, or UTF-16 when the file starts with its byte-order mark,
    as Excel's "Unicode text" does)."""
    source = str(path)
    with path.open("rb") as f:
        head = f.read(_HEAD)
        while b"\n" not in head and len(head) < (16 << 20):
            more = f.read(_HEAD)
            if not more:
                break
            head += more
    encoding = mapping.encoding
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding = "utf-16"
        head = head[: len(head) // 2 * 2]
    elif head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    text = head.decode(encoding, errors="replace")
    if not text.strip():
        raise ImportRejected(
            source, [ImportProblem(None, None, None, "a header row with column names")]
        )
    line = text.split("\n", 1)[0].rstrip("\r")
    if "\ufffd" in line:
        raise ImportRejected(
            source,
            [
                ImportProblem(
                    1,
                    None,
                    None,
                    f"text encoded as {encoding}; set 'encoding' in the mapping "
                    "(e.g. cp1252 for files saved by older Excel)",
                )
            ],
        )
    hint = re.fullmatch(r"sep=(.)\s*", line)
    if hint:
        delimiter, skip = hint.group(1), 2
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter, skip = sniff_delimiter(line), 1
    record = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    if not record:
        raise ImportRejected(
            source, [ImportProblem(None, None, None, "a header row with column names")]
        )
    return [h.strip() for h in record], delimiter, skip, encoding


class _Counting(io.RawIOBase):
    """A binary file that remembers how many bytes were read (for progress)."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        got = self._raw.readinto(buffer)
        self.done += got
        return got


def read_raw(
    path: Path,
    planner: Callable[[Sequence[str]], Plan],
    mapping: ImportMapping,
    progress: Progress | None = None,
) -> tuple[RawData, Plan]:
    """Read a CSV file into :class:`RawData` (rows numbered from 2) and its plan."""
    source = str(path)
    headers, delimiter, skip, encoding = _header(path, mapping)
    plan = planner(headers)
    names = [f"c{i}" for i in range(len(headers))]
    numeric = {c.index for c in plan.columns if c.role == "item"}
    texts = any(c.role != "item" for c in plan.columns)
    invalid: list[tuple[int | None, int, int, str]] = []

    def on_invalid(row: Any) -> str:
        # Arrow counts physical lines; a hidden ``sep=`` line is not a row for the user.
        number = None if row.number is None else row.number - (skip - 1)
        invalid.append((number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    def options(
        as_text: set[int] | None, threads: bool
    ) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
        """``as_text``: item columns to read as text (``None``: all of them)."""
        types = {
            n: (
                pa.float64()
                if i in numeric and as_text is not None and i not in as_text
                else pa.string()
            )
            for i, n in enumerate(names)
        }
        return (
            pacsv.ReadOptions(
                column_names=names,
                skip_rows=skip,
                block_size=_BLOCK,
                use_threads=threads,
                encoding="utf8" if encoding.lower() in ("utf-8", "utf8") else encoding,
            ),
            pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=texts,
                invalid_row_handler=on_invalid,
                # Empty lines are read as empty rows (so that rows keep the numbers
                # the user sees) and dropped below with every other empty row.
                ignore_empty_lines=False,
            ),
            pacsv.ConvertOptions(
                column_types=types,
                null_values=list(NULL_TOKENS),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    if texts and not encoding.lower().startswith("utf-16") and _open_quote(path):
        raise ImportRejected(
            source,
            [
                ImportProblem(
                    None,
                    None,
                    None,
                    "a complete, well-formed CSV file (a quoted value is never closed: "
                    "the file is truncated or a quote is missing)",
                )
            ],
        )
    table: pa.Table | None = None
    as_text: set[int] = set()
    while table is None and len(as_text) < _RETRIES:
        invalid.clear()
        try:
            table = _read(path, *options(as_text, True), progress if not as_text else None)
        except pa.ArrowInvalid as exc:
            if "conversion error" not in str(exc):
                raise _rejected(source, exc) from None
            # A cell is not a number: read that column as text to name every bad cell.
            found = re.search(r"CSV column #(\d+)", str(exc))
            if found is None or int(found.group(1)) in as_text:
                break
            as_text.add(int(found.group(1)))
    if table is None or invalid:
        # Many columns with text, or a row with the wrong number of fields: read again
        # with every item column as text, single-threaded so Arrow numbers bad rows.
        invalid.clear()
        try:
            table = _read(path, *options(None, False), None)
        except pa.ArrowInvalid as exc:
            raise _rejected(source, exc) from None
    problems = [
        ImportProblem(
            number,
            None,
            text[:80],
            f"{expected} fields separated by {delimiter!r} as in the header row, found {actual}",
        )
        for number, expected, actual, text in invalid
    ]
    skipped = {number for number, *_ in invalid if number is not None}
    n = table.num_rows
    rows = np.arange(2, n + 2 + len(skipped), dtype=np.int64)
    if skipped:
        rows = rows[~np.isin(rows, list(skipped))][:n]
    keep = _filled_rows(table)
    if keep is not None:
        table = table.filter(pa.array(keep))
        rows = rows[keep]
    columns: list[Any] = []
    for i in range(len(names)):
        col = table.column(i)
        if i in numeric:
            columns.append(col)
        else:
            columns.append(np.asarray(col.to_numpy(zero_copy_only=False), dtype=object))
    if progress is not None:
        size = path.stat().st_size
        progress(size, size)
    return RawData(source, headers, columns, rows, problems=problems), plan


def _filled_rows(table: pa.Table) -> np.ndarray[Any, np.dtype[np.bool_]] | None:
    """Mask of rows holding at least one value, or ``None`` when every row does.
    Empty lines and rows of only delimiters are not respondents (as in Excel)."""
    if table.num_columns == 0 or (
        min(c.null_count for c in table.columns) == 0
        and all(pa.types.is_floating(c.type) for c in table.columns)
    ):
        return None
    empty: Any = None
    for col in sorted(table.columns, key=lambda c: c.null_count):
        blank = pc.is_null(col)
        if pa.types.is_string(col.type):
            blank = pc.or_(blank, pc.equal(pc.utf8_trim_whitespace(col), ""))
        empty = blank if empty is None else pc.and_(empty, blank)
        if not pc.any(empty).as_py():
            return None
    mask = np.asarray(empty.to_numpy(zero_copy_only=False), bool)
    return ~mask if mask.any() else None


def _open_quote(path: Path) -> bool:
    """Whether the file has an odd number of ``"`` (an unterminated quoted value,
    which Arrow would silently close at the end of the file)."""
    count = 0
    with path.open("rb") as f:
        while chunk := f.read(_BLOCK):
            count += chunk.count(b'"')
    return count % 2 == 1


def _read(
    path: Path,
    read: pacsv.ReadOptions,
    parse: pacsv.ParseOptions,
    convert: pacsv.ConvertOptions,
    progress: Progress | None,
) -> pa.Table:
    if progress is None:
        return pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    size = path.stat().st_size
    with path.open("rb", buffering=0) as f:
        counting = _Counting(f)  # type: ignore[arg-type]
        reader = pacsv.open_csv(
            counting, read_options=read, parse_options=parse, convert_options=convert
        )
        batches = []
        for batch in reader:
            batches.append(batch)
            progress(min(counting.done, size), size)
        return pa.Table.from_batches(batches, schema=reader.schema)


def _rejected(source: str, exc: Exception) -> ImportRejected:
    message = str(exc).split("\n")[0]
    if "UTF8" in message or "UTF-8" in message:
        expected = "UTF-8 text; set 'encoding' in the mapping (e.g. cp1252)"
    else:
        expected = f"a complete, well-formed CSV file ({message})"
    return ImportRejected(source, [ImportProblem(None, None, None, expected)])


def write_columns(path: Path, columns: list[ExportColumn]) -> None:
    """Write UTF-8 CSV with a BOM, ``,``-separated, quoting only where needed; items
    as integers with the don't-know code, dates as ``YYYY-MM-DD`` (with a time only
    when one is set), booleans ``true``/``false``. Arrow writes the rows."""
    arrays = [_arrow_column(c) for c in columns]
    table = pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(columns))])
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([c.name for c in columns])
    with path.open("wb") as f:
        f.write(codecs.BOM_UTF8 + header.getvalue().encode("utf-8"))
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, quoting_style="needed"))


def _arrow_column(c: ExportColumn) -> pa.Array:
    if c.kind == "item":
        return pa.Array.from_pandas(c.codes())
    if c.char_type == "date":
        stamps = pd.to_datetime(pd.Series(c.values)).astype("datetime64[ns]")
        filled = stamps.dropna()
        if (filled == filled.dt.normalize()).all():
            return pa.Array.from_pandas(stamps.dt.date, type=pa.date32())
        return pa.Array.from_pandas(stamps.astype("datetime64[s]"))
    if c.char_type in ("integer", "float", "boolean"):
        return pa.Array.from_pandas(pd.Series(c.values))
    return pa.array([None if is_missing(v) else str(v) for v in c.values], pa.string())
