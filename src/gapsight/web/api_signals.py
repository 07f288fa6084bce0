"""The signals part of the JSON API (``/api/v1/signals``): file and read signals.

- ``POST /signals`` registers a signal (the same rules as every other channel: 422
  with one error per broken rule) and returns it with the client's private
  ``status_token`` and ``status_url`` — shown this once, only its hash is stored;
- ``GET /signals`` lists signals (newest first) filtered by status, category,
  supplier, client group and received dates;
- ``GET /signals/{id}`` returns one signal with its follow-ups.

Access as in the pages (:mod:`gapsight.web.routes.signals`): every token reads its
organisation's signals; filing needs the coordinator role or client groups assigned
(a client manager, who files and reads the signals of those groups only). A signal
outside the token's scope is 404. Installed by :func:`gapsight.web.api.create_api`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as FastPath
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from gapsight.domain.problems import InvalidInput
from gapsight.domain.signals import CHANNELS, STATUSES
from gapsight.services import signals as service
from gapsight.services.signal_access import SignalScope, scope_for
from gapsight.store.models import Signal
from gapsight.web.api import Db, Viewer
from gapsight.web.deps import CurrentUser

__all__ = ["SignalCreated", "SignalIn", "SignalOut", "install"]

_MAX_ID = 2**31 - 1
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_TEXT = r"^[^\x00]*$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
Channel = Literal["web_form", "mailbox", "conversation", "supplier_report", "phone", "api"]
Status = Literal[
    "new", "acknowledged", "in_progress", "waiting_supplier", "referred", "resolved", "closed"
]
assert set(Channel.__args__) == set(CHANNELS)  # type: ignore[attr-defined]
assert set(Status.__args__) == set(STATUSES)  # type: ignore[attr-defined]


def _text(max_length: int, *, required: bool = False) -> Any:
    return Field(
        ... if required else None,
        min_length=1 if required else None,
        max_length=max_length,
        pattern=_TEXT,
    )


class SignalIn(BaseModel):
    """A signal to register. ``category`` is a code of the organisation's categories
    (default: complaint, supplier_dissatisfaction, wish, information_request,
    compliment, disruption) or one of their labels."""

    model_config = ConfigDict(extra="forbid")

    received_at: dt.datetime | None = Field(
        None, description="When it was received, with a time zone; default: now."
    )
    channel: Channel = "api"
    registrar: str = _text(200, required=True)
    registrar_email: str | None = Field(None, max_length=320, pattern=_EMAIL)
    client_organisation: str = _text(200, required=True)
    client_group: str = _text(200, required=True)
    contact_person: str | None = _text(200)
    contact_email: str | None = Field(None, max_length=320, pattern=_EMAIL)
    supplier: str | None = _text(200)
    service_domain: str = _text(200, required=True)
    category: str = _text(40, required=True)
    description: str = _text(10_000, required=True)
    supplier_ticket: str | None = _text(100)
    within_norms: bool = False
    norms_explanation: str | None = _text(4_000)
    theme_tags: list[Annotated[str, Field(max_length=60, pattern=_TEXT)]] = Field(
        default_factory=list, max_length=20
    )
    organisation_id: int | None = Field(
        None, ge=1, le=_MAX_ID, description="Default: the organisation of the token's user."
    )


class UpdateOut(BaseModel):
    """A follow-up: date, who, what."""

    at: dt.datetime
    by: str
    kind: str
    what: str


class SignalOut(BaseModel):
    """A signal in the register."""

    id: int
    organisation_id: int
    received_at: dt.datetime
    channel: str
    registrar: str
    client_organisation: str
    client_group: str
    contact_person: str | None
    contact_email: str | None
    supplier: str | None
    service_domain: str | None
    category: str
    original_category: str | None
    description: str
    supplier_ticket: str | None
    within_norms: bool
    norms_explanation: str | None
    feedback_to_client: str | None
    status: str
    resolution: str | None
    closed_on: dt.date | None
    theme_tags: list[str]
    updates: list[UpdateOut] = Field(default_factory=list)


class SignalCreated(SignalOut):
    """A registered signal with the client's private status link (shown once)."""

    promoted: bool
    status_token: str
    status_url: str


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _out(session: Session, signal: Signal, *, updates: bool) -> dict[str, Any]:
    data = {name: getattr(signal, name) for name in SignalOut.model_fields if name != "updates"}
    data["received_at"] = _aware(signal.received_at)
    data["theme_tags"] = list(signal.theme_tags or [])
    if updates:
        data["updates"] = [
            UpdateOut(at=_aware(u.at), by=u.by, kind=u.kind, what=u.what)
            for u in service.updates_of(session, signal.id)
        ]
    return data


def install(api: FastAPI, errors: dict[int | str, dict[str, Any]]) -> None:
    """Add the signal operations to ``api`` (``errors``: its documented errors)."""

    def scope(session: Session, user: CurrentUser) -> SignalScope:
        return scope_for(session, user.id, user.scope)

    def organisation(user: CurrentUser, asked: int | None) -> int:
        org = asked or user.organisation_id
        if org is None:
            raise HTTPException(422, "organisation_id is required (the user has none)")
        if user.scope is not None and org != user.scope:
            raise HTTPException(404, f"no organisation with id {org}")
        return org

    @api.post(
        "/signals",
        summary="Register a signal",
        status_code=201,
        responses=errors,
        tags=["signals"],
    )
    def create_signal(body: SignalIn, request: Request, user: Viewer, session: Db) -> SignalCreated:
        """Register a signal; the answer carries the client's private status link."""
        s = scope(session, user)
        if not (user.can("coordinator") or s.is_client_manager):
            raise HTTPException(403, "filing signals needs the coordinator role")
        org_id = organisation(user, body.organisation_id)
        if s.client_groups is not None and body.client_group not in s.client_groups:
            raise HTTPException(422, "client_group: not one of the token user's client groups")
        values = body.model_dump(exclude={"organisation_id"})
        when = values.get("received_at")
        if when is not None and (when.tzinfo is None or not 2000 <= when.year <= 2100):
            raise HTTPException(422, "received_at: a date from 2000 to 2100 with a time zone")
        if when is None:
            values.pop("received_at")
        try:
            with session.begin_nested():
                reg = service.register_signal(
                    session, org_id, values, now=dt.datetime.now(dt.UTC), source="api"
                )
        except KeyError:
            raise HTTPException(404, f"no organisation with id {org_id}") from None
        except InvalidInput as exc:
            raise HTTPException(
                422, "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
            ) from None
        url = str(request.base_url).rstrip("/")
        url = url.removesuffix("/api/v1") + f"/signal-status/{reg.status_token}"
        return SignalCreated(
            **_out(session, reg.signal, updates=True),
            promoted=reg.promoted,
            status_token=reg.status_token,
            status_url=url,
        )

    @api.get("/signals", summary="List signals", responses=errors, tags=["signals"])
    def list_signals(
        user: Viewer,
        session: Db,
        organisation_id: int | None = Query(None, ge=1, le=_MAX_ID),
        status: Status | None = None,
        category: str | None = Query(None, max_length=40),
        supplier: str | None = Query(None, max_length=200),
        client_group: str | None = Query(None, max_length=200),
        since: str | None = Query(
            None, pattern=_DATE, description="Received on or after this date (YYYY-MM-DD)."
        ),
        until: str | None = Query(
            None, pattern=_DATE, description="Received before this date (YYYY-MM-DD)."
        ),
        limit: int = Query(200, ge=1, le=1000),
    ) -> list[SignalOut]:
        """Signals of the organisation (a client manager: of their client groups),
        newest first, at most ``limit``."""
        s = scope(session, user)
        org_id = organisation(user, organisation_id)

        def moment(day: str | None) -> dt.datetime | None:
            if day is None:
                return None
            try:
                return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(0), tzinfo=dt.UTC)
            except ValueError:
                raise HTTPException(422, f"{day!r} is not a date (YYYY-MM-DD)") from None

        rows = service.list_signals(
            session,
            org_id,
            status=status,
            category=category,
            supplier=supplier,
            client_group=client_group,
            since=moment(since),
            until=moment(until),
            client_groups=s.client_groups,
        )
        return [SignalOut(**_out(session, r, updates=False)) for r in reversed(rows)][:limit]

    @api.get("/signals/{signal_id}", summary="Get a signal", responses=errors, tags=["signals"])
    def get_signal(
        signal_id: Annotated[int, FastPath(ge=1, le=_MAX_ID, description="Signal id.")],
        user: Viewer,
        session: Db,
    ) -> SignalOut:
        """One signal with its follow-ups."""
        try:
            signal = service.get_signal(session, signal_id)
        except KeyError:
            raise HTTPException(404, f"no signal with id {signal_id}") from None
        if not scope(session, user).allows(signal.organisation_id, signal.client_group):
            raise HTTPException(404, f"no signal with id {signal_id}")
        return SignalOut(**_out(session, signal, updates=True))
