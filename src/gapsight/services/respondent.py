"""The respondent's way through a questionnaire: open a link, choose, answer page by
page, resume, finish.

Handlers call one function per request — :func:`visit` (show), :func:`start` (the
intro page's form: the anonymity choice) or :func:`submit` (one questionnaire page) —
each in its own transaction, so **every submitted page is saved on its own**: a
respondent who stops halfway leaves a ``partial`` response, and finishing the last
page sets ``complete``.

**Links.** A personal link ``/r/<token>`` carries the invitation's ≥128-bit token
(only its SHA-256 hash is stored, :func:`gapsight.services.samples.find_by_token`).
An open link ``/o/<public id>`` (:mod:`gapsight.services.links`) starts a new
anonymous response on every visit; a random per-response *resume token* kept in a
cookie finds it again. A link is answered with :class:`LinkError` when it is unknown
(404), its study is not in fieldwork (404 before, 410 after) or it was already used to
finish the questionnaire (410).

**One response per link, idempotent pages.** The unfinished response of a link is
found by ``resume_hash`` = SHA-256 of ``"resume:" + token`` (unique in the table), and a
page's answers overwrite that page's items, so sending a page twice leaves the same
state as sending it once. Two requests for the same link are serialised (a row lock
on PostgreSQL, the write lock taken first on SQLite), and a lost race on the unique
key is retried.

**Anonymity** (:mod:`gapsight.domain.anonymity`; LimeSurvey's "anonymized
responses"). A response is anonymous in ``anonymous`` studies, always for employee
studies and instruments marked ``always_anonymous``, and in ``choice`` studies unless
the respondent asks to be contacted (anonymous is the default). An anonymous response
stores: no invitation id, no respondent key, no token hash of the invitation, no time
of day (``completed_at`` is the date, ``started_at`` is not kept), a random id (so id
order says nothing about invitation order), and only the loaded characteristics that
keep it in a group of at least the minimum group size. The invitation only gets
``completed = true`` — a flag without a time. Changing one's mind converts the stored
response both ways, and becoming anonymous also gives it a new random id.

What remains, stated plainly: while an anonymous response is *unfinished*, its
``resume_hash`` is derived from the link token, so someone holding both the database
and the link (or the installation's secret key, from which the mail module derives
links) could find it; the hash is erased when the response completes, and closing fieldwork
(:func:`gapsight.services.studies.set_status`) erases the rest, as does
:func:`forget_unfinished`. The database's own
bookkeeping (PostgreSQL's transaction ids on rows, write-ahead logs, backups taken
between two pages) is outside what the schema can hide.

Example::

    >>> # link = Link("personal", token)
    >>> # v = visit(engine, link)              # survey, state (pages done, answers)
    >>> # start(engine, link, anonymous=True)
    >>> # s = submit(engine, link, 1, [("_page", "1"), ("p01", "6"), ...])
    >>> # s.saved, s.next_page                  -> True, 2
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Generic, Literal, TypeVar, cast

import numpy as np
from sqlalchemy import Engine, Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from gapsight.domain import anonymity
from gapsight.domain.questionnaire import (
    DONT_KNOW,
    Page,
    PageAnswers,
    TamperedForm,
    paginate,
    read_page,
)
from gapsight.instruments.model import Instrument
from gapsight.services import cases
from gapsight.services.instruments import as_instrument
from gapsight.services.samples import hash_token
from gapsight.store import group_commit
from gapsight.store.answers import decode_row, encode
from gapsight.store.database import unit_of_work
from gapsight.store.models import InstrumentVersion, Invitation, Organisation, Response, Study
from gapsight.store.raw_statement import RawStatement

__all__ = [
    "Link",
    "LinkError",
    "State",
    "Submission",
    "Survey",
    "TamperedForm",
    "Visit",
    "forget_unfinished",
    "resume_hash",
    "start",
    "start_later",
    "submit",
    "submit_later",
    "visit",
]

RESUME_TOKEN_BYTES = 32
"""Random bytes of an open link's per-response resume token."""
MAX_KEY_LENGTH = 128
"""Longer link keys are unknown without touching the database."""
_RETRIES = 5

Answer = float | str | None
"""A stored answer: a number, ``"dk"`` (don't know), free text, or ``None``."""


def resume_hash(key: str) -> str:
    """The stored hash that finds the unfinished response of a link or resume token.

    Deliberately different from the invitation's ``token_hash`` (SHA-256 of the bare
    token): one cannot be computed from the other.
    """
    return hashlib.sha256(("resume:" + key).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """How the respondent arrived: ``personal`` (``key`` = the token) or ``open``
    (``key`` = the study's public id, ``resume`` = the resume token of the cookie)."""

    kind: Literal["personal", "open"]
    key: str
    resume: str | None = None

    @property
    def resume_key(self) -> str | None:
        """The key whose :func:`resume_hash` finds this link's unfinished response."""
        return self.key if self.kind == "personal" else self.resume


class LinkError(Exception):
    """The link cannot be used: ``status`` (404/410) and ``reason`` (``unknown``,
    ``not_open``, ``closed``, ``complete``, ``no_page``)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Survey:
    """What the pages of one study show (detached from the database)."""

    study_id: int
    name: str
    kind: str
    anonymity_mode: str
    instrument: Instrument
    version_id: int
    pages: tuple[Page, ...]
    organisation: str
    sector: str | None
    language: str
    """The invitation's language (the study's first language for open links)."""
    codes: tuple[str, ...] = ()
    """The instrument's numeric item codes (the stored vector's positions)."""

    @property
    def choice(self) -> bool:
        """Whether the respondent chooses between anonymous and contactable."""
        return (
            anonymity.keeps_choice(self.kind, self.anonymity_mode)
            and not self.instrument.always_anonymous
        )

    @property
    def always_anonymous(self) -> bool:
        """Whether every response is anonymous (no choice, never contactable)."""
        return (
            self.instrument.always_anonymous
            or self.kind == "employee"
            or self.anonymity_mode == "anonymous"
        )

    def page(self, number: int) -> Page:
        """Page ``number``; :class:`LinkError` 404 when there is none."""
        if not 1 <= number <= len(self.pages):
            raise LinkError(404, "no_page")
        return self.pages[number - 1]


@dataclass(frozen=True)
class State:
    """The respondent's progress: nothing stored yet (``started`` false), or the
    unfinished response's pages and answers."""

    started: bool
    anonymous: bool
    pages_done: frozenset[int]
    answers: Mapping[str, Answer]
    complete: bool = False

    def next_page(self, total: int) -> int | None:
        """The first page not yet submitted (``None``: all submitted)."""
        return next((n for n in range(1, total + 1) if n not in self.pages_done), None)


@dataclass(frozen=True)
class Visit:
    """A survey and where this link stands in it."""

    survey: Survey
    state: State

    @property
    def next_page(self) -> int | None:
        """Where to resume (``None``: every page is submitted)."""
        return self.state.next_page(len(self.survey.pages))


@dataclass(frozen=True)
class Submission:
    """The outcome of one page: ``saved`` (or the ``answers`` with problems to show
    again), where to go next (``None``: finished) and, for an open link, the resume
    token to keep in the cookie."""

    visit: Visit
    answers: PageAnswers
    saved: bool
    next_page: int | None
    resume: str | None = None


# -- loading ---------------------------------------------------------------------

T = TypeVar("T")

_instruments: weakref.WeakKeyDictionary[Engine, dict[int, Instrument]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _instrument(session: Session, study: Study) -> Instrument:
    """The study's instrument, parsed once per engine (versions never change)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _cache_lock:
        cached = _instruments.setdefault(engine, {}).get(study.instrument_version_id)
    if cached is None:  # ``study`` may be a plain row: no relationships
        version = session.get(InstrumentVersion, study.instrument_version_id)
        if version is None:
            raise KeyError(f"no instrument version {study.instrument_version_id}")
        cached = as_instrument(version)
        with _cache_lock:
            _instruments[engine][study.instrument_version_id] = cached
    return cached


_shapes: weakref.WeakKeyDictionary[Engine, dict[tuple[int, str], Any]] = weakref.WeakKeyDictionary()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _remembered(session: Session, key: tuple[int, str], make: Callable[[], Any]) -> Any:
    """``make()`` once per engine and ``key`` (instrument versions never change)."""
    engine = _engine(session)
    with _cache_lock:
        found = _shapes.setdefault(engine, {}).get(key)
    if found is None:
        found = make()
        with _cache_lock:
            _shapes[engine][key] = found
    return found


def _held(session: Session, kind: str, key: Any, load: Callable[[], T]) -> T:
    """``load()`` once per transaction: a group commit's batch runs many pages of the
    same study in one transaction, and the identity map alone holds rows weakly (a
    study or organisation would be read again for every page)."""
    held: dict[tuple[str, Any], Any] = session.info.setdefault("respondent_rows", {})
    if (kind, key) not in held:
        held[(kind, key)] = load()
    found: T = held[(kind, key)]
    return found


def _survey(session: Session, study: Study, invitation: Any) -> Survey:
    instrument = _instrument(session, study)
    org = _held(
        session,
        "organisation",
        study.organisation_id,
        lambda: _ORGANISATION_ROW_RAW.one_or_none(
            session.connection(), {"id": study.organisation_id}
        ),
    )
    language = invitation.language if invitation is not None else instrument.languages[0]
    return Survey(
        study_id=study.id,
        name=study.name,
        kind=study.kind,
        anonymity_mode=study.anonymity_mode,
        instrument=instrument,
        version_id=study.instrument_version_id,
        pages=_remembered(
            session,
            (study.instrument_version_id, json.dumps(study.modules or {}, sort_keys=True)),
            lambda: paginate(instrument, study.modules or {}),
        ),
        organisation=org.name if org is not None else "",
        sector=org.sector if org is not None else None,
        language=language if language in instrument.languages else instrument.languages[0],
        codes=_remembered(
            session, (study.instrument_version_id, "codes"), instrument.numeric_codes
        ),
    )


def _check_open(study: Study) -> None:
    if study.status == "draft":
        raise LinkError(404, "not_open")
    if study.status == "closed":
        raise LinkError(410, "closed")


def _write_lock(session: Session) -> None:
    """On SQLite, take the database write lock now (a write that changes nothing), so
    that this transaction never reads a snapshot it can no longer write from; other
    writers wait (busy timeout) instead of failing. PostgreSQL locks rows instead. A
    group commit's transaction holds the lock already."""
    if session.info.get(group_commit.LOCKED):
        return
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Study).where(Study.id == -1).values(name=Study.name))


# Statements built once: their cache keys are computed once, not per request, and the
# study is read without its instrument definition (the parsed instrument is cached).
_INVITATION = select(Invitation).where(Invitation.token_hash == bindparam("key"))
_INVITATION_LOCKED = _INVITATION.with_for_update()
_STUDY = select(Study).options(lazyload(Study.instrument_version))
_STUDY_BY_ID = _STUDY.where(Study.id == bindparam("id"))
_STUDY_BY_OPEN_LINK = _STUDY.where(Study.open_link == bindparam("key"))
_RESPONSE = select(Response).where(
    Response.resume_hash == bindparam("key"), Response.wave_id == bindparam("wave")
)
_RESPONSE_LOCKED = _RESPONSE.with_for_update()

# The page save (the hot path: nine of ten pages) reads and writes plain rows with
# Core statements — no ORM identity map, change tracking or flush — which halves its
# CPU time. Only what the save needs is read.
_INVITATIONS = cast(Table, Invitation.__table__)
_RESPONSES = cast(Table, Response.__table__)
_INVITATION_ROW = select(
    *(
        _INVITATIONS.c[name]
        for name in ("id", "wave_id", "completed", "language", "external_id", "characteristics")
    )
).where(_INVITATIONS.c.token_hash == bindparam("key"))
_INVITATION_ROW_LOCKED = _INVITATION_ROW.with_for_update()
_RESPONSE_ROW = select(
    *(
        _RESPONSES.c[name]
        for name in ("id", "status", "anonymous", "vector", "dont_know", "texts", "pages")
    )
).where(_RESPONSES.c.resume_hash == bindparam("key"), _RESPONSES.c.wave_id == bindparam("wave"))
_RESPONSE_ROW_LOCKED = _RESPONSE_ROW.with_for_update()
_RESPONSE_NAMES = ("id", "status", "anonymous", "vector", "dont_know", "texts", "pages")
_LINK_ROW = (
    select(
        *_INVITATION_ROW.selected_columns,
        *(_RESPONSES.c[name].label(f"r_{name}") for name in _RESPONSE_NAMES),
    )
    .select_from(
        _INVITATIONS.outerjoin(
            _RESPONSES,
            (_RESPONSES.c.resume_hash == bindparam("resume"))
            & (_RESPONSES.c.wave_id == _INVITATIONS.c.wave_id),
        )
    )
    .where(_INVITATIONS.c.token_hash == bindparam("key"))
    .with_for_update(of=_INVITATIONS)
)
"""A personal link's invitation and unfinished response in one round trip. Only the
invitation row is locked: every write to the link's response locks it first."""
_SAVE_PAGE = RawStatement(_RESPONSES.update().where(_RESPONSES.c.id == bindparam("_id")))
_COMPLETE_INVITATION = RawStatement(
    _INVITATIONS.update().where(_INVITATIONS.c.id == bindparam("_id")).values(completed=True)
)
# ... run on the driver's cursor (gapsight.store.raw_statement: a fifth of a page's CPU
# time was SQLAlchemy's per-statement execution machinery).
_LINK_ROW_RAW = RawStatement(_LINK_ROW)
_INVITATION_ROW_RAW = RawStatement(_INVITATION_ROW)
_INVITATION_ROW_LOCKED_RAW = RawStatement(_INVITATION_ROW_LOCKED)
_RESPONSE_ROW_RAW = RawStatement(_RESPONSE_ROW)
_RESPONSE_ROW_LOCKED_RAW = RawStatement(_RESPONSE_ROW_LOCKED)
# The study and the organisation of a batch, as plain rows: read once per group-commit
# transaction, and at the page rates of a busy survey a batch holds only a few pages,
# so through the ORM these two reads were 40 % of a one-page batch's CPU time.
_STUDIES = cast(Table, Study.__table__)
_ORGANISATIONS = cast(Table, Organisation.__table__)
_STUDY_ROW_RAW = RawStatement(select(_STUDIES).where(_STUDIES.c.id == bindparam("id")))
_ORGANISATION_ROW_RAW = RawStatement(
    select(_ORGANISATIONS.c.name, _ORGANISATIONS.c.sector).where(
        _ORGANISATIONS.c.id == bindparam("id")
    )
)


@dataclass
class _Found:
    study: Study
    """A :class:`Study`, or on the page save a row of its columns (:data:`_STUDY_ROW_RAW`)."""
    invitation: Any
    """An :class:`Invitation`, or a row of its columns (:data:`_INVITATION_ROW`)."""
    response: Any
    """A :class:`Response`, or a row of its columns (:data:`_RESPONSE_ROW`)."""


def _locate(session: Session, link: Link, *, lock: bool, rows: bool = False) -> _Found:
    """The study, invitation and unfinished response of ``link``: ORM objects, or with
    ``rows`` plain rows (read-only; the page save writes with Core statements)."""
    if not link.key or len(link.key) > MAX_KEY_LENGTH:
        raise LinkError(404, "unknown")
    invitation: Any = None
    response: Any = None
    joined = rows and lock and link.kind == "personal"
    if link.kind == "personal":
        if joined:
            both = _LINK_ROW_RAW.one_or_none(
                session.connection(),
                {"key": hash_token(link.key), "resume": resume_hash(link.key)},
            )
            invitation = both
            if both is not None and both.r_id is not None:
                response = SimpleNamespace(
                    **{name: getattr(both, f"r_{name}") for name in _RESPONSE_NAMES}
                )
        elif rows:
            raw = _INVITATION_ROW_LOCKED_RAW if lock else _INVITATION_ROW_RAW
            invitation = raw.one_or_none(session.connection(), {"key": hash_token(link.key)})
        else:
            invitation = session.scalars(
                _INVITATION_LOCKED if lock else _INVITATION, {"key": hash_token(link.key)}
            ).one_or_none()
        if invitation is None:
            raise LinkError(404, "unknown")
        wave = invitation.wave_id
        if rows:  # the study's columns as a plain row (read-only, like the rest)
            study = _held(
                session,
                "study row",
                wave,
                lambda: _STUDY_ROW_RAW.one_or_none(session.connection(), {"id": wave}),
            )
        else:
            study = _held(
                session,
                "study",
                wave,
                lambda: session.scalars(_STUDY_BY_ID, {"id": wave}).one_or_none(),
            )
        if study is None:
            raise LinkError(404, "unknown")
        _check_open(study)
        if invitation.completed:
            raise LinkError(410, "complete")
    else:
        found = session.scalars(_STUDY_BY_OPEN_LINK, {"key": link.key}).one_or_none()
        if found is None or found.anonymity_mode == "identified":
            raise LinkError(404, "unknown")
        study = found
        _check_open(study)
    key = link.resume_key
    if key and len(key) <= MAX_KEY_LENGTH and not joined:
        where = {"key": resume_hash(key), "wave": study.id}
        if rows:
            raw = _RESPONSE_ROW_LOCKED_RAW if lock else _RESPONSE_ROW_RAW
            response = raw.one_or_none(session.connection(), where)
        else:
            response = session.scalars(_RESPONSE_LOCKED if lock else _RESPONSE, where).one_or_none()
    return _Found(study, invitation, response)


def _answers(survey: Survey, response: Any) -> dict[str, Answer]:
    codes = survey.codes
    out: dict[str, Answer] = dict(decode_row(codes, response.vector, response.dont_know))
    for code, text in (response.texts or {}).items():
        out[code] = text
    return out


def _state(survey: Survey, response: Any) -> State:
    if response is None:
        return State(
            started=False,
            anonymous=survey.always_anonymous or survey.anonymity_mode != "identified",
            pages_done=frozenset(),
            answers={},
        )
    return State(
        started=True,
        anonymous=bool(response.anonymous),
        pages_done=frozenset(int(p) for p in (response.pages or [])),
        answers=_answers(survey, response),
        complete=response.status == "complete",
    )


# -- transactions ----------------------------------------------------------------


def _retrying(engine: Engine, work: Callable[[Session], T], lane: str | None) -> Future[T]:
    """Queue ``work`` for the engine's group commit (:mod:`gapsight.store.group_commit`),
    run again when it lost a race (unique key taken by a concurrent first page in
    another process, random id collision). The future is resolved once the work is
    committed."""
    outcome: Future[T] = Future()
    _Attempts(group_commit.for_engine(engine), work, lane, outcome).next()
    return outcome


@dataclass
class _Attempts(Generic[T]):
    """The tries of one :func:`_retrying` call. A class rather than a closure that
    calls itself: such a closure is a reference cycle holding the future and its
    result (the whole page: survey, answers, state), which only the garbage
    collector's full collections free — measured 34 objects per page and 10–40 ms
    pauses every second or two under load."""

    writer: group_commit.GroupCommit
    work: Callable[[Session], T]
    lane: str | None
    outcome: Future[T]
    tries: int = 0

    def next(self) -> None:
        self.tries += 1
        # No savepoint: ``work`` raises LinkError / TamperedForm only before it
        # changes anything, and a database error reruns the batch item by item.
        self.writer.submit(self.work, savepoint=False, lane=self.lane).add_done_callback(
            self.settle
        )

    def settle(self, done: Future[T]) -> None:
        error = done.exception()
        if isinstance(error, IntegrityError) and self.tries < _RETRIES:
            self.next()
        elif error is not None:
            self.outcome.set_exception(error)
        else:
            self.outcome.set_result(done.result())


def visit(engine: Engine, link: Link) -> Visit:
    """The survey behind ``link`` and the respondent's progress (read only)."""
    with unit_of_work(engine) as session:
        found = _locate(session, link, lock=False)
        survey = _survey(session, found.study, found.invitation)
        return Visit(survey, _state(survey, found.response))


def _anonymous(survey: Survey, link: Link, wish: bool | None) -> bool:
    if link.kind == "open" or survey.always_anonymous:
        return True
    if survey.anonymity_mode == "identified":
        return False
    return True if wish is None else wish


def _characteristics(
    session: Session, study: Study, invitation: Invitation | None, anonymous: bool
) -> dict[str, Any] | None:
    if invitation is None or not invitation.characteristics:
        return None
    own = dict(invitation.characteristics)
    if not anonymous:
        return own
    population = session.scalars(
        select(Invitation.characteristics).where(Invitation.wave_id == study.id)
    )
    kept = anonymity.safe_snapshot(
        own, (p or {} for p in population), min_group_size=study.min_group_size
    )
    return kept or None


def _apply_anonymity(
    session: Session, found: _Found, response: Response, anonymous: bool, now: dt.datetime
) -> None:
    """Make ``response`` anonymous or identified, leaving nothing of the other state."""
    invitation = found.invitation
    response.characteristics = _characteristics(session, found.study, invitation, anonymous)
    if anonymous:
        if not response.anonymous or response.invitation_id is not None:
            # A new random id: the old one may have been seen next to the invitation.
            response.id = anonymity.response_id()
        response.anonymous = True
        response.invitation_id = None
        response.respondent_key = None
        response.started_at = None
        if response.completed_at is not None:
            response.completed_at = anonymity.coarse_time(response.completed_at)
    else:
        assert invitation is not None  # identified responses come from personal links
        response.anonymous = False
        response.invitation_id = invitation.id
        response.respondent_key = invitation.external_id
        if response.started_at is None:
            response.started_at = now


def _new_response(
    session: Session, found: _Found, survey: Survey, key: str, anonymous: bool, now: dt.datetime
) -> Response:
    codes = survey.codes
    enc = encode(codes, np.full((1, len(codes)), np.nan))
    response = Response(
        id=anonymity.response_id(),
        wave_id=found.study.id,
        instrument_version_id=survey.version_id,
        status="started",
        anonymous=True,
        invitation_id=None,
        vector=enc.vectors[0],
        dont_know=None,
        answers=json.loads(enc.answers[0]),
        texts=None,
        resume_hash=resume_hash(key),
        pages=[],
    )
    _apply_anonymity(session, found, response, anonymous, now)
    session.add(response)
    return response


def start(
    engine: Engine, link: Link, *, anonymous: bool | None = None, now: dt.datetime | None = None
) -> tuple[Visit, str | None]:
    """The intro page's form: store the anonymity choice (``None``: the study's
    default) and return where the respondent stands.

    A personal link gets its response now (or keeps the one it has, converted when the
    choice changed). An open link always starts a *new* anonymous response and returns
    its resume token (for the cookie) as the second value.
    """
    visit_later, fresh = start_later(engine, link, anonymous=anonymous, now=now)
    return visit_later.result(), fresh


def start_later(
    engine: Engine, link: Link, *, anonymous: bool | None = None, now: dt.datetime | None = None
) -> tuple[Future[Visit], str | None]:
    """:func:`start` without waiting: the visit is a future, resolved once the choice
    is committed (``await asyncio.wrap_future(...)`` in async code)."""
    moment = now or dt.datetime.now(dt.UTC)
    fresh = secrets.token_urlsafe(RESUME_TOKEN_BYTES) if link.kind == "open" else None
    effective = Link(link.kind, link.key, fresh) if fresh else link

    def work(session: Session) -> Visit:
        _write_lock(session)
        # Page saves earlier in this batch wrote with Core statements: read afresh.
        session.expire_all()
        found = _locate(session, effective, lock=True)
        survey = _survey(session, found.study, found.invitation)
        wish = _anonymous(survey, link, anonymous)
        response = found.response
        if response is None:
            response = _new_response(
                session, found, survey, str(effective.resume_key), wish, moment
            )
        elif bool(response.anonymous) != wish:
            _apply_anonymity(session, found, response, wish, moment)
        session.flush()  # later page saves of this batch read rows with Core statements
        return Visit(survey, _state(survey, response))

    return _retrying(engine, work, effective.resume_key), fresh


@dataclass
class _Pending:
    """The columns a page save writes to a stored response (:data:`_SAVE_PAGE`)."""

    id: int
    anonymous: bool
    texts: dict[str, str] | None
    pages: list[int] | None
    vector: bytes = b""
    dont_know: bytes | None = None
    answers: dict[str, Any] | None = None
    status: str = "started"
    completed_at: dt.datetime | None = None
    resume_hash: str | None = None

    def write(self, session: Session, finished: bool) -> None:
        values: dict[str, Any] = {
            "_id": self.id,
            "vector": self.vector,
            "dont_know": self.dont_know,
            "answers": self.answers,
            "texts": self.texts,
            "pages": self.pages,
            "status": self.status,
        }
        if finished:
            values.update(completed_at=self.completed_at, resume_hash=None)
        _SAVE_PAGE.execute(session.connection(), values)


def _merge(
    survey: Survey,
    response: Response | _Pending,
    current: Mapping[str, Answer],
    page: Page,
    answers: PageAnswers,
) -> dict[str, Answer]:
    """Write the page's answers into the response through the one answer codec;
    ``current`` holds the stored answers. Returns all answers after the merge."""
    codes = survey.codes
    values = np.array(
        [[v if isinstance(v, float) else np.nan for v in (current.get(c) for c in codes)]],
        dtype=np.float64,
    )
    dk = np.array([[current.get(c) == DONT_KNOW for c in codes]], dtype=np.bool_)
    index = {c: j for j, c in enumerate(codes)}
    for code, value in answers.values.items():
        j = index[code]
        values[0, j] = np.nan if value is None else value
        dk[0, j] = code in answers.dont_know
    texts = dict(response.texts or {})
    for code, text in answers.texts.items():
        if text:
            texts[code] = text
        else:
            texts.pop(code, None)
    enc = encode(codes, values, dk, {c: [t] for c, t in texts.items()})
    response.vector = enc.vectors[0]
    response.dont_know = enc.dont_know[0]
    response.answers = json.loads(enc.answers[0])
    response.texts = json.loads(enc.texts[0]) if enc.texts[0] else None
    response.pages = sorted({*(response.pages or []), page.number})
    merged: dict[str, Answer] = {**current}
    for code, value in answers.values.items():
        merged[code] = DONT_KNOW if code in answers.dont_know else value
    for code, text in answers.texts.items():
        merged[code] = text or None
    return merged


def submit(
    engine: Engine,
    link: Link,
    number: int,
    form: Sequence[tuple[str, str]],
    *,
    now: dt.datetime | None = None,
    base_url: str = "",
) -> Submission:
    """Save page ``number`` from ``form`` (``(name, value)`` pairs as sent), in one
    transaction (shared with other pages by the group commit; see
    :func:`submit_later`).

    The form must carry ``_page`` equal to ``number`` (:class:`TamperedForm`
    otherwise, as for fields the page does not ask). When the answers break a rule
    nothing is stored and the :class:`Submission` carries the problems. The first
    page submitted through a personal link creates the response with the study's
    default anonymity. Completing the last page marks the response ``complete``, erases
    its resume hash and sets the invitation's ``completed`` flag; a respondent who
    agreed to be contacted is then checked against the study's flag rules in the same
    transaction (:func:`gapsight.services.cases.raise_flags`; ``base_url`` makes the
    case link in the flag e-mail absolute).
    """
    return submit_later(engine, link, number, form, now=now, base_url=base_url).result()


def submit_later(
    engine: Engine,
    link: Link,
    number: int,
    form: Sequence[tuple[str, str]],
    *,
    now: dt.datetime | None = None,
    base_url: str = "",
) -> Future[Submission]:
    """:func:`submit` without waiting: a future resolved once the page is durably
    committed (or holding the :class:`LinkError` / :class:`TamperedForm`). A form
    that does not belong to the page raises :class:`TamperedForm` at once."""
    moment = now or dt.datetime.now(dt.UTC)
    sent_page = [v for k, v in form if k == "_page"]
    if sent_page != [str(number)]:
        raise TamperedForm(f"the form does not belong to page {number}")

    def work(session: Session) -> Submission:
        _write_lock(session)
        found = _locate(session, link, lock=True, rows=True)
        survey = _survey(session, found.study, found.invitation)
        page = survey.page(number)
        row = found.response
        if row is None and link.kind == "open":
            raise LinkError(404, "no_response")
        current = _answers(survey, row) if row is not None else {}
        saved = {k: (v if isinstance(v, float) else None) for k, v in current.items()}
        answers = read_page(survey.instrument, page, form, saved=saved)
        if not answers.ok:
            return Submission(Visit(survey, _state(survey, row)), answers, False, number)
        response: Response | _Pending
        if row is None:
            response = _new_response(
                session, found, survey, link.key, _anonymous(survey, link, None), moment
            )
        else:
            response = _Pending(row.id, bool(row.anonymous), row.texts, row.pages)
        merged = _merge(survey, response, current, page, answers)
        done = frozenset(int(p) for p in response.pages or [])
        upcoming = next((n for n in range(1, len(survey.pages) + 1) if n not in done), None)
        if upcoming is None:
            response.status = "complete"
            response.completed_at = anonymity.coarse_time(moment) if response.anonymous else moment
            response.resume_hash = None
            if found.invitation is not None:
                _COMPLETE_INVITATION.execute(session.connection(), {"_id": found.invitation.id})
        else:
            response.status = "partial" if done else "started"
        if isinstance(response, _Pending):
            response.write(session, upcoming is None)
        else:
            session.flush()  # later pages of this batch find the new response
        if upcoming is None and not response.anonymous:
            # the page save read the invitation as a plain row of a few columns; the
            # flag e-mail needs the whole invitation (name, e-mail, characteristics)
            invitation = (
                None if found.invitation is None else session.get(Invitation, found.invitation.id)
            )
            cases.raise_flags(
                session,
                study=found.study,
                response=response,
                invitation=invitation,
                instrument=survey.instrument,
                answers=merged,
                now=moment,
                base_url=base_url,
            )
        final = State(
            started=True,
            anonymous=bool(response.anonymous),
            pages_done=done,
            answers=merged,
            complete=upcoming is None,
        )
        return Submission(Visit(survey, final), answers, True, upcoming)

    return _retrying(engine, work, link.resume_key)


def forget_unfinished(session: Session, study_id: int) -> int:
    """Erase the resume hashes of the study's unfinished responses (call when
    fieldwork closes: nothing can be resumed then, and nothing derived from a link
    token stays behind). Returns the number of responses changed."""
    result = session.execute(
        update(Response)
        .where(Response.wave_id == study_id, Response.resume_hash.is_not(None))
        .values(resume_hash=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)
