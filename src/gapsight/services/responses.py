"""Store a validated response table, and load a whole wave back as a response matrix.

Both directions are bulk operations built for waves of millions of respondents:

- :func:`store_table` encodes the answers with :func:`gapsight.store.answers.encode`
  (packed vector, don't-know bitmask, queryable JSON, texts — all from the same arrays)
  and inserts them in chunks on the raw driver connection (``executemany`` on SQLite,
  ``COPY`` text built column-wise on PostgreSQL, :mod:`gapsight.store.copy_text`)
  inside the caller's transaction, so a failure stores nothing. Into a wave without
  responses it also writes the wave's answer blocks (:mod:`gapsight.store.blocks`).
- :func:`load_wave` reads the wave's answer blocks when they are current — a few rows
  of columnar data decoded straight into a ``float64`` matrix — and otherwise
  ``vector, dont_know, …`` of every response in one sequential, ordered scan (then it
  stores fresh blocks for the next load). Never a pivot of answer rows.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments.model import Instrument
from gapsight.io.table import ResponseTable
from gapsight.services import characteristics as chars
from gapsight.services.instruments import as_instrument
from gapsight.services.studies import StudyInfo, get_study, info, seal_anonymous_snapshots
from gapsight.store import blocks, copy_text
from gapsight.store.answers import decode_packed, encode
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
    keys: list[str | None] = (
        [None] * table.n if is_anonymous else (table.respondent_keys or [None] * table.n)
    )
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
    texts: list[str | None] = []
    with blocks.bulk_insert(connection, wave_id) as at_version:
        # after bulk_insert: other writers to this wave now wait for this transaction
        last_id = _last_id(connection, wave_id)
        # blocks current just before this import's version: new blocks can follow them
        have = (
            None if last_id is None else blocks.current_count(connection, wave_id, at_version - 1)
        )
        for start in range(0, total, CHUNK_SIZE):
            stop = min(start + CHUNK_SIZE, total)
            enc = encode(
                codes,
                values[start:stop],
                None if dk is None else dk[start:stop],
                {c: list(col[start:stop]) for c, col in table.texts.items()},
            )
            chunk_statuses = statuses[start:stop]
            texts.extend(enc.texts)
            chunk = (
                chunk_statuses,
                keys[start:stop],
                char_json[start:stop],
                enc.vectors,
                enc.dont_know,
                enc.answers,
                enc.texts,
            )
            if sqlite:
                _insert_sqlite(connection, (wave_id, version_id, flag, when), chunk)
            else:
                mask = None if dk is None else dk[start:stop]
                _copy(
                    connection,
                    _copy_lines(
                        (wave_id, version_id, is_anonymous, stamp),
                        chunk,
                        np.ascontiguousarray(values[start:stop], dtype="<f4"),
                        mask,
                    ),
                )
            if progress is not None:
                progress(stop, total)
        ids = _new_ids(connection, wave_id, total, after=last_id)
        if ids is None or (last_id is not None and have is None):
            # the new ids are not consecutive, or the earlier rows have no current
            # blocks: the next load rebuilds them
            blocks.write(connection, wave_id, at_version, [])
        else:
            columns = blocks.WaveColumns.build(
                ids=ids,
                statuses=statuses,
                respondent_keys=keys,
                vectors=np.ascontiguousarray(values, dtype="<f4").tobytes(),
                dont_know=None
                if dk is None or not dk.any()
                else np.packbits(dk, axis=1, bitorder="little").tobytes(),
                characteristics=char_json,
                texts=texts,
                k=len(codes),
            )
            if have is None:
                blocks.write(connection, wave_id, at_version, blocks.encode_blocks(columns))
            else:  # after the wave's current blocks (a second file into the same wave)
                new = blocks.encode_blocks(columns) if total else []
                blocks.append(connection, wave_id, at_version, have, new)
    if is_anonymous and study.status == "closed" and table.characteristics.shape[1]:
        # Responses added to a closed wave: seal the wave's anonymous snapshots now,
        # as closing does (privacy review D4/D5).
        session.flush()
        seal_anonymous_snapshots(session, study)
    return StoreResult(stored=total, statuses=dict(Counter(statuses)))


def _last_id(connection: Connection, wave_id: int) -> int | None:
    """The wave's highest response id, ``None`` when it has no responses."""
    mark = "?" if connection.dialect.name == "sqlite" else "%s"
    found = connection.exec_driver_sql(
        f"SELECT max(id) FROM responses WHERE wave_id = {mark}", (wave_id,)
    ).scalar()
    return None if found is None else int(found)


def _new_ids(
    connection: Connection, wave_id: int, n: int, *, after: int | None
) -> npt.NDArray[np.int64] | None:
    """The ids of the ``n`` rows just inserted into the wave (whose ids were all at
    most ``after`` before; ``None``: it had none), in insertion order — when they are
    consecutive (SQLite's next rowid, PostgreSQL's sequence without a concurrent
    user), which ``min``, ``max`` and ``count`` prove without reading them; ``None``
    otherwise."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    mark = "?" if connection.dialect.name == "sqlite" else "%s"
    low, high, count = connection.exec_driver_sql(
        f"SELECT min(id), max(id), count(*) FROM responses WHERE wave_id = {mark} AND id > {mark}",
        (wave_id, -(2**63) if after is None else after),
    ).one()
    if count != n or high - low + 1 != n:
        return None
    return np.arange(low, high + 1, dtype=np.int64)


def _insert_sqlite(
    connection: Connection, constants: tuple[int, int, int, str], columns: Sequence[Sequence[Any]]
) -> None:
    """Bulk-insert response rows on SQLite's driver connection (same transaction).

    What is the same for every row (wave, instrument version, anonymity, start time)
    is written into the statement, so the driver binds 7 values per row instead of
    12; the completion time follows from the status inside SQLite. The ``CHECK``
    constraints of ``responses`` are not evaluated for these rows
    (``PRAGMA ignore_check_constraints``): the statuses come from
    :func:`response_statuses` and bulk rows have no invitation, so both hold by
    construction, and SQLite evaluates ``status IN (…)`` by building a temporary
    index for every row (about a quarter of the insert time).
    """
    wave_id, version_id, flag, when = constants
    if "'" in when:
        raise ValueError(f"unexpected timestamp {when!r}")
    names = ", ".join(_COLUMNS)
    values = (
        f"{int(wave_id)}, {int(version_id)}, ?1, {int(flag)}, ?2, ?3, '{when}', "
        f"CASE ?1 WHEN 'complete' THEN '{when}' END, ?4, ?5, ?6, ?7"
    )
    raw: Any = connection.connection.driver_connection
    cursor = raw.cursor()
    try:
        cursor.execute("PRAGMA ignore_check_constraints = ON")
        cursor.executemany(
            f"INSERT INTO responses ({names}) VALUES ({values})", zip(*columns, strict=True)
        )
    finally:
        cursor.execute("PRAGMA ignore_check_constraints = OFF")
        cursor.close()


def _copy_lines(
    constants: tuple[int, int, bool, dt.datetime],
    chunk: Sequence[Sequence[Any]],
    packed: npt.NDArray[np.float32],
    mask: npt.NDArray[np.bool_] | None,
) -> bytes:
    """The rows of one chunk as ``COPY`` text, formatted column by column
    (:mod:`gapsight.store.copy_text`), in the order of ``_COLUMNS``. The vectors and
    don't-know bitmasks come from the chunk's arrays (``packed``: its values as
    little-endian float32, ``mask``: its don't-know cells), the same bytes
    :func:`gapsight.store.answers.encode` gives each row."""
    wave_id, version_id, anonymous, stamp = constants
    statuses, keys, characteristics, _vectors, _dont_know, answers_json, texts = chunk
    n = len(statuses)
    when = stamp.isoformat(sep=" ")
    status = copy_text.text(statuses)
    complete = pc.equal(status, pa.scalar(b"complete", pa.binary()))
    width = 4 * packed.shape[1]
    dk_field: copy_text.Field = copy_text.constant(None)
    if mask is not None and mask.any():
        bits = np.packbits(mask, axis=1, bitorder="little")
        rows_with_dk: npt.NDArray[np.bool_] = np.asarray(mask.any(axis=1))
        dk_field = copy_text.hex_bytes(bits.tobytes(), bits.shape[1], rows_with_dk)
    fields: list[copy_text.Field] = [
        copy_text.constant(str(int(wave_id))),
        copy_text.constant(str(int(version_id))),
        status,
        copy_text.constant("t" if anonymous else "f"),
        copy_text.text(keys),
        copy_text.text(characteristics),
        copy_text.constant(when),
        pc.if_else(complete, copy_text.constant(when), copy_text.constant(None)),
        copy_text.hex_bytes(packed.tobytes(), width) if width else copy_text.constant("\\x"),
        dk_field,
        copy_text.text(answers_json),
        copy_text.text(texts),
    ]
    return copy_text.lines(fields, n)


def _copy(connection: Connection, payload: bytes) -> None:
    """Bulk-insert response rows with ``COPY`` on PostgreSQL (same transaction)."""
    raw: Any = connection.connection.driver_connection
    names = ", ".join(_COLUMNS)
    with raw.cursor() as cursor, cursor.copy(f"COPY responses ({names}) FROM STDIN") as copy:
        copy.write(payload)


@contextmanager
def _session(source: Session | Engine) -> Iterator[Session]:
    if isinstance(source, Session):
        yield source
        return
    with Session(source) as session, session.begin():
        yield session


def load_wave(source: Session | Engine, wave_id: int) -> WaveData:
    """Load wave ``wave_id`` for analysis: from its answer blocks when they are
    current (a few rows of columnar data, :mod:`gapsight.store.blocks`), otherwise
    in one sequential read of its responses, after which the blocks are rebuilt and
    stored for the next load (best effort, in a transaction of their own).

    ``source`` is a session (reads inside its transaction) or an engine. Raises
    ``KeyError`` for an unknown wave.
    """
    rebuilt: tuple[int, blocks.WaveColumns] | None = None
    with _session(source) as session:
        study = get_study(session, wave_id)
        instrument = as_instrument(study.instrument_version)
        types = chars.types_of(study)
        snapshot = info(study)
        connection = session.connection()
        engine = connection.engine
        columns = blocks.read_current(connection, wave_id)
        if columns is None:
            # the version first: rows changed after it make the rebuilt blocks stale
            at_version = blocks.version(connection, wave_id)
            columns = _read_rows(connection, wave_id, len(instrument.numeric_codes()))
            rebuilt = (at_version, columns)
    if rebuilt is not None:
        # inside a caller's transaction, which may hold the locks storing needs
        blocks.store(engine, wave_id, *rebuilt, inside=isinstance(source, Session))
    codes = instrument.numeric_codes()
    if columns.k != len(codes):
        raise ValueError(f"stored answer vectors do not hold {len(codes)} answers per response")
    values, dk = decode_packed(columns.vectors, columns.dont_know, columns.n, len(codes))
    loaded = chars.arrays([_json(v) for v in columns.characteristics], types) if types else {}
    texts: dict[str, list[str | None]] = {}
    text_codes = instrument.text_codes()
    if text_codes:
        parsed = [_json(v) for v in columns.texts]
        texts = {c: [None if p is None else p.get(c) for p in parsed] for c in text_codes}
    return WaveData(
        study=snapshot,
        instrument=instrument,
        matrix=ResponseMatrix(codes=codes, values=values, dont_know=dk, characteristics=loaded),
        response_ids=columns.ids,
        statuses=columns.statuses,
        respondent_keys=columns.respondent_keys,
        texts=texts,
        characteristic_types=types,
    )


def _read_rows(connection: Connection, wave_id: int, k: int) -> blocks.WaveColumns:
    """Every response of the wave in one ordered scan, as columns."""
    names = ["id", "status", "respondent_key", "vector", "dont_know", "characteristics", "texts"]
    sqlite = connection.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    raw: Any = connection.connection.driver_connection
    # psycopg: binary results hand bytea over as bytes, without hex text decoding
    cursor = raw.cursor() if sqlite else raw.cursor(binary=True)
    try:
        cursor.execute(
            f"SELECT {', '.join(names)} FROM responses WHERE wave_id = {mark} ORDER BY id",
            (wave_id,),
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    position = {name: i for i, name in enumerate(names)}

    def column(name: str) -> list[Any]:
        # map/itemgetter: several times faster than zip(*rows) on a million rows
        return list(map(itemgetter(position[name]), rows))

    vectors = column("vector")
    if any(len(v) != 4 * k for v in vectors):
        raise ValueError(f"stored answer vectors do not hold {k} answers per response")
    dont_know = column("dont_know")
    width = (k + 7) // 8
    zero = bytes(width)
    return blocks.WaveColumns.build(
        ids=np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=len(rows)),
        statuses=column("status"),
        respondent_keys=column("respondent_key"),
        vectors=b"".join(map(bytes, vectors)),
        dont_know=None
        if all(d is None for d in dont_know)
        else b"".join(zero if d is None else bytes(d) for d in dont_know),
        characteristics=[_json_text(v) for v in column("characteristics")],
        texts=[_json_text(v) for v in column("texts")],
        k=k,
    )


def _json_text(value: Any) -> str | None:
    """A stored JSON column value as text: SQLite hands text, PostgreSQL parsed JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode()
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json(value: Any) -> dict[str, Any] | None:
    """A stored JSON column value: text on SQLite, already parsed on PostgreSQL."""
    if value is None:
        return None
    if isinstance(value, str | bytes):
        parsed: dict[str, Any] = json.loads(value)
        return parsed
    return dict(value)
