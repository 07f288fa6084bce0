"""Answer blocks: a wave's responses as a few columnar blocks, for loading in one read.

The ``responses`` table keeps one row per respondent (queryable, written by web pages
one at a time). Loading a wave of a million respondents from those rows costs the
database driver one tuple and several objects per row, several times the time of
reading the same matrix from a Parquet file. So a wave also has **blocks**
(``answer_blocks``): up to :data:`BLOCK_ROWS` respondents each, holding exactly the
columns :func:`gapsight.services.responses.load_wave` needs — ids, statuses, respondent
keys, the packed float32 answer vectors, the don't-know bitmasks, characteristics and
texts — as one compressed Arrow IPC stream. Loading a wave then reads a handful of
rows and hands their buffers to NumPy.

Blocks are a *derived copy* and must never be served stale. Every wave has a version
counter (``answer_versions``) that database triggers raise in the same transaction as
every insert, delete or relevant update of one of its responses — whatever code, or
person at an SQL prompt, makes the change. A block records the version it was built
from, and a set of blocks is read only while its version equals the counter (one
statement joins the two, so it sees one snapshot). Stale or missing blocks are
rebuilt from the rows by the loader and stored by :func:`store`, which re-checks the
version under a lock in its own transaction; a bulk import writes them directly
(:func:`bulk_insert`, :func:`write`, or :func:`append` after the wave's current ones).

The bulk import raises the counter itself, first (so that concurrent writers to the
same wave queue behind it), and then skips the per-row insert trigger: on SQLite it
drops the trigger inside its transaction and creates it again, from its own
definition in ``sqlite_master``, before the end (SQLite's DDL is transactional and
the import holds the only write lock, so no other connection ever sees the table
without it; a rollback restores it too); on PostgreSQL the trigger's ``WHEN``
clause skips rows of the wave named by the transaction-local setting
``gapsight.bulk_wave``.

Example (the codec; no database needed)::

    >>> import numpy as np
    >>> cols = WaveColumns.build(
    ...     ids=np.array([7, 9]), statuses=["complete", "partial"],
    ...     respondent_keys=["a", None], vectors=np.zeros((2, 3), "<f4").tobytes(),
    ...     dont_know=None, characteristics=[None, None], texts=[None, '{"t":"hi"}'], k=3)
    >>> back = decode_blocks([data for _, data in encode_blocks(cols, rows_per_block=1)])
    >>> back.ids.tolist(), back.statuses.tolist(), back.texts
    ([7, 9], ['complete', 'partial'], [None, '{"t":"hi"}'])
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import SingletonThreadPool, StaticPool

__all__ = [
    "BLOCK_ROWS",
    "Packed",
    "WaveColumns",
    "append",
    "bulk_insert",
    "current_count",
    "decode_blocks",
    "encode_blocks",
    "joined",
    "packed_size",
    "read_current",
    "store",
    "version",
    "write",
]

log = logging.getLogger(__name__)

BLOCK_ROWS = 65_536
"""Respondents per block: a million-respondent wave of 50 items is 16 blocks of about
5 MB each (compressed), small enough for any driver, few enough to read at once."""

_COMPRESSION = "lz4"
"""Arrow IPC buffer compression. Measured on 1,000,000 × 50 (16 blocks): LZ4 82 MB,
0.1 s of CPU to decompress; zstd 39 MB but 0.3 s; none 231 MB. Loading is what the
blocks are for, so LZ4."""

Packed: TypeAlias = bytes | tuple[memoryview, ...]
"""Fixed-width rows back to back: one ``bytes``, or consecutive parts of it (the
buffers of several blocks, not copied into one)."""


def packed_size(packed: Packed) -> int:
    """Number of bytes in ``packed``."""
    return len(packed) if isinstance(packed, bytes) else sum(len(p) for p in packed)


def joined(packed: Packed) -> bytes:
    """``packed`` as one ``bytes`` (copies when it is in parts)."""
    return packed if isinstance(packed, bytes) else b"".join(packed)


@dataclass(frozen=True, eq=False)
class WaveColumns:
    """A wave's responses column by column, in id order (what blocks hold).

    Attributes:
        ids: response id per row (``int64``, ascending).
        statuses: ``started`` / ``partial`` / ``complete`` per row.
        respondent_keys: pairing key per row, ``None`` when absent.
        vectors: the rows' packed little-endian float32 answer vectors, concatenated
            (``n × 4k`` bytes).
        dont_know: the rows' don't-know bitmasks concatenated (``n × ceil(k/8)``
            bytes, zero bytes where a row has none), or ``None`` when no row has one.
        characteristics: the stored characteristics JSON text per row, or ``None``.
        texts: the stored free-text JSON text per row, or ``None``.
        k: answers per vector.
    """

    ids: npt.NDArray[np.int64]
    statuses: npt.NDArray[np.str_]
    respondent_keys: list[str | None]
    vectors: Packed
    dont_know: Packed | None
    characteristics: list[str | None]
    texts: list[str | None]
    k: int

    @classmethod
    def build(
        cls,
        *,
        ids: npt.ArrayLike,
        statuses: Sequence[str] | npt.NDArray[np.str_],
        respondent_keys: list[str | None],
        vectors: Packed,
        dont_know: Packed | None,
        characteristics: list[str | None],
        texts: list[str | None],
        k: int,
    ) -> WaveColumns:
        """Check the lengths and normalise the arrays (``ValueError`` on a mismatch)."""
        id_array = np.asarray(ids, dtype=np.int64)
        n = id_array.shape[0]
        lengths = {
            "statuses": len(statuses),
            "respondent_keys": len(respondent_keys),
            "characteristics": len(characteristics),
            "texts": len(texts),
            "vectors": packed_size(vectors) // (4 * k) if k else n,
        }
        if dont_know is not None:
            lengths["dont_know"] = packed_size(dont_know) // _dk_width(k) if k else n
        wrong = {name: m for name, m in lengths.items() if m != n}
        if wrong or packed_size(vectors) != 4 * k * n:
            raise ValueError(f"wave columns of unequal length: {n} ids, {wrong or lengths}")
        return cls(
            ids=id_array,
            statuses=np.asarray(statuses, dtype=np.str_),
            respondent_keys=respondent_keys,
            vectors=vectors,
            dont_know=dont_know,
            characteristics=characteristics,
            texts=texts,
            k=k,
        )

    @property
    def n(self) -> int:
        """Number of responses."""
        return int(self.ids.shape[0])


def _dk_width(k: int) -> int:
    return (k + 7) // 8


# --- codec -------------------------------------------------------------------------


def encode_blocks(
    columns: WaveColumns, rows_per_block: int = BLOCK_ROWS
) -> list[tuple[int, bytes]]:
    """The wave as compressed Arrow IPC streams of up to ``rows_per_block`` rows
    each, as ``(rows, data)`` pairs (one empty block for an empty wave, so that "no
    responses" is cached too)."""
    n, k = columns.n, columns.k
    width, dk_width = 4 * k, _dk_width(k)
    vectors = joined(columns.vectors)
    dont_know = None if columns.dont_know is None else joined(columns.dont_know)
    out = []
    for start in range(0, max(n, 1), rows_per_block):
        stop = min(start + rows_per_block, n)
        m = stop - start
        fields: dict[str, pa.Array] = {
            "id": pa.array(columns.ids[start:stop], type=pa.int64()),
            "status": pa.array(
                columns.statuses[start:stop].tolist(), type=pa.string()
            ).dictionary_encode(),
            "respondent_key": pa.array(columns.respondent_keys[start:stop], type=pa.string()),
            "characteristics": pa.array(columns.characteristics[start:stop], type=pa.string()),
            "texts": pa.array(columns.texts[start:stop], type=pa.string()),
        }
        if width:
            fields["vector"] = _fixed(vectors[start * width : stop * width], width, m)
        if dont_know is not None and dk_width:
            fields["dont_know"] = _fixed(dont_know[start * dk_width : stop * dk_width], dk_width, m)
        batch = pa.RecordBatch.from_pydict(fields)
        batch = batch.replace_schema_metadata({"k": str(k)})
        sink = pa.BufferOutputStream()
        options = pa.ipc.IpcWriteOptions(compression=_COMPRESSION)
        with pa.ipc.new_stream(sink, batch.schema, options=options) as writer:
            writer.write_batch(batch)
        out.append((m, sink.getvalue().to_pybytes()))
    return out


def _fixed(data: bytes, width: int, m: int) -> pa.Array:
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), m, [None, pa.py_buffer(data)])


def decode_blocks(blocks: Sequence[bytes]) -> WaveColumns:
    """The :class:`WaveColumns` of a complete, ordered set of blocks.

    Blocks of one set may differ in whether they carry a don't-know column (a block
    appended by a later import, :func:`append`): one without it has no don't-know
    answers."""
    return _decode_tables([_table(b) for b in blocks])


_ONE_THREAD = pa.ipc.IpcReadOptions(use_threads=False)


def _table(block: bytes) -> pa.Table:
    """One stored block as an Arrow table. Decompressed on the calling thread
    (``use_threads=False``): the blocks of a wave are decoded side by side instead,
    which measured about twice as fast as Arrow's per-buffer threads."""
    return pa.ipc.open_stream(pa.py_buffer(block), options=_ONE_THREAD).read_all()


def _decode_tables(tables: Sequence[pa.Table]) -> WaveColumns:
    if not tables:
        raise ValueError("no blocks to decode")
    meta = tables[0].schema.metadata or {}
    k = int(meta.get(b"k", b"0"))
    width, dk_width = 4 * k, _dk_width(k)
    statuses: list[npt.NDArray[np.str_]] = []
    keys: list[str | None] = []
    characteristics: list[str | None] = []
    texts: list[str | None] = []
    vectors: list[memoryview] = []
    dont_know: list[memoryview | None] = []
    for table in tables:
        names = table.schema.names
        status = table.column("status").combine_chunks()
        if isinstance(status, pa.DictionaryArray):
            words = np.array(status.dictionary.to_pylist(), dtype=np.str_)
            statuses.append(words[status.indices.to_numpy(zero_copy_only=False).astype(np.intp)])
        else:
            statuses.append(np.array(status.to_pylist(), dtype=np.str_))
        keys.extend(table.column("respondent_key").to_pylist())
        characteristics.extend(table.column("characteristics").to_pylist())
        texts.extend(table.column("texts").to_pylist())
        if "vector" in names:
            vectors.extend(_fixed_parts(table.column("vector"), width))
        if "dont_know" in names:
            dont_know.append(memoryview(joined(_fixed_parts(table.column("dont_know"), dk_width))))
        else:
            dont_know.append(None)
    dk: tuple[memoryview, ...] | None = None
    if any(part is not None for part in dont_know):
        dk = tuple(
            memoryview(bytes(dk_width * t.num_rows)) if part is None else part
            for part, t in zip(dont_know, tables, strict=True)
        )
    ids = [t.column("id").to_numpy().astype(np.int64, copy=False) for t in tables]
    return WaveColumns(
        ids=np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64),
        statuses=np.concatenate(statuses) if statuses else np.array([], dtype=np.str_),
        respondent_keys=keys,
        vectors=tuple(vectors) if vectors else b"",
        dont_know=dk,
        characteristics=characteristics,
        texts=texts,
        k=k,
    )


def _fixed_parts(column: pa.ChunkedArray, width: int) -> tuple[memoryview, ...]:
    """The values of a fixed-size binary column, one view per chunk (no copy)."""
    parts = []
    for chunk in column.chunks:
        buffer = chunk.buffers()[1]
        if buffer is None or len(chunk) == 0:
            continue
        start = chunk.offset * width
        parts.append(memoryview(buffer)[start : start + len(chunk) * width])
    return tuple(parts)


# --- storage -----------------------------------------------------------------------


def _mark(connection: Connection) -> str:
    return "?" if connection.dialect.name == "sqlite" else "%s"


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def version(connection: Connection, wave_id: int) -> int:
    """The wave's answer version as this transaction sees it (0: never changed since
    migration 0008)."""
    found = connection.exec_driver_sql(
        f"SELECT version FROM answer_versions WHERE wave_id = {_mark(connection)}", (wave_id,)
    ).scalar()
    return int(found or 0)


def read_current(connection: Connection, wave_id: int) -> WaveColumns | None:
    """The wave's columns from its blocks, or ``None`` when it has no complete set
    of the current version (one statement: the version and the blocks come from the
    same snapshot)."""
    mark = _mark(connection)
    raw = _driver(connection)
    sqlite = connection.dialect.name == "sqlite"
    cursor = raw.cursor() if sqlite else raw.cursor(binary=True)
    query = (
        "SELECT b.seq, b.blocks, b.data FROM answer_blocks b "
        "JOIN answer_versions v ON v.wave_id = b.wave_id AND v.version = b.version "
        f"WHERE b.wave_id = {mark} ORDER BY b.seq"
    )
    # Each block is decompressed on a worker as soon as it arrives, while the next
    # is fetched (both release the interpreter lock; psycopg's stream() hands over
    # the rows one by one): a load costs about the larger of the two instead of
    # their sum (1M × 50 on SQLite: 0.05 s instead of 0.08-0.3 s). Every row is
    # consumed even after an inconsistency (no break: leaving a stream early
    # cancels the query, which would abort the caller's transaction on PostgreSQL).
    futures: list[Future[pa.Table]] = []
    expected: int | None = None
    consistent = True
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        try:
            if sqlite:
                cursor.execute(query, (wave_id,))
                rows: Iterator[tuple[int, int, bytes]] = cursor
            else:
                rows = cursor.stream(query, (wave_id,))
            for seq, count, data in rows:
                expected = count if expected is None else expected
                consistent = consistent and seq == len(futures) and count == expected
                if consistent:
                    futures.append(pool.submit(_table, bytes(data)))
            if consistent and futures and len(futures) == expected:
                return _decode_tables([f.result() for f in futures])
        finally:
            cursor.close()
            for future in futures:
                future.cancel()
    return None


def write(
    connection: Connection, wave_id: int, at_version: int, blocks: Sequence[tuple[int, bytes]]
) -> None:
    """Replace the wave's blocks with ``blocks`` (``(rows, data)`` pairs from
    :func:`encode_blocks`) tagged ``at_version``, in the connection's transaction."""
    mark = _mark(connection)
    connection.exec_driver_sql(f"DELETE FROM answer_blocks WHERE wave_id = {mark}", (wave_id,))
    if not blocks:
        return
    raw = _driver(connection)
    cursor = raw.cursor()
    try:
        cursor.executemany(
            "INSERT INTO answer_blocks (wave_id, seq, version, blocks, rows, data) "
            f"VALUES ({', '.join([mark] * 6)})",
            [(wave_id, i, at_version, len(blocks), m, b) for i, (m, b) in enumerate(blocks)],
        )
    finally:
        cursor.close()


def current_count(connection: Connection, wave_id: int, at_version: int) -> int | None:
    """How many blocks the wave's set tagged ``at_version`` has, when that set is
    complete (``None`` otherwise) — without reading them."""
    mark = _mark(connection)
    rows = connection.exec_driver_sql(
        f"SELECT seq, blocks FROM answer_blocks WHERE wave_id = {mark} AND version = {mark} "
        "ORDER BY seq",
        (wave_id, at_version),
    ).all()
    if not rows or [r[0] for r in rows] != list(range(rows[0][1])):
        return None
    return len(rows)


def append(
    connection: Connection,
    wave_id: int,
    at_version: int,
    have: int,
    blocks: Sequence[tuple[int, bytes]],
) -> None:
    """Add ``blocks`` (rows after every row of the wave's ``have`` current blocks) to
    the wave's set and tag the whole set ``at_version``, in the connection's
    transaction. The caller guarantees that the existing set was current just before
    ``at_version`` and that nothing else changed."""
    mark = _mark(connection)
    total = have + len(blocks)
    connection.exec_driver_sql(
        f"UPDATE answer_blocks SET version = {mark}, blocks = {mark} WHERE wave_id = {mark}",
        (at_version, total, wave_id),
    )
    raw = _driver(connection)
    cursor = raw.cursor()
    try:
        cursor.executemany(
            "INSERT INTO answer_blocks (wave_id, seq, version, blocks, rows, data) "
            f"VALUES ({', '.join([mark] * 6)})",
            [(wave_id, have + i, at_version, total, m, b) for i, (m, b) in enumerate(blocks)],
        )
    finally:
        cursor.close()


def _bump(connection: Connection, wave_id: int) -> int:
    mark = _mark(connection)
    connection.exec_driver_sql(
        f"INSERT INTO answer_versions (wave_id, version) VALUES ({mark}, 1) "
        "ON CONFLICT (wave_id) DO UPDATE SET version = answer_versions.version + 1",
        (wave_id,),
    )
    return version(connection, wave_id)


_INSERT_TRIGGER = "answer_versions_on_insert"


@contextmanager
def bulk_insert(connection: Connection, wave_id: int) -> Iterator[int]:
    """Around a bulk insert of responses into wave ``wave_id``: raise the wave's
    version first (taking the lock on its counter — on SQLite the write lock — so
    that other writers to the wave wait for this transaction), switch the per-row
    insert trigger off for this transaction, and on again afterwards. Yields the new
    version, which blocks written in the same transaction carry.

    On an exception the trigger is restored as well as possible; the caller's
    rollback restores it in any case."""
    at_version = _bump(connection, wave_id)
    if connection.dialect.name == "sqlite":
        definition = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (_INSERT_TRIGGER,),
        ).scalar()
        if definition:
            connection.exec_driver_sql(f"DROP TRIGGER {_INSERT_TRIGGER}")

        def restore() -> None:
            if definition:
                connection.exec_driver_sql(definition)
    else:
        connection.exec_driver_sql(
            "SELECT set_config('gapsight.bulk_wave', %s, true)", (str(wave_id),)
        )

        def restore() -> None:
            connection.exec_driver_sql("SELECT set_config('gapsight.bulk_wave', '', true)")

    try:
        yield at_version
    except BaseException:
        with suppress(SQLAlchemyError):
            restore()
        raise
    restore()


def store(
    engine: Engine, wave_id: int, at_version: int, columns: WaveColumns, *, inside: bool = False
) -> bool:
    """Store blocks rebuilt from the rows at ``at_version``, in a transaction of their
    own, if the wave's committed version is still ``at_version``.

    Best effort — the blocks are a cache: when the wave changed meanwhile, another
    transaction holds the counter (or the SQLite write lock) for more than
    ``wait_ms``, or the database refuses for any other reason, nothing is stored and
    ``False`` is returned. Waits at most 100 ms for locks; ``inside=True`` (called
    while the caller's own transaction is open, which may hold those locks): not at
    all, and nothing is stored when the engine's pool hands every checkout the same
    connection (in-memory SQLite), whose reset would roll back the caller's work.
    """
    if inside and isinstance(engine.pool, SingletonThreadPool | StaticPool):
        return False
    wait_ms = 0 if inside else 100
    blocks = encode_blocks(columns)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            raw = _driver(connection)
            if sqlite:
                raw.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                with connection.begin():
                    mark = _mark(connection)
                    if not sqlite:
                        # 0 would mean "no limit" to PostgreSQL
                        connection.exec_driver_sql(
                            f"SET LOCAL lock_timeout = '{max(int(wait_ms), 1)}ms'"
                        )
                    # A wave never written since migration 0008 has no counter yet:
                    # create it at 0 (on SQLite this also takes the write lock, so the
                    # version read below is final until this transaction ends).
                    connection.exec_driver_sql(
                        f"INSERT INTO answer_versions (wave_id, version) VALUES ({mark}, 0) "
                        "ON CONFLICT (wave_id) DO NOTHING",
                        (wave_id,),
                    )
                    if not sqlite:
                        connection.exec_driver_sql(
                            "SELECT 1 FROM answer_versions WHERE wave_id = %s FOR UPDATE NOWAIT",
                            (wave_id,),
                        )
                    if version(connection, wave_id) != at_version:
                        return False
                    write(connection, wave_id, at_version, blocks)
            finally:
                if sqlite:
                    raw.execute("PRAGMA busy_timeout = 5000")
    except SQLAlchemyError as exc:
        log.info("answer blocks of wave %s not stored: %s", wave_id, exc)
        return False
    return True
