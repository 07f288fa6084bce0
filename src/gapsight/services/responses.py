"""Store a validated response table, and load a whole wave back as a response matrix.

Both directions are bulk operations built for waves of millions of respondents:

- :func:`store_table` encodes the answers with :func:`gapsight.store.answers.encode`
  (packed vector, don't-know bitmask, queryable JSON, texts — all from the same arrays)
  and inserts them in chunks on the raw driver connection (``executemany`` on SQLite,
  ``COPY`` on PostgreSQL) inside the caller's transaction, so a failure stores nothing.
- :func:`load_wave` reads ``vector, dont_know`` of every response of the wave in one
  sequential, ordered scan and turns them into a ``float64`` matrix with one
  ``numpy.frombuffer`` — no pivot of answer rows.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     store_table(session, study_id, table)        # table: io.ResponseTable
    >>> # wave = load_wave(engine, study_id)
    >>> # wave.matrix.column("p05").mean(), wave.study.min_group_size
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments.model import Instrument
from gapsight.io.table import ResponseTable
from gapsight.services import characteristics as chars
from gapsight.services.instruments import as_instrument
from gapsight.services.studies import StudyInfo, get_study, info, seal_anonymous_snapshots
from gapsight.store.answers import decode, encode
from gapsight.store.models import Study

__all__ = [
    "CHUNK_SIZE",
    "Progress",
    "StoreResult",
    "WaveData",
    "load_wave",
    "required_codes",
    "response_statuses",
    "store_table",
]

CHUNK_SIZE = 50_000
"""Rows encoded and inserted per batch (bounds memory on huge imports)."""

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called after each stored chunk."""

_COLUMNS = (
    "wave_id",
    "instrument_version_id",
    "status",
    "anonymous",
    "respondent_key",
    "characteristics",
    "started_at",
    "completed_at",
    "vector",
    "dont_know",
    "answers",
    "texts",
)


@dataclass(frozen=True)
class StoreResult:
    """What :func:`store_table` stored: the number of responses per status."""

    stored: int
    statuses: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class WaveData:
    """A wave ready for analysis: settings, instrument and the response matrix.

    Attributes:
        study: the wave's settings (min group size, population, confidence, kind …).
        instrument: the instrument version the responses answered.
        matrix: respondents × every numeric item of the instrument (in
            ``numeric_codes()`` order), don't-know mask and the loaded characteristics
            as arrays (see :func:`gapsight.services.characteristics.arrays`).
        response_ids: database id per row (rows are in id order).
        statuses: ``started`` / ``partial`` / ``complete`` per row.
        respondent_keys: key to pair respondents across waves, ``None`` when absent.
        texts: free-text answers per text item code.
        characteristic_types: ``{name: type}`` of the loaded characteristics.
    """

    study: StudyInfo
    instrument: Instrument
    matrix: ResponseMatrix
    response_ids: npt.NDArray[np.int64]
    statuses: npt.NDArray[np.str_]
    respondent_keys: list[str | None]
    texts: dict[str, list[str | None]]
    characteristic_types: dict[str, str]

    @property
    def n(self) -> int:
        """Number of responses."""
        return self.matrix.n


def required_codes(instrument: Instrument, modules: dict[str, bool]) -> tuple[str, ...]:
    """Codes of the required items among the modules enabled for the wave."""
    return tuple(it.code for it in instrument.items(modules=modules) if it.required)


def response_statuses(
    codes: Sequence[str],
    values: npt.NDArray[np.float64],
    dont_know: npt.NDArray[np.bool_] | None,
    texts: dict[str, list[str | None]],
    required: Sequence[str],
) -> list[str]:
    """``complete`` when every required item is answered ("don't know" counts as an
    answer), ``started`` when nothing at all is answered, ``partial`` otherwise."""
    answered = ~np.isnan(values)
    if dont_know is not None:
        answered |= dont_know
    n = values.shape[0]
    index = {c: j for j, c in enumerate(codes)}
    text_answered = {
        c: np.array([v not in (None, "") for v in col], dtype=np.bool_) for c, col in texts.items()
    }
    complete = np.ones(n, dtype=np.bool_)
    for code in required:
        if code in index:
            complete &= answered[:, index[code]]
        elif code in text_answered:
            complete &= text_answered[code]
        else:
            complete &= False
    anything = answered.any(axis=1)
    for col in text_answered.values():
        anything |= col
    out = np.where(complete, "complete", np.where(anything, "partial", "started"))
    return [str(s) for s in out.tolist()]


def _expand(
    table: ResponseTable, codes: tuple[str, ...]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_] | None]:
    """The table's columns placed at their positions among all ``codes``."""
    m = table.matrix
    index = {c: j for j, c in enumerate(codes)}
    unknown = [c for c in m.codes if c not in index]
    if unknown:
        raise ValueError(
            f"response table has columns that are not numeric items of "
            f"{table.instrument_ref}: {', '.join(unknown)}"
        )
    if m.codes == codes:
        return m.values, m.dont_know
    values = np.full((m.n, len(codes)), np.nan)
    dk = None if m.dont_know is None else np.zeros((m.n, len(codes)), dtype=np.bool_)
    for j, code in enumerate(m.codes):
        values[:, index[code]] = m.values[:, j]
        if dk is not None and m.dont_know is not None:
            dk[:, index[code]] = m.dont_know[:, j]
    return values, dk


def _anonymity(study: Study, anonymous: bool | None) -> bool:
    if anonymous is None:
        return study.anonymity_mode != "identified"
    if not anonymous and study.anonymity_mode == "anonymous":
        raise ValueError(
            f"study {study.id} is anonymous ({study.kind}); its responses cannot be stored "
            "as identified"
        )
    if anonymous and study.anonymity_mode == "identified":
        raise ValueError(f"study {study.id} is identified; its responses cannot be anonymous")
    return anonymous


def store_table(
    session: Session,
    wave_id: int,
    table: ResponseTable,
    *,
    anonymous: bool | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> StoreResult:
    """Store every row of ``table`` as a response of wave ``wave_id``.

    ``anonymous`` defaults to the wave's anonymity mode (``choice`` → anonymous, the
    safe side). ``started_at`` is ``now`` (default: the current time; pass the answer
    time when it is known) and so is ``completed_at`` of complete responses; both are
    date-only for anonymous responses, which keep no respondent key. Their loaded
    characteristics are shortened, over the whole wave, to what at least the minimum
    group size of responses share when fieldwork closes
    (:func:`gapsight.services.studies.seal_anonymous_snapshots`) — at once when the
    wave is closed already. (Doing it per file would lose more than needed: a wave
    imported day by day would be generalised against each day's few responses.) The
    status of each
    response follows from the instrument's required items (:func:`response_statuses`).
    Runs in the caller's transaction (see :func:`gapsight.store.database.unit_of_work`):
    on any error nothing is stored.

    Raises ``ValueError`` when the table was validated against another instrument
    version than the wave's, or has columns the instrument does not know.
    """
    study = get_study(session, wave_id)
    version = study.instrument_version
    if table.instrument_ref != version.ref:
        raise ValueError(
            f"the responses are coded for {table.instrument_ref}, but study {wave_id} uses "
            f"{version.ref}"
        )
    instrument = as_instrument(version)
    codes = instrument.numeric_codes()
    values, dk = _expand(table, codes)
    unknown_texts = sorted(set(table.texts) - set(instrument.text_codes()))
    if unknown_texts:
        raise ValueError(
            f"response table has text columns that are not text items of {version.ref}: "
            f"{', '.join(unknown_texts)}"
        )
    is_anonymous = _anonymity(study, anonymous)
    types = chars.infer_types(table.characteristics)
    chars.declare(session, study, types)
    char_json = chars.json_rows(table.characteristics, types)
    if len(char_json) != table.n:
        raise ValueError(
            f"response table has {len(char_json)} characteristic rows for {table.n} responses"
        )
    # An anonymous response keeps nothing that links it to a person or to their answers
    # in another wave (issue 5: no token, contact or key); only identified ones pair.
    keys = [None] * table.n if is_anonymous else (table.respondent_keys or [None] * table.n)
    statuses = response_statuses(
        codes, values, dk, table.texts, required_codes(instrument, study.modules)
    )
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    if is_anonymous:
        stamp = stamp.replace(hour=0, minute=0, second=0, microsecond=0)
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    when: Any = stamp.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else stamp
    flag: Any = int(is_anonymous) if sqlite else is_anonymous
    total = table.n
    version_id = version.id
    for start in range(0, total, CHUNK_SIZE):
        stop = min(start + CHUNK_SIZE, total)
        enc = encode(
            codes,
            values[start:stop],
            None if dk is None else dk[start:stop],
            {c: list(col[start:stop]) for c, col in table.texts.items()},
        )
        size = stop - start
        chunk_statuses = statuses[start:stop]
        # zip builds the row tuples in C (a per-row Python expression costs more)
        rows = zip(
            repeat(wave_id, size),
            repeat(version_id, size),
            chunk_statuses,
            repeat(flag, size),
            keys[start:stop],
            char_json[start:stop],
            repeat(when, size),
            [when if st == "complete" else None for st in chunk_statuses],
            enc.vectors,
            enc.dont_know,
            enc.answers,
            enc.texts,
            strict=True,
        )
        _insert(connection, rows)
        if progress is not None:
            progress(stop, total)
    if is_anonymous and study.status == "closed" and table.characteristics.shape[1]:
        # Responses added to a closed wave: seal the wave's anonymous snapshots now,
        # as closing does (privacy review D4/D5).
        session.flush()
        seal_anonymous_snapshots(session, study)
    return StoreResult(stored=total, statuses=dict(Counter(statuses)))


def _insert(connection: Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Bulk-insert response rows on the driver connection (same transaction)."""
    raw: Any = connection.connection.driver_connection
    names = ", ".join(_COLUMNS)
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" * len(_COLUMNS))
        cursor = raw.cursor()
        try:
            cursor.executemany(f"INSERT INTO responses ({names}) VALUES ({marks})", rows)
        finally:
            cursor.close()
        return
    with raw.cursor() as cursor, cursor.copy(f"COPY responses ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def _session(source: Session | Engine) -> Iterator[Session]:
    if isinstance(source, Session):
        yield source
        return
    with Session(source) as session, session.begin():
        yield session


def load_wave(source: Session | Engine, wave_id: int) -> WaveData:
    """Load wave ``wave_id`` for analysis in one sequential read of its responses.

    ``source`` is a session (reads inside its transaction) or an engine. Raises
    ``KeyError`` for an unknown wave.
    """
    with _session(source) as session:
        study = get_study(session, wave_id)
        instrument = as_instrument(study.instrument_version)
        types = chars.types_of(study)
        snapshot = info(study)
        columns = ["id", "status", "respondent_key", "vector", "dont_know"]
        if types:
            columns.append("characteristics")
        text_codes = instrument.text_codes()
        if text_codes:
            columns.append("texts")
        connection = session.connection()
        sqlite = connection.dialect.name == "sqlite"
        mark = "?" if sqlite else "%s"
        raw: Any = connection.connection.driver_connection
        # psycopg: binary results hand bytea over as bytes, without hex text decoding
        cursor = raw.cursor() if sqlite else raw.cursor(binary=True)
        try:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM responses WHERE wave_id = {mark} ORDER BY id",
                (wave_id,),
            )
            rows = cursor.fetchall()
        finally:
            cursor.close()
    codes = instrument.numeric_codes()
    position = {name: i for i, name in enumerate(columns)}

    def column(name: str) -> list[Any]:
        # map/itemgetter: several times faster than zip(*rows) on a million rows
        return list(map(itemgetter(position[name]), rows))

    values, dk = decode(column("vector"), column("dont_know"), len(codes))
    loaded = chars.arrays([_json(v) for v in column("characteristics")], types) if types else {}
    texts: dict[str, list[str | None]] = {}
    if text_codes:
        parsed = [_json(v) for v in column("texts")]
        texts = {c: [None if p is None else p.get(c) for p in parsed] for c in text_codes}
    return WaveData(
        study=snapshot,
        instrument=instrument,
        matrix=ResponseMatrix(codes=codes, values=values, dont_know=dk, characteristics=loaded),
        response_ids=np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=len(rows)),
        statuses=np.array(column("status"), dtype=np.str_),
        respondent_keys=column("respondent_key"),
        texts=texts,
        characteristic_types=types,
    )


def _json(value: Any) -> dict[str, Any] | None:
    """A stored JSON column value: text on SQLite, already parsed on PostgreSQL."""
    if value is None:
        return None
    if isinstance(value, str | bytes):
        parsed: dict[str, Any] = json.loads(value)
        return parsed
    return dict(value)
