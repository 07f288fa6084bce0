"""Signals register: register, follow up, close, import and run the clocks.

The rules (required fields, categories, transitions, promotion) are in
:mod:`gapsight.domain.signals`; this module applies them to the ``signals`` and
``signal_updates`` tables. Every function works in the caller's session
(``with unit_of_work(engine) as session: …``) and takes ``now`` explicitly where time
matters, so tests inject the clock. Management information is in
:mod:`gapsight.services.signal_reports`.

Clocks (:func:`run_clocks`, see ``docs/signals.md``): for each open signal

- **acknowledge** within ``acknowledge_days`` working days of receipt (met by the
  first message to the client);
- **status update** when nothing was sent to the client for ``status_update_days``
  calendar days (restarts at every message);
- **resolution** within the category's ``resolution_days`` working days.

A reminder goes to the registrar (``registrar_email``, else the coordinator) when a
clock is due soon, an escalation to the coordinator when it has passed. Each is an
outbox message with a dedupe key naming the signal, clock and occasion, so running
the clocks again never sends it twice.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     reg = register_signal(session, org.id, {"channel": "phone", …}, now=now)
    >>> #     add_update(session, reg.signal.id, at=now, by="Ann", what="Called back",
    >>> #                kind="client_message")
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.domain.calendar import HolidayPolicy, WorkingCalendar
from gapsight.domain.clocks import Clock, DeadlineRule, start_clock
from gapsight.domain.problems import FieldProblem, InvalidInput
from gapsight.domain.signals import (
    FIELD_LIMITS,
    OPEN_STATUSES,
    SignalConfig,
    check_signal,
    check_transition,
    normalise_tags,
    promotion,
)
from gapsight.io.table import ImportProblem, ImportRejected
from gapsight.mail.outbox import enqueue
from gapsight.store.models import Organisation, Signal, SignalUpdate

__all__ = [
    "IMPORT_COLUMNS",
    "ClockMessage",
    "ImportResult",
    "PublicStatus",
    "Registered",
    "add_update",
    "calendar_for",
    "change_status",
    "config_for",
    "edit_signal",
    "find_by_status_token",
    "get_signal",
    "import_signals",
    "list_signals",
    "organisation_language",
    "public_status",
    "register_signal",
    "run_clocks",
    "signal_clocks",
    "updates_of",
]

TEXT_FIELDS = tuple(name for name in FIELD_LIMITS if name not in {"feedback_to_client"})
IMPORT_COLUMNS: Mapping[str, str] = {
    # our field names map to themselves; common Dutch headers map to them too
    **{name: name for name in (*TEXT_FIELDS, "received_at", "theme_tags", "within_norms")},
    "datum": "received_at",
    "ontvangen": "received_at",
    "date": "received_at",
    "kanaal": "channel",
    "registrator": "registrar",
    "klantorganisatie": "client_organisation",
    "klantgroep": "client_group",
    "contactpersoon": "contact_person",
    "leverancier": "supplier",
    "domein": "service_domain",
    "categorie": "category",
    "omschrijving": "description",
    "ticket": "supplier_ticket",
    "ticketnummer": "supplier_ticket",
    "binnen_norm": "within_norms",
    "toelichting_norm": "norms_explanation",
    "thema": "theme_tags",
    "themas": "theme_tags",
}
"""Accepted import column headers (case-insensitive) and the field each fills."""

_TRUE = {"1", "true", "yes", "ja", "j", "y", "x"}
_FALSE = {"", "0", "false", "no", "nee", "n"}


def config_for(org: Organisation) -> SignalConfig:
    """The organisation's signal rules (``settings["signals"]``)."""
    return SignalConfig.from_settings((org.settings or {}).get("signals"))


def calendar_for(org: Organisation) -> WorkingCalendar:
    """The organisation's working-day calendar (``settings["calendar"]``)."""
    return WorkingCalendar(HolidayPolicy.from_settings((org.settings or {}).get("calendar")))


def _org(session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise KeyError(f"no organisation with id {organisation_id}")
    return org


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; gapsight stores UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC, as stored (SQLite keeps no offset, so store UTC everywhere)."""
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return value.astimezone(dt.UTC)


@dataclass(frozen=True)
class Registered:
    """A registered signal, the private status token (shown once; only its hash is
    stored) and whether it was promoted to a complaint."""

    signal: Signal
    status_token: str
    promoted: bool


def _clean(values: Mapping[str, Any], config: SignalConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip() or None
        out[key] = value
    if isinstance(out.get("category"), str):
        out["category"] = config.find_category(out["category"]) or out["category"]
    out["theme_tags"] = normalise_tags(out.get("theme_tags"))
    out["within_norms"] = bool(out.get("within_norms"))
    return out


def register_signal(
    session: Session,
    organisation_id: int,
    values: Mapping[str, Any],
    *,
    now: dt.datetime,
    source: str | None = None,
) -> Registered:
    """Register a signal; :class:`InvalidInput` lists every broken rule.

    ``values`` uses the field names of :class:`~gapsight.store.models.Signal`;
    ``received_at`` defaults to ``now``. A category may be given by code or label.
    A referred category (a disruption) is registered as ``referred``: the client is
    told to use the supplier's own channel. A recurring report of the same kind is
    promoted to a complaint by the organisation's promotion rule.
    """
    org = _org(session, organisation_id)
    config = config_for(org)
    data = _clean(values, config)
    data.setdefault("received_at", now)
    if data["received_at"] is None:
        data["received_at"] = now
    problems = check_signal(data, config)
    if not problems:
        data["received_at"] = _utc(data["received_at"])
    known = set(Signal.__table__.columns.keys())
    for key in data:
        if key not in known or key in {"id", "organisation_id", "status_token_hash"}:
            problems.append(FieldProblem(key, "field_unknown", f"unknown field {key!r}"))
    if problems:
        raise InvalidInput(problems)
    rule = config.promotion_rule
    decision = promotion(data, _history(session, organisation_id, data, rule.window_days), rule)
    token = secrets.token_urlsafe(24)
    signal = Signal(organisation_id=organisation_id, **data)
    signal.status = data.get("status") or "new"
    signal.status_token_hash = _hash(token)
    signal.source = source
    signal.created_at = signal.updated_at = _utc(now)
    if decision.promote:
        signal.original_category = signal.category
        signal.category = rule.target
        signal.promotion_reason = decision.reason + (
            " (signals " + ", ".join(str(i) for i in decision.related) + ")"
            if decision.related
            else ""
        )
    referred = config.category(signal.category).referred
    if referred and signal.status == "new":
        signal.status = "referred"
    session.add(signal)
    session.flush()
    what = f"registered via {signal.channel}"
    if decision.promote:
        what += f"; promoted to {rule.target}: {decision.reason}"
    if referred:
        what += "; referred to the supplier's own channel"
    session.add(
        SignalUpdate(signal_id=signal.id, at=now, by=signal.registrar, kind="status", what=what)
    )
    session.flush()
    return Registered(signal, token, decision.promote)


def _history(
    session: Session, organisation_id: int, data: Mapping[str, Any], window_days: int
) -> list[dict[str, Any]]:
    received = data["received_at"]
    since = received - dt.timedelta(days=window_days)
    rows = session.scalars(
        select(Signal).where(
            Signal.organisation_id == organisation_id,
            Signal.received_at >= _utc(since),
            Signal.received_at <= _utc(received),
        )
    )
    return [
        {
            "id": s.id,
            "received_at": _aware(s.received_at),
            "client_organisation": s.client_organisation,
            "supplier": s.supplier,
            "service_domain": s.service_domain,
            "category": s.original_category or s.category,
        }
        for s in rows
    ]


def get_signal(session: Session, signal_id: int, organisation_id: int | None = None) -> Signal:
    """The signal ``signal_id`` (of ``organisation_id`` when given); ``KeyError`` else."""
    signal = session.get(Signal, signal_id)
    if signal is None or (
        organisation_id is not None and signal.organisation_id != organisation_id
    ):
        raise KeyError(f"no signal with id {signal_id}")
    return signal


def find_by_status_token(session: Session, token: str) -> Signal | None:
    """The signal whose private status link carries ``token``, or ``None``."""
    if not token:
        return None
    return session.scalars(select(Signal).where(Signal.status_token_hash == _hash(token))).first()


@dataclass(frozen=True)
class PublicStatus:
    """What the client's private status link shows — that one signal only, without
    internal notes, names of staff or other clients: the dates, category label,
    status, the last message sent to the client and the resolution."""

    received_on: dt.date
    category: str
    status: str
    last_message: str | None
    last_message_on: dt.date | None
    resolution: str | None
    closed_on: dt.date | None


def public_status(session: Session, token: str, *, lang: str = "nl") -> PublicStatus | None:
    """The public view of the signal behind ``token`` (``None`` for an unknown token)."""
    signal = find_by_status_token(session, token)
    if signal is None:
        return None
    config = config_for(_org(session, signal.organisation_id))
    tz = ZoneInfo(config.timezone)
    try:
        label = config.category(signal.category).label(lang)
    except KeyError:
        label = signal.category
    contact = signal.last_client_contact_at
    return PublicStatus(
        received_on=_aware(signal.received_at).astimezone(tz).date(),
        category=label,
        status=signal.status,
        last_message=signal.feedback_to_client,
        last_message_on=None if contact is None else _aware(contact).astimezone(tz).date(),
        resolution=signal.resolution if signal.status in {"resolved", "closed"} else None,
        closed_on=signal.closed_on,
    )


def updates_of(session: Session, signal_id: int) -> list[SignalUpdate]:
    """A signal's follow-ups, oldest first."""
    return list(
        session.scalars(
            select(SignalUpdate)
            .where(SignalUpdate.signal_id == signal_id)
            .order_by(SignalUpdate.at, SignalUpdate.id)
        )
    )


def add_update(
    session: Session,
    signal_id: int,
    *,
    at: dt.datetime,
    by: str,
    what: str,
    kind: str = "action",
) -> SignalUpdate:
    """Record a follow-up: ``kind`` ``action`` (something done), ``client_message``
    (feedback given to the client: it acknowledges a new signal, restarts the
    status-update clock and becomes ``feedback_to_client``) or ``note``."""
    if kind not in {"action", "client_message", "note"}:
        raise InvalidInput([FieldProblem("kind", "kind_unknown", f"unknown kind {kind!r}")])
    problems = []
    if not by.strip():
        problems.append(FieldProblem("by", "required", "who did it is required"))
    if not what.strip():
        problems.append(FieldProblem("what", "required", "what was done is required"))
    if len(what) > FIELD_LIMITS["feedback_to_client"]:
        problems.append(FieldProblem("what", "too_long", "the text is too long"))
    if problems:
        raise InvalidInput(problems)
    signal = get_signal(session, signal_id)
    at = _utc(at)
    update = SignalUpdate(signal_id=signal.id, at=at, by=by.strip(), kind=kind, what=what.strip())
    session.add(update)
    if kind == "client_message":
        signal.last_client_contact_at = at
        signal.feedback_to_client = what.strip()
        if signal.acknowledged_at is None:
            signal.acknowledged_at = at
        if signal.status == "new":
            signal.status = "acknowledged"
    signal.updated_at = at
    session.flush()
    return update


EDITABLE = (
    "received_at",
    "channel",
    "registrar",
    "registrar_email",
    "client_organisation",
    "client_group",
    "contact_person",
    "contact_email",
    "supplier",
    "service_domain",
    "category",
    "description",
    "supplier_ticket",
    "within_norms",
    "norms_explanation",
    "theme_tags",
)
"""Fields a registration may correct after the fact (status, follow-ups and the
client's feedback change through their own functions)."""


def edit_signal(
    session: Session,
    signal_id: int,
    values: Mapping[str, Any],
    *,
    at: dt.datetime,
    by: str,
) -> list[str]:
    """Correct fields of a registration (the same rules as registering, checked on
    the whole signal after the change); records a ``note`` naming the changed fields.
    Returns the names of the fields that changed."""
    signal = get_signal(session, signal_id)
    config = config_for(_org(session, signal.organisation_id))
    unknown = [k for k in values if k not in EDITABLE]
    if unknown:
        raise InvalidInput(
            [FieldProblem(k, "field_unknown", f"{k!r} cannot be edited") for k in unknown]
        )
    current: dict[str, Any] = {name: getattr(signal, name) for name in EDITABLE}
    current["received_at"] = _aware(signal.received_at)
    data = _clean({**current, **values}, config)
    if data["received_at"] is None:
        data["received_at"] = current["received_at"]
    problems = check_signal(
        {**data, "status": signal.status, "resolution": signal.resolution}, config
    )
    if problems:
        raise InvalidInput(problems)
    data["received_at"] = _utc(data["received_at"])
    changed = [
        n for n in EDITABLE if data[n] != (current[n] if n != "received_at" else _utc(current[n]))
    ]
    for name in changed:
        setattr(signal, name, data[name])
    if changed:
        signal.updated_at = _utc(at)
        session.add(
            SignalUpdate(
                signal_id=signal.id,
                at=_utc(at),
                by=by,
                kind="note",
                what="edited: " + ", ".join(changed),
            )
        )
    session.flush()
    return changed


def change_status(
    session: Session,
    signal_id: int,
    status: str,
    *,
    at: dt.datetime,
    by: str,
    resolution: str | None = None,
) -> Signal:
    """Move a signal to ``status`` (see the transitions in
    :mod:`gapsight.domain.signals`); resolving and closing need a resolution (kept from
    an earlier step if not given again). Closing sets ``closed_on`` (local date)."""
    signal = get_signal(session, signal_id)
    org = _org(session, signal.organisation_id)
    config = config_for(org)
    resolution = (resolution or "").strip() or signal.resolution
    referred = signal.status == "referred" or config.category(signal.category).referred
    check_transition(signal.status, status, resolution=resolution, referred=referred)
    at = _utc(at)
    old = signal.status
    signal.status = status
    signal.resolution = resolution
    if status == "closed":
        signal.closed_on = at.astimezone(ZoneInfo(config.timezone)).date()
    elif old == "closed":
        signal.closed_on = None
    signal.updated_at = at
    what = f"status {old} → {status}"
    if status in {"resolved", "closed"} and resolution:
        what += f": {resolution}"
    session.add(SignalUpdate(signal_id=signal.id, at=at, by=by, kind="status", what=what))
    session.flush()
    return signal


def list_signals(
    session: Session,
    organisation_id: int,
    *,
    status: str | None = None,
    supplier: str | None = None,
    client_group: str | None = None,
    registrar: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    open_only: bool = False,
    client_groups: Collection[str] | None = None,
    category: str | None = None,
) -> list[Signal]:
    """Signals of an organisation, oldest first, filtered by the given fields;
    ``until`` is exclusive; ``client_groups`` limits to those groups (a client
    manager's scope, see :mod:`gapsight.services.signal_access`)."""
    stmt = select(Signal).where(Signal.organisation_id == organisation_id)
    if client_groups is not None:
        stmt = stmt.where(Signal.client_group.in_(sorted(client_groups)))
    if category is not None:
        stmt = stmt.where(Signal.category == category)
    if status is not None:
        stmt = stmt.where(Signal.status == status)
    if open_only:
        stmt = stmt.where(Signal.status.in_(sorted(OPEN_STATUSES)))
    if supplier is not None:
        stmt = stmt.where(Signal.supplier == supplier)
    if client_group is not None:
        stmt = stmt.where(Signal.client_group == client_group)
    if registrar is not None:
        stmt = stmt.where(Signal.registrar == registrar)
    if since is not None:
        stmt = stmt.where(Signal.received_at >= _utc(since))
    if until is not None:
        stmt = stmt.where(Signal.received_at < _utc(until))
    return list(session.scalars(stmt.order_by(Signal.received_at, Signal.id)))


# --- clocks -------------------------------------------------------------------------


def signal_clocks(
    signal: Signal, config: SignalConfig, calendar: WorkingCalendar
) -> dict[str, Clock]:
    """The clocks of one signal: ``acknowledge``, ``status_update`` (once
    acknowledged) and ``resolution`` (when its category has a target)."""
    tz = config.timezone
    received = _aware(signal.received_at)
    clocks: dict[str, Clock] = {}
    ack = start_clock(
        "acknowledge",
        received,
        DeadlineRule(config.acknowledge_days, "working_days", remind_before=1),
        calendar,
        timezone=tz,
    )
    if signal.acknowledged_at is not None:
        ack = ack.met(_aware(signal.acknowledged_at))
    clocks["acknowledge"] = ack
    if signal.last_client_contact_at is not None:
        clocks["status_update"] = start_clock(
            "status_update",
            _aware(signal.last_client_contact_at),
            DeadlineRule(config.status_update_days, "calendar_days", remind_before=2),
            calendar,
            timezone=tz,
        )
    days = config.category(signal.category).resolution_days
    if days is not None:
        clock = start_clock(
            "resolution",
            received,
            DeadlineRule(days, "working_days", remind_before=2),
            calendar,
            timezone=tz,
        )
        if signal.status not in OPEN_STATUSES:
            clock = clock.met(_aware(signal.updated_at))
        clocks["resolution"] = clock
    return clocks


@dataclass(frozen=True)
class ClockMessage:
    """One reminder or escalation put in the outbox by :func:`run_clocks`."""

    signal_id: int
    clock: str
    occasion: str
    recipient: str
    dedupe_key: str


TASKS: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "acknowledge": "ontvangst bevestigen aan de klant",
        "status_update": "de klant een statusupdate sturen",
        "resolution": "het signaal oplossen",
    },
    "en": {
        "acknowledge": "acknowledge the client",
        "status_update": "send the client a status update",
        "resolution": "resolve the signal",
    },
}
"""What each clock asks for, per language (the reminder and escalation mails)."""
STATUS_NAMES: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "new": "ontvangen",
        "acknowledged": "bevestigd",
        "in_progress": "in behandeling",
        "waiting_supplier": "wacht op leverancier",
        "referred": "doorverwezen",
        "resolved": "opgelost",
        "closed": "gesloten",
    },
    "en": {
        "new": "received",
        "acknowledged": "acknowledged",
        "in_progress": "in progress",
        "waiting_supplier": "waiting for the supplier",
        "referred": "referred",
        "resolved": "resolved",
        "closed": "closed",
    },
}


def organisation_language(org: Organisation) -> str:
    """The language of an organisation's mail (``settings["language"]``, else Dutch)."""
    lang = (org.settings or {}).get("language", "nl")
    return lang if lang in TASKS else "nl"


def run_clocks(
    session: Session,
    organisation_id: int,
    *,
    now: dt.datetime,
    base_url: str = "",
) -> list[ClockMessage]:
    """Enqueue the reminders and escalations that are due at ``now`` for the open
    signals of an organisation; returns only those enqueued *now* (a message already
    in the outbox is never added again). The mails (``mail/templates/signal_reminder``
    and ``signal_escalation``) are in the organisation's language and link to
    ``<base_url>/signals/<id>``."""
    from gapsight.mail.render import compose

    org = _org(session, organisation_id)
    config = config_for(org)
    calendar = calendar_for(org)
    lang = organisation_language(org)
    tz = ZoneInfo(config.timezone)
    sent: list[ClockMessage] = []
    for signal in list_signals(session, organisation_id, open_only=True):
        for name, clock in signal_clocks(signal, config, calendar).items():
            occasion = None
            if clock.escalation_due(now):
                occasion = "escalation"
                recipient = config.coordinator_email or signal.registrar_email
            elif clock.reminder_due(now):
                occasion = "reminder"
                recipient = signal.registrar_email or config.coordinator_email
            if occasion is None or not recipient:
                continue
            cycle = clock.started_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
            key = f"signal:{signal.id}:{name}:{cycle}:{occasion}"
            try:
                category = config.category(signal.category).label(lang)
            except KeyError:
                category = signal.category
            mail = compose(
                f"signal_{occasion}",
                lang,
                {
                    "signal_id": signal.id,
                    "task": TASKS[lang][name],
                    "due": clock.due_date.isoformat(),
                    "registrar": signal.registrar,
                    "client_organisation": signal.client_organisation,
                    "client_group": signal.client_group,
                    "category": category,
                    "received": _aware(signal.received_at).astimezone(tz).date().isoformat(),
                    "status": STATUS_NAMES[lang].get(signal.status, signal.status),
                    "description": signal.description[:500],
                    "link": f"{base_url.rstrip('/')}/signals/{signal.id}",
                    "organisation": org.name,
                },
            )
            if enqueue(
                session,
                kind=f"signal_{occasion}",
                dedupe_key=key,
                recipient=recipient,
                subject=mail.subject,
                text=mail.text,
                html=mail.html,
                now=now,
            ):
                sent.append(ClockMessage(signal.id, name, occasion, recipient, key))
    return sent


# --- import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_signals` registered."""

    count: int
    promoted: int
    ids: tuple[int, ...]


def _read_frame(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in {".xlsx", ".xlsm"}:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        elif suffix in {".csv", ".txt"}:
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                sep=None,
                engine="python",
                encoding="utf-8-sig",
            )
        else:
            raise ImportRejected(
                str(path), [ImportProblem(None, None, path.suffix, "a .csv or .xlsx file")]
            )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        if isinstance(exc, ImportRejected):
            raise
        raise ImportRejected(
            str(path), [ImportProblem(None, None, None, f"a readable file ({exc})")]
        ) from exc
    return frame


def _parse_when(text: str, tz: ZoneInfo) -> dt.datetime | None:
    text = text.strip()
    for parse in (
        dt.datetime.fromisoformat,
        lambda t: dt.datetime.strptime(t, "%d-%m-%Y %H:%M"),
        lambda t: dt.datetime.strptime(t, "%d-%m-%Y"),
        lambda t: dt.datetime.strptime(t, "%d/%m/%Y"),
    ):
        try:
            value = parse(text)
        except ValueError:
            continue
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    return None


def import_signals(
    session: Session,
    organisation_id: int,
    path: Path,
    *,
    registrar: str,
    now: dt.datetime,
    channel: str = "supplier_report",
    columns: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import a supplier's export (CSV or Excel) **all or nothing**.

    Headers are matched case-insensitively to :data:`IMPORT_COLUMNS` or to
    ``columns`` (``{their header: our field}``). Every problem in every row is
    collected; if there is any, :class:`~gapsight.io.table.ImportRejected` lists them
    (row numbers as in the file, header = row 1) and nothing is registered. Rows
    without ``channel`` or ``registrar`` get the ``channel`` and ``registrar`` given
    here. Dates: ISO (``2026-03-02`` or ``2026-03-02T10:15``) or ``dd-mm-yyyy``, local
    time of the organisation.
    """
    org = _org(session, organisation_id)
    config = config_for(org)
    tz = ZoneInfo(config.timezone)
    frame = _read_frame(path)
    source = path.name
    mapping = {k.strip().lower(): v for k, v in IMPORT_COLUMNS.items()}
    mapping.update({k.strip().lower(): v for k, v in (columns or {}).items()})
    problems: list[ImportProblem] = []
    fields: dict[str, str] = {}
    for header in frame.columns:
        field = mapping.get(str(header).strip().lower())
        if field is None:
            problems.append(
                ImportProblem(
                    None,
                    str(header),
                    None,
                    "a known column (" + ", ".join(sorted(set(IMPORT_COLUMNS.values()))) + ")",
                )
            )
        elif field in fields.values():
            problems.append(ImportProblem(None, str(header), None, f"one column for {field}"))
        else:
            fields[str(header)] = field
    if problems:
        raise ImportRejected(source, problems)
    rows: list[tuple[int, dict[str, Any]]] = []
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2
        values: dict[str, Any] = {"channel": channel, "registrar": registrar}
        columns_of: dict[str, str] = {}
        bad_date = False
        for header, field in fields.items():
            raw = str(record[header]).strip()
            columns_of[field] = header
            if field == "received_at":
                when = _parse_when(raw, tz) if raw else None
                if raw and when is None:
                    problems.append(ImportProblem(line, header, raw, "a date (YYYY-MM-DD)"))
                    bad_date = True
                values[field] = when
            elif field == "within_norms":
                if raw.lower() not in _TRUE | _FALSE:
                    problems.append(ImportProblem(line, header, raw, "yes or no"))
                values[field] = raw.lower() in _TRUE
            elif raw or field not in {"channel", "registrar"}:
                values[field] = raw
        cleaned = _clean(values, config)
        for problem in check_signal(cleaned, config):
            if problem.field == "received_at" and bad_date:
                continue  # already reported as an unreadable date
            header = columns_of.get(problem.field, problem.field)
            value = cleaned.get(problem.field)
            problems.append(
                ImportProblem(
                    line, header, None if value is None else str(value)[:80], problem.message
                )
            )
        rows.append((line, cleaned))
    if not rows:
        problems.append(ImportProblem(None, None, None, "at least one row"))
    if problems:
        raise ImportRejected(source, problems)
    ids: list[int] = []
    promoted = 0
    for _, values in sorted(rows, key=lambda r: r[1]["received_at"]):
        registered = register_signal(
            session, organisation_id, values, now=now, source=f"import:{source}"
        )
        ids.append(registered.signal.id)
        promoted += registered.promoted
    return ImportResult(len(ids), promoted, tuple(ids))
