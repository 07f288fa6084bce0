"""Buttons on a study page that send mail: invitations and due reminders.

Both only queue messages in the outbox (:func:`gapsight.services.mailing.invite` /
:func:`~gapsight.services.mailing.remind`) and return at once; the mail sender
delivers them in the background. Coordinators only, CSRF-protected, and only while
the study is in fieldwork (otherwise 409). Pressing a button twice sends nothing twice.
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from gapsight.services import mailing
from gapsight.services import studies as study_service
from gapsight.store.database import unit_of_work
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.i18n import gettext_for
from gapsight.web.routes import html_router
from gapsight.web.secret import secret_key
from gapsight.web.templating import flash

router = html_router()
coordinator = require("coordinator")


def _queue(request: Request, user: CurrentUser, study_id: int, kind: str) -> Response:
    _ = gettext_for(request)
    settings = request.app.state.settings
    links = mailing.links_for(settings, secret_key(settings))
    action = mailing.invite if kind == "invite" else mailing.remind
    with unit_of_work(engine(request)) as session:
        try:
            study = study_service.get_study(session, study_id)
        except KeyError:
            raise HTTPException(status_code=404) from None
        check_organisation(user, study.organisation_id)
        try:
            result = action(session, study_id, links, fallback_language=settings.default_language)
        except ValueError:
            raise HTTPException(status_code=409) from None
    if kind == "invite":
        message = _("%(n)s invitations queued; they are sent in the background.")
    else:
        message = _("%(n)s reminders queued; they are sent in the background.")
    flash(request, message % {"n": result.enqueued})
    return RedirectResponse(f"/studies/{study_id}", status_code=303)


@router.post("/studies/{study_id}/invitations")
def invite(request: Request, study_id: int, user: CurrentUser = Depends(coordinator)) -> Response:
    """Queue the invitations of every contact not yet invited."""
    return _queue(request, user, study_id, "invite")


@router.post("/studies/{study_id}/reminders")
def remind(request: Request, study_id: int, user: CurrentUser = Depends(coordinator)) -> Response:
    """Queue the reminders that are due now."""
    return _queue(request, user, study_id, "remind")
