"""From raw file columns to a validated table: the part every format shares.

Each reader (CSV, Excel, SPSS, Parquet) does two things only: it reads the header,
asks :mod:`gapsight.io.columns` what each column is, and then hands the raw columns
(a :class:`~gapsight.io.columns.RawData`) to :func:`build_responses` /
:func:`build_sample`.
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
    >>> from gapsight.io.columns import RawData, plan_responses
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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments.model import Instrument, Item, Scale
from gapsight.io.cells import Problems, as_numbers, as_objects, as_text, boolean, fmt, is_number
from gapsight.io.codebook import dont_know_code
from gapsight.io.columns import (
    CONTACT_FIELDS,
    Plan,
    PlannedColumn,
    RawData,
)
from gapsight.io.mapping import Characteristic, ImportMapping
from gapsight.io.table import ImportProblem, ImportRejected, ResponseTable, SampleTable

__all__ = ["build_responses", "build_sample"]

LANGUAGES = ("nl", "en")

_EMAIL = r"^[^@\s,;<>]+@[^@\s,;<>.]+(\.[^@\s,;<>.]+)+$"


# -- responses -----------------------------------------------------------------------


def build_responses(
    raw: RawData, plan: Plan, instrument: Instrument, mapping: ImportMapping
) -> ResponseTable:
    """Validate ``raw`` against ``instrument`` and build the table, or raise
    :class:`ImportRejected` with every problem. Consumes the arrays of ``raw``."""
    problems = Problems([*plan.problems, *raw.problems])
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
                texts[code] = [as_text(v) for v in as_objects(raw.columns[c.index])]

    keys = None
    for c in plan.columns:
        if c.role == "key":
            keys = _keys(raw, c, problems)

    chars = _characteristics(raw, plan, mapping, problems)
    if problems:
        raise ImportRejected(raw.source, problems.all(raw.headers))
    matrix = ResponseMatrix(codes=tuple(numeric), values=values, dont_know=dont_know)
    return ResponseTable(
        instrument_ref=instrument.ref,
        matrix=matrix,
        texts=texts,
        characteristics=chars,
        respondent_keys=keys,
    )


def _check_blank(raw: RawData, plan: Plan, problems: Problems) -> None:
    for i in plan.blank:
        data = raw.columns[i]
        if data is None:
            continue
        filled = np.array([as_text(v) is not None for v in as_objects(data)], bool)
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
    problems: Problems,
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
                        fmt(shown[i, j]),
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
                problems.add(int(raw.rows[start + i]), r.col.header, fmt(shown[i, j]), r.expected)
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


def _assemble(raw: RawData, rules: list[_Rules], problems: Problems) -> npt.NDArray[np.float64]:
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
        numbers, wrong = as_numbers(d)
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
    problems: Problems,
) -> None:
    """Reject value labels that contradict the scale: a label on a value the scale
    does not admit (unless it is a declared missing code), or the instrument's label of
    one point on another value (a reversed scale: 1 = "strongly agree")."""
    labels = raw.value_labels.get(col.index)
    if not labels:
        return
    known = {text.strip().casefold(): p.value for p in scale.points for text in p.label.values()}
    recode = mapping.recode_of(col.header)
    allowed = set(mapping.missing) | set(mapping.dont_know) | set(mapping.dont_know_of(col.header))
    default = dont_know_code(scale)
    if item.dont_know and default is not None:
        allowed.add(float(default))
    ranges = raw.user_missing.get(col.index, [])
    for value, text in sorted(labels.items()):
        target = recode.get(value, value)
        if target is not None and scale.admits(target):
            meant = known.get(text.strip().casefold())
            if meant is not None and meant != target:
                problems.items.append(
                    ImportProblem(
                        None,
                        col.header,
                        f"{fmt(value)} = {text!r}",
                        f"{text!r} on {meant} as in the instrument (is the scale reversed? "
                        "then recode the column in the mapping)",
                    )
                )
            continue
        if target is None or value in allowed:
            continue
        if any(lo <= value <= hi for lo, hi in ranges):
            continue
        problems.items.append(
            ImportProblem(
                None,
                col.header,
                f"{fmt(value)} = {text!r}",
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
    raw: RawData, col: PlannedColumn, item: Item, problems: Problems
) -> npt.NDArray[np.bool_]:
    data = raw.columns[col.index]
    if isinstance(data, np.ndarray) and data.dtype == np.bool_:
        mask = data.copy()  # a typed column (Parquet): nothing to parse
    else:
        data = as_objects(data)
        mask = np.zeros(len(data), bool)
        bad = np.zeros(len(data), bool)
        for i, v in enumerate(data):
            parsed = boolean(v)
            if parsed is None and as_text(v) is not None:
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
    problems: Problems,
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


def _keys(raw: RawData, col: PlannedColumn, problems: Problems) -> list[str | None]:
    keys = [as_text(v) for v in as_objects(raw.columns[col.index])]
    series = pd.Series(keys, dtype=object)
    dup = series.notna() & series.duplicated(keep="first")
    problems.cells(raw, col.header, keys, dup.to_numpy(), "a unique respondent key")
    return [None if k is None else k.strip() for k in keys]


# -- characteristics -----------------------------------------------------------------


def _characteristics(
    raw: RawData, plan: Plan, mapping: ImportMapping, problems: Problems
) -> pd.DataFrame:
    frame: dict[str, Any] = {}
    for c in plan.columns:
        if c.role != "characteristic":
            continue
        spec = mapping.characteristics[c.target]
        frame[c.target] = _characteristic(raw, c, spec, problems)
    return pd.DataFrame(frame, index=pd.RangeIndex(raw.n))


def _characteristic(
    raw: RawData, col: PlannedColumn, spec: Characteristic, problems: Problems
) -> Any:
    data = raw.columns[col.index]
    labels = raw.value_labels.get(col.index)
    where = f"{spec.type} (characteristic {col.target!r})"
    if spec.type == "string":
        cells = as_objects(data)
        if labels:
            cells = np.array([labels.get(v, v) if is_number(v) else v for v in cells], object)
        return pd.Series([as_text(v) for v in cells], dtype="str")
    if spec.type in ("integer", "float"):
        numbers, wrong = as_numbers(data)
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
        if isinstance(data, np.ndarray) and data.dtype == np.bool_:
            return pd.Series(pd.array(data, dtype="boolean"))
        cells = as_objects(data)
        parsed = [boolean(v) for v in cells]
        bad = np.array(
            [p is None and as_text(v) is not None for p, v in zip(parsed, cells, strict=True)],
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
    problems: Problems,
) -> pd.Series:
    if not isinstance(data, pa.ChunkedArray | pa.Array):
        arr = np.asarray(data)
        if arr.dtype.kind == "M":
            return pd.Series(arr.astype("datetime64[ns]"))
    cells = as_objects(data)
    texts = pd.Series(
        [v if isinstance(v, dt.date | np.datetime64) else as_text(v) for v in cells],
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


# -- samples -------------------------------------------------------------------------


def build_sample(raw: RawData, plan: Plan, mapping: ImportMapping) -> SampleTable:
    """Validate a sample: a valid, unique ``email`` on every row, ``language`` one of
    ``nl``/``en`` (empty: ``nl``), and the declared characteristics."""
    problems = Problems([*plan.problems, *raw.problems])
    _check_blank(raw, plan, problems)
    if raw.n == 0 and not problems.items:
        problems.items.append(ImportProblem(None, None, None, "at least one data row"))
    fields: dict[str, list[str | None]] = {f: [None] * raw.n for f in CONTACT_FIELDS}
    for c in plan.columns:
        if c.role == "contact":
            fields[c.target] = [as_text(v) for v in as_objects(raw.columns[c.index])]
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
        raise ImportRejected(raw.source, problems.all(raw.headers))
    contacts = pd.DataFrame({f: pd.Series(fields[f], dtype="str") for f in CONTACT_FIELDS})
    return SampleTable(contacts=contacts, characteristics=chars)


def _check_emails(raw: RawData, header: str, emails: list[str | None], problems: Problems) -> None:
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
