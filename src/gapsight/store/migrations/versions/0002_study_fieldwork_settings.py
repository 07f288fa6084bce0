"""Study fieldwork settings: the reminder schedule and the flag recipients.

``reminder_days``: days after the invitation on which a reminder goes to those who
have not completed (e.g. ``[7, 14]``). ``flag_recipients``: e-mail addresses told
about flagged promoters and detractors, agreed before fieldwork (``certification.md``
P4.flagging). Both are JSON lists, empty by default.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    for name in ("reminder_days", "flag_recipients"):
        op.add_column(
            "studies", sa.Column(name, _JSON, nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    # SQLite ≥ 3.35 drops columns natively; no table rebuild is needed.
    for name in ("flag_recipients", "reminder_days"):
        op.drop_column("studies", name)
