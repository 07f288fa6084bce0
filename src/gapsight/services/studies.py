"""Studies (waves): create, list, show, and move through draft → fieldwork → closed.

A *study* here is one wave: one instrument version fielded to one audience in one
period. Waves of the same measurement share a ``series`` name and point to the wave
they follow (``previous_wave_id``), which the wave-over-wave analysis uses.

The rules checked on creation come from the domain (``analysis.md``, ``instruments.md``):
minimum group size 3–10 (default 5), confidence level strictly between 0 and 1,
population size ≥ 0, employee surveys always anonymous, and a previous wave of the
same organisation.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     s = create_study(session, organisation_id=1, name="KTO 2026", kind="customer",
    >>> #                      instrument="servqual22", anonymity_mode="choice")
    >>> #     info(s).min_group_size  -> 5
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from gapsight.domain import anonymity
from gapsight.domain.studies import InvalidStudy, check_settings
from gapsight.services import instruments as instrument_service
from gapsight.services.organisations import get_organisation
from gapsight.store.models import STUDY_STATUSES, Invitation, OutboxMessage, Response, Study

__all__ = [
    "InvalidStudy",
    "StudyInfo",
    "create_study",
    "forget_reminders",
    "get_study",
    "info",
    "list_studies",
    "seal_anonymous_snapshots",
    "set_status",
]


@dataclass(frozen=True)
class StudyInfo:
    """What analysis and reports need to know about a wave (a detached snapshot)."""

    id: int
    organisation_id: int
    name: str
    series: str | None
    kind: str
    instrument_ref: str
    instrument_version_id: int
    modules: Mapping[str, bool]
    field_start: dt.date | None
    field_end: dt.date | None
    population_size: int | None
    anonymity_mode: str
    min_group_size: int
    confidence_level: float
    previous_wave_id: int | None
    status: str
    created_at: dt.datetime | None
    reminder_days: tuple[int, ...] = ()
    flag_recipients: tuple[str, ...] = ()


def info(study: Study) -> StudyInfo:
    """A frozen snapshot of ``study``."""
    return StudyInfo(
        id=study.id,
        organisation_id=study.organisation_id,
        name=study.name,
        series=study.series,
        kind=study.kind,
        instrument_ref=study.instrument_version.ref,
        instrument_version_id=study.instrument_version_id,
        modules=dict(study.modules or {}),
        field_start=study.field_start,
        field_end=study.field_end,
        population_size=study.population_size,
        anonymity_mode=study.anonymity_mode,
        min_group_size=study.min_group_size,
        confidence_level=study.confidence_level,
        previous_wave_id=study.previous_wave_id,
        status=study.status,
        created_at=study.created_at,
        reminder_days=tuple(study.reminder_days or ()),
        flag_recipients=tuple(study.flag_recipients or ()),
    )


def create_study(
    session: Session,
    *,
    organisation_id: int,
    name: str,
    kind: str,
    instrument: str | int,
    series: str | None = None,
    modules: Mapping[str, bool] | None = None,
    field_start: dt.date | None = None,
    field_end: dt.date | None = None,
    population_size: int | None = None,
    anonymity_mode: str = "anonymous",
    min_group_size: int = 5,
    confidence_level: float = 0.95,
    previous_wave_id: int | None = None,
    reminder_days: Sequence[int] = (),
    flag_recipients: Sequence[str] = (),
) -> Study:
    """Create a wave in status ``draft``.

    ``instrument`` is a reference (``"servqual22"``, ``"cvs@1"``) resolved with
    :func:`gapsight.services.instruments.resolve`, or an instrument version id.
    ``reminder_days`` are days after the invitation on which those who have not
    completed get a reminder; ``flag_recipients`` are the e-mail addresses told about
    flagged respondents. The settings are checked with
    :func:`gapsight.domain.studies.check_settings`: :class:`InvalidStudy` (a
    ``ValueError``) lists every broken rule; ``ValueError`` also for a module the
    instrument lacks or a previous wave of another organisation; ``KeyError`` for an
    unknown organisation, instrument or previous wave.
    """
    org = get_organisation(session, organisation_id)
    problems = check_settings(
        name=name,
        kind=kind,
        anonymity_mode=anonymity_mode,
        min_group_size=min_group_size,
        confidence_level=confidence_level,
        population_size=population_size,
        field_start=field_start,
        field_end=field_end,
        reminder_days=reminder_days,
        flag_recipients=flag_recipients,
    )
    if problems:
        raise InvalidStudy(problems)
    version = (
        instrument_service.resolve(session, instrument, organisation_id=org.id)
        if isinstance(instrument, str)
        else instrument_service.get_version(session, instrument)
    )
    declared = instrument_service.as_instrument(version).modules
    unknown = sorted(set(modules or {}) - set(declared))
    if unknown:
        raise ValueError(
            f"instrument {version.ref} has no module(s) {', '.join(unknown)}; "
            f"available: {', '.join(sorted(declared)) or 'none'}"
        )
    if previous_wave_id is not None:
        previous = session.get(Study, previous_wave_id)
        if previous is None:
            raise KeyError(f"no previous wave with id {previous_wave_id}")
        if previous.organisation_id != org.id:
            raise ValueError(
                f"previous wave {previous_wave_id} belongs to another organisation; "
                "a wave can only follow a wave of the same organisation"
            )
    study = Study(
        organisation_id=org.id,
        name=name.strip(),
        series=series,
        kind=kind,
        instrument_version_id=version.id,
        modules={**dict(declared), **dict(modules or {})},
        field_start=field_start,
        field_end=field_end,
        population_size=population_size,
        anonymity_mode=anonymity_mode,
        min_group_size=min_group_size,
        confidence_level=confidence_level,
        previous_wave_id=previous_wave_id,
        status="draft",
        reminder_days=sorted(int(d) for d in reminder_days),
        flag_recipients=[r.strip().lower() for r in flag_recipients],
    )
    session.add(study)
    session.flush()
    return study


def get_study(session: Session, study_id: int) -> Study:
    """The study with ``study_id``; ``KeyError`` when there is none."""
    study = session.get(Study, study_id)
    if study is None:
        raise KeyError(f"no study with id {study_id}")
    return study


def list_studies(session: Session, *, organisation_id: int | None = None) -> list[Study]:
    """All studies (optionally of one organisation), oldest first."""
    stmt = select(Study).order_by(Study.id)
    if organisation_id is not None:
        stmt = stmt.where(Study.organisation_id == organisation_id)
    return list(session.scalars(stmt))


_NEXT = {"draft": ("fieldwork",), "fieldwork": ("closed",), "closed": ("fieldwork",)}


def set_status(session: Session, study_id: int, status: str) -> Study:
    """Move a study to ``status``: draft → fieldwork → closed (a closed study may be
    reopened for fieldwork; nothing goes back to draft, because settings such as the
    minimum group size are frozen once fieldwork starts). Closing erases the resume
    hashes of unfinished web responses (see :mod:`gapsight.services.respondent`),
    shortens anonymous responses' snapshots (:func:`seal_anonymous_snapshots`) and
    deletes the reminder e-mails (:func:`forget_reminders`)."""
    if status not in STUDY_STATUSES:
        raise ValueError(f"unknown status {status!r}: expected one of {', '.join(STUDY_STATUSES)}")
    study = get_study(session, study_id)
    if status != study.status and status not in _NEXT[study.status]:
        raise ValueError(
            f"study {study_id} is {study.status}; it can move to "
            f"{' or '.join(_NEXT[study.status])}, not {status}"
        )
    study.status = status
    if status == "closed":
        # Nothing can be resumed after fieldwork: erase the resume hashes of unfinished
        # web responses, the last stored value derived from a link token
        # (gapsight.services.respondent).
        session.execute(
            update(Response)
            .where(Response.wave_id == study_id, Response.resume_hash.is_not(None))
            .values(resume_hash=None)
        )
        seal_anonymous_snapshots(session, study)
        forget_reminders(session, study_id)
    session.flush()
    return study


def seal_anonymous_snapshots(session: Session, study: Study) -> int:
    """Shorten the characteristics snapshots of the study's anonymous responses until
    each is shared by at least the minimum group size of *responses*
    (:func:`gapsight.domain.anonymity.generalise_snapshots`); called when fieldwork
    closes. During fieldwork a snapshot is only k-anonymous among the invited, and
    ``invitations.completed`` says who responded (privacy review D5). Returns the
    number of responses changed."""
    rows = session.execute(
        select(Response.id, Response.characteristics).where(
            Response.wave_id == study.id,
            Response.anonymous.is_(True),
            Response.characteristics.is_not(None),
        )
    ).all()
    ids = [r[0] for r in rows]
    before = [r[1] for r in rows]
    after = anonymity.generalise_snapshots(before, min_group_size=study.min_group_size)
    changed = [(i, a) for i, b, a in zip(ids, before, after, strict=True) if (b or None) != a]
    for response_id, snapshot in changed:
        session.execute(
            update(Response).where(Response.id == response_id).values(characteristics=snapshot)
        )
    return len(changed)


def forget_reminders(session: Session, study_id: int) -> int:
    """Delete the study's reminder e-mails from the outbox (called when fieldwork
    closes): a sent reminder says its recipient had not completed by that day, which
    with the completion dates narrows down whose anonymous response is whose (privacy
    review D6). Reminders still pending are not wanted after fieldwork either. Returns
    the number of rows deleted."""
    invitations = select(Invitation.id).where(Invitation.wave_id == study_id)
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.kind == "reminder",
            OutboxMessage.invitation_id.in_(invitations),
            OutboxMessage.status != "sending",
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
