"""The closed loop: flag rules, flags on completion, cases, their clocks and metrics.

The rules live in :mod:`gapsight.domain.flags` (which answers flag) and
:mod:`gapsight.domain.cases` (statuses, clocks, metrics); this module applies them to
the ``studies.flag_rules`` column and the ``cases`` and ``case_events`` tables. Every
function works in the caller's session and takes ``now`` where time matters, so tests
inject the clock.

**Flags** (:func:`raise_flags`) are raised by the respondent pages
(:func:`gapsight.services.respondent.submit`) in the **same transaction** that marks a
response complete. Only a response that is *not anonymous* (the respondent agreed to
be contacted) is looked at; an anonymous response is never flagged and leaves nothing
behind. When a rule fires, a case is opened (one per response: ``cases.response_id`` is
unique) and every recipient gets one e-mail through the outbox with the dedupe key
``flag:<case>:<recipient>`` — so a response saved again, two workers, or an SMTP
server that is down and comes back all end in exactly one e-mail.

**Clocks** (:func:`run_clocks`): for each case not yet followed up or closed, a
reminder to the owner when a deadline is near and an escalation to the coordinator
(``settings["cases"]["coordinator_email"]``, else ``settings["signals"]``'s) once it
passed; dedupe keys ``case:<id>:<clock>:<reminder|escalation>`` send each once. The
mail worker runs this every minute (:func:`gapsight.services.mailing.build_sender`),
``gapsight cases tick`` runs it by hand.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     set_flag_rules(session, study_id, {"rules": [{"kind": "grade", "max": 5}]})
    >>> #     ... respondents complete ...
    >>> #     change_status(session, case_id, "forwarded", by="ann@x", at=now,
    >>> #                   contact_person="Piet (accountmanager)")
    >>> #     loop_metrics(session, study_id=study_id, now=now).share_forwarded_on_time
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.domain.calendar import HolidayPolicy, WorkingCalendar
from gapsight.domain.cases import (
    CASE_STATUSES,
    CaseSettings,
    CaseTimes,
    LoopMetrics,
    case_clocks,
    check_transition,
    is_overdue,
)
from gapsight.domain.cases import loop_metrics as compute_metrics
from gapsight.domain.clocks import Clock, ClockState
from gapsight.domain.flags import (
    RECOMMEND_CODE,
    FlagHit,
    FlagRules,
    ItemMeta,
    case_kind,
    evaluate,
)
from gapsight.domain.problems import FieldProblem, InvalidInput
from gapsight.instruments.model import Instrument
from gapsight.mail.outbox import enqueue
from gapsight.mail.render import compose
from gapsight.services.instruments import as_instrument
from gapsight.store.models import (
    Case,
    CaseEvent,
    Invitation,
    Organisation,
    Response,
    Study,
)

__all__ = [
    "AnswerLine",
    "CaseClockMessage",
    "add_note",
    "answers_of",
    "calendar_for",
    "case_times",
    "change_status",
    "clocks_of",
    "events_of",
    "flag_responses",
    "flag_rules_of",
    "get_case",
    "hits_of",
    "item_meta",
    "list_cases",
    "loop_metrics",
    "raise_flags",
    "reassign",
    "register_report_hook",
    "run_clocks",
    "set_flag_rules",
    "settings_for",
]

SYSTEM = "gapsight"
"""The ``by`` of history entries written by gapsight itself."""


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; gapsight stores UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return value.astimezone(dt.UTC)


def settings_for(org: Organisation) -> CaseSettings:
    """The organisation's case rules (``settings["cases"]``); the language defaults to
    the organisation's ``language``, the coordinator to the signals register's."""
    raw = dict((org.settings or {}).get("cases") or {})
    if "language" not in raw and (org.settings or {}).get("language"):
        raw["language"] = org.settings["language"]
    if "coordinator_email" not in raw:
        signals = (org.settings or {}).get("signals") or {}
        if signals.get("coordinator_email"):
            raw["coordinator_email"] = signals["coordinator_email"]
    return CaseSettings.from_settings(raw)


def calendar_for(org: Organisation) -> WorkingCalendar:
    """The organisation's working-day calendar (``settings["calendar"]``)."""
    return WorkingCalendar(HolidayPolicy.from_settings((org.settings or {}).get("calendar")))


def _org(session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise KeyError(f"no organisation with id {organisation_id}")
    return org


# -- flag rules ---------------------------------------------------------------------


def item_meta(instrument: Instrument) -> dict[str, ItemMeta]:
    """The facts the flag rules need about each numeric item of ``instrument``."""
    return {
        item.code: ItemMeta(
            scale_kind=instrument.scale(item.scale).kind,
            dimension=item.dimension,
            part=item.part,
            pair=item.pair,
        )
        for item in instrument.items()
        if instrument.scale(item.scale).kind != "text"
    }


def flag_rules_of(study: Study, instrument: Instrument | None = None) -> FlagRules:
    """The study's rules: the stored ones, else promoter 9–10 / detractor 0–6 on the
    recommendation question when the instrument asks it (no rules otherwise). The
    study's ``flag_recipients`` are the fallback recipients when the rules name none."""
    instrument = instrument or as_instrument(study.instrument_version)
    fallback = tuple(study.flag_recipients or ())
    if study.flag_rules:
        rules = FlagRules.from_json(study.flag_rules)
        if not rules.recipients.fallback and fallback:
            r = rules.recipients
            rules = FlagRules(rules.rules, type(r)(r.characteristic, r.by_value, fallback))
        return rules
    if RECOMMEND_CODE in instrument.numeric_codes():
        return FlagRules.default(RECOMMEND_CODE, fallback)
    return FlagRules((), FlagRules.default(fallback=fallback).recipients)


def set_flag_rules(session: Session, study_id: int, data: Mapping[str, Any]) -> FlagRules:
    """Store the study's flag rules and recipients (the JSON of
    :meth:`FlagRules.from_json`). Only while the study is a draft: the rules are agreed
    before fieldwork (P4.flagging) and locked once it starts. Every ``score`` code must
    be a numeric item of the study's instrument. :class:`InvalidInput` lists problems."""
    study = session.get(Study, study_id)
    if study is None:
        raise KeyError(f"no study with id {study_id}")
    if study.status != "draft":
        raise InvalidInput(
            [
                FieldProblem(
                    "flag_rules",
                    "rules_locked",
                    f"study {study_id} is in {study.status}: flag rules are set before "
                    "fieldwork and cannot change once it started",
                )
            ]
        )
    rules = FlagRules.from_json(data)
    codes = set(as_instrument(study.instrument_version).numeric_codes())
    problems = [
        FieldProblem(f"rules[{i}].code", "code_unknown", f"the instrument has no item {r.code!r}")
        for i, r in enumerate(rules.rules)
        if r.kind == "score" and r.code not in codes
    ]
    if problems:
        raise InvalidInput(problems)
    study.flag_rules = rules.as_json()
    session.flush()
    return rules


# -- flags ----------------------------------------------------------------------------


def _label(instrument: Instrument, code: str, value: float, lang: str) -> str:
    number = str(int(value)) if float(value).is_integer() else f"{value:g}"
    try:
        label = instrument.scale_of(code).label(int(value), lang)
    except (KeyError, ValueError):
        label = None
    return f"{number} ({label})" if label else number


def _question(instrument: Instrument, code: str, lang: str, fill: Mapping[str, str]) -> str:
    try:
        return instrument.text(instrument.item(code).text, lang, **fill)
    except KeyError:
        for dimension in instrument.dimensions:
            if dimension.id == code:
                return instrument.text(dimension.label, lang)
        return code


class CompletedResponse(Protocol):
    """What :func:`raise_flags` reads of a response: a stored row or the page save's
    pending columns (``services.respondent``) alike."""

    @property
    def id(self) -> int: ...
    @property
    def anonymous(self) -> bool: ...
    @property
    def status(self) -> str: ...


def raise_flags(
    session: Session,
    *,
    study: Study,
    response: CompletedResponse,
    invitation: Invitation | None,
    instrument: Instrument,
    answers: Mapping[str, Any],
    now: dt.datetime,
    base_url: str = "",
    notify: bool = True,
) -> Case | None:
    """Open a case and enqueue the flag e-mails for a response that was just completed,
    when a rule fires; ``None`` otherwise. ``notify=False`` opens the case without
    e-mail (history loaded afterwards, see :func:`flag_responses`).

    Nothing happens for an anonymous response, one without an invitation (no one to
    contact), or a response that already has a case (saved again)."""
    if response.anonymous or invitation is None or response.status != "complete":
        return None
    if session.scalar(select(Case.id).where(Case.response_id == response.id)) is not None:
        return None
    rules = flag_rules_of(study, instrument)
    hits = evaluate(rules, answers, items=item_meta(instrument))
    if not hits:
        return None
    org = _org(session, study.organisation_id)
    config = settings_for(org)
    characteristics = invitation.characteristics or {}
    recipients = rules.recipients.for_characteristics(characteristics)
    if not recipients and config.coordinator_email:
        recipients = (config.coordinator_email,)
    at = _utc(now)
    case = Case(
        organisation_id=study.organisation_id,
        study_id=study.id,
        response_id=response.id,
        invitation_id=invitation.id,
        kind=case_kind(hits),
        status="open",
        owner=recipients[0] if recipients else None,
        segment=rules.recipients.segment(characteristics),
        respondent_name=invitation.name,
        respondent_email=invitation.email,
        respondent_key=invitation.external_id,
        hits=[h.as_json() for h in hits],
        flagged_at=at,
        updated_at=at,
    )
    session.add(case)
    session.flush()
    session.add(
        CaseEvent(
            case_id=case.id,
            at=at,
            by=SYSTEM,
            kind="status",
            what=f"flagged as {case.kind}: " + "; ".join(h.rule for h in hits),
        )
    )
    if not notify:
        session.add(
            CaseEvent(case_id=case.id, at=at, by=SYSTEM, kind="note", what="no e-mail sent")
        )
        session.flush()
        return case
    lang = config.language
    fill = {"org": org.name, **({"sector": org.sector} if org.sector else {})}
    context = {
        "organisation": org.name,
        "study": study.name,
        "kind": case.kind,
        "name": invitation.name or "",
        "email": invitation.email,
        "key": invitation.external_id or "",
        "characteristics": sorted((str(k), str(v)) for k, v in characteristics.items()),
        "hits": [
            {
                "question": _question(instrument, h.code, lang, fill),
                "code": h.code,
                "answer": _label(instrument, h.code, h.answer, lang)
                if h.kind != "servqual_gap"
                else f"{h.answer:+.2f}",
                "rule": h.rule,
            }
            for h in hits
        ],
        "link": f"{base_url.rstrip('/')}/cases/{case.id}",
        "case_id": case.id,
        "optout": "",
    }
    mail = compose("flag", lang, context)
    for recipient in recipients:
        if enqueue(
            session,
            kind="flag",
            dedupe_key=f"flag:{case.id}:{recipient}",
            recipient=recipient,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            now=at,
        ):
            session.add(
                CaseEvent(
                    case_id=case.id, at=at, by=SYSTEM, kind="mail", what=f"flag → {recipient}"
                )
            )
    session.flush()
    return case


def flag_responses(
    session: Session,
    study_id: int,
    *,
    now: dt.datetime,
    base_url: str = "",
    notify: bool = True,
    at_completion: bool = False,
) -> list[Case]:
    """Apply the study's flag rules to its complete, non-anonymous responses that have
    no case yet — responses imported rather than answered on the web (a paper round, an
    agency's file), whose invitation is found by ``invitation_id`` or by the respondent
    key (the sample's ``external_id``). Returns the cases opened; running it again opens
    none. The flag time is ``now``, or each response's completion time with
    ``at_completion`` (loading history, usually with ``notify=False``)."""
    study = session.get(Study, study_id)
    if study is None:
        raise KeyError(f"no study with id {study_id}")
    instrument = as_instrument(study.instrument_version)
    done = set(session.scalars(select(Case.response_id).where(Case.study_id == study_id)))
    invitations = list(session.scalars(select(Invitation).where(Invitation.wave_id == study_id)))
    by_id = {i.id: i for i in invitations}
    by_key = {i.external_id: i for i in invitations if i.external_id}
    responses = session.scalars(
        select(Response)
        .where(
            Response.wave_id == study_id,
            Response.status == "complete",
            Response.anonymous.is_(False),
        )
        .order_by(Response.completed_at, Response.id)
    )
    opened = []
    for response in list(responses):
        if response.id in done:
            continue
        invitation = by_id.get(response.invitation_id or -1) or by_key.get(
            response.respondent_key or ""
        )
        moment = now
        if at_completion and response.completed_at is not None:
            moment = _aware(response.completed_at)
        case = raise_flags(
            session,
            study=study,
            response=response,
            invitation=invitation,
            instrument=instrument,
            answers=dict(response.answers or {}),
            now=moment,
            base_url=base_url,
            notify=notify,
        )
        if case is not None:
            opened.append(case)
    return opened


# -- reading cases -------------------------------------------------------------------


def get_case(session: Session, case_id: int, organisation_id: int | None = None) -> Case:
    """Case ``case_id`` (of ``organisation_id`` when given); ``KeyError`` otherwise."""
    case = session.get(Case, case_id)
    if case is None or (organisation_id is not None and case.organisation_id != organisation_id):
        raise KeyError(f"no case with id {case_id}")
    return case


def events_of(session: Session, case_id: int) -> list[CaseEvent]:
    """A case's history, oldest first."""
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.at, CaseEvent.id)
        )
    )


def case_times(case: Case) -> CaseTimes:
    """The moments that drive a case's clocks."""
    return CaseTimes(
        flagged_at=_aware(case.flagged_at),
        forwarded_at=None if case.forwarded_at is None else _aware(case.forwarded_at),
        followed_up_at=None if case.followed_up_at is None else _aware(case.followed_up_at),
        closed_at=None if case.closed_at is None else _aware(case.closed_at),
        status=case.status,
        kind=case.kind,
    )


def clocks_of(session: Session, case: Case) -> dict[str, Clock]:
    """The ``forward`` and ``follow_up`` clocks of ``case``."""
    org = _org(session, case.organisation_id)
    return case_clocks(case_times(case), settings_for(org), calendar_for(org))


def list_cases(
    session: Session,
    *,
    organisation_id: int | None = None,
    study_id: int | None = None,
    status: str | None = None,
    owner: str | None = None,
    segment: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> list[Case]:
    """Cases, oldest flag first, filtered by the given fields; ``overdue`` keeps the
    cases not closed with a clock overdue at ``now``; ``until`` is exclusive."""
    stmt = select(Case)
    if organisation_id is not None:
        stmt = stmt.where(Case.organisation_id == organisation_id)
    if study_id is not None:
        stmt = stmt.where(Case.study_id == study_id)
    if status is not None:
        if status not in CASE_STATUSES:
            raise ValueError(f"unknown status {status!r}: expected {', '.join(CASE_STATUSES)}")
        stmt = stmt.where(Case.status == status)
    if owner is not None:
        stmt = stmt.where(Case.owner == owner.strip().lower())
    if segment is not None:
        stmt = stmt.where(Case.segment == segment)
    if kind is not None:
        stmt = stmt.where(Case.kind == kind)
    if since is not None:
        stmt = stmt.where(Case.flagged_at >= _utc(since))
    if until is not None:
        stmt = stmt.where(Case.flagged_at < _utc(until))
    cases = list(session.scalars(stmt.order_by(Case.flagged_at, Case.id)))
    if overdue:
        moment = now or dt.datetime.now(dt.UTC)
        orgs: dict[int, tuple[CaseSettings, WorkingCalendar]] = {}
        kept = []
        for case in cases:
            if case.organisation_id not in orgs:
                org = _org(session, case.organisation_id)
                orgs[case.organisation_id] = (settings_for(org), calendar_for(org))
            config, calendar = orgs[case.organisation_id]
            times = case_times(case)
            if is_overdue(times, case_clocks(times, config, calendar), moment):
                kept.append(case)
        cases = kept
    return cases


@dataclass(frozen=True)
class AnswerLine:
    """One answer of the respondent, as the case page shows it."""

    code: str
    question: str
    answer: str
    flagged: bool


def answers_of(session: Session, case: Case, *, lang: str = "nl") -> list[AnswerLine]:
    """The respondent's answers (question text and answer label), flagged ones marked.
    Show them only to people allowed to see them (the web shows them to coordinators)."""
    response = session.get(Response, case.response_id)
    study = session.get(Study, case.study_id)
    if response is None or study is None:
        return []
    org = _org(session, case.organisation_id)
    instrument = as_instrument(study.instrument_version)
    fill = {"org": org.name, **({"sector": org.sector} if org.sector else {})}
    flagged = {str(h["code"]) for h in case.hits or []}
    stored = dict(response.answers or {})
    texts = dict(response.texts or {})
    lines = []
    for item in instrument.items(modules=study.modules or {}):
        code = item.code
        if code in texts:
            answer = texts[code]
        elif code not in stored or stored[code] is None:
            continue
        elif stored[code] == "dk":
            answer = "weet niet" if lang == "nl" else "don't know"
        else:
            answer = _label(instrument, code, float(stored[code]), lang)
        lines.append(
            AnswerLine(code, instrument.text(item.text, lang, **fill), answer, code in flagged)
        )
    return lines


def hits_of(case: Case) -> list[FlagHit]:
    """The rules that fired for ``case``."""
    return [FlagHit.from_json(h) for h in case.hits or []]


# -- changing cases ------------------------------------------------------------------


def change_status(
    session: Session,
    case_id: int,
    status: str,
    *,
    by: str,
    at: dt.datetime,
    contact_person: str | None = None,
    note: str | None = None,
    organisation_id: int | None = None,
) -> Case:
    """Move a case to ``status`` (see :func:`gapsight.domain.cases.check_transition`):
    ``forwarded`` needs the customer's ``contact_person``, ``followed_up`` the outcome
    (``note``), closing an unfollowed case a reason. The moment is kept for the clocks
    and a history entry records who and when."""
    case = get_case(session, case_id, organisation_id)
    check_transition(case.status, status, contact_person=contact_person, note=note)
    moment = _utc(at)
    old = case.status
    case.status = status
    what = f"status {old} → {status}"
    if status == "forwarded":
        case.contact_person = (contact_person or "").strip()
        case.forwarded_at = moment
        what += f": forwarded to {case.contact_person}"
    elif status == "followed_up":
        case.followed_up_at = moment
        case.outcome = (note or "").strip()
        if contact_person and contact_person.strip():
            case.contact_person = contact_person.strip()
        what += f": {case.outcome}"
    elif status == "closed":
        case.closed_at = moment
        if note and note.strip():
            what += f": {note.strip()}"
    case.updated_at = moment
    session.add(CaseEvent(case_id=case.id, at=moment, by=by, kind="status", what=what))
    session.flush()
    return case


def add_note(
    session: Session,
    case_id: int,
    *,
    by: str,
    at: dt.datetime,
    note: str,
    organisation_id: int | None = None,
) -> CaseEvent:
    """Add a note to the case's history."""
    if not note.strip():
        raise InvalidInput([FieldProblem("note", "required", "the note is empty")])
    case = get_case(session, case_id, organisation_id)
    event = CaseEvent(case_id=case.id, at=_utc(at), by=by, kind="note", what=note.strip())
    session.add(event)
    case.updated_at = _utc(at)
    session.flush()
    return event


def reassign(
    session: Session,
    case_ids: Sequence[int],
    owner: str,
    *,
    by: str,
    at: dt.datetime,
    organisation_id: int | None = None,
) -> int:
    """Give every case of ``case_ids`` the owner ``owner`` (an e-mail address), with a
    history entry each; all or nothing (an unknown id raises ``KeyError``). Returns the
    number of cases whose owner changed."""
    address = owner.strip().lower()
    if "@" not in address or " " in address:
        raise InvalidInput([FieldProblem("owner", "email", f"{owner!r} is not an e-mail address")])
    cases = [get_case(session, i, organisation_id) for i in dict.fromkeys(case_ids)]
    moment = _utc(at)
    changed = 0
    for case in cases:
        if case.owner == address:
            continue
        what = f"owner {case.owner or '—'} → {address}"
        case.owner = address
        case.updated_at = moment
        session.add(CaseEvent(case_id=case.id, at=moment, by=by, kind="assign", what=what))
        changed += 1
    session.flush()
    return changed


# -- clocks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseClockMessage:
    """One reminder or escalation put in the outbox by :func:`run_clocks`."""

    case_id: int
    clock: str
    occasion: str
    recipient: str
    dedupe_key: str


def run_clocks(
    session: Session,
    *,
    now: dt.datetime,
    organisation_id: int | None = None,
    base_url: str = "",
) -> list[CaseClockMessage]:
    """Enqueue the reminders and escalations due at ``now`` for the cases not yet
    followed up or closed (of one organisation, or all); returns those enqueued *now*
    (a message already in the outbox is never added again)."""
    stmt = select(Case).where(Case.status.in_(("open", "forwarded")))
    if organisation_id is not None:
        stmt = stmt.where(Case.organisation_id == organisation_id)
    sent: list[CaseClockMessage] = []
    orgs: dict[int, tuple[Organisation, CaseSettings, WorkingCalendar]] = {}
    for case in session.scalars(stmt.order_by(Case.id)):
        if case.organisation_id not in orgs:
            org = _org(session, case.organisation_id)
            orgs[case.organisation_id] = (org, settings_for(org), calendar_for(org))
        org, config, calendar = orgs[case.organisation_id]
        study = session.get(Study, case.study_id)
        tz = ZoneInfo(config.timezone)
        for name, clock in case_clocks(case_times(case), config, calendar).items():
            if clock.escalation_due(now):
                occasion = "escalation"
                recipient = config.coordinator_email or case.owner
            elif clock.reminder_due(now):
                occasion = "reminder"
                recipient = case.owner or config.coordinator_email
            else:
                continue
            if not recipient:
                continue
            key = f"case:{case.id}:{name}:{occasion}"
            mail = compose(
                "case_clock",
                config.language,
                {
                    "occasion": occasion,
                    "clock": name,
                    "case_id": case.id,
                    "kind": case.kind,
                    "organisation": org.name,
                    "study": study.name if study is not None else "",
                    "name": case.respondent_name or case.respondent_email or "",
                    "owner": case.owner or "",
                    "flagged": _aware(case.flagged_at).astimezone(tz).date().isoformat(),
                    "due": clock.due_date.isoformat(),
                    "link": f"{base_url.rstrip('/')}/cases/{case.id}",
                    "optout": "",
                },
            )
            if enqueue(
                session,
                kind=f"case_{occasion}",
                dedupe_key=key,
                recipient=recipient,
                subject=mail.subject,
                text=mail.text,
                html=mail.html,
                now=now,
            ):
                session.add(
                    CaseEvent(
                        case_id=case.id,
                        at=_utc(now),
                        by=SYSTEM,
                        kind="mail",
                        what=f"{name} {occasion} → {recipient} (due {clock.due_date})",
                    )
                )
                sent.append(CaseClockMessage(case.id, name, occasion, recipient, key))
    session.flush()
    return sent


def clock_state(clock: Clock, now: dt.datetime) -> ClockState:
    """Shorthand for ``clock.state(now)`` (used by the pages)."""
    return clock.state(now)


# -- metrics ---------------------------------------------------------------------------


def loop_metrics(
    session: Session,
    *,
    now: dt.datetime,
    study_id: int | None = None,
    organisation_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> LoopMetrics:
    """The loop metrics (:class:`~gapsight.domain.cases.LoopMetrics`) of the cases of a
    study or organisation flagged in ``[since, until)``, at ``now`` — for the CLI, the
    report and the certificate check (P4.flagging, P4.forward_1w, P4.followup_1m)."""
    if study_id is None and organisation_id is None:
        raise ValueError("loop_metrics needs a study or an organisation")
    if study_id is not None:
        study = session.get(Study, study_id)
        if study is None:
            raise KeyError(f"no study with id {study_id}")
        organisation_id = study.organisation_id
    assert organisation_id is not None
    org = _org(session, organisation_id)
    cases = list_cases(
        session, organisation_id=organisation_id, study_id=study_id, since=since, until=until
    )
    return compute_metrics(
        [case_times(c) for c in cases], settings_for(org), calendar_for(org), now=now
    )


# -- the report's hook ---------------------------------------------------------------

REPORT_HOOK = "gapsight.services.loop_metrics"
"""The optional hook of the management summary (``docs/reports.md``): a module with
``register_loop_metrics(fn)`` and ``LoopMetrics(flagged, closed, on_time, overdue)``."""


def report_metrics(session: Session, wave_id: int, *, now: dt.datetime | None = None) -> Any:
    """A wave's loop metrics in the shape of the report's hook: ``flagged`` (cases),
    ``closed`` (followed up or closed), ``on_time`` (followed up within the deadline),
    ``overdue`` (overdue now); ``None`` when the hook module is absent."""
    try:
        hook = importlib.import_module(REPORT_HOOK)
    except ModuleNotFoundError:
        return None
    moment = now or dt.datetime.now(dt.UTC)
    metrics = loop_metrics(session, study_id=wave_id, now=moment)
    handled = sum(
        c.status in {"followed_up", "closed"} for c in list_cases(session, study_id=wave_id)
    )
    return hook.LoopMetrics(
        flagged=metrics.flags,
        closed=handled,
        on_time=metrics.followed_up_on_time,
        overdue=metrics.overdue_now,
    )


def register_report_hook() -> bool:
    """Register :func:`report_metrics` as the management summary's loop-metrics
    provider, when that hook exists in this build; returns whether it was registered.
    Called when this module is imported (the web app and the respondent pages import
    it)."""
    try:
        hook = importlib.import_module(REPORT_HOOK)
    except ModuleNotFoundError:
        return False
    hook.register_loop_metrics(lambda session, wave_id: report_metrics(session, wave_id))
    return True


register_report_hook()
