"""The opt-out link of invitation and reminder e-mails: ``/optout/<token>``.

No login: the token is the invitation id signed with the installation's secret
(:class:`gapsight.mail.links.Links`), so it cannot be forged to opt out someone else.

- ``GET`` shows what opting out means and a button; it changes nothing, because mail
  security scanners and link previews open links in mail automatically and must not
  opt people out. A contact who already opted out sees the confirmation.
- ``POST`` opts the contact out of further mail of that study
  (:func:`gapsight.services.mailing.opt_out`) and confirms it; posting again changes
  nothing. The mails carry ``List-Unsubscribe`` and ``List-Unsubscribe-Post:
  List-Unsubscribe=One-Click`` (RFC 8058), so mail clients can offer a one-click
  "unsubscribe" that posts here without cookies. The signed token is the credential,
  so this POST needs no CSRF token: a forged request could only do what the link's
  owner may do anyway.

Pages are in the contact's language (``nl``/``en``) unless they choose otherwise. An
invalid token gets a 404 page.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from gapsight.mail.links import Links
from gapsight.services import mailing
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation
from gapsight.web.deps import engine
from gapsight.web.i18n import LANGUAGES
from gapsight.web.secret import secret_key
from gapsight.web.templating import render

router = APIRouter(include_in_schema=False)


def _links(request: Request) -> Links:
    settings = request.app.state.settings
    return mailing.links_for(settings, secret_key(settings))


def _page(request: Request, invitation: Invitation, token: str) -> Response:
    if "lang" not in request.query_params and invitation.language in LANGUAGES:
        request.state.language = invitation.language
    done = invitation.opted_out_at is not None
    return render(request, "optout.html", {"done": done, "token": token})


@router.get("/optout/{token}")
def optout_page(request: Request, token: str) -> Response:
    """Explain opting out and offer the button (or confirm an earlier opt-out)."""
    invitation_id = _links(request).optout_invitation(token)
    with unit_of_work(engine(request)) as session:
        invitation = session.get(Invitation, invitation_id) if invitation_id else None
        if invitation is None:
            raise HTTPException(status_code=404)
        return _page(request, invitation, token)


@router.post("/optout/{token}")
def optout(request: Request, token: str) -> Response:
    """Opt the contact out of further mail of this study and confirm it."""
    with unit_of_work(engine(request)) as session:
        invitation = mailing.opt_out(session, _links(request), token)
        if invitation is None:
            raise HTTPException(status_code=404)
        return _page(request, invitation, token)
