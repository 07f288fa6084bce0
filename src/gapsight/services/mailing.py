"""Invitations, reminders and opt-out: the mail a study's fieldwork sends.

All three write to the transactional outbox (:mod:`gapsight.mail.outbox`) in the
caller's transaction; the mail worker sends later. Each logical message has a dedupe
key, so running a function twice never mails anyone twice:

- :func:`invite` — every contact of the sample not yet invited, not opted out and not
  bounced gets ``invitation:<invitation id>``: the template of the contact's language
  (``nl``/``en``), their personal link ``<base>/r/<token>`` (only the token's hash is
  stored, see :mod:`gapsight.mail.links`), a plain-text and an HTML part, and an
  opt-out line. ``invited_at`` is set when the message is enqueued.
- :func:`remind` — the study's schedule ``reminder_days`` (days after the invitation,
  e.g. ``[7, 14]``). A contact gets ``reminder:<invitation id>:<day>`` for the latest
  day that is due, only when they have not completed, not opted out and did not
  bounce. A reminder day that passed while nothing ran is skipped rather than sent
  late next to the following one, so nobody gets two reminders at once.
  :func:`remind_due` does this for every study in fieldwork (the mail worker runs it
  periodically).
- :func:`opt_out` — the opt-out link's handler: idempotent; the contact gets no
  further reminders of this wave.

*Completed* means the invitation's ``completed`` flag (set by the respondent pages
for identified and anonymous respondents alike) or a complete response linked to it.

Example::

    >>> # links = Links(secret=secret_key(settings), base_url=settings.public_url)
    >>> # with unit_of_work(engine) as session:
    >>> #     invite(session, study_id, links).enqueued     -> 250
    >>> #     invite(session, study_id, links).enqueued     -> 0 (already invited)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, exists, select
from sqlalchemy.orm import Session

from gapsight.config import Settings
from gapsight.mail import outbox
from gapsight.mail.links import Links
from gapsight.mail.render import compose
from gapsight.mail.transport import SmtpTransport, Transport
from gapsight.mail.worker import Sender
from gapsight.services.organisations import get_organisation
from gapsight.services.samples import hash_token
from gapsight.services.studies import get_study
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation, Response, Study

__all__ = [
    "MailingResult",
    "build_sender",
    "invite",
    "links_for",
    "opt_out",
    "remind",
    "remind_due",
]


@dataclass(frozen=True)
class MailingResult:
    """What an invite or remind run put in the outbox.

    Attributes:
        study_id: the study.
        enqueued: messages added to the outbox now.
        skipped: contacts left out (opted out, bounced, completed, or already sent).
    """

    study_id: int
    enqueued: int
    skipped: int


def _require_fieldwork(study: Study) -> None:
    if study.status != "fieldwork":
        raise ValueError(
            f"study {study.id} is {study.status}: invitations and reminders go out only "
            "during fieldwork; launch fieldwork first"
        )


def _date(value: dt.date | None, lang: str) -> str | None:
    if value is None:
        return None
    return value.strftime("%d-%m-%Y") if lang == "nl" else value.isoformat()


def _enqueue(
    session: Session,
    kind: str,
    key: str,
    invitation: Invitation,
    study: Study,
    organisation: str,
    links: Links,
    fallback: str,
    now: dt.datetime,
) -> bool:
    token = links.personal_token(invitation.id)
    token_hash = hash_token(token)
    if invitation.token_hash != token_hash:
        invitation.token_hash = token_hash
    context: dict[str, Any] = {
        "name": invitation.name,
        "organisation": organisation,
        "study": study.name,
        "link": links.survey_url(invitation.id),
        "optout": links.optout_url(invitation.id),
        "field_end": _date(study.field_end, invitation.language),
    }
    mail = compose(kind, invitation.language, context, fallback=fallback)
    return outbox.enqueue(
        session,
        kind=kind,
        dedupe_key=key,
        recipient=invitation.email,
        subject=mail.subject,
        text=mail.text,
        html=mail.html,
        headers={
            "List-Unsubscribe": f"<{links.optout_url(invitation.id)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        invitation_id=invitation.id,
        now=now,
    )


def invite(
    session: Session,
    study_id: int,
    links: Links,
    *,
    fallback_language: str = "nl",
    now: dt.datetime | None = None,
) -> MailingResult:
    """Enqueue the invitation of every contact of study ``study_id`` not yet invited.

    ``ValueError`` unless the study is in fieldwork; ``KeyError`` for an unknown study.
    """
    now = now or outbox.utcnow()
    study = get_study(session, study_id)
    _require_fieldwork(study)
    organisation = get_organisation(session, study.organisation_id).name
    candidates = session.scalars(
        select(Invitation).where(Invitation.wave_id == study_id).order_by(Invitation.id)
    ).all()
    enqueued = skipped = 0
    for invitation in candidates:
        if (
            invitation.invited_at is not None
            or invitation.opted_out_at is not None
            or invitation.bounced_at is not None
        ):
            skipped += 1
            continue
        key = f"invitation:{invitation.id}"
        if _enqueue(
            session,
            "invitation",
            key,
            invitation,
            study,
            organisation,
            links,
            fallback_language,
            now,
        ):
            invitation.invited_at = now
            enqueued += 1
        else:
            skipped += 1
    session.flush()
    return MailingResult(study_id, enqueued, skipped)


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; gapsight stores UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def remind(
    session: Session,
    study_id: int,
    links: Links,
    *,
    fallback_language: str = "nl",
    now: dt.datetime | None = None,
) -> MailingResult:
    """Enqueue the reminders of study ``study_id`` that are due at ``now`` (see the
    module docstring). ``ValueError`` unless the study is in fieldwork."""
    now = now or outbox.utcnow()
    study = get_study(session, study_id)
    _require_fieldwork(study)
    days = sorted({int(d) for d in study.reminder_days or ()})
    if not days:
        return MailingResult(study_id, 0, 0)
    organisation = get_organisation(session, study.organisation_id).name
    completed_response = exists().where(
        Response.invitation_id == Invitation.id, Response.status == "complete"
    )
    stmt = (
        select(Invitation)
        .where(
            Invitation.wave_id == study_id,
            Invitation.invited_at.is_not(None),
            Invitation.invited_at <= now - dt.timedelta(days=days[0]),
            Invitation.opted_out_at.is_(None),
            Invitation.bounced_at.is_(None),
            Invitation.completed.is_(False),
            ~completed_response,
        )
        .order_by(Invitation.id)
    )
    enqueued = skipped = 0
    for invitation in session.scalars(stmt):
        if invitation.invited_at is None:  # excluded by the query; narrows the type
            continue
        age = now - _as_utc(invitation.invited_at)
        due = [d for d in days if age >= dt.timedelta(days=d)]
        key = f"reminder:{invitation.id}:{due[-1]}"
        if _enqueue(
            session,
            "reminder",
            key,
            invitation,
            study,
            organisation,
            links,
            fallback_language,
            now,
        ):
            enqueued += 1
        else:
            skipped += 1
    session.flush()
    return MailingResult(study_id, enqueued, skipped)


def remind_due(
    session: Session,
    links: Links,
    *,
    fallback_language: str = "nl",
    now: dt.datetime | None = None,
) -> list[MailingResult]:
    """:func:`remind` for every study in fieldwork that has a reminder schedule."""
    studies = session.scalars(
        select(Study.id).where(Study.status == "fieldwork").order_by(Study.id)
    ).all()
    results = []
    for study_id in studies:
        result = remind(session, study_id, links, fallback_language=fallback_language, now=now)
        if result.enqueued:
            results.append(result)
    return results


def opt_out(
    session: Session, links: Links, token: str, *, now: dt.datetime | None = None
) -> Invitation | None:
    """Apply the opt-out link ``token``: the invitation (opted out, the first time at
    ``now``), or ``None`` for an invalid or unknown token. Idempotent."""
    invitation_id = links.optout_invitation(token)
    if invitation_id is None:
        return None
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        return None
    if invitation.opted_out_at is None:
        invitation.opted_out_at = now or outbox.utcnow()
        session.flush()
    return invitation


def links_for(settings: Settings, secret: str) -> Links:
    """The link maker of an installation: its secret key and public address."""
    return Links(secret=secret, base_url=settings.public_url)


def build_sender(
    settings: Settings,
    engine: Engine,
    secret: str,
    *,
    transport: Transport | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> Sender:
    """The mail worker of ``gapsight serve`` and ``gapsight worker``: sends the outbox
    through the configured SMTP server and, once a minute, enqueues the reminders that
    are due (:func:`remind_due`), the case reminders and escalations
    (:func:`gapsight.services.cases.run_clocks`), and runs the signals scheduler (clock
    reminders and escalations, the monthly trend mail:
    :func:`gapsight.services.signal_schedule.tick`). ``clock`` (current UTC time) is for
    tests that step over weekends and holidays."""
    from gapsight.services import signal_schedule

    links = links_for(settings, secret)
    now = clock or outbox.utcnow

    def reminders() -> None:
        with unit_of_work(engine) as session:
            remind_due(session, links, fallback_language=settings.default_language)

    def case_clocks() -> None:
        from gapsight.services import cases

        with unit_of_work(engine) as session:
            cases.run_clocks(session, now=now(), base_url=settings.public_url)

    def signals() -> None:
        signal_schedule.tick(engine, now=now(), base_url=settings.public_url)

    return Sender(
        engine,
        transport or SmtpTransport(settings),
        sender_address=settings.mail_from,
        tasks=[reminders, case_clocks, signals],
        clock=now,
    )
