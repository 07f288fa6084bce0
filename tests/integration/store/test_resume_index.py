"""The partial resume index of migration 0012, on SQLite and PostgreSQL: the lookup
``resume_hash = ?`` still uses it, non-null hashes stay unique, and responses without
a hash (imports, completed web responses) leave no entry in it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

LOOKUP = "SELECT id FROM responses WHERE resume_hash = :key AND wave_id = :wave"


def _plan(engine: Engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text(f"EXPLAIN QUERY PLAN {LOOKUP}"), {"key": "k", "wave": 1})
            return " ".join(str(row[-1]) for row in rows)
        # an empty table: forbid the sequential scan, so the plan shows whether the
        # planner may use the partial index for this predicate at all
        conn.execute(text("SET enable_seqscan = off"))
        conn.execute(
            text(
                "PREPARE lookup(text, bigint) AS "
                + LOOKUP.replace(":key", "$1").replace(":wave", "$2")
            )
        )
        conn.execute(text("SET plan_cache_mode = force_generic_plan"))
        rows = conn.execute(text("EXPLAIN EXECUTE lookup('k', 1)"))
        return " ".join(str(row[0]) for row in rows)


def test_the_lookup_uses_the_partial_index(db_engine: Engine) -> None:
    assert "uq_responses_resume_hash" in _plan(db_engine)


def test_the_index_is_partial(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        if db_engine.dialect.name == "sqlite":
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'uq_responses_resume_hash'")
            ).scalar_one()
        else:
            sql = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_responses_resume_hash'")
            ).scalar_one()
    assert "resume_hash IS NOT NULL" in sql.replace("(", "").replace(")", "")


def test_hashes_stay_unique(db_engine: Engine, field_study: object) -> None:
    study_id, _tokens = field_study(db_engine)  # type: ignore[operator]
    insert = text(
        "INSERT INTO responses (wave_id, instrument_version_id, status, anonymous, vector, "
        "answers, resume_hash) SELECT id, instrument_version_id, 'partial', :anon, :vector, "
        "'{}', :key FROM studies WHERE id = :wave"
    )
    anon = 1 if db_engine.dialect.name == "sqlite" else True
    values = {"wave": study_id, "anon": anon, "vector": b"", "key": None}
    with db_engine.begin() as conn:  # any number of rows without a hash
        conn.execute(insert, values)
        conn.execute(insert, values)
        conn.execute(insert, {**values, "key": "a" * 64})
    with pytest.raises(IntegrityError), db_engine.begin() as conn:
        conn.execute(insert, {**values, "key": "a" * 64})
