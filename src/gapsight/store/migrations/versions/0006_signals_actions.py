"""Signals register and improvement actions (issue 8).

- ``signals``: one row per signal (complaint, wish, compliment …) of an organisation,
  with the clock fields ``acknowledged_at`` and ``last_client_contact_at`` and the hash
  of the client's private status token.
- ``signal_updates``: follow-ups (date, who, what) of a signal.
- ``improvement_actions``: PDCA improvement actions with causes and measurement.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_NOW = sa.text("CURRENT_TIMESTAMP")

_CHANNELS = "'web_form', 'mailbox', 'conversation', 'supplier_report', 'phone', 'api'"
_STATUSES = (
    "'new', 'acknowledged', 'in_progress', 'waiting_supplier', 'referred', 'resolved', 'closed'"
)


def upgrade() -> None:
    op.create_table(
        "signals",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("registrar", sa.String(length=200), nullable=False),
        sa.Column("registrar_email", sa.String(length=320), nullable=True),
        sa.Column("client_organisation", sa.String(length=200), nullable=False),
        sa.Column("client_group", sa.String(length=200), nullable=False),
        sa.Column("contact_person", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("supplier", sa.String(length=200), nullable=True),
        sa.Column("service_domain", sa.String(length=200), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("original_category", sa.String(length=40), nullable=True),
        sa.Column("promotion_reason", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("supplier_ticket", sa.String(length=100), nullable=True),
        sa.Column("within_norms", sa.Boolean(), nullable=False),
        sa.Column("norms_explanation", sa.Text(), nullable=True),
        sa.Column("feedback_to_client", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("theme_tags", _JSON, nullable=False),
        sa.Column("status_token_hash", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_client_contact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.CheckConstraint(f"channel IN ({_CHANNELS})", name=op.f("ck_signals_channel")),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name=op.f("ck_signals_status")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_signals_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signals")),
        sa.UniqueConstraint("status_token_hash", name=op.f("uq_signals_status_token_hash")),
    )
    op.create_index(
        "ix_signals_organisation_id_received_at",
        "signals",
        ["organisation_id", "received_at"],
        unique=False,
    )
    op.create_index(
        "ix_signals_organisation_id_supplier", "signals", ["organisation_id", "supplier"]
    )
    op.create_table(
        "signal_updates",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("signal_id", _BIGID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('action', 'client_message', 'status', 'note')",
            name=op.f("ck_signal_updates_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"],
            ["signals.id"],
            name=op.f("fk_signal_updates_signal_id_signals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_updates")),
    )
    op.create_index(
        op.f("ix_signal_updates_signal_id"), "signal_updates", ["signal_id"], unique=False
    )
    op.create_table(
        "improvement_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("plan", sa.Text(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("check_result", sa.Text(), nullable=True),
        sa.Column("act_decision", sa.Text(), nullable=True),
        sa.Column("causes", _JSON, nullable=False),
        sa.Column("measurement", _JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "level IN ('customer', 'team', 'organisation', 'working_method')",
            name=op.f("ck_improvement_actions_level"),
        ),
        sa.CheckConstraint(
            "status IN ('plan', 'do', 'check', 'act', 'done', 'cancelled')",
            name=op.f("ck_improvement_actions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_improvement_actions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_actions")),
    )
    op.create_index(
        op.f("ix_improvement_actions_organisation_id"),
        "improvement_actions",
        ["organisation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_improvement_actions_organisation_id"), table_name="improvement_actions")
    op.drop_table("improvement_actions")
    op.drop_index(op.f("ix_signal_updates_signal_id"), table_name="signal_updates")
    op.drop_table("signal_updates")
    op.drop_index("ix_signals_organisation_id_supplier", table_name="signals")
    op.drop_index("ix_signals_organisation_id_received_at", table_name="signals")
    op.drop_table("signals")
