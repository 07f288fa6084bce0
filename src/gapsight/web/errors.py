"""Error pages: every error a user can cause is a page in their language, never a
traceback.

:func:`install` registers the handlers on the app:

- HTTP errors (400, 403, 404, 405, 413, 429 …) → ``error.html`` with a message that
  says what happened and what to do; a CSRF failure and a missing role each get their
  own explanation;
- invalid path or query values (FastAPI's 422) → the same page with status 422;
- :class:`~gapsight.web.deps.LoginRequired` → a redirect to ``/login?next=…``;
- anything unexpected → a plain 500 page (the details go to the server log only).

Requests under ``/api/`` get JSON ``{"detail": …}`` instead of pages, for the API
routers that build on this app.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import Scope

from gapsight.web.deps import LoginRequired
from gapsight.web.i18n import gettext_for
from gapsight.web.templating import render

__all__ = ["install", "loggable_path", "message_for", "page_for_scope"]

log = logging.getLogger("gapsight.web")

_SECRET_SEGMENTS = re.compile(r"^/(r|o|optout)/[^/]+")
"""Paths whose second segment is a credential: a personal link token, an open link's
public id, a signed opt-out token."""


def loggable_path(path: str) -> str:
    """``path`` with any link token replaced by ``…``, fit for a log line: a token in a
    log would let whoever reads it answer as the respondent (and find an unfinished
    anonymous response through its resume hash).

    >>> loggable_path("/r/abc123/p/2"), loggable_path("/studies/4")
    ('/r/…/p/2', '/studies/4')
    """
    return _SECRET_SEGMENTS.sub(lambda m: f"/{m.group(1)}/…", path)


def message_for(request: Request, status: int, detail: str | None = None) -> tuple[str, str]:
    """``(title, explanation)`` of an error page in the request's language."""
    _ = gettext_for(request)
    if status == 403 and detail == "csrf":
        return _("The form has expired"), _(
            "This form was not sent from this page of gapsight, or your session has "
            "ended, so nothing was changed. Go back, reload the page and try again."
        )
    if status == 403 and detail and detail.startswith("role:"):
        return _("Not allowed"), _(
            "Your role does not allow this. Ask an administrator if you need access."
        )
    known = {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("You have no access to this page.")),
        404: (_("Page not found"), _("This page does not exist, or you have no access to it.")),
        405: (_("Not allowed"), _("This address does not accept this kind of request.")),
        409: (
            _("Not possible now"),
            _("This action does not fit the current status; nothing was changed."),
        ),
        413: (
            _("Too large"),
            _(
                "The file or form you sent is larger than gapsight accepts, so nothing "
                "was stored. Split the file or leave out columns you do not need."
            ),
        ),
        422: (
            _("Invalid request"),
            _("The address or form contains values that are not valid."),
        ),
        429: (
            _("Too many attempts"),
            _("Too many failed attempts to log in. Wait a quarter of an hour and try again."),
        ),
    }
    return known.get(
        status,
        (
            _("Something went wrong"),
            _("Something went wrong on our side; please try again later."),
        ),
    )


def _page(request: Request, status: int, detail: str | None = None) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": detail or str(status)}, status_code=status)
    try:
        title, text = message_for(request, status, detail)
        return render(request, "error.html", {"title": title, "text": text}, status_code=status)
    except Exception:
        if status < 500:
            raise
        # The error page itself failed (e.g. a broken installation): still no traceback.
        log.exception("could not render the error page")
        return PlainTextResponse("Internal Server Error", status_code=status)


def page_for_scope(scope: Scope, status: int) -> Response:
    """The error page for a request that never reached a route (e.g. too large)."""
    return _page(Request(scope), status)


def install(app: FastAPI) -> None:
    """Register the error handlers on ``app``."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = _page(request, exc.status_code, str(exc.detail) if exc.detail else None)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _page(request, 422)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", 303)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error(
            "unexpected error on %s %s",
            request.method,
            loggable_path(request.url.path),
            exc_info=exc,
        )
        return _page(request, 500)
