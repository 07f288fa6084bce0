"""Signal intake and access (issue 8, second part).

- ``signal_intake``: submissions of the public signal form (HMAC of the sender's
  address and the time), for the per-address rate limit;
- ``user_client_groups``: client groups assigned to a user (a client manager sees the
  signals of those groups only);
- ``signal_report_texts``: the explanatory text of a supplier or registrar report;
- ``service_events``: service interactions registered for event surveys.

Revision ID: 0011
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_NOW = sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    op.create_table(
        "signal_intake",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_intake")),
    )
    op.create_index(
        "ix_signal_intake_address_hash_at", "signal_intake", ["address_hash", "at"], unique=False
    )
    op.create_table(
        "user_client_groups",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_group", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_client_groups_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "client_group", name=op.f("pk_user_client_groups")),
    )
    op.create_table(
        "signal_report_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.CheckConstraint(
            "kind IN ('supplier', 'registrar')", name=op.f("ck_signal_report_texts_kind")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_signal_report_texts_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_report_texts")),
        sa.UniqueConstraint(
            "organisation_id",
            "kind",
            "subject",
            "period",
            name=op.f("uq_signal_report_texts_organisation_id_kind_subject_period"),
        ),
    )
    op.create_index(
        op.f("ix_signal_report_texts_organisation_id"),
        "signal_report_texts",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "service_events",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("invitation_id", _BIGID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.CheckConstraint(
            "outcome IN ('invited', 'not_sampled', 'already_invited')",
            name=op.f("ck_service_events_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_service_events_invitation_id_invitations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["studies.id"],
            name=op.f("fk_service_events_wave_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_events")),
    )
    op.create_index(op.f("ix_service_events_wave_id"), "service_events", ["wave_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_service_events_wave_id"), table_name="service_events")
    op.drop_table("service_events")
    op.drop_index(op.f("ix_signal_report_texts_organisation_id"), table_name="signal_report_texts")
    op.drop_table("signal_report_texts")
    op.drop_table("user_client_groups")
    op.drop_index("ix_signal_intake_address_hash_at", table_name="signal_intake")
    op.drop_table("signal_intake")
