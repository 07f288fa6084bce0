"""The research report of a study in the app: the page, and the PDF and Excel downloads.

``GET /studies/{id}/report`` shows the report as one HTML page in the user's language
(the same document the PDF is printed from); ``?format=pdf`` or ``?format=xlsx``
downloads it. Everything comes from :func:`gapsight.services.reporting.render_report`;
this module only checks access and sets the response headers. Viewers may read
reports (they contain aggregates only, with the minimum group size enforced).
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from starlette.responses import Response

from gapsight.services import studies as study_service
from gapsight.services.reporting import render_report
from gapsight.store.database import unit_of_work
from gapsight.web import i18n
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.routes import html_router

router = html_router()
viewer = require("viewer")

_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/studies/{study_id}/report")
def report_page(
    request: Request,
    study_id: int,
    format: str = "html",
    user: CurrentUser = Depends(viewer),
) -> Response:
    """The study's research report as a page, PDF or Excel workbook."""
    if format not in _TYPES:
        raise HTTPException(status_code=404)
    db = engine(request)
    with unit_of_work(db) as session:
        try:
            study = study_service.get_study(session, study_id)
        except KeyError:
            raise HTTPException(status_code=404) from None
        check_organisation(user, study.organisation_id)
    lang = i18n.language(request)
    data = render_report(db, study_id, fmt=format, lang=lang if lang in ("nl", "en") else "nl")
    headers = {}
    if format != "html":
        name = f"report-{study_id}.{lang}.{format}"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(content=data, media_type=_TYPES[format], headers=headers)
