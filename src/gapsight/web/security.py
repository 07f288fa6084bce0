"""CSRF protection, security headers and the request body limit.

**CSRF** (synchroniser token): each session gets a random token
(:func:`csrf_token`); every form that changes something carries it in a hidden field
``csrf_token``, and :func:`csrf_protect` — a dependency on every HTML router — refuses
a POST whose token is missing or differs with **403** before the handler runs, so a
forged request changes nothing. The session cookie is ``SameSite=Lax`` as a second
line of defence.

**Security headers** (:class:`SecurityHeaders`): a Content Security Policy that allows
no inline script (nor any script: the pages need none), forbids framing
(``frame-ancestors 'none'``) and posting forms elsewhere, plus ``nosniff``,
``Referrer-Policy: no-referrer`` (respondent links carry tokens) and ``no-store`` for
pages.

**Body limit** (:class:`BodyLimit`): a request whose ``Content-Length`` exceeds the
limit is answered with the 413 page without reading the body; a body sent without a
length (chunked) is counted while it is read and refused with 413 as soon as it passes
the limit. Nothing of such a request reaches a service.

The failed-login throttle is :mod:`gapsight.web.throttle` (shared through the
database by every worker).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from fastapi import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSP",
    "BodyLimit",
    "CsrfFailed",
    "SecurityHeaders",
    "csrf_protect",
    "csrf_token",
]

CSRF_FIELD = "csrf_token"
_SESSION_KEY = "csrf"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
"""The Content Security Policy of every page (the API documentation excepted)."""
_DOCS_PREFIXES = ("/api/docs", "/api/redoc")


class CsrfFailed(HTTPException):
    """A state-changing request without the session's CSRF token (403)."""

    def __init__(self) -> None:
        super().__init__(status_code=403, detail="csrf")


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_SESSION_KEY] = token
    return token


async def csrf_protect(request: Request) -> None:
    """Dependency: refuse a state-changing request whose form lacks the right token.

    The form is parsed here (Starlette caches it, so handlers read it again for free);
    a body over the size limit surfaces as 413 from that parse.
    """
    if request.method not in _UNSAFE:
        return
    expected = request.session.get(_SESSION_KEY)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if (
        not isinstance(expected, str)
        or not expected
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfFailed()


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope.get("path", "")).startswith(_DOCS_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if not docs:
                    extra.append((b"content-security-policy", CSP.encode()))
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = headers + [(k, v) for k, v in extra if k not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413.

    ``page(scope, status)`` renders the error page; it runs inside the session
    middleware, so the page is in the user's language.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        page: Callable[[Scope, int], Response],
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                too_large = False  # the server rejects a malformed length itself
            if too_large:
                await self.page(scope, 413)(scope, receive, send)
                return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Raised inside the handler's body parsing: the error page handler
                    # answers it like any other HTTP error.
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, counting_receive, send)
