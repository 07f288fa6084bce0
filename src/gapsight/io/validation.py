"""From raw file columns to a validated table: the part every format shares.

Each reader (CSV, Excel, SPSS, Parquet) does two things only: it reads the header,
asks :func:`plan_responses` / :func:`plan_sample` what each column is, and then hands
the raw columns (a :class:`RawData`) to :func:`build_responses` / :func:`build_sample`.
Those check every value, vectorised over whole columns with NumPy (a Python object
is only built for an invalid cell), and either return the table or raise
:class:`~gapsight.io.table.ImportRejected` with every problem found, the structural
ones (unknown or duplicate columns) and the cell ones (row, column, value, expected).

Per item column the order of operations is: recode (mapping) → codes meaning
"skipped" (mapping ``missing``; SPSS user-missing codes on items without don't know)
→ don't-know codes (see :mod:`gapsight.io.codebook`, the mapping, SPSS user-missing
codes) → the scale check (``Scale.admits`` semantics: an integer within the bounds,
or one of the listed values of a choice scale).

Example::

    >>> import numpy as np
    >>> from gapsight.instruments import load_builtin
    >>> cvs = load_builtin("cvs")
    >>> plan = plan_responses(["cvs_satisfaction"], cvs, ImportMapping())
    >>> raw = RawData("demo.csv", ["cvs_satisfaction"], [np.array([7.0, 11.0])],
    ...               rows=np.array([2, 3]))
    >>> try:
    ...     build_responses(raw, plan, cvs, ImportMapping())
    ... except ImportRejected as exc:
    ...     print(exc.problems[0])
    row 3, column 'cvs_satisfaction': got '11'; expected an integer 0-10
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments.model import Instrument, Item, Scale
from gapsight.io.codebook import dont_know_code
from gapsight.io.mapping import Characteristic, ImportMapping, normalise
from gapsight.io.table import ImportProblem, ImportRejected, ResponseTable, SampleTable

__all__ = [
    "CONTACT_FIELDS",
    "DONT_KNOW_SUFFIX",
    "KEY_COLUMN",
    "MAX_PER_COLUMN",
    "NULL_TOKENS",
    "Plan",
    "PlannedColumn",
    "RawData",
    "build_responses",
    "build_sample",
    "plan_responses",
    "plan_sample",
]

KEY_COLUMN = "respondent_key"
"""Header recognised as the respondent key when the mapping names none."""

DONT_KNOW_SUFFIX = "__dont_know"
"""Parquet exports flag don't-know in a boolean column ``<code>__dont_know``."""

CONTACT_FIELDS = ("email", "name", "language", "external_id")
"""Columns of a sample besides its characteristics; ``email`` is required."""

NULL_TOKENS = ("", "NA", "N/A", "#N/A", "NaN", "nan", "null", "NULL")
"""Cell texts read as an empty (missing) value in numeric columns."""

MAX_PER_COLUMN = 1000
"""Invalid cells listed one by one per column; the rest are counted in one problem."""

LANGUAGES = ("nl", "en")

Role = Literal["item", "text", "dont_know_flag", "characteristic", "key", "contact", "ignore"]

_EMAIL = r"^[^@\s,;<>]+@[^@\s,;<>.]+(\.[^@\s,;<>.]+)+$"
_NUMBER = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"
"""A number as text; a decimal comma (Dutch ``1,5``) is accepted."""
_TRUE = {"1", "true", "yes", "y", "ja", "j", "waar", "t"}
_FALSE = {"0", "false", "no", "n", "nee", "onwaar", "f"}


@dataclass(frozen=True)
class PlannedColumn:
    """What file column ``index`` (header ``header``) is: its ``role`` and ``target``
    (item code, characteristic name or contact field)."""

    index: int
    header: str
    role: Role
    target: str


@dataclass(frozen=True)
class Plan:
    """Every recognised column of a file and the structural problems found."""

    columns: tuple[PlannedColumn, ...]
    problems: tuple[ImportProblem, ...]
    blank: tuple[int, ...] = ()
    """Indexes of columns with an empty header (accepted only when entirely empty)."""

    def role(self, index: int) -> Role | None:
        """The role of column ``index`` or ``None`` when unrecognised / blank."""
        for c in self.columns:
            if c.index == index:
                return c.role
        return None


@dataclass
class RawData:
    """The cells of a file as the reader found them, one array per header.

    ``columns[i]`` is a float64 array (numbers, ``NaN`` = empty), an object array of
    Python values (``None`` = empty), a datetime64 array, or an Arrow array (float64
    or string; a CSV file's item columns stay in Arrow until the matrix is built).
    ``rows`` holds the row number the user sees for each record. ``value_labels`` and
    ``user_missing`` (SPSS) are keyed by column index; user-missing as (low, high)
    ranges.
    """

    source: str
    headers: list[str]
    columns: list[Any]
    rows: npt.NDArray[np.int64]
    value_labels: dict[int, dict[float, str]] = field(default_factory=dict)
    user_missing: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of records."""
        return len(self.rows)


# -- planning ------------------------------------------------------------------------


def _plan(
    headers: Sequence[str],
    mapping: ImportMapping,
    classify: Callable[[str], tuple[Role, str] | None],
    expected_unknown: str,
    required: Iterable[tuple[str, str]] = (),
) -> Plan:
    columns: list[PlannedColumn] = []
    problems: list[ImportProblem] = []
    blank: list[int] = []
    seen: dict[str, str] = {}
    targets: dict[tuple[str, str], str] = {}
    for i, raw_header in enumerate(headers):
        header = "" if raw_header is None else str(raw_header)
        if not header.strip():
            blank.append(i)
            continue
        key = normalise(header)
        if key in seen:
            problems.append(
                ImportProblem(
                    None, header, None, f"each column name once (also column {seen[key]!r})"
                )
            )
            continue
        seen[key] = header
        if mapping.is_ignored(header):
            continue
        found = classify(header)
        if found is None:
            if mapping.unknown_columns == "error":
                problems.append(ImportProblem(None, header, None, expected_unknown))
            continue
        role, target = found
        prior = targets.get((role, target))
        if prior is not None and role in ("item", "text", "characteristic", "contact", "key"):
            problems.append(
                ImportProblem(
                    None, header, None, f"one column for {target!r} (also column {prior!r})"
                )
            )
            continue
        targets[(role, target)] = header
        columns.append(PlannedColumn(i, header, role, target))
    present = {normalise(str(h)) for h in headers if h is not None}
    for what, column in required:
        if normalise(column) not in present:
            problems.append(ImportProblem(None, column, None, f"a column {column!r} ({what})"))
    return Plan(tuple(columns), tuple(problems), tuple(blank))


def plan_responses(headers: Sequence[str], instrument: Instrument, mapping: ImportMapping) -> Plan:
    """Decide what each header of a response file is (see module docstring)."""
    codes = {c.casefold(): c for c in instrument.codes()}
    texts = set(instrument.text_codes())
    chars = {normalise(ch.column): name for name, ch in mapping.characteristics.items()}
    key = normalise(mapping.respondent_key or KEY_COLUMN)
    mapping_problems: list[ImportProblem] = []

    def classify(header: str) -> tuple[Role, str] | None:
        n = normalise(header)
        if n in chars:
            return ("characteristic", chars[n])
        if n == key:
            return ("key", KEY_COLUMN)
        target = mapping.target_of(header)
        if target is not None:
            code = codes.get(target.casefold())
            if code is None:
                mapping_problems.append(
                    ImportProblem(
                        None,
                        header,
                        target,
                        f"the mapping to name an item code of {instrument.ref}",
                    )
                )
                return ("ignore", header)
            return ("text" if code in texts else "item", code)
        if n in codes:
            return ("text" if codes[n] in texts else "item", codes[n])
        if n.endswith(DONT_KNOW_SUFFIX) and n.removesuffix(DONT_KNOW_SUFFIX) in codes:
            return ("dont_know_flag", codes[n.removesuffix(DONT_KNOW_SUFFIX)])
        return None

    for name in mapping.characteristics:
        if name.casefold() in codes or normalise(name) == KEY_COLUMN:
            mapping_problems.append(
                ImportProblem(
                    None,
                    name,
                    None,
                    "a characteristic name that is not an item code or respondent_key",
                )
            )
    sample = ", ".join(instrument.codes()[:3])
    required = [("declared as characteristic " + n, c.column) for n, c in _chars(mapping)]
    if mapping.respondent_key:
        required.append(("declared as respondent_key", mapping.respondent_key))
    required += [("declared in the mapping's columns", c) for c in mapping.columns]
    plan = _plan(
        headers,
        mapping,
        classify,
        f"an item code of {instrument.ref} (e.g. {sample}), or a column declared in the "
        "mapping (columns, characteristics, respondent_key, ignore)",
        required,
    )
    return Plan(plan.columns, plan.problems + tuple(mapping_problems), plan.blank)


def plan_sample(headers: Sequence[str], mapping: ImportMapping) -> Plan:
    """Decide what each header of a sample file is: a contact field (``email``,
    ``name``, ``language``, ``external_id``), a characteristic, or ignored."""
    chars = {normalise(ch.column): name for name, ch in mapping.characteristics.items()}
    mapping_problems: list[ImportProblem] = []

    def classify(header: str) -> tuple[Role, str] | None:
        n = normalise(header)
        if n in chars:
            return ("characteristic", chars[n])
        target = mapping.target_of(header)
        if target is not None:
            if target.casefold() not in CONTACT_FIELDS:
                mapping_problems.append(
                    ImportProblem(
                        None, header, target, "the mapping to name " + ", ".join(CONTACT_FIELDS)
                    )
                )
                return ("ignore", header)
            return ("contact", target.casefold())
        if n in CONTACT_FIELDS:
            return ("contact", n)
        return None

    required = [("declared as characteristic " + n, c.column) for n, c in _chars(mapping)]
    required += [("declared in the mapping's columns", c) for c in mapping.columns]
    plan = _plan(
        headers,
        mapping,
        classify,
        "a contact field (" + ", ".join(CONTACT_FIELDS) + ") or a column declared in the "
        "mapping (columns, characteristics, ignore)",
        required,
    )
    problems = list(plan.problems) + mapping_problems
    if not any(c.role == "contact" and c.target == "email" for c in plan.columns):
        problems.append(ImportProblem(None, "email", None, "a column 'email' (required)"))
    return Plan(plan.columns, tuple(problems), plan.blank)


def _chars(mapping: ImportMapping) -> list[tuple[str, Characteristic]]:
    return list(mapping.characteristics.items())


# -- cell conversion -----------------------------------------------------------------


class _Problems:
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
            self.add(int(raw.rows[i]), header, _display(data, int(i)), expected)
        if idx.size > MAX_PER_COLUMN + 1:
            self._seen[(header, expected)] += idx.size - MAX_PER_COLUMN - 1

    def all(self) -> list[ImportProblem]:
        out = list(self.items)
        for (header, expected), seen in self._seen.items():
            if seen > MAX_PER_COLUMN:
                more = seen - MAX_PER_COLUMN
                out.append(
                    ImportProblem(None, header, None, f"{expected} ({more} more such cells)")
                )
        return out

    def __bool__(self) -> bool:
        return bool(self.items)


def _display(data: Any, i: int) -> str | None:
    value = data[i].as_py() if isinstance(data, pa.ChunkedArray | pa.Array) else data[i]
    return None if value is None else _fmt(value)


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        if math.isfinite(value) and float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, np.datetime64):
        return str(value)
    return str(value)


def _as_numbers(data: Any) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_] | None]:
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


def _as_objects(data: Any) -> npt.NDArray[Any]:
    if isinstance(data, pa.ChunkedArray | pa.Array):
        return np.asarray(data.to_numpy(zero_copy_only=False), dtype=object)
    return np.asarray(data, dtype=object)


def _as_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float | np.floating):
        if math.isnan(v):
            return None
        return _fmt(v)
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else str(v)
    if isinstance(v, dt.datetime) and v.time() == dt.time():
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    text = str(v)
    return text if text.strip() else None


# -- responses -----------------------------------------------------------------------


def build_responses(
    raw: RawData, plan: Plan, instrument: Instrument, mapping: ImportMapping
) -> ResponseTable:
    """Validate ``raw`` against ``instrument`` and build the table, or raise
    :class:`ImportRejected` with every problem. Consumes the arrays of ``raw``."""
    problems = _Problems([*plan.problems, *raw.problems])
    _check_blank(raw, plan, problems)
    if raw.n == 0 and not problems.items:
        problems.items.append(ImportProblem(None, None, None, "at least one data row"))
    items = {it.code: it for it in instrument.items()}
    by_code = {c.target: c for c in plan.columns if c.role == "item"}
    numeric = [c for c in instrument.numeric_codes() if c in by_code]
    flags = {c.target: c for c in plan.columns if c.role == "dont_know_flag"}

    cols = [by_code[code] for code in numeric]
    values, dont_know = _item_matrix(raw, cols, instrument, mapping, problems)
    for j, col in enumerate(cols):
        flag = flags.get(col.target)
        if flag is not None:
            flag_mask = _flag_column(raw, flag, items[col.target], problems)
            clash = flag_mask & ~np.isnan(values[:, j])
            problems.cells(
                raw,
                flag.header,
                values[:, j],
                clash,
                f"no answer in {col.header!r} where don't know is flagged",
            )
            dont_know[:, j] |= flag_mask

    _check_constraints(raw, instrument, numeric, values, problems)

    texts: dict[str, list[str | None]] = {}
    for code in instrument.text_codes():
        for c in plan.columns:
            if c.role == "text" and c.target == code:
                texts[code] = [_as_text(v) for v in _as_objects(raw.columns[c.index])]

    keys = None
    for c in plan.columns:
        if c.role == "key":
            keys = _keys(raw, c, problems)

    chars = _characteristics(raw, plan, mapping, problems)
    if problems:
        raise ImportRejected(raw.source, problems.all())
    matrix = ResponseMatrix(codes=tuple(numeric), values=values, dont_know=dont_know)
    return ResponseTable(
        instrument_ref=instrument.ref,
        matrix=matrix,
        texts=texts,
        characteristics=chars,
        respondent_keys=keys,
    )


def _check_blank(raw: RawData, plan: Plan, problems: _Problems) -> None:
    for i in plan.blank:
        data = raw.columns[i]
        if data is None:
            continue
        filled = np.array([_as_text(v) is not None for v in _as_objects(data)], bool)
        if filled.any():
            problems.items.append(
                ImportProblem(None, f"#{i + 1}", None, "a column name in the header row")
            )


_BLOCK_ROWS = 16384


@dataclass
class _Rules:
    """The checks of one item column, prepared once (see module docstring)."""

    col: PlannedColumn
    item: Item
    scale: Scale
    expected: str
    recode: dict[float, float | None]
    user_missing: list[tuple[float, float]]
    extra_dont_know: list[float]
    """Declared don't-know codes (mapping) of an item that offers don't know."""
    refused: list[float]
    """Declared don't-know codes of an item that does not offer it (an error)."""
    choice: npt.NDArray[np.float64] | None


def _item_matrix(
    raw: RawData,
    cols: list[PlannedColumn],
    instrument: Instrument,
    mapping: ImportMapping,
    problems: _Problems,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The validated ``(n, k)`` answer matrix (C order) and its don't-know mask.

    Checks run on blocks of rows over all items at once (bounds broadcast per
    column), so a clean file costs a few passes over memory that stays in cache;
    per-column loops run only for columns with a recode, SPSS missing ranges,
    declared codes or a choice scale.
    """
    k = len(cols)
    rules: list[_Rules] = []
    for col in cols:
        item = instrument.item(col.target)
        scale = instrument.scale(item.scale)
        _check_labels(raw, col, item, scale, mapping, problems)
        declared = list(mapping.dont_know_of(col.header)) + [
            c for c in mapping.dont_know if not scale.admits(c)
        ]
        rules.append(
            _Rules(
                col=col,
                item=item,
                scale=scale,
                expected=scale.describe(),
                recode=dict(mapping.recode_of(col.header)),
                user_missing=raw.user_missing.get(col.index, []),
                extra_dont_know=declared if item.dont_know else [],
                refused=[] if item.dont_know else declared,
                choice=(
                    np.asarray([p.value for p in scale.points], np.float64)
                    if scale.kind == "choice"
                    else None
                ),
            )
        )
    values = _assemble(raw, rules, problems)
    dont_know = np.zeros((raw.n, k), bool)
    if k == 0:
        return values, dont_know
    lo = np.array([_bounds(r.scale)[0] for r in rules], np.float64)
    hi = np.array([_bounds(r.scale)[1] for r in rules], np.float64)
    default_dk = np.array(
        [float(dont_know_code(r.scale) or np.nan) if r.item.dont_know else np.nan for r in rules],
        np.float64,
    )
    missing = np.asarray(mapping.missing, np.float64)
    special = [
        j
        for j, r in enumerate(rules)
        if r.recode or r.user_missing or r.refused or r.extra_dont_know or r.choice is not None
    ]
    for start in range(0, raw.n, _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, raw.n)
        block = values[start:stop]
        shown = block.copy() if any(rules[j].recode for j in special) else block
        for j in special:
            r = rules[j]
            if r.recode:
                column = shown[:, j]
                recoded = column.copy()
                for src, dst in r.recode.items():
                    recoded[column == src] = np.nan if dst is None else dst
                block[:, j] = recoded
        skipped = np.isin(block, missing) if missing.size else np.zeros(block.shape, bool)
        dk = (block == default_dk) & ~skipped
        ok = (block >= lo) & (block <= hi) & (block == np.floor(block))
        for j in special:
            r = rules[j]
            column = block[:, j]
            if r.user_missing:
                # SPSS missing codes refer to the values in the file, before any recode
                original = shown[:, j]
                inside = np.zeros(len(column), bool)
                for low, high in r.user_missing:
                    inside |= (original >= low) & (original <= high)
                if r.item.dont_know:
                    dk[:, j] |= inside & ~skipped[:, j]
                else:
                    skipped[:, j] |= inside
            if r.extra_dont_know:
                dk[:, j] |= _isin(column, r.extra_dont_know) & ~skipped[:, j]
            if r.refused:
                refused = _isin(column, r.refused) & ~skipped[:, j]
                for i in np.flatnonzero(refused):
                    problems.add(
                        int(raw.rows[start + i]),
                        r.col.header,
                        _fmt(shown[i, j]),
                        f"{r.expected}; item {r.item.code} does not offer don't know",
                    )
                skipped[:, j] |= refused
            if r.choice is not None:
                ok[:, j] = np.isin(column, r.choice)
        blank = dk | skipped
        bad = ~blank & ~ok & ~np.isnan(block)
        if bad.any():
            for i, j in zip(*np.nonzero(bad), strict=True):
                r = rules[j]
                problems.add(int(raw.rows[start + i]), r.col.header, _fmt(shown[i, j]), r.expected)
            blank |= bad
        if blank.any():
            block[blank] = np.nan
        dont_know[start:stop] = dk
    return values, dont_know


def _bounds(scale: Scale) -> tuple[float, float]:
    if scale.kind == "text":
        return (np.inf, -np.inf)
    lo, hi = scale.bounds()
    return (float(lo), float(hi))


def _assemble(raw: RawData, rules: list[_Rules], problems: _Problems) -> npt.NDArray[np.float64]:
    """The item columns of ``raw`` as one C-ordered float64 matrix; cells that are not
    numbers are reported (wrong type) and left empty."""
    n, k = raw.n, len(rules)
    data = [raw.columns[r.col.index] for r in rules]
    if k and all(isinstance(d, pa.ChunkedArray) and pa.types.is_floating(d.type) for d in data):
        # Arrow's own row-major conversion, one record batch at a time.
        table = pa.Table.from_arrays(data, names=[f"c{j}" for j in range(k)])
        out = np.empty((n, k), np.float64)
        row = 0
        for batch in table.to_batches():
            tensor = np.asarray(batch.to_tensor(null_to_nan=True, row_major=True))
            out[row : row + len(tensor)] = tensor
            row += len(tensor)
        return out
    columns: list[npt.NDArray[np.float64]] = []
    for r, d in zip(rules, data, strict=True):
        numbers, wrong = _as_numbers(d)
        if wrong is not None:
            problems.cells(raw, r.col.header, d, wrong, f"a number: {r.expected}")
        columns.append(numbers)
    out = np.empty((n, k), np.float64)
    for start in range(0, n, 4096):
        stop = min(start + 4096, n)
        for j, c in enumerate(columns):
            out[start:stop, j] = c[start:stop]
    return out


def _check_labels(
    raw: RawData,
    col: PlannedColumn,
    item: Item,
    scale: Scale,
    mapping: ImportMapping,
    problems: _Problems,
) -> None:
    """Reject value labels on values the scale does not admit (an SPSS file that
    codes the item differently), unless the value is a declared missing code."""
    labels = raw.value_labels.get(col.index)
    if not labels:
        return
    recode = mapping.recode_of(col.header)
    allowed = set(mapping.missing) | set(mapping.dont_know) | set(mapping.dont_know_of(col.header))
    default = dont_know_code(scale)
    if item.dont_know and default is not None:
        allowed.add(float(default))
    ranges = raw.user_missing.get(col.index, [])
    for value, text in sorted(labels.items()):
        target = recode.get(value, value)
        if target is None or value in allowed or scale.admits(target):
            continue
        if any(lo <= value <= hi for lo, hi in ranges):
            continue
        problems.items.append(
            ImportProblem(
                None,
                col.header,
                f"{_fmt(value)} = {text!r}",
                f"value labels only on {scale.describe()} or on declared missing codes "
                "(declare it missing in the file, or in the mapping's missing/dont_know)",
            )
        )


def _isin(values: npt.NDArray[np.float64], codes: Sequence[float]) -> npt.NDArray[np.bool_]:
    if not codes:
        return np.zeros(len(values), bool)
    if len(codes) == 1:
        return np.asarray(values == codes[0], bool)
    return np.isin(values, np.asarray(codes, np.float64))


def _flag_column(
    raw: RawData, col: PlannedColumn, item: Item, problems: _Problems
) -> npt.NDArray[np.bool_]:
    data = _as_objects(raw.columns[col.index])
    mask = np.zeros(len(data), bool)
    bad = np.zeros(len(data), bool)
    for i, v in enumerate(data):
        parsed = _boolean(v)
        if parsed is None and _as_text(v) is not None:
            bad[i] = True
        mask[i] = parsed is True
    problems.cells(raw, col.header, data, bad, "true or false")
    if not item.dont_know:
        problems.cells(
            raw, col.header, data, mask, f"false: item {item.code} does not offer don't know"
        )
    return mask


def _check_constraints(
    raw: RawData,
    instrument: Instrument,
    numeric: Sequence[str],
    values: npt.NDArray[np.float64],
    problems: _Problems,
) -> None:
    for constraint in instrument.constraints:
        if not all(c in numeric for c in constraint.codes):
            continue
        block = values[:, [numeric.index(c) for c in constraint.codes]]
        answered = ~np.isnan(block).all(axis=1)
        total = np.nansum(block, axis=1)
        bad = answered & (total != constraint.total)
        name = "+".join(constraint.codes)
        problems.cells(
            raw,
            name,
            total,
            bad,
            f"answers that add up to {constraint.total}",
        )


def _keys(raw: RawData, col: PlannedColumn, problems: _Problems) -> list[str | None]:
    keys = [_as_text(v) for v in _as_objects(raw.columns[col.index])]
    series = pd.Series(keys, dtype=object)
    dup = series.notna() & series.duplicated(keep="first")
    problems.cells(raw, col.header, keys, dup.to_numpy(), "a unique respondent key")
    return [None if k is None else k.strip() for k in keys]


# -- characteristics -----------------------------------------------------------------


def _characteristics(
    raw: RawData, plan: Plan, mapping: ImportMapping, problems: _Problems
) -> pd.DataFrame:
    frame: dict[str, Any] = {}
    for c in plan.columns:
        if c.role != "characteristic":
            continue
        spec = mapping.characteristics[c.target]
        frame[c.target] = _characteristic(raw, c, spec, problems)
    return pd.DataFrame(frame, index=pd.RangeIndex(raw.n))


def _characteristic(
    raw: RawData, col: PlannedColumn, spec: Characteristic, problems: _Problems
) -> Any:
    data = raw.columns[col.index]
    labels = raw.value_labels.get(col.index)
    where = f"{spec.type} (characteristic {col.target!r})"
    if spec.type == "string":
        cells = _as_objects(data)
        if labels:
            cells = np.array([labels.get(v, v) if _is_number(v) else v for v in cells], object)
        return pd.Series([_as_text(v) for v in cells], dtype="str")
    if spec.type in ("integer", "float"):
        numbers, wrong = _as_numbers(data)
        if wrong is not None:
            problems.cells(raw, col.header, data, wrong, f"a number, {where}")
            numbers = np.where(wrong, np.nan, numbers)
        if spec.type == "float":
            return pd.Series(numbers, dtype="float64")
        fraction = ~np.isnan(numbers) & (numbers != np.floor(numbers))
        problems.cells(raw, col.header, data, fraction, f"a whole number, {where}")
        numbers = np.where(fraction, np.nan, numbers)
        empty = np.isnan(numbers)
        whole = np.where(empty, 0, numbers).astype(np.int64)
        return pd.Series(pd.arrays.IntegerArray(whole, empty))
    if spec.type == "boolean":
        cells = _as_objects(data)
        parsed = [_boolean(v) for v in cells]
        bad = np.array(
            [p is None and _as_text(v) is not None for p, v in zip(parsed, cells, strict=True)],
            bool,
        )
        problems.cells(raw, col.header, cells, bad, f"true/false, yes/no or 1/0, {where}")
        return pd.array(parsed, dtype="boolean")
    return _dates(raw, col, spec, data, where, problems)


def _dates(
    raw: RawData,
    col: PlannedColumn,
    spec: Characteristic,
    data: Any,
    where: str,
    problems: _Problems,
) -> pd.Series:
    if not isinstance(data, pa.ChunkedArray | pa.Array):
        arr = np.asarray(data)
        if arr.dtype.kind == "M":
            return pd.Series(arr.astype("datetime64[ns]"))
    cells = _as_objects(data)
    texts = pd.Series(
        [v if isinstance(v, dt.date | np.datetime64) else _as_text(v) for v in cells],
        dtype=object,
    )
    is_text = texts.map(lambda v: isinstance(v, str))
    out = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns]")
    native = texts.notna() & ~is_text
    if native.any():
        out[native] = pd.to_datetime(texts[native].astype(object)).astype("datetime64[ns]")
    if is_text.any():
        parsed = pd.to_datetime(
            texts[is_text].astype(str).str.strip(),
            format=spec.format or "ISO8601",
            errors="coerce",
        )
        out[is_text] = parsed.astype("datetime64[ns]")
        bad = (is_text & out.isna()).to_numpy()
        expected = f"a date as {spec.format}" if spec.format else "a date as YYYY-MM-DD"
        problems.cells(raw, col.header, cells, bad, f"{expected}, {where}")
    return out


def _boolean(v: Any) -> bool | None:
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


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)


# -- samples -------------------------------------------------------------------------


def build_sample(raw: RawData, plan: Plan, mapping: ImportMapping) -> SampleTable:
    """Validate a sample: a valid, unique ``email`` on every row, ``language`` one of
    ``nl``/``en`` (empty: ``nl``), and the declared characteristics."""
    problems = _Problems([*plan.problems, *raw.problems])
    _check_blank(raw, plan, problems)
    if raw.n == 0 and not problems.items:
        problems.items.append(ImportProblem(None, None, None, "at least one data row"))
    fields: dict[str, list[str | None]] = {f: [None] * raw.n for f in CONTACT_FIELDS}
    for c in plan.columns:
        if c.role == "contact":
            fields[c.target] = [_as_text(v) for v in _as_objects(raw.columns[c.index])]
            fields[c.target] = [None if v is None else v.strip() for v in fields[c.target]]
            if c.target == "email":
                _check_emails(raw, c.header, fields["email"], problems)
            if c.target == "language":
                langs = [None if v is None else v.casefold() for v in fields["language"]]
                bad = np.array([v is not None and v not in LANGUAGES for v in langs], bool)
                problems.cells(raw, c.header, fields["language"], bad, "nl or en (empty: nl)")
                fields["language"] = langs
    fields["language"] = [v or "nl" for v in fields["language"]]
    chars = _characteristics(raw, plan, mapping, problems)
    if problems:
        raise ImportRejected(raw.source, problems.all())
    contacts = pd.DataFrame({f: pd.Series(fields[f], dtype="str") for f in CONTACT_FIELDS})
    return SampleTable(contacts=contacts, characteristics=chars)


def _check_emails(raw: RawData, header: str, emails: list[str | None], problems: _Problems) -> None:
    series = pd.Series(emails, dtype=object)
    filled = series.notna().to_numpy(dtype=bool)
    valid = series.fillna("").astype(str).str.match(_EMAIL).to_numpy(dtype=bool)
    problems.cells(raw, header, emails, ~filled, "an e-mail address (required)")
    problems.cells(
        raw, header, emails, filled & ~valid, "a valid e-mail address like name@example.org"
    )
    folded = series.map(lambda v: v.casefold() if isinstance(v, str) else v)
    dup = (folded.duplicated() & series.notna()).to_numpy(dtype=bool)
    problems.cells(raw, header, emails, dup & valid, "a unique e-mail address")
