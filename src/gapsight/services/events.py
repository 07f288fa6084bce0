"""Event surveys: service interactions, a sampled share surveyed, answers routed.

A transactional survey asks about one recent contact ("how did we handle your
request?") shortly after it happened. The organisation runs an **event wave**: a
study on the built-in ``event`` instrument, in fieldwork, usually ``identified`` so
that the department can follow up. Then:

1. **Register interactions** (:func:`record_events`, or :func:`import_events` for a
   CSV/Excel export; the API's ``POST /studies/{id}/events``): when, what kind
   (``request``, ``helpdesk`` …), the delivering ``department``, the client's e-mail
   address, name, language and the system's reference. All or nothing: every problem
   in every row is reported, and nothing is stored unless all rows are valid.
2. **Sample** a share of them (``settings["events"]["share"]``, default 0.25): each
   event gets a draw ``u`` in [0, 1) from the SHA-256 of wave and event id
   (:func:`draw`) and is sampled when ``u < share`` — reproducible, and independent
   of the order or the client. A sampled client who already has an invitation in the
   wave is not asked again (``already_invited``: one survey per person per wave).
3. **Invite** through the survey machinery: a sampled event becomes an invitation of
   the wave with the loaded characteristics ``department`` and ``event_kind``, and
   :func:`gapsight.services.mailing.invite` puts the invitation (personal link,
   opt-out, reminders of the wave) in the outbox.
4. **Route the answers** (:func:`route_feedback`, run by the signals scheduler): every
   completed response of an event wave goes once, by e-mail, to the address of the
   department it names (``settings["events"]["departments"]``: ``{department:
   address}``), with the answers and — only when the response is identified — who
   answered, so the department can act on it. The department breakdown of the wave's
   analysis gives the transactional metrics.

Example::

    >>> round(draw(3, 17), 4) == round(draw(3, 17), 4)
    True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.domain.problems import FieldProblem, InvalidInput
from gapsight.io.table import ImportProblem, ImportRejected
from gapsight.mail.links import Links
from gapsight.mail.outbox import enqueue
from gapsight.mail.render import compose
from gapsight.services import characteristics as chars
from gapsight.services import mailing
from gapsight.services.organisations import get_organisation
from gapsight.services.studies import get_study
from gapsight.store.models import (
    InstrumentVersion,
    Invitation,
    Organisation,
    Response,
    ServiceEvent,
    Study,
)

__all__ = [
    "EVENT_INSTRUMENT",
    "EventSettings",
    "EventsResult",
    "draw",
    "import_events",
    "record_events",
    "route_feedback",
]

EVENT_INSTRUMENT = "event"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LIMITS = {"kind": 40, "department": 200, "reference": 200, "email": 320, "name": 200}
_COLUMNS = {
    "occurred_at": "occurred_at",
    "datum": "occurred_at",
    "date": "occurred_at",
    "kind": "kind",
    "soort": "kind",
    "department": "department",
    "afdeling": "department",
    "reference": "reference",
    "referentie": "reference",
    "email": "email",
    "e-mail": "email",
    "name": "name",
    "naam": "name",
    "language": "language",
    "taal": "language",
}


@dataclass(frozen=True)
class EventSettings:
    """``settings["events"]``: ``share`` sampled (0–1, default 0.25) and
    ``departments`` (``{department: e-mail address}`` that receives its answers)."""

    share: float = 0.25
    departments: Mapping[str, str] | None = None

    @classmethod
    def of(cls, org: Organisation) -> EventSettings:
        """The organisation's event settings; :class:`InvalidInput` when invalid."""
        data = dict((org.settings or {}).get("events") or {})
        share = data.get("share", 0.25)
        departments = data.get("departments") or {}
        problems = []
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            problems.append(FieldProblem("events.share", "share_range", "share must be 0-1"))
        if not isinstance(departments, Mapping) or not all(
            isinstance(v, str) and _EMAIL.match(v) for v in departments.values()
        ):
            problems.append(
                FieldProblem("events.departments", "email", "departments map names to e-mails")
            )
        if problems:
            raise InvalidInput(problems)
        return cls(float(share), {str(k): str(v) for k, v in departments.items()})


@dataclass(frozen=True)
class EventsResult:
    """What :func:`record_events` stored: events, sampled, invited (new invitations)
    and already invited (sampled, but the contact had an invitation in the wave)."""

    study_id: int
    recorded: int
    sampled: int
    invited: int
    already_invited: int
    enqueued: int


def draw(wave_id: int, event_id: int) -> float:
    """The event's sampling draw in [0, 1): SHA-256 of wave and event id."""
    digest = hashlib.sha256(f"event-sample:{wave_id}:{event_id}".encode()).hexdigest()
    return int(digest[:13], 16) / 16**13


def _event_study(session: Session, study_id: int) -> Study:
    study = get_study(session, study_id)
    if study.instrument_version.instrument_id != EVENT_INSTRUMENT:
        raise ValueError(f"study {study_id} does not use the {EVENT_INSTRUMENT!r} instrument")
    if study.status != "fieldwork":
        raise ValueError(f"study {study_id} is not in fieldwork")
    return study


def _check(index: int, row: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    out: dict[str, Any] = {}
    for name in ("kind", "department", "email", "reference", "name", "language"):
        value = row.get(name)
        out[name] = str(value).strip() if value is not None and str(value).strip() else None
    at = row.get("occurred_at")
    prefix = f"events[{index}]."
    for name in ("kind", "department", "email"):
        if out[name] is None:
            problems.append(FieldProblem(prefix + name, "required", f"{name} is required"))
    for name, limit in _LIMITS.items():
        if out[name] is not None and len(out[name]) > limit:
            problems.append(FieldProblem(prefix + name, "too_long", f"{name} is too long"))
    if out["email"] is not None and not _EMAIL.match(out["email"]):
        problems.append(FieldProblem(prefix + "email", "email", "not an e-mail address"))
    out["language"] = out["language"] or "nl"
    if out["language"] not in ("nl", "en"):
        problems.append(FieldProblem(prefix + "language", "language", "language is nl or en"))
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        problems.append(
            FieldProblem(prefix + "occurred_at", "datetime", "a date and time with a time zone")
        )
    out["occurred_at"] = at
    if out["email"]:
        out["email"] = out["email"].lower()
    return out, problems


def record_events(
    session: Session,
    study_id: int,
    rows: Sequence[Mapping[str, Any]],
    *,
    links: Links,
    now: dt.datetime,
    fallback_language: str = "nl",
) -> EventsResult:
    """Register ``rows`` (see the module docstring) for event wave ``study_id``,
    sample them and enqueue the invitations. ``ValueError`` when the study is not an
    event wave in fieldwork; :class:`InvalidInput` (nothing stored) for bad rows."""
    study = _event_study(session, study_id)
    settings = EventSettings.of(get_organisation(session, study.organisation_id))
    checked = [_check(i, row) for i, row in enumerate(rows)]
    problems = [p for _values, found in checked for p in found]
    if not rows:
        problems.append(FieldProblem("events", "required", "at least one event"))
    if problems:
        raise InvalidInput(problems)
    chars.declare(session, study, {"department": "string", "event_kind": "string"})
    invited_emails = set(
        session.scalars(select(Invitation.email).where(Invitation.wave_id == study_id))
    )
    sampled = invited = already = 0
    for values, _found in checked:
        event = ServiceEvent(
            wave_id=study_id,
            occurred_at=values["occurred_at"].astimezone(dt.UTC),
            kind=values["kind"],
            department=values["department"],
            reference=values["reference"],
            email=values["email"],
            outcome="not_sampled",
        )
        session.add(event)
        session.flush()
        if draw(study_id, event.id) >= settings.share:
            continue
        sampled += 1
        if values["email"] in invited_emails:
            event.outcome = "already_invited"
            already += 1
            continue
        invitation = Invitation(
            wave_id=study_id,
            email=values["email"],
            name=values["name"],
            language=values["language"],
            external_id=values["reference"],
            characteristics={"department": values["department"], "event_kind": values["kind"]},
        )
        session.add(invitation)
        session.flush()
        invited_emails.add(values["email"])
        event.outcome = "invited"
        event.invitation_id = invitation.id
        invited += 1
    session.flush()
    mailed = mailing.invite(session, study_id, links, fallback_language=fallback_language, now=now)
    return EventsResult(study_id, len(rows), sampled, invited, already, mailed.enqueued)


def import_events(
    session: Session,
    study_id: int,
    path: Path,
    *,
    links: Links,
    now: dt.datetime,
) -> EventsResult:
    """:func:`record_events` from a CSV or Excel file (headers: ``occurred_at`` or
    ``datum``, ``kind``/``soort``, ``department``/``afdeling``, ``email``, ``name``/
    ``naam``, ``language``/``taal``, ``reference``/``referentie``; dates as in the
    signals import, local time of the organisation). All or nothing:
    :class:`~gapsight.io.table.ImportRejected` lists every problem."""
    from gapsight.services.signals import _parse_when, _read_frame, config_for

    study = _event_study(session, study_id)
    tz = ZoneInfo(config_for(get_organisation(session, study.organisation_id)).timezone)
    frame = _read_frame(path)
    problems: list[ImportProblem] = []
    fields: dict[str, str] = {}
    for header in frame.columns:
        field = _COLUMNS.get(str(header).strip().lower())
        if field is None:
            problems.append(
                ImportProblem(
                    None,
                    str(header),
                    None,
                    "a known column (" + ", ".join(sorted(set(_COLUMNS.values()))) + ")",
                )
            )
        else:
            fields[str(header)] = field
    if problems:
        raise ImportRejected(path.name, problems)
    rows: list[dict[str, Any]] = []
    for index, record in enumerate(frame.to_dict("records")):
        row: dict[str, Any] = {}
        for header, field in fields.items():
            raw = str(record[header]).strip()
            if field == "occurred_at":
                when = _parse_when(raw, tz) if raw else None
                if when is None:
                    problems.append(ImportProblem(index + 2, header, raw, "a date (YYYY-MM-DD)"))
                row[field] = when
            else:
                row[field] = raw
        for problem in _check(index, row)[1]:
            if problem.field.endswith("occurred_at") and "occurred_at" in fields.values():
                continue  # reported above as an unreadable date
            problems.append(
                ImportProblem(index + 2, problem.field.split(".")[-1], None, problem.message)
            )
        rows.append(row)
    if not rows:
        problems.append(ImportProblem(None, None, None, "at least one row"))
    if problems:
        raise ImportRejected(path.name, problems)
    return record_events(session, study_id, rows, links=links, now=now)


_LABELS = {
    "nl": {
        "evt_satisfaction": "Tevredenheid over de afhandeling (1-5)",
        "evt_ces": "Het was makkelijk geregeld (1-7)",
        "evt_recommend": "Aanbevelen (0-10)",
        "evt_improve": "Wat kan beter",
    },
    "en": {
        "evt_satisfaction": "Satisfaction with how it was handled (1-5)",
        "evt_ces": "It was easy to handle (1-7)",
        "evt_recommend": "Recommend (0-10)",
        "evt_improve": "What could be better",
    },
}


def route_feedback(session: Session, organisation_id: int, *, now: dt.datetime) -> int:
    """Send every completed response of the organisation's event waves once to its
    department's address (dedupe key ``event-feedback:<response id>``); responses
    of a department without an address are left alone. Returns the messages added."""
    org = get_organisation(session, organisation_id)
    settings = EventSettings.of(org)
    departments = settings.departments or {}
    if not departments:
        return 0
    lang = (org.settings or {}).get("language", "nl")
    lang = lang if lang in _LABELS else "nl"
    rows = session.execute(
        select(Response, Study)
        .join(Study, Study.id == Response.wave_id)
        .join(InstrumentVersion, InstrumentVersion.id == Study.instrument_version_id)
        .where(
            Study.organisation_id == organisation_id,
            InstrumentVersion.instrument_id == EVENT_INSTRUMENT,
            Response.status == "complete",
        )
        .order_by(Response.wave_id, Response.id)
    ).all()
    added = 0
    for response, study in rows:
        department = (response.characteristics or {}).get("department")
        address = departments.get(str(department)) if department is not None else None
        if address is None:
            continue
        answers = dict(response.answers or {})
        texts = dict(response.texts or {})
        lines = [
            {"label": label, "value": texts.get(code, answers.get(code))}
            for code, label in _LABELS[lang].items()
            if texts.get(code, answers.get(code)) not in (None, "")
        ]
        who = None
        if not response.anonymous and response.invitation_id is not None:
            invitation = session.get(Invitation, response.invitation_id)
            if invitation is not None:
                who = f"{invitation.name or ''} <{invitation.email}>".strip()
        kind = (response.characteristics or {}).get("event_kind")
        mail = compose(
            "event_feedback",
            lang,
            {
                "organisation": org.name,
                "study": study.name,
                "department": str(department),
                "event_kind": kind or "",
                "answers": lines,
                "who": who,
                "response_id": response.id,
            },
        )
        added += enqueue(
            session,
            kind="event_feedback",
            dedupe_key=f"event-feedback:{response.id}",
            recipient=address,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            now=now,
        )
    return added
