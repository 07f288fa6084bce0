"""One router per area of the web application (see :data:`gapsight.web.app.ROUTERS`).

:func:`html_router` makes a router for server-rendered pages: every POST on it must
carry the session's CSRF token, and it stays out of the OpenAPI document (which
describes the JSON API only).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from gapsight.services import organisations as organisation_service
from gapsight.store.models import Organisation
from gapsight.web.deps import CurrentUser
from gapsight.web.security import csrf_protect

__all__ = ["html_router", "visible_organisations"]


def html_router() -> APIRouter:
    """A router for HTML pages with CSRF protection on every state-changing request."""
    return APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def visible_organisations(session: Session, user: CurrentUser) -> list[Organisation]:
    """The organisations ``user`` may see: their own, or all for a user without one."""
    if user.scope is not None:
        return [organisation_service.get_organisation(session, user.scope)]
    return organisation_service.list_organisations(session)
