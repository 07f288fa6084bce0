"""Dependencies shared by the routers: the database, the signed-in user, roles.

Roles are ordered: **viewer** (reads studies and fieldwork) < **coordinator** (also
creates studies, uploads samples, launches and closes fieldwork, adapts instruments)
< **admin** (also manages organisations and users). A route declares the least role it
needs::

    @router.post("/studies")
    def create(user: CurrentUser = Depends(require("coordinator"))) -> Response: ...

Not signed in → a redirect to the login page (:class:`LoginRequired`); signed in with
too low a role → 403. A coordinator or viewer tied to an organisation sees only that
organisation's data (:func:`check_organisation`); admins, and users without an
organisation, see all (:attr:`CurrentUser.scope`).

Example::

    >>> ROLE_RANK["viewer"] < ROLE_RANK["coordinator"] < ROLE_RANK["admin"]
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fastapi import HTTPException
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.requests import Request

from gapsight.services import users as user_service
from gapsight.store.database import unit_of_work

__all__ = [
    "ROLE_RANK",
    "CurrentUser",
    "LoginRequired",
    "check_organisation",
    "engine",
    "optional_user",
    "require",
    "session_scope",
]

ROLE_RANK = {"viewer": 0, "coordinator": 1, "admin": 2}
SESSION_USER = "user_id"


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user, detached from the database."""

    id: int
    email: str
    name: str
    role: str
    organisation_id: int | None

    def can(self, role: str) -> bool:
        """Whether this user has at least ``role``."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def scope(self) -> int | None:
        """The one organisation this user works in, or ``None`` for all of them
        (admins, and users not tied to an organisation)."""
        return None if self.role == "admin" else self.organisation_id


class LoginRequired(Exception):
    """The page needs a signed-in user; answered with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def engine(request: Request) -> Engine:
    """The application's database engine."""
    eng: Engine = request.app.state.engine
    return eng


def session_scope(request: Request) -> Iterator[Session]:
    """Dependency: one unit of work for the handler (commit on success)."""
    with unit_of_work(engine(request)) as session:
        yield session


def optional_user(request: Request) -> CurrentUser | None:
    """The signed-in user or ``None``; also kept in ``request.state.user`` for pages."""
    user_id = request.session.get(SESSION_USER)
    user: CurrentUser | None = None
    if isinstance(user_id, int):
        with unit_of_work(engine(request)) as session:
            row = user_service.get_user(session, user_id)
            if row is not None:
                user = CurrentUser(row.id, row.email, row.name, row.role, row.organisation_id)
        if user is None:
            request.session.pop(SESSION_USER, None)
    request.state.user = user
    return user


def require(role: str) -> Callable[[Request], CurrentUser]:
    """A dependency that returns the signed-in user having at least ``role``."""
    if role not in ROLE_RANK:
        raise ValueError(f"unknown role {role!r}")

    def dependency(request: Request) -> CurrentUser:
        user = optional_user(request)
        if user is None:
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            raise LoginRequired(target if request.method == "GET" else "/")
        if not user.can(role):
            raise HTTPException(status_code=403, detail=f"role:{role}")
        return user

    return dependency


def check_organisation(user: CurrentUser, organisation_id: int) -> None:
    """404 unless ``user`` may see organisation ``organisation_id`` (not 403, so the
    existence of other organisations' records is not revealed)."""
    if user.scope is not None and user.scope != organisation_id:
        raise HTTPException(status_code=404)
