"""The start page: the studies for a signed-in user, the login page otherwise."""

from __future__ import annotations

from fastapi import Depends
from starlette.responses import RedirectResponse

from gapsight.web.deps import CurrentUser, optional_user
from gapsight.web.routes import html_router

router = html_router()


@router.get("/")
def home(user: CurrentUser | None = Depends(optional_user)) -> RedirectResponse:
    """Send signed-in users to their studies and everyone else to the login page."""
    return RedirectResponse("/studies" if user is not None else "/login", status_code=303)
