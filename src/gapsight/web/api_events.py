"""The event-survey part of the JSON API: ``POST /studies/{id}/events`` registers
service interactions of an event wave (:mod:`gapsight.services.events`); a sampled
share of them is invited at once. Coordinators only; 409 when the study is not an
event wave in fieldwork; 422 (nothing stored) for invalid events. Installed by
:func:`gapsight.web.api.create_api`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException
from fastapi import Path as FastPath
from pydantic import BaseModel, ConfigDict, Field

from gapsight.domain.problems import InvalidInput
from gapsight.services import events as service
from gapsight.services import mailing
from gapsight.services import studies as study_service
from gapsight.web.api import Coordinator, Db
from gapsight.web.secret import secret_key

__all__ = ["EventIn", "EventsIn", "EventsOut", "install"]

_MAX_ID = 2**31 - 1
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_TEXT = r"^[^\x00]*$"


class EventIn(BaseModel):
    """One service interaction."""

    model_config = ConfigDict(extra="forbid")

    occurred_at: dt.datetime = Field(description="When it happened, with a time zone.")
    kind: str = Field(min_length=1, max_length=40, pattern=_TEXT, examples=["helpdesk"])
    department: str = Field(min_length=1, max_length=200, pattern=_TEXT)
    email: str = Field(min_length=3, max_length=320, pattern=_EMAIL)
    name: str | None = Field(None, max_length=200, pattern=_TEXT)
    language: Literal["nl", "en"] = "nl"
    reference: str | None = Field(None, max_length=200, pattern=_TEXT)


class EventsIn(BaseModel):
    """Interactions to register (all or nothing)."""

    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(min_length=1, max_length=10_000)


class EventsOut(BaseModel):
    """What was registered, sampled and invited."""

    study_id: int
    recorded: int
    sampled: int
    invited: int
    already_invited: int = Field(description="Sampled, but already invited in this wave.")
    enqueued: int = Field(description="Invitation mails put in the outbox.")


def install(api: FastAPI, errors: dict[int | str, dict[str, Any]]) -> None:
    """Add the event operation to ``api``."""
    settings = api.state.settings

    @api.post(
        "/studies/{study_id}/events",
        summary="Register service interactions (event survey)",
        responses={**errors, 409: errors[422] | {"description": "Not an event wave now."}},
        tags=["events"],
    )
    def register_events(
        study_id: Annotated[int, FastPath(ge=1, le=_MAX_ID, description="Study id.")],
        body: EventsIn,
        user: Coordinator,
        session: Db,
    ) -> EventsOut:
        """Register interactions; a sampled share (``settings.events.share``) gets the
        wave's invitation now."""
        try:
            study = study_service.get_study(session, study_id)
        except KeyError:
            raise HTTPException(404, f"no study with id {study_id}") from None
        if user.scope is not None and user.scope != study.organisation_id:
            raise HTTPException(404, f"no study with id {study_id}")
        for i, e in enumerate(body.events):
            if e.occurred_at.tzinfo is None or not 2000 <= e.occurred_at.year <= 2100:
                raise HTTPException(
                    422, f"events[{i}].occurred_at: a date from 2000 to 2100 with a time zone"
                )
        links = mailing.links_for(settings, secret_key(settings))
        try:
            with session.begin_nested():
                result = service.record_events(
                    session,
                    study_id,
                    [e.model_dump() for e in body.events],
                    links=links,
                    now=dt.datetime.now(dt.UTC),
                    fallback_language=settings.default_language,
                )
        except ValueError as exc:
            if isinstance(exc, InvalidInput):
                raise HTTPException(
                    422, "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
                ) from None
            raise HTTPException(409, str(exc)) from None
        return EventsOut(**result.__dict__)
