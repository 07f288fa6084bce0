"""The web application factory.

``create_app(settings)`` builds a FastAPI app from explicit settings (no globals), so
tests and several workers can each build their own. What it assembles, from the
outside in:

1. :class:`~gapsight.web.security.SecurityHeaders` (CSP, nosniff, frame-ancestors);
2. signed-cookie sessions (Starlette ``SessionMiddleware``) keyed with
   :func:`~gapsight.web.secret.secret_key`;
3. the request body limit (``settings.max_body_mb``; larger bodies → 413 page,
   :class:`~gapsight.web.security.BodyLimit`);
4. the error pages (:mod:`gapsight.web.errors`);
5. one router per area, registered from :data:`ROUTERS`; the HTML routers carry the
   CSRF check (:func:`~gapsight.web.security.csrf_protect`) on every POST;
6. static files (``/static``: the style sheet; the pages need no JavaScript);
7. the JSON API, its own application mounted at ``/api/v1`` (:mod:`gapsight.web.api`);
8. the mail sender (outbox worker) in a background thread while the app runs, unless
   ``settings.mail_sender`` is off (:mod:`gapsight.mail.worker`).

**Extension point**: an area is a module in ``gapsight.web.routes`` with a ``router``
(an :class:`fastapi.APIRouter`); add its name to :data:`ROUTERS`. Respondent pages and
the JSON API plug in the same way (an API router under ``/api/`` gets JSON errors
instead of pages and should not use the CSRF dependency: it authenticates by token).

The database is not migrated here: ``gapsight serve`` migrates before it starts, and
tests use migrated databases.

Example::

    >>> from gapsight.config import Settings
    >>> app = create_app(Settings.from_env({"GAPSIGHT_DATA_DIR": "/tmp/gs-doc"}))
    >>> app.title
    'gapsight'
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from gapsight import __version__
from gapsight.config import Settings
from gapsight.mail.worker import start_thread
from gapsight.services import mailing
from gapsight.store.database import make_engine
from gapsight.web import errors
from gapsight.web.api import create_api
from gapsight.web.secret import secret_key
from gapsight.web.security import BodyLimit, SecurityHeaders
from gapsight.web.telemetry import telemetry_config
from gapsight.web.templating import TEMPLATES
from gapsight.web.throttle import LoginThrottle

__all__ = ["ROUTERS", "SESSION_COOKIE", "SESSION_MAX_AGE", "create_app"]

ROUTERS = (
    "respond",
    "home",
    "auth",
    "organisations",
    "users",
    "instruments",
    "studies",
    "fieldwork",
    "reports",
    "dashboard",
    "optout",
    "mailing",
    "tokens",
    "cases",
    "signal_form",
    "signal_import",
    "signals",
)
"""Modules of ``gapsight.web.routes`` whose ``router`` the app includes, in order.
Respondent pages come first: they are the busiest, and a request is matched against
the routes in this order."""
SESSION_COOKIE = "gapsight_session"
SESSION_MAX_AGE = 8 * 60 * 60
"""A working day: after that a coordinator logs in again."""
STATIC = TEMPLATES.with_name("static")
SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the GIL while others wait (``sys.setswitchinterval``),
set when the app starts."""


def create_app(settings: Settings) -> FastAPI:
    """A FastAPI application serving ``settings``' database."""
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Everything imported and built so far lives as long as the server: move it
        # out of the garbage collector's reach, so that a full collection walks only
        # what requests allocate (measured: 100–150 ms pauses → a few ms, the largest
        # part of a page save's p99).
        gc.collect()
        gc.freeze()
        # The group commit's writer thread and the event loop share the GIL; with
        # Python's default 5 ms switch interval a request that arrives during a batch
        # waits up to 5 ms per hand-over. 1 ms: measured p99 at 25 % of the ceiling
        # 126 → 66 ms (benchmarks/RESULTS.md), throughput unchanged.
        sys.setswitchinterval(SWITCH_INTERVAL)
        # The mail sender (outbox worker) runs beside the web server unless switched
        # off (settings.mail_sender) for separate `gapsight worker` processes.
        mail = None
        if settings.mail_sender:
            sender = mailing.build_sender(settings, engine, secret_key(settings))
            mail = start_thread(sender, poll_seconds=settings.mail_poll_seconds)
        yield
        if mail is not None:
            mail[1].set()
            mail[0].join(timeout=60)
        engine.dispose()

    app = FastAPI(
        title="gapsight",
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        telemetry=telemetry_config(settings),
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.login_throttle = LoginThrottle(engine)

    # Starlette runs the middleware added last first: security headers, then the
    # session, then the body limit (whose 413 page can use the session's language).
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_mb * 1024 * 1024, page=errors.page_for_scope
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    errors.install(app)

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        """Liveness probe for load balancers."""
        return {"status": "ok", "version": __version__}

    for name in ROUTERS:
        module = importlib.import_module(f"gapsight.web.routes.{name}")
        app.include_router(module.router)
    app.mount("/api/v1", create_api(settings, engine))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
