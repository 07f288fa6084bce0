"""The fieldwork page of a study: counts, response rates, and groups per loaded
characteristic with the minimum group size respected
(:func:`gapsight.services.fieldwork.fieldwork_status`).

The page is plain HTML; it shows the state when it was loaded (reload for the latest
counts), so it needs no JavaScript.
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from starlette.responses import Response

from gapsight.services import fieldwork as fieldwork_service
from gapsight.services import studies as study_service
from gapsight.store.database import unit_of_work
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.routes import html_router
from gapsight.web.templating import render

router = html_router()
viewer = require("viewer")


@router.get("/studies/{study_id}/fieldwork")
def fieldwork_page(
    request: Request, study_id: int, user: CurrentUser = Depends(viewer)
) -> Response:
    """Counts and rates of the study's fieldwork."""
    with unit_of_work(engine(request)) as session:
        try:
            study = study_service.get_study(session, study_id)
        except KeyError:
            raise HTTPException(status_code=404) from None
        check_organisation(user, study.organisation_id)
        info = study_service.info(study)
        status = fieldwork_service.fieldwork_status(session, study_id)
    return render(request, "studies/fieldwork.html", {"study": info, "status": status})
