"""Reports: the recommendations people write for a wave's research report.

- ``report_texts``: one row per wave (``wave_id`` primary key, deleted with the wave).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_texts",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["studies.id"],
            name=op.f("fk_report_texts_wave_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_report_texts")),
    )


def downgrade() -> None:
    op.drop_table("report_texts")
