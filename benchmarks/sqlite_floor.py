"""The floor under an import on SQLite: inserting the response rows alone (issue 3).

Inserts N rows shaped like gapsight's ``responses`` rows (a 50-item float32 vector of
200 bytes, the ``answers`` JSON of ~400 bytes, constants written into the statement,
as ``gapsight.services.responses._insert_sqlite`` does) with one ``executemany`` in one
transaction, into a bare table (no foreign keys, no triggers, no CHECK), and repeats it
without parts of the row or indexes — to show what the per-respondent rows cost before
any parsing or validation, against the ``pandas.read_csv`` baseline of
``benchmarks/import_load.py``. Run::

    .venv/bin/python benchmarks/sqlite_floor.py 1000000
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SCHEMA = (
    "CREATE TABLE responses (id INTEGER NOT NULL, wave_id INTEGER NOT NULL, "
    "instrument_version_id INTEGER NOT NULL, status VARCHAR(10) NOT NULL, "
    "anonymous BOOLEAN NOT NULL, invitation_id INTEGER, respondent_key VARCHAR(200), "
    "characteristics JSON, started_at DATETIME, completed_at DATETIME, vector BLOB NOT NULL, "
    "dont_know BLOB, answers JSON NOT NULL, texts JSON, resume_hash VARCHAR(64), pages JSON, "
    "CONSTRAINT pk_responses PRIMARY KEY (id))"
)
WHEN = "'2026-01-01 00:00:00.000000'"
INSERT = (
    "INSERT INTO responses (wave_id, instrument_version_id, status, anonymous, respondent_key, "
    "characteristics, started_at, completed_at, vector, dont_know, answers, texts) "
    f"VALUES (1, 1, ?1, 1, ?2, ?3, {WHEN}, CASE ?1 WHEN 'complete' THEN {WHEN} END, "
    "?4, ?5, ?6, ?7)"
)


def run(
    name: str,
    vectors: list[bytes],
    answers: list[str],
    *,
    indexes: tuple[str, ...] = ("wave", "resume-partial"),
    sync: str = "FULL",
) -> None:
    """Insert the rows into a fresh WAL file and print CPU per row and the commit."""
    n = len(vectors)
    with tempfile.TemporaryDirectory() as tmp:
        con = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(f"PRAGMA synchronous={sync}")
        con.execute(SCHEMA)
        if "wave" in indexes:
            con.execute("CREATE INDEX ix_w ON responses (wave_id, id)")
        if "resume" in indexes:
            con.execute("CREATE UNIQUE INDEX ix_r ON responses (resume_hash)")
        if "resume-partial" in indexes:  # migration 0012
            con.execute(
                "CREATE UNIQUE INDEX ix_r ON responses (resume_hash) WHERE resume_hash IS NOT NULL"
            )
        con.execute("BEGIN")
        t0, w0 = time.process_time(), time.perf_counter()
        none = [None] * n
        con.executemany(
            INSERT, zip(["complete"] * n, none, none, vectors, none, answers, none, strict=True)
        )
        t1 = time.process_time()
        con.execute("COMMIT")
        t2, w2 = time.process_time(), time.perf_counter()
        con.close()
    print(
        f"{name:32s} insert {1e6 * (t1 - t0) / n:5.2f} µs/row   commit {t2 - t1:5.2f} s   "
        f"CPU {t2 - t0:5.2f} s   wall {w2 - w0:5.2f} s"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    k = 50
    values = np.random.default_rng(1).integers(1, 8, size=(n, k)).astype("<f4")
    vectors = [row.tobytes() for row in values]
    answers = [
        json.dumps({f"q{j:02d}": int(v) for j, v in enumerate(row)}, separators=(",", ":"))
        for row in values
    ]
    print(f"{n:,} rows, {k} items; answers JSON {len(answers[0])} bytes, vector {4 * k} bytes")
    empty_vectors, empty_answers = [b""] * n, ["{}"] * n
    run("as gapsight (partial resume index)", vectors, answers)
    run("full resume index (before 0012)", vectors, answers, indexes=("wave", "resume"))
    run("without the resume_hash index", vectors, answers, indexes=("wave",))
    run("without any index", vectors, answers, indexes=())
    run("without the answers JSON", vectors, empty_answers)
    run("without the vector", empty_vectors, answers)
    run("without answers, vector, indexes", empty_vectors, empty_answers, indexes=())
    run("as gapsight, synchronous=OFF", vectors, answers, sync="OFF")


if __name__ == "__main__":
    main()
