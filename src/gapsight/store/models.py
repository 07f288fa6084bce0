"""The database schema as typed SQLAlchemy 2 models.

One class per table. The models hold data and the database-level rules (check
constraints, foreign keys, unique keys); use cases live in ``gapsight.services``.
Alembic migrations in ``store/migrations`` create exactly this schema on SQLite and
PostgreSQL (a test compares the two).

Answers are stored one row per response, in four columns written together by
:func:`gapsight.store.answers.encode` (see that module for why):

- ``vector``: the numeric answers as little-endian float32 in the instrument version's
  ``numeric_codes()`` order, ``NaN`` = missing — loading a wave is one sequential read;
- ``dont_know``: a little-endian bitmask of "don't know" answers, ``NULL`` when none;
- ``answers``: a JSON object ``{code: value | "dk"}`` to query with ``json_extract`` on
  SQLite or JSONB operators on PostgreSQL;
- ``texts``: a JSON object of free-text answers, ``NULL`` when none.

Loading a large wave reads wave-level columnar copies of these rows instead
(:class:`AnswerBlock`, valid while their version equals the wave's
:class:`AnswerVersion`, which database triggers bump on every response write; see
:mod:`gapsight.store.blocks`).

Example::

    >>> from gapsight.store.models import Base
    >>> sorted(Base.metadata.tables)[:3]
    ['answer_blocks', 'answer_versions', 'api_tokens']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from gapsight.domain.actions import ACTION_STATUSES
from gapsight.domain.actions import LEVELS as ACTION_LEVELS
from gapsight.domain.cases import CASE_EVENT_KINDS, CASE_KINDS, CASE_STATUSES
from gapsight.domain.signals import CHANNELS as SIGNAL_CHANNELS
from gapsight.domain.signals import STATUSES as SIGNAL_STATUSES
from gapsight.domain.studies import ANONYMITY_MODES, STUDY_KINDS
from gapsight.domain.verdicts import VERDICTS

__all__ = [
    "ACTION_LEVELS",
    "ACTION_STATUSES",
    "ANONYMITY_MODES",
    "CASE_EVENT_KINDS",
    "CASE_KINDS",
    "CASE_STATUSES",
    "CHARACTERISTIC_TYPES",
    "OUTBOX_STATUSES",
    "RESPONSE_STATUSES",
    "ROLES",
    "SIGNAL_CHANNELS",
    "SIGNAL_STATUSES",
    "SIGNAL_UPDATE_KINDS",
    "STUDY_KINDS",
    "STUDY_STATUSES",
    "AnswerBlock",
    "AnswerVersion",
    "ApiToken",
    "Base",
    "Case",
    "CaseEvent",
    "CharacteristicDefinition",
    "GapVerdict",
    "ImprovementAction",
    "InstrumentVersion",
    "Invitation",
    "Organisation",
    "OutboxMessage",
    "ReportText",
    "Response",
    "ServiceEvent",
    "Signal",
    "SignalIntake",
    "SignalReportText",
    "SignalUpdate",
    "Study",
    "User",
    "UserClientGroup",
    "WaveLink",
]

STUDY_STATUSES = ("draft", "fieldwork", "closed")
RESPONSE_STATUSES = ("started", "partial", "complete")
ROLES = ("admin", "coordinator", "viewer")
CHARACTERISTIC_TYPES = ("string", "integer", "float", "boolean", "date")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
SIGNAL_UPDATE_KINDS = ("action", "client_message", "status", "note")

JSONType: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")
"""JSON on SQLite (queryable with JSON1), JSONB on PostgreSQL."""
BigId: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit keys; on SQLite ``INTEGER`` so the key is the rowid (auto-incremented)."""


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention, so that migrations can
    address every constraint by name on both databases (SQLite batch mode needs it)."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def _now() -> Any:
    return mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.current_timestamp()
    )


class Organisation(Base):
    """An organisation whose customer orientation is measured."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = _now()


class User(Base):
    """A person who logs in. ``password_hash`` is an argon2 hash, never the password."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    created_at: Mapped[dt.datetime] = _now()


class InstrumentVersion(Base):
    """One immutable version of an instrument. ``organisation_id`` is ``NULL`` for the
    built-in library. Once a study uses a version it can no longer change or be
    deleted (see :mod:`gapsight.store.instrument_versions`)."""

    __tablename__ = "instrument_versions"
    __table_args__ = (
        Index(
            "uq_instrument_versions_builtin",
            "instrument_id",
            "version",
            unique=True,
            sqlite_where=text("organisation_id IS NULL"),
            postgresql_where=text("organisation_id IS NULL"),
        ),
        Index(
            "uq_instrument_versions_owned",
            "organisation_id",
            "instrument_id",
            "version",
            unique=True,
            sqlite_where=text("organisation_id IS NOT NULL"),
            postgresql_where=text("organisation_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    instrument_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = _now()

    @property
    def ref(self) -> str:
        """``"<id>@<version>"``."""
        return f"{self.instrument_id}@{self.version}"


class Study(Base):
    """A study wave: one fielding of one instrument version to one audience."""

    __tablename__ = "studies"
    __table_args__ = (
        CheckConstraint(_in("kind", STUDY_KINDS), name="kind"),
        CheckConstraint(_in("anonymity_mode", ANONYMITY_MODES), name="anonymity_mode"),
        CheckConstraint(_in("status", STUDY_STATUSES), name="status"),
        CheckConstraint("min_group_size BETWEEN 3 AND 10", name="min_group_size"),
        CheckConstraint("confidence_level > 0 AND confidence_level < 1", name="confidence"),
        CheckConstraint("population_size IS NULL OR population_size >= 0", name="population"),
        CheckConstraint(
            "kind <> 'employee' OR anonymity_mode = 'anonymous'", name="employee_anonymous"
        ),
        CheckConstraint(
            "field_start IS NULL OR field_end IS NULL OR field_start <= field_end",
            name="field_period",
        ),
        Index("uq_studies_open_link", "open_link", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    series: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    instrument_version_id: Mapped[int] = mapped_column(
        ForeignKey("instrument_versions.id", ondelete="RESTRICT")
    )
    modules: Mapped[dict[str, bool]] = mapped_column(JSONType, default=dict)
    field_start: Mapped[dt.date | None] = mapped_column(Date)
    field_end: Mapped[dt.date | None] = mapped_column(Date)
    population_size: Mapped[int | None] = mapped_column(Integer)
    anonymity_mode: Mapped[str] = mapped_column(String(20), default="anonymous")
    min_group_size: Mapped[int] = mapped_column(Integer, default=5)
    confidence_level: Mapped[float] = mapped_column(Float, default=0.95)
    previous_wave_id: Mapped[int | None] = mapped_column(
        ForeignKey("studies.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20), default="draft")
    reminder_days: Mapped[list[int]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'")
    )
    """Days after the invitation on which non-completers get a reminder (``[7, 14]``)."""
    flag_recipients: Mapped[list[str]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'")
    )
    """Who is told about flagged promoters and detractors (agreed before fieldwork)."""
    flag_rules: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """The flag rules and recipients (:class:`gapsight.domain.flags.FlagRules` as JSON);
    ``NULL``: the default rules on the recommendation question."""
    open_link: Mapped[str | None] = mapped_column(String(64))
    """Public id of the study's open anonymous link ``/o/<open_link>`` (``NULL``: none)."""
    created_at: Mapped[dt.datetime] = _now()

    instrument_version: Mapped[InstrumentVersion] = relationship(lazy="joined")
    characteristics: Mapped[list[CharacteristicDefinition]] = relationship(
        order_by="CharacteristicDefinition.id", cascade="all, delete-orphan"
    )


class CharacteristicDefinition(Base):
    """A loaded characteristic of a wave (``segment``: string …) and its type."""

    __tablename__ = "characteristic_definitions"
    __table_args__ = (
        UniqueConstraint("wave_id", "name"),
        CheckConstraint(_in("type", CHARACTERISTIC_TYPES), name="type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(10))


class Invitation(Base):
    """A contact from the sample of a wave (exposure, kept apart from the response).

    Only a SHA-256 hash of the respondent's ≥128-bit link token is stored; the mail
    timestamps are filled in by the mail worker."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="nl")
    external_id: Mapped[str | None] = mapped_column(String(200))
    characteristics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    bounced_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    opted_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    """When the contact used the opt-out link: no further reminders for this wave."""
    completed: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    """The contact completed the questionnaire. A flag without a time, so that it can
    be set for anonymous respondents too without linking anything to their response;
    reminders skip completed contacts."""
    created_at: Mapped[dt.datetime] = _now()


class Response(Base):
    """One respondent's answers to one wave (see the module docstring for the four
    answer columns). Anonymous responses have no invitation and date-only times."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(_in("status", RESPONSE_STATUSES), name="status"),
        CheckConstraint("NOT anonymous OR invitation_id IS NULL", name="anonymous_unlinked"),
        Index("ix_responses_wave_id_id", "wave_id", "id"),
        # partial: only unfinished web responses have a resume hash (migration 0012)
        Index(
            "uq_responses_resume_hash",
            "resume_hash",
            unique=True,
            sqlite_where=text("resume_hash IS NOT NULL"),
            postgresql_where=text("resume_hash IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    instrument_version_id: Mapped[int] = mapped_column(
        ForeignKey("instrument_versions.id", ondelete="RESTRICT")
    )
    status: Mapped[str] = mapped_column(String(10))
    anonymous: Mapped[bool] = mapped_column(default=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    respondent_key: Mapped[str | None] = mapped_column(String(200))
    characteristics: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    dont_know: Mapped[bytes | None] = mapped_column(LargeBinary)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    texts: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    resume_hash: Mapped[str | None] = mapped_column(String(64))
    """Hash of the key that resumes a web response, only while it is unfinished."""
    pages: Mapped[list[int] | None] = mapped_column(JSONType)
    """Questionnaire pages submitted so far (web responses)."""


class OutboxMessage(Base):
    """One e-mail in the transactional outbox (see :mod:`gapsight.mail.outbox`).

    Written in the same transaction as the event that causes it; ``dedupe_key`` is
    unique, so the same logical message (``invitation:42``, ``reminder:42:7``,
    ``flag:…``) can never be enqueued twice. A worker claims ``pending`` rows (status
    ``sending`` with a lease until ``locked_until``), sends them and marks them
    ``sent`` or, after a permanent rejection or too many attempts, ``failed``. The
    bodies are erased once the message is finished, because they may hold personal
    links."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = _now()
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = _now()


class Signal(Base):
    """One signal in the register: a complaint, a wish, a compliment … from any channel
    (see :mod:`gapsight.domain.signals` for the categories and rules).

    ``theme_tags`` is a JSON list of slugs; ``original_category`` keeps the category a
    recurring report had before it was promoted to a complaint. ``status_token_hash``
    is the SHA-256 of the client's private status link (the token itself is never
    stored). ``acknowledged_at`` and ``last_client_contact_at`` drive the clocks."""

    __tablename__ = "signals"
    __table_args__ = (
        CheckConstraint(_in("channel", SIGNAL_CHANNELS), name="channel"),
        CheckConstraint(_in("status", SIGNAL_STATUSES), name="status"),
        Index("ix_signals_organisation_id_received_at", "organisation_id", "received_at"),
        Index("ix_signals_organisation_id_supplier", "organisation_id", "supplier"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(40))
    registrar: Mapped[str] = mapped_column(String(200))
    registrar_email: Mapped[str | None] = mapped_column(String(320))
    client_organisation: Mapped[str] = mapped_column(String(200))
    client_group: Mapped[str] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    supplier: Mapped[str | None] = mapped_column(String(200))
    service_domain: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    original_category: Mapped[str | None] = mapped_column(String(40))
    promotion_reason: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    supplier_ticket: Mapped[str | None] = mapped_column(String(100))
    within_norms: Mapped[bool] = mapped_column(Boolean, default=False)
    norms_explanation: Mapped[str | None] = mapped_column(Text)
    feedback_to_client: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new")
    resolution: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    theme_tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_client_contact_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="nl")
    created_at: Mapped[dt.datetime] = _now()
    updated_at: Mapped[dt.datetime] = _now()


class SignalUpdate(Base):
    """A follow-up on a signal: an action taken, a message to the client, a status
    change or a note — the date, who and what (the history an auditor asks for)."""

    __tablename__ = "signal_updates"
    __table_args__ = (CheckConstraint(_in("kind", SIGNAL_UPDATE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(Text)


class ImprovementAction(Base):
    """An improvement action run as PDCA (see :mod:`gapsight.domain.actions`).

    ``causes`` is a JSON list of ``{kind, reference, note}``; ``measurement`` the JSON
    of the measurement that should show the effect (``NULL`` when none is named)."""

    __tablename__ = "improvement_actions"
    __table_args__ = (
        CheckConstraint(_in("level", ACTION_LEVELS), name="level"),
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    plan: Mapped[str | None] = mapped_column(Text)
    due: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="plan")
    check_result: Mapped[str | None] = mapped_column(Text)
    act_decision: Mapped[str | None] = mapped_column(Text)
    causes: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    measurement: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = _now()
    updated_at: Mapped[dt.datetime] = _now()
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A token for the JSON API (``Authorization: Bearer …``) acting as ``user_id``.

    Only the SHA-256 hash of the token is stored; ``prefix`` (its first characters)
    lets people tell their tokens apart in a list."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = _now()
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReportText(Base):
    """What people wrote for a wave's research report (the recommendations), kept with
    the wave so every rendering of the report prints the same text."""

    __tablename__ = "report_texts"

    wave_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    recommendations: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = _now()


class AnswerVersion(Base):
    """How often the responses of a wave have changed: a counter that database
    triggers (migration 0008) raise in the same transaction as every insert, delete
    and relevant update of a ``responses`` row of the wave.

    No foreign key to ``studies``: the triggers also fire while a study's responses
    are deleted by its own cascade, and an orphaned counter is harmless (it only ever
    grows). A bulk import raises the counter once itself and skips the per-row
    trigger (see :func:`gapsight.store.blocks.bulk_insert`)."""

    __tablename__ = "answer_versions"

    wave_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class AnswerBlock(Base):
    """One block of a wave's responses in columnar form (ids, statuses, keys, the
    packed answer vectors, don't-know bitmasks, characteristics and texts of up to
    :data:`gapsight.store.blocks.BLOCK_ROWS` respondents, as compressed Arrow IPC).

    A derived copy of ``responses``: served only while ``version`` equals the wave's
    :class:`AnswerVersion`, rebuilt from the rows otherwise (see
    :mod:`gapsight.store.blocks`)."""

    __tablename__ = "answer_blocks"

    wave_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
    blocks: Mapped[int] = mapped_column(Integer)
    """How many blocks the set of this version has (a completeness check)."""
    rows: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Case(Base):
    """The follow-up of one flagged, non-anonymous respondent (see
    :mod:`gapsight.domain.cases`). One case per response (``response_id`` is unique),
    so a response saved again never opens a second case.

    ``hits`` is the JSON list of the rules that fired (item, answer, rule); the
    respondent's name and e-mail are copied from the invitation as they agreed to be
    contacted. ``owner`` is the e-mail address of the person responsible;
    ``contact_person`` the customer's own contact person the case was forwarded to."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("kind", CASE_KINDS), name="kind"),
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        Index("ix_cases_organisation_id_flagged_at", "organisation_id", "flagged_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    owner: Mapped[str | None] = mapped_column(String(320))
    segment: Mapped[str | None] = mapped_column(String(200))
    respondent_name: Mapped[str | None] = mapped_column(String(200))
    respondent_email: Mapped[str | None] = mapped_column(String(320))
    respondent_key: Mapped[str | None] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    outcome: Mapped[str | None] = mapped_column(Text)
    flagged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    forwarded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    followed_up_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = _now()


class CaseEvent(Base):
    """One entry of a case's history: a status change, a reassignment, a note or a mail
    sent — when, by whom and what (the evidence an auditor asks for)."""

    __tablename__ = "case_events"
    __table_args__ = (CheckConstraint(_in("kind", CASE_EVENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(Text)


class LoginFailure(Base):
    """One failed login, counted by the login throttle (:mod:`gapsight.web.throttle`)
    of every process that serves the same database.

    ``key`` is the SHA-256 of ``"email:<address>"`` or ``"client:<IP address>"`` — the
    throttle needs to count, not to know who — and ``failed_at`` is Unix time in
    seconds. Rows older than the throttle's window are deleted as new failures come in.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_failed_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[float] = mapped_column(Float, index=True)


class GapVerdict(Base):
    """A verdict people recorded on gap 2, 3 or 4 for a wave (see
    :mod:`gapsight.domain.verdicts`): present, partly or absent, why, and optionally a
    measured share."""

    __tablename__ = "gap_verdicts"
    __table_args__ = (
        CheckConstraint("gap IN (2, 3, 4)", name="gap"),
        CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
        CheckConstraint("size IS NULL OR (size >= 0 AND size <= 1)", name="size"),
    )

    wave_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    gap: Mapped[int] = mapped_column(Integer, primary_key=True)
    verdict: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[dt.datetime] = _now()


class WaveLink(Base):
    """A mirror, prediction or employee wave and the customer wave it is compared with
    (its report shows gaps 1, 6, 7, the mirror chart and the employee feedback)."""

    __tablename__ = "wave_links"

    wave_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True
    )
    customer_wave_id: Mapped[int] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )


class SignalIntake(Base):
    """One submission of the public signal form, kept to rate-limit floods: the
    HMAC of the sender's network address (never the address itself) and when.
    Rows older than the rate-limit window are deleted as new ones arrive."""

    __tablename__ = "signal_intake"
    __table_args__ = (Index("ix_signal_intake_address_hash_at", "address_hash", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UserClientGroup(Base):
    """A client group assigned to a user, which makes that user a *client manager*:
    in the signals register they see and handle the signals of their client groups
    only (see :mod:`gapsight.services.signal_access`)."""

    __tablename__ = "user_client_groups"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    client_group: Mapped[str] = mapped_column(String(200), primary_key=True)


class SignalReportText(Base):
    """The text that explains the figures of a signals report, written by people and
    kept so every rendering prints it: ``kind`` ``supplier`` or ``registrar``,
    ``subject`` the supplier's or registrar's name, ``period`` the last month
    (``YYYY-MM``)."""

    __tablename__ = "signal_report_texts"
    __table_args__ = (
        UniqueConstraint("organisation_id", "kind", "subject", "period"),
        CheckConstraint("kind IN ('supplier', 'registrar')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(7))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = _now()


class ServiceEvent(Base):
    """A service interaction (a request handled, a helpdesk contact) registered for an
    event survey wave: who was served (``email``), by which ``department``, and what
    happened to it — ``outcome`` ``invited`` (sampled and invited, ``invitation_id``),
    ``not_sampled`` or ``already_invited`` (sampled, but the contact already has an
    invitation in this wave). See :mod:`gapsight.services.events`."""

    __tablename__ = "service_events"
    __table_args__ = (
        CheckConstraint("outcome IN ('invited', 'not_sampled', 'already_invited')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    outcome: Mapped[str] = mapped_column(String(20))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = _now()
