"""The opt-out link of invitation and reminder e-mails: ``/optout/<token>``.

No login: the token is the invitation id signed with the installation's secret
(:class:`gapsight.mail.links.Links`), so it cannot be forged to opt out someone else.
Opening the link opts the contact out of further mail of that study
(:func:`gapsight.services.mailing.opt_out`); opening it again changes nothing and
shows the same confirmation. The page is in the contact's language (``nl``/``en``)
unless they choose otherwise. An invalid token gets a 404 page.

Opting out on GET is deliberate: one click in a mail client must be enough
(``List-Unsubscribe``), and the action is harmless and idempotent.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from gapsight.services import mailing
from gapsight.store.database import unit_of_work
from gapsight.web.deps import engine
from gapsight.web.i18n import LANGUAGES
from gapsight.web.secret import secret_key
from gapsight.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/optout/{token}")
def optout(request: Request, token: str) -> Response:
    """Opt the contact out of further mail of this study and confirm it."""
    settings = request.app.state.settings
    links = mailing.links_for(settings, secret_key(settings))
    with unit_of_work(engine(request)) as session:
        invitation = mailing.opt_out(session, links, token)
        if invitation is None:
            raise HTTPException(status_code=404)
        language = invitation.language
    if "lang" not in request.query_params and language in LANGUAGES:
        request.state.language = language
    return render(request, "optout.html")
