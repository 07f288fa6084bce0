"""Reports: recorded verdicts on gaps 2–4 and links between waves (issue 7).

- ``gap_verdicts``: per wave and gap (2, 3 or 4) the verdict people recorded (present,
  partly, absent), its explanation and optionally a measured share.
- ``wave_links``: a mirror, prediction or employee wave and the customer wave it is
  compared with (gaps 1, 6, 7 and the mirror chart in that wave's report).

Revision ID: 0010
Revises: 0006 (re-chained at merge)
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_NOW = sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    op.create_table(
        "gap_verdicts",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("gap", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("size", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.CheckConstraint("gap IN (2, 3, 4)", name=op.f("ck_gap_verdicts_gap")),
        sa.CheckConstraint(
            "verdict IN ('present', 'partly', 'absent')", name=op.f("ck_gap_verdicts_verdict")
        ),
        sa.CheckConstraint(
            "size IS NULL OR (size >= 0 AND size <= 1)", name=op.f("ck_gap_verdicts_size")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["studies.id"],
            name=op.f("fk_gap_verdicts_wave_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("wave_id", "gap", name=op.f("pk_gap_verdicts")),
    )
    op.create_table(
        "wave_links",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("customer_wave_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["studies.id"],
            name=op.f("fk_wave_links_wave_id_studies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_wave_id"],
            ["studies.id"],
            name=op.f("fk_wave_links_customer_wave_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_wave_links")),
    )
    op.create_index(
        op.f("ix_wave_links_customer_wave_id"), "wave_links", ["customer_wave_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_wave_links_customer_wave_id"), table_name="wave_links")
    op.drop_table("wave_links")
    op.drop_table("gap_verdicts")
