"""Logging in and out.

A successful login starts a fresh session (new CSRF token, the old session's content
dropped, so a session fixed by an attacker before login is useless afterwards) and
goes to ``next`` when that is a path on this site. Failed logins say only that the
combination is wrong (not whether the address exists) and are throttled
(:class:`gapsight.web.throttle.LoginThrottle`, shared by all workers through the
database).
"""

from __future__ import annotations

from fastapi import Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from gapsight.services import users as user_service
from gapsight.store.database import unit_of_work
from gapsight.web.deps import SESSION_USER, engine, optional_user
from gapsight.web.i18n import SESSION_KEY as LANG_KEY
from gapsight.web.i18n import gettext_for
from gapsight.web.routes import html_router
from gapsight.web.templating import flash, render
from gapsight.web.throttle import LoginThrottle

router = html_router()


def _safe_next(target: str) -> str:
    """``target`` when it is a local path, else ``/`` (no open redirects)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The login form (or straight on when already signed in)."""
    if optional_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "form": {}})


@router.post("/login")
def login(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    """Check the password; start a new session on success."""
    _ = gettext_for(request)
    throttle: LoginThrottle = request.app.state.login_throttle
    client = request.client.host if request.client else "unknown"
    if throttle.blocked(email, client):
        raise HTTPException(status_code=429)
    with unit_of_work(engine(request)) as session:
        user = user_service.authenticate(session, email, password)
        user_id = None if user is None else user.id
    if user_id is None:
        throttle.failed(email, client)
        return render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "form": {"email": email},
                "errors": {"email": _("The e-mail address or password is not correct.")},
            },
            status_code=401,
        )
    throttle.succeeded(email)
    language = request.session.get(LANG_KEY)
    request.session.clear()
    request.session[SESSION_USER] = user_id
    if language:
        request.session[LANG_KEY] = language
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session (the language choice is kept)."""
    language = request.session.get(LANG_KEY)
    request.session.clear()
    if language:
        request.session[LANG_KEY] = language
    _ = gettext_for(request)
    flash(request, _("You are logged out."))
    return RedirectResponse("/login", status_code=303)
