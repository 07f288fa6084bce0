"""The JSON API, ``/api/v1``: studies, samples, fieldwork status, response exports,
invitations, reminders and signals (:mod:`gapsight.web.api_signals`) — the same
services as the pages, for scripts and other systems.

It is its own small FastAPI application (:func:`create_api`), mounted by the web app
factory, with

- **token authentication**: ``Authorization: Bearer gs_…`` (tokens from
  ``gapsight token create --user EMAIL``, see :mod:`gapsight.services.api_tokens`).
  A token acts as its user: the same roles (viewer reads; coordinator also creates
  studies, loads samples, sends mail) and the same organisation scope as the pages;
  no cookies, so no CSRF;
- **problem documents** (RFC 9457, ``application/problem+json``) for every error:
  ``{"type", "title", "status", "detail"}`` plus ``errors`` for invalid input. 401
  without or with a bad token, 403 for too low a role, 404 for what does not exist or
  belongs to another organisation, 409 for an action that does not fit the study's
  status, 422 for invalid input (never a 500);
- its own **OpenAPI document** at ``/api/v1/openapi.json`` (interactive at
  ``/api/v1/docs``), generated from the typed handlers and response models below.

Example::

    >>> # curl -H "Authorization: Bearer $TOKEN" http://localhost:8000/api/v1/studies
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Match

from gapsight import __version__
from gapsight.analysis.result import as_optional
from gapsight.config import Settings
from gapsight.domain.studies import ANONYMITY_MODES, STUDY_KINDS
from gapsight.io import ImportRejected
from gapsight.mail import outbox
from gapsight.services import api_tokens, mailing
from gapsight.services import exports as export_service
from gapsight.services import fieldwork as fieldwork_service
from gapsight.services import imports as import_service
from gapsight.services import studies as study_service
from gapsight.store.database import unit_of_work
from gapsight.store.models import Study
from gapsight.web.deps import ROLE_RANK, CurrentUser
from gapsight.web.secret import secret_key
from gapsight.web.telemetry import telemetry_config

__all__ = ["PROBLEM", "create_api"]

log = logging.getLogger("gapsight.api")
_MAX_ID = 2**31 - 1
"""Largest id a path or body may name (ids are 32-bit on every database)."""
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PROBLEM = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Invalid input",
    500: "Internal server error",
}


# ---------------------------------------------------------------- models


class Problem(BaseModel):
    """An error (RFC 9457 problem document)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


class StudyOut(BaseModel):
    """A study (one wave of one instrument version)."""

    id: int
    organisation_id: int
    name: str
    series: str | None
    kind: str
    instrument: str = Field(description="Instrument version, ID@VERSION.")
    status: Literal["draft", "fieldwork", "closed"]
    anonymity_mode: str
    min_group_size: int
    confidence_level: float
    population_size: int | None
    field_start: dt.date | None
    field_end: dt.date | None
    reminder_days: list[int]
    flag_recipients: list[str]


class CaseOut(BaseModel):
    """A case of the closed loop (without the respondent's personal details)."""

    id: int
    study_id: int
    kind: Literal["promoter", "detractor"]
    status: Literal["open", "forwarded", "followed_up", "closed"]
    owner: str | None
    segment: str | None
    flagged_at: dt.datetime
    forwarded_at: dt.datetime | None
    followed_up_at: dt.datetime | None
    closed_at: dt.datetime | None
    overdue: bool = Field(description="Not closed and a deadline has passed.")


class LoopMetricsOut(BaseModel):
    """The closed loop of a study: flags, shares on time, median days, overdue now."""

    flags: int
    promoters: int
    detractors: int
    forwarded: int
    forwarded_on_time: int
    share_forwarded_on_time: float | None
    followed_up: int
    followed_up_on_time: int
    share_followed_up_on_time: float | None
    median_days_to_forward: float | None
    median_days_to_follow_up: float | None
    open_now: int
    overdue_now: int


class StudyCreate(BaseModel):
    """What a new study needs; everything else has the defaults of the web form."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    instrument: str = Field(
        min_length=1, max_length=100, description="Built-in id (servqual22) or ID@VERSION."
    )
    kind: str = Field(
        "customer", json_schema_extra={"enum": list(STUDY_KINDS)}, description="Who answers."
    )
    organisation_id: int | None = Field(
        None, ge=1, le=_MAX_ID, description="Default: the organisation of the token's user."
    )
    series: str | None = Field(None, max_length=200)
    anonymity_mode: str = Field(
        "anonymous",
        json_schema_extra={"enum": list(ANONYMITY_MODES)},
        description="Employee studies are always anonymous.",
    )
    min_group_size: int = Field(5, ge=3, le=10)
    confidence_level: float = Field(0.95, gt=0, lt=1)
    population_size: int | None = Field(None, ge=0, le=10**9)
    field_start: dt.date | None = None
    field_end: dt.date | None = None
    reminder_days: list[Annotated[int, Field(ge=1, le=365)]] = Field(
        default_factory=list, max_length=20
    )
    flag_recipients: list[Annotated[str, Field(max_length=320, pattern=_EMAIL)]] = Field(
        default_factory=list, max_length=50, description="E-mail addresses told about flags."
    )


class Contact(BaseModel):
    """One contact of a sample."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320, pattern=_EMAIL)
    name: str | None = Field(None, max_length=200)
    language: Literal["nl", "en"] = "nl"
    external_id: str | None = Field(None, max_length=200)
    characteristics: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="Loaded characteristics, e.g. segment, region."
    )


class SampleIn(BaseModel):
    """Contacts to add to a study's sample (all or nothing)."""

    model_config = ConfigDict(extra="forbid")

    contacts: list[Contact] = Field(min_length=1, max_length=100_000)


class SampleResult(BaseModel):
    """What a sample upload stored."""

    study_id: int
    added: int
    characteristics: dict[str, str]


class GroupOut(BaseModel):
    """One group of a loaded characteristic; response counts null when suppressed."""

    group: str | int | float | bool | None
    invited: int
    started: int | None
    partial: int | None
    complete: int | None
    status: str = Field(
        description="shown, empty or suppressed (a small group and the group hidden with "
        "it look the same)."
    )


class CharacteristicOut(BaseModel):
    """The groups of one loaded characteristic."""

    name: str
    groups: list[GroupOut]


class FieldworkOut(BaseModel):
    """Fieldwork counts and rates, as on the fieldwork page."""

    study_id: int
    in_sample: int
    invited: int
    delivered: int
    bounced: int
    opened: int
    started: int
    partial: int
    complete: int
    gross_rate: float | None = Field(description="(complete + partial) / valid sample.")
    net_rate: float | None
    min_group_size: int
    characteristics: list[CharacteristicOut]
    mail: dict[str, int] = Field(
        description="The study's invitations and reminders in the outbox, per status "
        "(pending, sending, sent, failed)."
    )


class MailingOut(BaseModel):
    """Messages an invite or remind call put in the outbox."""

    study_id: int
    enqueued: int
    skipped: int


# ---------------------------------------------------------------- plumbing


def _problem(
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = Problem(title=_TITLES.get(status, "Error"), status=status, detail=detail, errors=errors)
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM, headers=headers
    )


def _errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]


_bearer = HTTPBearer(auto_error=False, description="An API token: gapsight token create")
_ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": Problem, "description": _TITLES[s]} for s in (400, 401, 403, 404, 422)
}


def _session(request: Request) -> Iterator[Session]:
    with unit_of_work(request.app.state.engine) as session:
        yield session


def _user(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> CurrentUser:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "send an API token: Authorization: Bearer <token>")
    with unit_of_work(request.app.state.engine) as session:
        user = api_tokens.authenticate(session, credentials.credentials)
        if user is None:
            raise HTTPException(401, "the API token is unknown or revoked")
        return CurrentUser(user.id, user.email, user.name, user.role, user.organisation_id)


def _role(role: str) -> Any:
    def dependency(user: CurrentUser = Depends(_user)) -> CurrentUser:
        if ROLE_RANK[user.role] < ROLE_RANK[role]:
            raise HTTPException(403, f"this needs the {role} role; the token's user is {user.role}")
        return user

    return Depends(dependency)


Viewer = Annotated[CurrentUser, _role("viewer")]
Coordinator = Annotated[CurrentUser, _role("coordinator")]
Db = Annotated[Session, Depends(_session)]
StudyId = Annotated[int, FastPath(ge=1, le=_MAX_ID, description="Study id.")]


def _study(session: Session, user: CurrentUser, study_id: int) -> Study:
    try:
        study = study_service.get_study(session, study_id)
    except KeyError:
        raise HTTPException(404, f"no study with id {study_id}") from None
    if user.scope is not None and user.scope != study.organisation_id:
        raise HTTPException(404, f"no study with id {study_id}")
    return study


def _out(study: Study) -> StudyOut:
    i = study_service.info(study)
    return StudyOut(
        id=i.id,
        organisation_id=i.organisation_id,
        name=i.name,
        series=i.series,
        kind=i.kind,
        instrument=i.instrument_ref,
        status=i.status,
        anonymity_mode=i.anonymity_mode,
        min_group_size=i.min_group_size,
        confidence_level=i.confidence_level,
        population_size=i.population_size,
        field_start=i.field_start,
        field_end=i.field_end,
        reminder_days=list(i.reminder_days),
        flag_recipients=list(i.flag_recipients),
    )


def _characteristic_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "float"
    return "string"


# ---------------------------------------------------------------- the app


def create_api(settings: Settings, engine: Engine) -> FastAPI:
    """The API application for ``settings`` on ``engine`` (mounted at ``/api/v1``)."""
    api = FastAPI(
        title="gapsight API",
        version=__version__,
        description=(__doc__ or "gapsight JSON API").split("\n\n")[0],
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        telemetry=telemetry_config(settings),
    )
    api.state.settings = settings
    api.state.engine = engine

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names the methods of the first route with this path only; the
            # Allow header must list those of every route with this path.
            allowed = {
                method
                for route in api.routes
                if isinstance(route, APIRoute) and route.matches(request.scope)[0] != Match.NONE
                for method in route.methods or ()
            }
            headers["Allow"] = ", ".join(sorted(allowed))
        return _problem(exc.status_code, str(exc.detail), headers=headers)

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _problem(422, "the request contains invalid values", _errors(exc))

    @api.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("API error on %s %s", request.method, request.url.path, exc_info=exc)
        return _problem(500, "something went wrong on the server; see its log")

    @api.get("/studies", summary="List studies", responses=_ERRORS)
    def list_studies(user: Viewer, session: Db) -> list[StudyOut]:
        """The studies the token's user may see (their organisation's, or all)."""
        rows = study_service.list_studies(session, organisation_id=user.scope)
        return [_out(s) for s in rows]

    @api.get("/studies/{study_id}", summary="Get a study", responses=_ERRORS)
    def get_study(study_id: StudyId, user: Viewer, session: Db) -> StudyOut:
        """One study by id."""
        return _out(_study(session, user, study_id))

    @api.post("/studies", summary="Create a study", status_code=201, responses=_ERRORS)
    def create_study(body: StudyCreate, user: Coordinator, session: Db) -> StudyOut:
        """Create a study in status draft from an instrument."""
        organisation_id = body.organisation_id or user.organisation_id
        if organisation_id is None:
            raise HTTPException(422, "organisation_id is required (the user has none)")
        if user.scope is not None and organisation_id != user.scope:
            raise HTTPException(404, f"no organisation with id {organisation_id}")
        values = body.model_dump(exclude={"organisation_id"})
        try:
            study = study_service.create_study(session, organisation_id=organisation_id, **values)
        except KeyError as exc:
            raise HTTPException(422, str(exc.args[0] if exc.args else exc)) from None
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return _out(study)

    @api.post("/studies/{study_id}/sample", summary="Add contacts (JSON)", responses=_ERRORS)
    def add_contacts(
        study_id: StudyId, body: SampleIn, user: Coordinator, session: Db
    ) -> SampleResult:
        """Add contacts to the study's sample, validated like a sample file: all are
        stored, or (422) none."""
        _study(session, user, study_id)
        names = sorted({k for c in body.contacts for k in c.characteristics})
        frame = pd.DataFrame(
            {
                "email": [c.email for c in body.contacts],
                "name": [c.name or "" for c in body.contacts],
                "language": [c.language for c in body.contacts],
                "external_id": [c.external_id or "" for c in body.contacts],
                **{n: [c.characteristics.get(n) for c in body.contacts] for n in names},
            }
        )
        types = {
            n: _characteristic_type([c.characteristics.get(n) for c in body.contacts])
            for n in names
        }
        with tempfile.TemporaryDirectory(prefix="gapsight-api-") as tmp:
            path = Path(tmp) / "contacts.csv"
            frame.to_csv(path, index=False)
            mapping = None
            if names:
                import yaml

                mapping = Path(tmp) / "mapping.yaml"
                mapping.write_text(yaml.safe_dump({"characteristics": types}), "utf-8")
            return _import(session, study_id, path, mapping)

    @api.post("/studies/{study_id}/sample/file", summary="Upload a sample file", responses=_ERRORS)
    def upload_sample(
        study_id: StudyId,
        user: Coordinator,
        session: Db,
        file: UploadFile = File(description="CSV or Excel file of contacts."),
    ) -> SampleResult:
        """Import a sample file (CSV/Excel: email, name, language, external_id and
        characteristics): all rows are stored, or (422) none."""
        _study(session, user, study_id)
        suffix = Path(file.filename or "sample.csv").suffix.lower() or ".csv"
        with tempfile.TemporaryDirectory(prefix="gapsight-api-") as tmp:
            path = Path(tmp) / f"sample{suffix}"
            with path.open("wb") as fh:
                while chunk := file.file.read(1 << 20):
                    fh.write(chunk)
            return _import(session, study_id, path, None)

    def _import(
        session: Session, study_id: StudyId, path: Path, mapping: Path | None
    ) -> SampleResult:
        try:
            with session.begin_nested():
                result = import_service.import_sample(session, study_id, path, mapping_path=mapping)
        except ImportRejected as exc:
            errors = [
                {"loc": [str(p.row or ""), p.column or ""], "msg": str(p)}
                for p in exc.problems[:50]
            ]
            raise _Rejected(f"nothing was stored: {len(exc.problems)} problem(s)", errors) from None
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return SampleResult(
            study_id=study_id, added=result.rows, characteristics=dict(result.characteristics)
        )

    @api.exception_handler(_Rejected)
    async def rejected(request: Request, exc: _Rejected) -> Response:
        return _problem(422, exc.detail, exc.errors)

    @api.get("/studies/{study_id}/fieldwork", summary="Fieldwork status", responses=_ERRORS)
    def fieldwork(study_id: StudyId, user: Viewer, session: Db) -> FieldworkOut:
        """Invited, delivered, bounced, opened, started, partial and complete, the gross
        and net response rates, and counts per loaded characteristic (groups below the
        minimum group size suppressed)."""
        _study(session, user, study_id)
        s = fieldwork_service.fieldwork_status(session, study_id)
        return FieldworkOut(
            study_id=s.study_id,
            in_sample=s.in_sample,
            invited=s.invited,
            delivered=s.delivered,
            bounced=s.bounced,
            opened=s.opened,
            started=s.started,
            partial=s.partial,
            complete=s.complete,
            # a sample without valid invitations has no rates (Undefined): null
            gross_rate=None if s.rates is None else as_optional(s.rates.gross_rate),
            net_rate=None if s.rates is None else as_optional(s.rates.net_rate),
            min_group_size=s.min_group_size,
            characteristics=[
                CharacteristicOut(
                    name=t.name,
                    groups=[
                        GroupOut(
                            group=g.group,
                            invited=g.invited,
                            started=g.started,
                            partial=g.partial,
                            complete=g.complete,
                            status=g.public_status,
                        )
                        for g in t.groups
                    ],
                )
                for t in s.groups
            ],
            mail=outbox.counts(session, study_id=study_id),
        )

    @api.get("/studies/{study_id}/cases", summary="Cases of a study", responses=_ERRORS)
    def study_cases(study_id: StudyId, user: Viewer, session: Db) -> list[CaseOut]:
        """The study's cases (flagged promoters and detractors), oldest first, with
        their status and whether a deadline has passed; no personal details."""
        from gapsight.domain.cases import is_overdue
        from gapsight.services import cases as case_service

        _study(session, user, study_id)
        now = outbox.utcnow()
        out = []
        for case in case_service.list_cases(session, study_id=study_id):
            times = case_service.case_times(case)
            clocks = case_service.clocks_of(session, case)
            out.append(
                CaseOut(
                    id=case.id,
                    study_id=case.study_id,
                    kind=times.kind,
                    status=times.status,
                    owner=case.owner,
                    segment=case.segment,
                    flagged_at=times.flagged_at,
                    forwarded_at=times.forwarded_at,
                    followed_up_at=times.followed_up_at,
                    closed_at=times.closed_at,
                    overdue=is_overdue(times, clocks, now),
                )
            )
        return out

    @api.get("/studies/{study_id}/loop-metrics", summary="Closed-loop metrics", responses=_ERRORS)
    def loop_metrics(study_id: StudyId, user: Viewer, session: Db) -> LoopMetricsOut:
        """Flags raised, share forwarded and followed up within the deadlines, median
        days to each step, open and overdue cases now."""
        from gapsight.services import cases as case_service

        _study(session, user, study_id)
        result = case_service.loop_metrics(session, study_id=study_id, now=outbox.utcnow())
        return LoopMetricsOut(**result.as_dict())

    @api.get(
        "/studies/{study_id}/responses",
        summary="Export responses",
        responses={
            **_ERRORS,
            200: {
                "description": "The responses as a file.",
                "content": {"text/csv": {}, "application/vnd.apache.parquet": {}},
            },
        },
        response_class=FileResponse,
    )
    def export(
        study_id: StudyId,
        user: Viewer,
        session: Db,
        format: Literal["csv", "parquet"] = Query("csv", description="File format."),
        lang: Literal["nl", "en"] = Query("en", description="Language of labels."),
    ) -> FileResponse:
        """The study's responses as CSV or Parquet (anonymous responses without any
        identifying field, as every export)."""
        _study(session, user, study_id)
        directory = tempfile.mkdtemp(prefix="gapsight-export-")
        path = Path(directory) / f"study-{study_id}.{format}"
        export_service.export_wave(session, study_id, path, fmt=format, lang=lang)
        media = "text/csv" if format == "csv" else "application/vnd.apache.parquet"
        return FileResponse(
            path,
            media_type=media,
            filename=path.name,
            background=BackgroundTask(_remove, Path(directory)),
        )

    def _move(study_id: int, user: CurrentUser, session: Session, status: str) -> StudyOut:
        _study(session, user, study_id)
        try:
            return _out(study_service.set_status(session, study_id, status))
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None

    _CONFLICT = {**_ERRORS, 409: {"model": Problem, "description": "Not possible now."}}

    @api.post("/studies/{study_id}/launch", summary="Launch fieldwork", responses=_CONFLICT)
    def launch(study_id: StudyId, user: Coordinator, session: Db) -> StudyOut:
        """Start fieldwork of a draft study, or reopen a closed one (409 otherwise)."""
        return _move(study_id, user, session, "fieldwork")

    @api.post("/studies/{study_id}/close", summary="Close fieldwork", responses=_CONFLICT)
    def close(study_id: StudyId, user: Coordinator, session: Db) -> StudyOut:
        """Close the fieldwork of a study (409 unless it is in fieldwork)."""
        return _move(study_id, user, session, "closed")

    def _mail(kind: str, study_id: int, user: CurrentUser, session: Session) -> MailingOut:
        _study(session, user, study_id)
        links = mailing.links_for(settings, secret_key(settings))
        action = mailing.invite if kind == "invite" else mailing.remind
        try:
            r = action(session, study_id, links, fallback_language=settings.default_language)
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None
        return MailingOut(study_id=r.study_id, enqueued=r.enqueued, skipped=r.skipped)

    @api.post(
        "/studies/{study_id}/invitations",
        summary="Send invitations",
        responses={**_ERRORS, 409: {"model": Problem, "description": "Not in fieldwork."}},
    )
    def invite(study_id: StudyId, user: Coordinator, session: Db) -> MailingOut:
        """Queue the invitation of every contact not yet invited (409 unless the study
        is in fieldwork)."""
        return _mail("invite", study_id, user, session)

    @api.post(
        "/studies/{study_id}/reminders",
        summary="Send due reminders",
        responses={**_ERRORS, 409: {"model": Problem, "description": "Not in fieldwork."}},
    )
    def remind(study_id: StudyId, user: Coordinator, session: Db) -> MailingOut:
        """Queue the reminders due now on the study's schedule (non-completers who did
        not opt out; each reminder once)."""
        return _mail("remind", study_id, user, session)

    from gapsight.web import api_events, api_signals

    api_signals.install(api, _ERRORS)
    api_events.install(api, _ERRORS)
    _document_problems(api)
    return api


def _document_problems(api: FastAPI) -> None:
    """Describe error responses as ``application/problem+json`` (what they are) in the
    OpenAPI document, instead of FastAPI's default ``application/json``."""
    generate = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        document = generate()
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status.isdigit() and int(status) >= 400 and "application/json" in content:
                        content[PROBLEM] = content.pop("application/json")
        api.openapi_schema = document
        return document

    api.openapi = openapi  # type: ignore[method-assign]


class _Rejected(Exception):
    def __init__(self, detail: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


def _remove(directory: Path) -> None:
    for child in directory.iterdir():
        child.unlink(missing_ok=True)
    directory.rmdir()
