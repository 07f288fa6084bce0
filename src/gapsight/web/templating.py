"""Rendering pages: one Jinja environment, per-request language and user.

:func:`render` is how every handler answers with HTML. It adds what every page needs
to the context: the request, the user (or ``None``), the language and the links of the
language switch, the CSRF token for forms, flash messages, and the translation
functions of the request's language.

Example (inside a handler)::

    return render(request, "studies/list.html", {"studies": rows})
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from gapsight import __version__
from gapsight.web import i18n
from gapsight.web.security import csrf_token

__all__ = ["ENVIRONMENT", "flash", "render"]

TEMPLATES = Path(__file__).with_name("templates")

ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.policies["ext.i18n.trimmed"] = True
ENVIRONMENT.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
ENVIRONMENT.globals["version"] = __version__

_FLASH = "flash"


def flash(request: Request, message: str) -> None:
    """Show ``message`` (already translated) once, on the next page rendered."""
    request.session.setdefault(_FLASH, []).append(message)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The page ``template`` rendered for ``request`` in its language."""
    lang = i18n.language(request)
    session = request.scope.get("session")
    messages = session.pop(_FLASH, []) if session is not None else []
    switch = [
        {"code": code, "href": str(request.url.include_query_params(lang=code))}
        for code in i18n.LANGUAGES
    ]
    page: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "languages": switch,
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request) if session is not None else "",
        "flashes": messages,
        "errors": {},
        "form": {},
        **i18n.template_functions(lang),
        **(context or {}),
    }
    html = ENVIRONMENT.get_template(template).render(page)
    return HTMLResponse(html, status_code=status_code)
