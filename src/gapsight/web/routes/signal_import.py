"""Uploading a supplier's export into the signals register (coordinators).

``GET /signals/import`` shows the form; ``POST /signals/import`` (multipart: ``file``,
``registrar``, ``channel``) runs :func:`gapsight.services.signals.import_signals`
— all or nothing: when any row breaks a rule, the page lists every problem (row,
column, value, what was expected) and nothing is stored. Client managers cannot
import (a file may hold other client groups' signals).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from gapsight.domain.problems import InvalidInput
from gapsight.domain.signals import CHANNELS
from gapsight.io.table import ImportProblem, ImportRejected
from gapsight.services import signals as service
from gapsight.services.signal_access import scope_for
from gapsight.store.database import unit_of_work
from gapsight.web.deps import CurrentUser, engine, require
from gapsight.web.i18n import gettext_for
from gapsight.web.routes import html_router, visible_organisations
from gapsight.web.routes.signal_form import channel_labels
from gapsight.web.templating import flash, render

__all__ = ["router"]

router = html_router()
coordinator = require("coordinator")


def _organisation(request: Request, user: CurrentUser) -> int:
    with unit_of_work(engine(request)) as session:
        if scope_for(session, user.id, user.scope).is_client_manager:
            raise HTTPException(status_code=403)
        orgs = visible_organisations(session, user)
    asked = request.query_params.get("organisation", "")
    ids = [o.id for o in orgs]
    if not ids or (asked and (not asked.isdigit() or int(asked) not in ids)):
        raise HTTPException(status_code=404)
    return int(asked) if asked else ids[0]


def _page(
    request: Request,
    organisation_id: int,
    *,
    problems: list[ImportProblem] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "signals/import.html",
        {
            "organisation_id": organisation_id,
            "channels": [(c, channel_labels(request)[c]) for c in CHANNELS],
            "problems": problems or [],
            "form": values or {"channel": "supplier_report"},
        },
        status_code=status_code,
    )


@router.get("/signals/import")
def import_page(request: Request, user: CurrentUser = Depends(coordinator)) -> Response:
    """The upload form."""
    return _page(request, _organisation(request, user))


@router.post("/signals/import")
async def upload(request: Request, user: CurrentUser = Depends(coordinator)) -> Response:
    """Import the uploaded file, all or nothing."""
    _ = gettext_for(request)
    org_id = _organisation(request, user)
    data = await request.form()
    upload = data.get("file")
    registrar = str(data.get("registrar") or "").strip()
    channel = str(data.get("channel") or "supplier_report")
    values = {"registrar": registrar, "channel": channel}
    if not isinstance(upload, UploadFile) or not upload.filename or not registrar:
        problem = ImportProblem(None, None, None, _("a file and who registers its signals"))
        return _page(request, org_id, problems=[problem], values=values, status_code=422)
    suffix = Path(upload.filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="gapsight-signals-") as tmp:
        path = Path(tmp) / f"{Path(upload.filename).stem[:60] or 'export'}{suffix}"
        path.write_bytes(await upload.read())
        try:
            with unit_of_work(engine(request)) as session:
                result = service.import_signals(
                    session,
                    org_id,
                    path,
                    registrar=registrar,
                    channel=channel,
                    now=dt.datetime.now(dt.UTC),
                )
        except ImportRejected as exc:
            return _page(request, org_id, problems=exc.problems, values=values, status_code=422)
        except InvalidInput as exc:
            problems = [ImportProblem(None, p.field, None, p.message) for p in exc.problems]
            return _page(request, org_id, problems=problems, values=values, status_code=422)
    flash(
        request,
        _("%(n)s signals imported, %(p)s promoted to a complaint.")
        % {"n": result.count, "p": result.promoted},
    )
    return RedirectResponse(f"/signals?organisation={org_id}", status_code=303)
