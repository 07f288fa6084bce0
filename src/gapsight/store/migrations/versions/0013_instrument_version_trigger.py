"""The database refuses to change an instrument version that a study uses (issue 3).

A response's answer vector is laid out in its instrument version's ``numeric_codes()``
order, so changing a used version would silently re-label stored answers. The
repository (:mod:`gapsight.store.instrument_versions`) and an ORM event refused it
already; this trigger makes the database refuse it too, for code and manual SQL that
bypass both (``BEFORE UPDATE`` on ``instrument_versions`` when a study points at the
row; SQLite ``RAISE(ABORT)``, PostgreSQL ``restrict_violation``: both reach Python as
an ``IntegrityError``). Deleting a used version was refused already by the
``ON DELETE RESTRICT`` foreign key of ``studies.instrument_version_id``.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

MESSAGE = (
    "instrument version is used by a study and cannot be changed; create a new version instead"
)
_USED = "EXISTS (SELECT 1 FROM studies WHERE studies.instrument_version_id = OLD.id)"

_SQLITE = [
    "CREATE TRIGGER instrument_versions_immutable BEFORE UPDATE ON instrument_versions "
    f"WHEN {_USED} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
]

_PG = [
    f"""
CREATE FUNCTION gapsight_instrument_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_USED} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$
""",
    "CREATE TRIGGER instrument_versions_immutable BEFORE UPDATE ON instrument_versions "
    "FOR EACH ROW EXECUTE FUNCTION gapsight_instrument_version_immutable()",
]


def upgrade() -> None:
    for statement in _PG if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS instrument_versions_immutable ON instrument_versions")
        op.execute("DROP FUNCTION IF EXISTS gapsight_instrument_version_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS instrument_versions_immutable")
