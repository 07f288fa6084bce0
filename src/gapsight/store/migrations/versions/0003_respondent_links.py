"""Respondent links: resume keys, submitted pages, the completion flag, open links.

- ``responses.resume_hash``: SHA-256 of ``"resume:" + <link or resume token>`` while a
  web response can still be resumed (unique; cleared on completion). It is a different
  hash from ``invitations.token_hash``, so without the token itself an anonymous
  response cannot be matched to its invitation.
- ``responses.pages``: the questionnaire pages submitted so far (a JSON list), so a
  respondent resumes at the first page not yet answered.
- ``invitations.completed``: a flag without a time (LimeSurvey's "anonymized
  responses"): the invitation knows its questionnaire was finished, not when, and not
  which response it was; reminders skip completed contacts.
- ``studies.open_link``: the public id of the study's open (anonymous) link, ``NULL``
  while the study has none.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("responses", sa.Column("resume_hash", sa.String(length=64), nullable=True))
    op.add_column("responses", sa.Column("pages", _JSON, nullable=True))
    op.create_index("uq_responses_resume_hash", "responses", ["resume_hash"], unique=True)
    op.add_column(
        "invitations",
        sa.Column("completed", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.add_column("studies", sa.Column("open_link", sa.String(length=64), nullable=True))
    op.create_index("uq_studies_open_link", "studies", ["open_link"], unique=True)


def downgrade() -> None:
    # SQLite ≥ 3.35 drops columns natively; indexes go first.
    op.drop_index("uq_studies_open_link", table_name="studies")
    op.drop_column("studies", "open_link")
    op.drop_column("invitations", "completed")
    op.drop_index("uq_responses_resume_hash", table_name="responses")
    op.drop_column("responses", "pages")
    op.drop_column("responses", "resume_hash")
