"""Import a file of responses or contacts into a study, all or nothing.

The io layer (:mod:`gapsight.io`) reads and validates the whole file first; a file
with any problem raises :class:`~gapsight.io.ImportRejected` listing every problem and
nothing is touched. A valid file is then stored in the caller's transaction
(:func:`gapsight.store.database.unit_of_work`), so a database error also leaves
nothing behind.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     result = import_responses(session, study_id, Path("wave.csv"))
    >>> #     result.rows, result.statuses   -> (412, {'complete': 398, 'partial': 14})
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from gapsight import io
from gapsight.services.characteristics import types_of
from gapsight.services.instruments import as_instrument
from gapsight.services.responses import store_table
from gapsight.services.samples import store_sample
from gapsight.services.studies import get_study

__all__ = ["ImportProgress", "ImportResult", "import_responses", "import_sample"]

ImportProgress = Callable[[str, int, int], None]
"""``progress(phase, done, total)`` with phase ``"read"`` (bytes or rows of the file)
or ``"store"`` (rows written to the database)."""


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    kind: Literal["responses", "sample"]
    study_id: int
    source: str
    rows: int
    statuses: dict[str, int] = field(default_factory=dict)
    """Responses per status (``complete``, ``partial``, ``started``); empty for samples."""
    characteristics: dict[str, str] = field(default_factory=dict)
    """The study's declared characteristics after the import, ``{name: type}``."""


def _phase(progress: ImportProgress | None, phase: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(phase, done, total)


def _mapping(mapping_path: Path | None) -> io.ImportMapping | None:
    return None if mapping_path is None else io.read_mapping(Path(mapping_path))


def import_responses(
    session: Session,
    wave_id: int,
    path: Path,
    *,
    mapping_path: Path | None = None,
    fmt: str | None = None,
    anonymous: bool | None = None,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Read, validate and store a file of responses to wave ``wave_id``.

    The file is validated against the wave's instrument version; ``anonymous``
    defaults to the wave's anonymity mode. Raises :class:`~gapsight.io.ImportRejected`
    for an invalid file, ``KeyError`` for an unknown study, ``FileNotFoundError`` for a
    missing mapping file.
    """
    study = get_study(session, wave_id)
    instrument = as_instrument(study.instrument_version)
    table = io.read_responses(
        Path(path),
        instrument,
        mapping=_mapping(mapping_path),
        fmt=fmt,
        progress=_phase(progress, "read"),
    )
    stored = store_table(
        session, wave_id, table, anonymous=anonymous, progress=_phase(progress, "store")
    )
    return ImportResult(
        kind="responses",
        study_id=wave_id,
        source=str(path),
        rows=stored.stored,
        statuses=stored.statuses,
        characteristics=types_of(study),
    )


def import_sample(
    session: Session,
    wave_id: int,
    path: Path,
    *,
    mapping_path: Path | None = None,
    fmt: str | None = None,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Read, validate and store a sample file (contacts to invite) for wave ``wave_id``."""
    study = get_study(session, wave_id)
    sample = io.read_sample(
        Path(path), mapping=_mapping(mapping_path), fmt=fmt, progress=_phase(progress, "read")
    )
    rows = store_sample(session, wave_id, sample, progress=_phase(progress, "store"))
    return ImportResult(
        kind="sample",
        study_id=wave_id,
        source=str(path),
        rows=rows,
        characteristics=types_of(study),
    )
