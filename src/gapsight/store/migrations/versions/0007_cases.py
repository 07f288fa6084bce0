"""The closed loop (issue 6): flag rules per study, cases and their history.

- ``studies.flag_rules``: the study's flag rules and recipients as JSON (``NULL``: the
  default rules on the recommendation question), fixed once fieldwork starts.
- ``cases``: one per flagged, non-anonymous response (``response_id`` unique), with the
  clock moments ``flagged_at``, ``forwarded_at``, ``followed_up_at``, ``closed_at``.
- ``case_events``: the history of a case (status changes, reassignments, notes, mail).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_NOW = sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    op.add_column("studies", sa.Column("flag_rules", _JSON, nullable=True))
    op.create_table(
        "cases",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("response_id", _BIGID, nullable=False),
        sa.Column("invitation_id", _BIGID, nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=320), nullable=True),
        sa.Column("segment", sa.String(length=200), nullable=True),
        sa.Column("respondent_name", sa.String(length=200), nullable=True),
        sa.Column("respondent_email", sa.String(length=320), nullable=True),
        sa.Column("respondent_key", sa.String(length=200), nullable=True),
        sa.Column("contact_person", sa.String(length=200), nullable=True),
        sa.Column("hits", _JSON, nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.CheckConstraint("kind IN ('promoter', 'detractor')", name=op.f("ck_cases_kind")),
        sa.CheckConstraint(
            "status IN ('open', 'forwarded', 'followed_up', 'closed')",
            name=op.f("ck_cases_status"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cases_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_cases_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_cases_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_cases_invitation_id_invitations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("response_id", name=op.f("uq_cases_response_id")),
    )
    op.create_index(op.f("ix_cases_study_id"), "cases", ["study_id"], unique=False)
    op.create_index(
        "ix_cases_organisation_id_flagged_at", "cases", ["organisation_id", "flagged_at"]
    )
    op.create_table(
        "case_events",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("case_id", _BIGID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('status', 'assign', 'note', 'mail')", name=op.f("ck_case_events_kind")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_events_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_case_id"), "case_events", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_events_case_id"), table_name="case_events")
    op.drop_table("case_events")
    op.drop_index("ix_cases_organisation_id_flagged_at", table_name="cases")
    op.drop_index(op.f("ix_cases_study_id"), table_name="cases")
    op.drop_table("cases")
    op.drop_column("studies", "flag_rules")
