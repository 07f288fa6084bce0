"""The transactional outbox: e-mail as rows, written with the event that causes them.

Why an outbox? Sending mail inside a web request or a service call couples two
systems that fail separately: the transaction may roll back after the mail went out,
or commit while the mail server is down. Instead, a service *enqueues* a message in
the **caller's transaction** (:func:`enqueue`); it exists exactly when the event that
caused it was committed. A worker (:mod:`gapsight.mail.worker`) sends it later and
retries until the server accepts or refuses it.

**Never twice.** Every message has a ``dedupe_key`` naming the logical message
(``invitation:42``, ``reminder:42:7``, ``flag:<case>`` …), unique in the table:
enqueueing the same key again is a no-op that returns ``False``, however often a
service runs.

**Claiming.** :func:`claim` moves a batch of due rows from ``pending`` to ``sending``
in one statement, with a lease (``locked_until``) and the worker's id::

    UPDATE outbox SET status='sending', locked_by=:me, locked_until=:lease, …
    WHERE id IN (SELECT id FROM outbox WHERE <due> ORDER BY id LIMIT :n
                 FOR UPDATE SKIP LOCKED)        -- PostgreSQL: concurrent workers skip
    RETURNING …                                 -- each other's rows instead of waiting

On SQLite ``FOR UPDATE SKIP LOCKED`` does not exist (SQLAlchemy leaves it out); there
the statement is atomic because SQLite runs one writer at a time and the condition is
evaluated under the write lock, so two workers on one file never claim the same row.
A row whose lease ran out (its worker died mid-send) becomes claimable again; that is
the one case in which a message can be sent twice (the server accepted it but the
worker died before recording it) — the usual at-least-once limit of any outbox.

**Outcome.** :func:`mark_sent` records ``sent_at`` and the invitation's
``delivered_at``; :func:`mark_failed` either schedules a retry after
:func:`backoff` (transient failure) or, for a permanent refusal, marks the message
``failed`` and the invitation ``bounced_at``. Both only touch rows still leased by the
calling worker, and both erase the bodies of finished messages (they may contain a
personal survey link).

Example::

    >>> backoff(1), backoff(2), backoff(3), backoff(20)
    (30.0, 60.0, 120.0, 3600.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Table, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gapsight.mail.transport import Message
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation, OutboxMessage

__all__ = [
    "BACKOFF_BASE_SECONDS",
    "BACKOFF_CAP_SECONDS",
    "LEASE",
    "MAX_ATTEMPTS",
    "Claimed",
    "backoff",
    "claim",
    "counts",
    "enqueue",
    "mark_failed",
    "mark_sent",
    "utcnow",
]

BACKOFF_BASE_SECONDS = 30.0
"""Wait before the first retry; doubled after every further failure."""
BACKOFF_CAP_SECONDS = 3600.0
"""Longest wait between two attempts (one hour)."""
MAX_ATTEMPTS = 12
"""Attempts before a message that keeps failing transiently is given up (``failed``);
with the backoff above that is about eight hours of trying."""
LEASE = dt.timedelta(minutes=10)
"""How long a claimed message stays reserved for its worker."""

_TABLE: Table = cast(Table, OutboxMessage.__table__)


def utcnow() -> dt.datetime:
    """The current time in UTC (timezone-aware); the default clock."""
    return dt.datetime.now(dt.UTC)


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based):
    ``30 · 2^(attempt-1)``, at most :data:`BACKOFF_CAP_SECONDS`."""
    exponent = min(max(attempt - 1, 0), 20)
    return float(min(BACKOFF_BASE_SECONDS * 2**exponent, BACKOFF_CAP_SECONDS))


def enqueue(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    recipient: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    invitation_id: int | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Add a message to the outbox in ``session``'s transaction.

    Returns ``True`` when it was added, ``False`` when a message with ``dedupe_key``
    already exists (nothing is changed then). The message is due at once.
    """
    values: dict[str, Any] = {
        "kind": kind,
        "dedupe_key": dedupe_key,
        "recipient": recipient,
        "subject": subject,
        "body_text": text,
        "body_html": html,
        "headers": dict(headers or {}),
        "invitation_id": invitation_id,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now or utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(_TABLE)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_TABLE.c.id)
    )
    return session.execute(stmt).scalar_one_or_none() is not None


@dataclass(frozen=True)
class Claimed:
    """A message reserved for one worker: what to send and how often it was tried
    (``attempt`` counts this one)."""

    id: int
    kind: str
    invitation_id: int | None
    attempt: int
    recipient: str
    subject: str
    text: str
    html: str | None
    headers: Mapping[str, str]

    def message(self, sender: str) -> Message:
        """The :class:`~gapsight.mail.transport.Message` to hand to a transport."""
        return Message(
            recipient=self.recipient,
            subject=self.subject,
            text=self.text,
            html=self.html,
            sender=sender,
            headers=dict(self.headers),
        )


def claim(
    engine: Engine,
    worker: str,
    *,
    limit: int = 20,
    now: dt.datetime | None = None,
    lease: dt.timedelta = LEASE,
) -> list[Claimed]:
    """Reserve up to ``limit`` due messages for ``worker`` and return them (oldest
    first). Commits at once, so other workers see the reservation."""
    now = now or utcnow()
    t = _TABLE.c
    due = or_(
        and_(t.status == "pending", t.next_attempt_at <= now),
        and_(t.status == "sending", t.locked_until < now),
    )
    ids = (
        select(t.id).where(due).order_by(t.id).limit(limit).with_for_update(skip_locked=True)
    ).scalar_subquery()
    stmt = (
        update(_TABLE)
        .where(t.id.in_(ids), due)
        .values(
            status="sending",
            locked_by=worker,
            locked_until=now + lease,
            attempts=t.attempts + 1,
        )
        .returning(
            t.id,
            t.kind,
            t.invitation_id,
            t.attempts,
            t.recipient,
            t.subject,
            t.body_text,
            t.body_html,
            t.headers,
        )
    )
    # Look first (a read), claim only when something is due: an idle sender then never
    # takes SQLite's write lock. The claim re-checks the condition itself.
    with unit_of_work(engine) as session:
        if session.scalar(select(t.id).where(due).limit(1)) is None:
            return []
    with unit_of_work(engine) as session:
        rows = session.execute(stmt).all()
    claimed = [
        Claimed(
            id=r.id,
            kind=r.kind,
            invitation_id=r.invitation_id,
            attempt=r.attempts,
            recipient=r.recipient,
            subject=r.subject,
            text=r.body_text or "",
            html=r.body_html,
            headers=r.headers or {},
        )
        for r in rows
    ]
    return sorted(claimed, key=lambda c: c.id)


def _mine(message_id: int, worker: str) -> Any:
    t = _TABLE.c
    return and_(t.id == message_id, t.status == "sending", t.locked_by == worker)


def _rowcount(session: Session, stmt: Any) -> int:
    result = cast(CursorResult[Any], session.execute(stmt))
    return int(result.rowcount)


def mark_sent(
    engine: Engine, message: Claimed, worker: str, *, now: dt.datetime | None = None
) -> bool:
    """Record that the server accepted ``message``: ``sent``, ``sent_at``, bodies erased,
    and the invitation's ``delivered_at`` (first delivery only). ``False`` when the
    row is no longer leased by ``worker`` (then nothing changes)."""
    now = now or utcnow()
    with unit_of_work(engine) as session:
        done = _rowcount(
            session,
            update(_TABLE)
            .where(_mine(message.id, worker))
            .values(
                status="sent",
                sent_at=now,
                locked_until=None,
                last_error=None,
                body_text=None,
                body_html=None,
            ),
        )
        if done and message.invitation_id is not None:
            session.execute(
                update(Invitation)
                .where(Invitation.id == message.invitation_id, Invitation.delivered_at.is_(None))
                .values(delivered_at=now)
            )
    return bool(done)


def mark_failed(
    engine: Engine,
    message: Claimed,
    worker: str,
    error: str,
    *,
    permanent: bool,
    now: dt.datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> str:
    """Record a failed attempt and return the message's new status.

    ``permanent``: the server refused the recipient or message → ``failed`` and the
    invitation ``bounced_at``. Otherwise → ``pending`` again, due after
    :func:`backoff`, or ``failed`` (without a bounce) after ``max_attempts``.
    Returns ``"gone"`` when the row is no longer leased by ``worker``.
    """
    now = now or utcnow()
    give_up = permanent or message.attempt >= max_attempts
    values: dict[str, Any] = {"last_error": error[:2000], "locked_until": None}
    if give_up:
        values.update(status="failed", body_text=None, body_html=None)
    else:
        wait = dt.timedelta(seconds=backoff(message.attempt))
        values.update(status="pending", next_attempt_at=now + wait)
    with unit_of_work(engine) as session:
        done = _rowcount(session, update(_TABLE).where(_mine(message.id, worker)).values(**values))
        if not done:
            return "gone"
        if permanent and message.invitation_id is not None:
            session.execute(
                update(Invitation)
                .where(Invitation.id == message.invitation_id, Invitation.bounced_at.is_(None))
                .values(bounced_at=now)
            )
    return str(values["status"])


def counts(
    session: Session, *, kind: str | None = None, study_id: int | None = None
) -> dict[str, int]:
    """Messages per status (``pending``, ``sending``, ``sent``, ``failed``), optionally
    of one ``kind`` and/or about the invitations of one study."""
    stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if study_id is not None:
        stmt = stmt.join(Invitation, Invitation.id == OutboxMessage.invitation_id).where(
            Invitation.wave_id == study_id
        )
    found = {str(s): int(n) for s, n in session.execute(stmt).all()}
    return {s: found.get(s, 0) for s in ("pending", "sending", "sent", "failed")}
