"""The public entry points: read responses or a sample, write responses.

Each function picks the format from ``fmt`` or the file suffix (``.csv``/``.txt``,
``.xlsx``/``.xlsm``, ``.sav``/``.zsav``, ``.parquet``/``.pq``), reads the header,
plans the columns against the instrument and mapping, reads the cells and validates
them all. A file with any problem raises :class:`ImportRejected` listing every one
(row, column, value, expected); the import service stores nothing in that case.

Example::

    >>> from pathlib import Path
    >>> import tempfile
    >>> from gapsight.instruments import load_builtin
    >>> cvs = load_builtin("cvs")
    >>> path = Path(tempfile.mkdtemp()) / "wave.csv"
    >>> _ = path.write_text("cvs_satisfaction;cvs_loyalty;cvs_recommend\\n8;9;\\n")
    >>> table = read_responses(path, cvs)
    >>> table.matrix.values.tolist()
    [[8.0, 9.0, nan]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from gapsight.instruments.model import Instrument
from gapsight.io import csvfile, excel, parquet, spss
from gapsight.io.columns import Plan, RawData, plan_responses, plan_sample
from gapsight.io.export import export_columns
from gapsight.io.mapping import ImportMapping
from gapsight.io.table import ImportProblem, ImportRejected, ResponseTable, SampleTable
from gapsight.io.validation import build_responses, build_sample

__all__ = ["FORMATS", "detect_format", "read_responses", "read_sample", "write_responses"]

Progress = Callable[[int, int], None]
Reader = Callable[
    [Path, Callable[[Sequence[str]], Plan], ImportMapping, Progress | None],
    tuple[RawData, Plan],
]

FORMATS = ("csv", "xlsx", "sav", "parquet")
"""Formats read and written, by name (the ``fmt`` argument)."""

_SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".sav": "sav",
    ".zsav": "sav",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_READERS: dict[str, Reader] = {
    "csv": csvfile.read_raw,
    "xlsx": excel.read_raw,
    "sav": spss.read_raw,
    "parquet": parquet.read_raw,
}


class _Steps:
    """Progress over reading (the first 90 %) and validating (the rest), so that the
    bar still has a step to take while the cells are checked."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._total = 1
        self.read: Progress | None = None if progress is None else self._read

    def _read(self, done: int, total: int) -> None:
        self._total = max(total, 1)
        if self._progress is not None:
            self._progress(done * 9 // 10, self._total)

    def done(self) -> None:
        if self._progress is not None:
            self._progress(self._total, self._total)


def detect_format(path: Path, fmt: str | None = None) -> str:
    """``fmt`` checked, or the format implied by the suffix of ``path``.

    >>> detect_format(Path("Wave 2025.XLSX"))
    'xlsx'
    """
    if fmt is not None:
        name = fmt.lower().lstrip(".")
        name = {"excel": "xlsx", "spss": "sav", "pq": "parquet"}.get(name, name)
        if name not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return name
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise ValueError(
            f"cannot tell the format of {path.name!r} from its suffix; name it "
            f"{', '.join(sorted(_SUFFIXES))} or pass fmt= one of {', '.join(FORMATS)}"
        )
    return found


def _open(path: Path, fmt: str | None) -> str:
    source = str(path)
    try:
        name = detect_format(path, fmt)
    except ValueError as exc:
        raise ImportRejected(source, [ImportProblem(None, None, None, str(exc))]) from None
    if not path.is_file():
        raise ImportRejected(source, [ImportProblem(None, None, None, "an existing file")])
    if path.stat().st_size == 0:
        raise ImportRejected(
            source, [ImportProblem(None, None, None, "a file with a header row (it is empty)")]
        )
    return name


def read_responses(
    path: Path,
    instrument: Instrument,
    *,
    mapping: ImportMapping | None = None,
    fmt: str | None = None,
    progress: Progress | None = None,
) -> ResponseTable:
    """Read and validate responses to ``instrument`` from a CSV, Excel, SPSS or
    Parquet file.

    Args:
        path: the file.
        instrument: the instrument version the answers are coded against.
        mapping: how columns map to item codes (see :func:`read_mapping`); default:
            headers are item codes, ``respondent_key`` is the key.
        fmt: ``csv``, ``xlsx``, ``sav`` or ``parquet``; default from the suffix.
        progress: called as ``progress(done, total)`` while reading, in the caller's
            thread. Units: bytes for CSV (after each 8 MB block), sheet rows for Excel
            (every 10,000), row groups for Parquet; SPSS files report only start and
            end. Reading fills 90 % of ``total``; ``done == total`` once every value
            is validated.

    Raises:
        ImportRejected: with every problem found; nothing was read.
    """
    mapping = mapping or ImportMapping()
    name = _open(path, fmt)
    steps = _Steps(progress)
    raw, plan = _READERS[name](
        path, lambda headers: plan_responses(headers, instrument, mapping), mapping, steps.read
    )
    table = build_responses(raw, plan, instrument, mapping)
    steps.done()
    return table


def read_sample(
    path: Path,
    *,
    mapping: ImportMapping | None = None,
    fmt: str | None = None,
    progress: Progress | None = None,
) -> SampleTable:
    """Read and validate a sample (contacts to invite) from a CSV, Excel, SPSS or
    Parquet file: a valid, unique ``email`` per row, optional ``name``,
    ``language`` (``nl``/``en``) and ``external_id``, and the characteristics the
    mapping declares.

    Raises:
        ImportRejected: with every problem found.
    """
    mapping = mapping or ImportMapping()
    name = _open(path, fmt)
    steps = _Steps(progress)
    raw, plan = _READERS[name](
        path, lambda headers: plan_sample(headers, mapping), mapping, steps.read
    )
    sample = build_sample(raw, plan, mapping)
    steps.done()
    return sample


def write_responses(
    path: Path,
    table: ResponseTable,
    instrument: Instrument,
    *,
    fmt: str | None = None,
    lang: str = "en",
    placeholders: dict[str, str] | None = None,
) -> None:
    """Write ``table`` as CSV, Excel, SPSS or Parquet (see ``docs/import-export.md``).

    Labels (SPSS variable and value labels, the Excel codebook, Parquet field
    metadata) are in ``lang``. ``{org}``/``{sector}`` in item texts are filled from
    ``placeholders`` (e.g. ``{"org": "Acme"}``); without them they stay as written so
    the label shows the template. The caller decides which characteristics and keys
    to include: for anonymous responses pass a table without identifying fields.
    """
    name = detect_format(path, fmt)
    if table.instrument_ref != instrument.ref:
        raise ValueError(
            f"the table holds answers to {table.instrument_ref}, not to {instrument.ref}"
        )
    columns = export_columns(table, instrument, lang, placeholders)
    if name == "csv":
        csvfile.write_columns(path, columns)
    elif name == "xlsx":
        excel.write_columns(path, columns, lang)
    elif name == "sav":
        spss.write_columns(path, columns, lang, instrument.ref)
    else:
        parquet.write_columns(path, columns, instrument.ref)
