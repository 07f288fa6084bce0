"""API tokens page for administrators: ``/tokens``.

Lists every token (its first characters, never the token), creates a token for a
user — shown once, on the page that answers the form, because only its hash is stored
— and revokes tokens. The same as ``gapsight token create|list|revoke``
(:mod:`gapsight.services.api_tokens`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from gapsight.services import api_tokens
from gapsight.services import users as user_service
from gapsight.store.database import unit_of_work
from gapsight.web.deps import CurrentUser, engine, require
from gapsight.web.forms import FormReader
from gapsight.web.i18n import gettext_for
from gapsight.web.routes import html_router
from gapsight.web.templating import flash, render

router = html_router()
admin = require("admin")


def _page(request: Request, context: dict[str, Any] | None = None) -> Response:
    with unit_of_work(engine(request)) as session:
        users = {u.id: u.email for u in user_service.list_users(session)}
        tokens = [
            {
                "id": t.id,
                "user": users.get(t.user_id, "?"),
                "name": t.name,
                "prefix": t.prefix,
                "created": str(t.created_at)[:16],
                "last_used": str(t.last_used_at or "")[:16],
                "revoked": t.revoked_at is not None,
            }
            for t in api_tokens.list_tokens(session)
        ]
    options = [(email, email) for email in sorted(users.values())]
    page = {"tokens": tokens, "user_options": options, "created": None, **(context or {})}
    return render(request, "tokens/list.html", page)


@router.get("/tokens")
def tokens_page(request: Request, user: CurrentUser = Depends(admin)) -> Response:
    """Every API token and the form to create one."""
    return _page(request)


@router.post("/tokens")
async def create(request: Request, user: CurrentUser = Depends(admin)) -> Response:
    """Create a token for the chosen user and show it once."""
    _ = gettext_for(request)
    form = FormReader(await request.form(), gettext=_)
    email = form.text("user", required=True)
    name = form.text("name")[:200]
    if form.errors:
        return _page(request, {"errors": form.errors, "form": form.values})
    with unit_of_work(engine(request)) as session:
        try:
            token, _row = api_tokens.create_token(session, user_email=email, name=name)
        except KeyError:
            form.error("user", _("There is no user with this e-mail address."))
            return _page(request, {"errors": form.errors, "form": form.values})
    return _page(request, {"created": token})


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int, user: CurrentUser = Depends(admin)) -> Response:
    """Revoke a token."""
    _ = gettext_for(request)
    with unit_of_work(engine(request)) as session:
        try:
            api_tokens.revoke_token(session, token_id)
        except KeyError:
            raise HTTPException(status_code=404) from None
    flash(request, _("The API token was revoked."))
    return RedirectResponse("/tokens", status_code=303)
