"""What each column of a file is, and the raw cells a reader hands over.

Every reader (CSV, Excel, SPSS, Parquet) first reads the header and asks
:func:`plan_responses` / :func:`plan_sample` what each column is: an item, a free-text
item, a don't-know flag, a characteristic, the respondent key, a contact field, or
nothing (ignored, or an error). Structural problems (unknown or duplicate columns,
declared columns that are missing) are collected in the :class:`Plan`. The reader
then returns the cells as a :class:`RawData` for :mod:`gapsight.io.validation`.

Example::

    >>> from gapsight.instruments import load_builtin
    >>> plan = plan_responses(["CVS_Loyalty", "age"], load_builtin("cvs"), ImportMapping())
    >>> [(c.header, c.role, c.target) for c in plan.columns]
    [('CVS_Loyalty', 'item', 'cvs_loyalty')]
    >>> print(plan.problems[0])  # doctest: +ELLIPSIS
    column 'age'; expected an item code of cvs@1 (e.g. cvs_satisfaction, ...
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from gapsight.instruments.model import Instrument
from gapsight.io.mapping import Characteristic, ImportMapping, normalise
from gapsight.io.table import ImportProblem

__all__ = [
    "CONTACT_FIELDS",
    "DONT_KNOW_SUFFIX",
    "KEY_COLUMN",
    "Plan",
    "PlannedColumn",
    "RawData",
    "Role",
    "plan_responses",
    "plan_sample",
]

KEY_COLUMN = "respondent_key"
"""Header recognised as the respondent key when the mapping names none."""

DONT_KNOW_SUFFIX = "__dont_know"
"""Parquet exports flag don't-know in a boolean column ``<code>__dont_know``."""

CONTACT_FIELDS = ("email", "name", "language", "external_id")
"""Columns of a sample besides its characteristics; ``email`` is required."""

Role = Literal["item", "text", "dont_know_flag", "characteristic", "key", "contact", "ignore"]


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
    candidates: Sequence[str] = (),
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
                close = _closest(normalise(header), candidates)
                hint = f"; did you mean {close!r}?" if close else ""
                problems.append(ImportProblem(None, header, None, expected_unknown + hint))
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
        instrument.codes(),
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
        CONTACT_FIELDS,
    )
    problems = list(plan.problems) + mapping_problems
    if not any(c.role == "contact" and c.target == "email" for c in plan.columns):
        problems.append(ImportProblem(None, "email", None, "a column 'email' (required)"))
    return Plan(plan.columns, tuple(problems), plan.blank)


def _closest(name: str, candidates: Sequence[str]) -> str | None:
    """The candidate ``name`` was probably meant to be: equal up to leading zeros and
    separators (``P5`` → ``p05``, ``Q_1`` → ``q1``), else the closest spelling."""

    def squash(text: str) -> str:
        return re.sub(r"(?<!\d)0+(?=\d)", "", re.sub(r"[\s_\-.]", "", text.casefold()))

    same = [c for c in candidates if squash(c) == squash(name)]
    if same:
        return same[0]
    close = difflib.get_close_matches(name, candidates, 1, 0.75)
    return close[0] if close else None


def _chars(mapping: ImportMapping) -> list[tuple[str, Characteristic]]:
    return list(mapping.characteristics.items())
