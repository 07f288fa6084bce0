"""Wave-level answer blocks and the per-wave answer version (issue 3, "Scale").

- ``answer_versions``: one counter per wave, raised by triggers on ``responses`` in
  the same transaction as every insert, delete and update of a column that loading a
  wave reads (``id, wave_id, status, respondent_key, characteristics, vector,
  dont_know, texts``).
- ``answer_blocks``: columnar copies of a wave's responses, each tagged with the
  version it was built from; only a set whose version equals the counter is read.
  The same triggers delete the wave's blocks, so that no copy of a changed response
  (say, under the id it had before it was made anonymous) outlives the change.

Triggers: on SQLite one row-level trigger per operation (an upsert of the counter and
a delete of the blocks); a bulk import drops the insert trigger inside its
transaction and creates it again from ``sqlite_master`` before committing. On
PostgreSQL a PL/pgSQL function; the insert trigger is skipped while the
transaction-local setting ``gapsight.bulk_wave`` names the wave (its ``WHEN`` clause
is evaluated without calling the function, so a ``COPY`` of a million rows pays
almost nothing). See ``gapsight.store.blocks.bulk_insert``.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_WATCHED = "id, wave_id, status, respondent_key, characteristics, vector, dont_know, texts"


def _sqlite_bump(ref: str, only_if: str = "true") -> str:
    return (
        "INSERT INTO answer_versions (wave_id, version) "
        f"SELECT {ref}.wave_id, 1 WHERE {only_if} "
        "ON CONFLICT (wave_id) DO UPDATE SET version = version + 1; "
        f"DELETE FROM answer_blocks WHERE wave_id = {ref}.wave_id AND {only_if};"
    )


_SQLITE = [
    "CREATE TRIGGER answer_versions_on_insert AFTER INSERT ON responses "
    f"BEGIN {_sqlite_bump('NEW')} END",
    f"CREATE TRIGGER answer_versions_on_update AFTER UPDATE OF {_WATCHED} ON responses "
    f"BEGIN {_sqlite_bump('OLD')} {_sqlite_bump('NEW', 'NEW.wave_id <> OLD.wave_id')} END",
    f"CREATE TRIGGER answer_versions_on_delete AFTER DELETE ON responses "
    f"BEGIN {_sqlite_bump('OLD')} END",
]

_PG_FUNCTION = """
CREATE FUNCTION gapsight_answers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO answer_versions (wave_id, version) VALUES (OLD.wave_id, 1)
        ON CONFLICT (wave_id) DO UPDATE SET version = answer_versions.version + 1;
        DELETE FROM answer_blocks WHERE wave_id = OLD.wave_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.wave_id <> OLD.wave_id) THEN
        INSERT INTO answer_versions (wave_id, version) VALUES (NEW.wave_id, 1)
        ON CONFLICT (wave_id) DO UPDATE SET version = answer_versions.version + 1;
        DELETE FROM answer_blocks WHERE wave_id = NEW.wave_id;
    END IF;
    RETURN NULL;
END
$$
"""

_PG = [
    _PG_FUNCTION,
    "CREATE TRIGGER answer_versions_on_insert AFTER INSERT ON responses FOR EACH ROW "
    "WHEN (current_setting('gapsight.bulk_wave', true) IS DISTINCT FROM NEW.wave_id::text) "
    "EXECUTE FUNCTION gapsight_answers_changed()",
    f"CREATE TRIGGER answer_versions_on_update AFTER UPDATE OF {_WATCHED} ON responses "
    "FOR EACH ROW EXECUTE FUNCTION gapsight_answers_changed()",
    "CREATE TRIGGER answer_versions_on_delete AFTER DELETE ON responses "
    "FOR EACH ROW EXECUTE FUNCTION gapsight_answers_changed()",
]


def upgrade() -> None:
    op.create_table(
        "answer_versions",
        sa.Column("wave_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_answer_versions")),
    )
    op.create_table(
        "answer_blocks",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("blocks", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["studies.id"],
            name=op.f("fk_answer_blocks_wave_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("wave_id", "seq", name=op.f("pk_answer_blocks")),
    )
    for statement in _PG if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    for name in ("insert", "update", "delete"):
        op.execute(
            f"DROP TRIGGER IF EXISTS answer_versions_on_{name} ON responses"
            if op.get_bind().dialect.name == "postgresql"
            else f"DROP TRIGGER IF EXISTS answer_versions_on_{name}"
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS gapsight_answers_changed()")
    op.drop_table("answer_blocks")
    op.drop_table("answer_versions")
