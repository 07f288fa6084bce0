"""The import mapping: how the columns of a user's file become item codes.

A research agency's file rarely uses gapsight's stable item codes as headers, and it
codes "don't know" its own way (6 on a 5-point scale, 9, 99 …). The user describes the
file once in a small YAML *mapping file*; :func:`read_mapping` turns it into an
immutable :class:`ImportMapping` that every reader accepts.

Without a mapping, a column whose header equals an item code (case-insensitive, spaces
around it ignored) is that item; a column named ``respondent_key`` is the respondent
key; every other column is an error ("unknown column") unless the mapping declares it
a characteristic or ignores it. The full format is documented in
``docs/import-export.md``. Example::

    # mapping.yaml
    respondent_key: RespNr
    sheet: Antwoorden            # Excel only: which sheet (default: the first)
    columns:                     # file column -> item code (or contact field)
      V1: cvs_satisfaction
      V2: cvs_loyalty
      V3: cvs_recommend
    recode:                      # per file column: value in the file -> value stored
      V1: {11: 10}
    dont_know: [99]              # codes meaning "don't know" wherever not a valid answer
    dont_know_by_column:
      V2: [6]
    missing: [-1]                # codes meaning "skipped / not asked"
    characteristics:             # loaded characteristics and their types
      segment: string
      start: {column: Klant sinds, type: date, format: "%d-%m-%Y"}
    ignore: [Timestamp, IP]

    >>> from gapsight.io import ImportMapping
    >>> m = ImportMapping.parse({"columns": {"V1": "cvs_satisfaction"}, "dont_know": [99]})
    >>> m.target_of("v1"), m.dont_know
    ('cvs_satisfaction', (99.0,))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml

from gapsight.io.table import ImportProblem, ImportRejected

__all__ = [
    "CHARACTERISTIC_TYPES",
    "Characteristic",
    "CharacteristicType",
    "ImportMapping",
    "normalise",
    "read_mapping",
]

CharacteristicType = Literal["string", "integer", "float", "boolean", "date"]
"""How a loaded characteristic is typed: text, whole number, number, yes/no, date."""

CHARACTERISTIC_TYPES: tuple[str, ...] = get_args(CharacteristicType)

_KEYS = {
    "respondent_key": "the column holding a stable respondent key",
    "sheet": "the Excel sheet to read",
    "encoding": "the text encoding of a CSV file",
    "columns": "a mapping of file column to item code",
    "recode": "per file column, a mapping of value to value",
    "dont_know": "a list of don't-know codes",
    "dont_know_by_column": "per file column, a list of don't-know codes",
    "missing": "a list of codes meaning skipped",
    "characteristics": "a mapping of characteristic name to type",
    "ignore": "a list of columns to skip",
    "unknown_columns": "'error' or 'ignore'",
}


def normalise(name: str) -> str:
    """The form in which column names are compared: stripped and case-folded."""
    return name.strip().casefold()


@dataclass(frozen=True)
class Characteristic:
    """One loaded characteristic: the file ``column`` it comes from and its ``type``.

    ``format`` is an optional ``strftime`` pattern for ``date`` columns written as text
    in a non-ISO order (e.g. ``"%d-%m-%Y"``); ISO 8601 dates need none.
    """

    column: str
    type: CharacteristicType = "string"
    format: str | None = None


@dataclass(frozen=True)
class ImportMapping:
    """How to read one kind of file; every field is optional.

    Attributes:
        columns: file column → item code (responses) or contact field (samples:
            ``email``, ``name``, ``language``, ``external_id``).
        characteristics: characteristic name → :class:`Characteristic`.
        respondent_key: file column holding a stable respondent key (responses).
        ignore: file columns to skip.
        recode: file column → {value in file: value stored}; ``None`` as target
            means "missing". Applied before validation.
        dont_know: codes meaning "don't know" in every item column whose scale does
            not admit them as answers (so a global 6 never hides a valid 6 on 1–7).
        dont_know_by_column: file column → don't-know codes for that column only.
        missing: codes meaning "skipped / not asked" (stored as missing, not as
            don't know).
        sheet: the Excel sheet to read (default: the first).
        encoding: text encoding of CSV files (default ``utf-8``; a BOM is tolerated).
        unknown_columns: ``"error"`` (default) rejects a file with columns that map to
            nothing; ``"ignore"`` skips them.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    characteristics: Mapping[str, Characteristic] = field(default_factory=dict)
    respondent_key: str | None = None
    ignore: frozenset[str] = frozenset()
    recode: Mapping[str, Mapping[float, float | None]] = field(default_factory=dict)
    dont_know: tuple[float, ...] = ()
    dont_know_by_column: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    missing: tuple[float, ...] = ()
    sheet: str | None = None
    encoding: str = "utf-8"
    unknown_columns: Literal["error", "ignore"] = "error"

    # -- lookup by file column (case-insensitive) -------------------------------------
    def target_of(self, column: str) -> str | None:
        """The item code or contact field that file ``column`` maps to, if declared."""
        found: str | None = _lookup(self.columns, column)
        return found

    def recode_of(self, column: str) -> Mapping[float, float | None]:
        """The recode table of file ``column`` (empty when none)."""
        found: Mapping[float, float | None] | None = _lookup(self.recode, column)
        return found or {}

    def dont_know_of(self, column: str) -> tuple[float, ...]:
        """Don't-know codes declared for file ``column`` only."""
        found: tuple[float, ...] | None = _lookup(self.dont_know_by_column, column)
        return found or ()

    def is_ignored(self, column: str) -> bool:
        """Whether file ``column`` is to be skipped."""
        return normalise(column) in {normalise(c) for c in self.ignore}

    def with_characteristics(self, declared: Mapping[str, str]) -> ImportMapping:
        """A copy with extra characteristics ``{name: type}`` (name = file column), as
        given on a command line: ``--characteristic segment:string``."""
        extra = {}
        for name, type_ in declared.items():
            if type_ not in CHARACTERISTIC_TYPES:
                raise ValueError(
                    f"characteristic {name!r}: type {type_!r} is not one of "
                    f"{', '.join(CHARACTERISTIC_TYPES)}"
                )
            extra[name] = Characteristic(column=name, type=cast(CharacteristicType, type_))
        return dataclasses.replace(self, characteristics={**self.characteristics, **extra})

    # -- construction -----------------------------------------------------------------
    @classmethod
    def parse(cls, data: Mapping[str, Any] | None, *, source: str = "mapping") -> ImportMapping:
        """Validate ``data`` (loaded YAML); raise :class:`ImportRejected` listing every
        problem with the key at fault (``column`` = the key path)."""
        problems: list[ImportProblem] = []

        def bad(where: str, value: Any, expected: str) -> None:
            problems.append(ImportProblem(None, where, _show(value), expected))

        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ImportRejected(source, [ImportProblem(None, None, None, "a YAML mapping")])
        for key in data:
            if key not in _KEYS:
                bad(str(key), None, "one of the keys " + ", ".join(sorted(_KEYS)))

        def text(key: str) -> str | None:
            value = data.get(key)
            if value is None:
                return None
            if not isinstance(value, str | int) or isinstance(value, bool):
                bad(key, value, _KEYS[key])
                return None
            return str(value)

        def codes(where: str, value: Any) -> tuple[float, ...]:
            if value is None:
                return ()
            items = value if isinstance(value, list) else [value]
            out = []
            for v in items:
                number = _number(v)
                if number is None:
                    bad(where, v, "a numeric code")
                else:
                    out.append(number)
            return tuple(out)

        def table(key: str) -> Mapping[Any, Any]:
            value = data.get(key)
            if value is None:
                return {}
            if not isinstance(value, Mapping):
                bad(key, value, _KEYS[key])
                return {}
            return value

        columns = {}
        for col, code in table("columns").items():
            if not isinstance(code, str) or not code.strip():
                bad(f"columns.{col}", code, "an item code or contact field")
            else:
                columns[str(col)] = code.strip()

        recode: dict[str, dict[float, float | None]] = {}
        for col, pairs in table("recode").items():
            if not isinstance(pairs, Mapping):
                bad(f"recode.{col}", pairs, "a mapping of value to value, e.g. {11: 10}")
                continue
            entry: dict[float, float | None] = {}
            for src, dst in pairs.items():
                s, d = _number(src), _number(dst)
                if s is None:
                    bad(f"recode.{col}", src, "a numeric value to recode")
                elif dst is not None and d is None:
                    bad(f"recode.{col}.{src}", dst, "a numeric value, or null for missing")
                else:
                    entry[s] = d
            recode[str(col)] = entry

        by_column = {
            str(col): codes(f"dont_know_by_column.{col}", v)
            for col, v in table("dont_know_by_column").items()
        }

        chars: dict[str, Characteristic] = {}
        for name, spec in table("characteristics").items():
            where = f"characteristics.{name}"
            if isinstance(spec, str):
                spec = {"type": spec}
            if not isinstance(spec, Mapping):
                bad(where, spec, "a type or {column: ..., type: ..., format: ...}")
                continue
            unknown = set(spec) - {"column", "type", "format"}
            if unknown:
                bad(where, ", ".join(map(str, unknown)), "only the keys column, type, format")
            type_ = spec.get("type", "string")
            if type_ not in CHARACTERISTIC_TYPES:
                bad(f"{where}.type", type_, "one of " + ", ".join(CHARACTERISTIC_TYPES))
                continue
            fmt = spec.get("format")
            if fmt is not None and (type_ != "date" or not isinstance(fmt, str)):
                bad(f"{where}.format", fmt, "a strftime pattern, only for type date")
            column = spec.get("column", name)
            chars[str(name)] = Characteristic(
                column=str(column),
                type=cast(CharacteristicType, type_),
                format=fmt if isinstance(fmt, str) else None,
            )

        ignore_raw = data.get("ignore") or []
        if not isinstance(ignore_raw, list):
            ignore_raw = [ignore_raw]
        unknown_columns = data.get("unknown_columns", "error")
        if unknown_columns not in ("error", "ignore"):
            bad("unknown_columns", unknown_columns, _KEYS["unknown_columns"])
            unknown_columns = "error"

        mapping = cls(
            columns=columns,
            characteristics=chars,
            respondent_key=text("respondent_key"),
            ignore=frozenset(str(c) for c in ignore_raw),
            recode=recode,
            dont_know=codes("dont_know", data.get("dont_know")),
            dont_know_by_column=by_column,
            missing=codes("missing", data.get("missing")),
            sheet=text("sheet"),
            encoding=text("encoding") or "utf-8",
            unknown_columns=unknown_columns,
        )
        if mapping.encoding:
            import codecs

            try:
                codecs.lookup(mapping.encoding)
            except LookupError:
                bad("encoding", mapping.encoding, "a known text encoding, e.g. utf-8, cp1252")
        if problems:
            raise ImportRejected(source, problems)
        return mapping


def read_mapping(path: Path) -> ImportMapping:
    """Read and validate a YAML mapping file; :class:`ImportRejected` on any problem.

    Example::

        mapping = read_mapping(Path("agency-2025.yaml"))
        table = read_responses(Path("wave.sav"), instrument, mapping=mapping)
    """
    source = str(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ImportRejected(
            source, [ImportProblem(None, None, None, f"a readable file ({exc.strerror})")]
        ) from None
    except UnicodeDecodeError:
        raise ImportRejected(
            source, [ImportProblem(None, None, None, "a UTF-8 encoded YAML file")]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ImportRejected(
            source,
            [
                ImportProblem(
                    None if line is None else line + 1,
                    None,
                    None,
                    f"valid YAML ({getattr(exc, 'problem', None) or exc})",
                )
            ],
        ) from None
    return ImportMapping.parse(data, source=source)


def _lookup(table: Mapping[str, Any], column: str) -> Any:
    if column in table:
        return table[column]
    key = normalise(column)
    for name, value in table.items():
        if normalise(name) == key:
            return value
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _show(value: Any) -> str | None:
    return None if value is None else str(value)
