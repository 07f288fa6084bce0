"""The reports of a study in the app: the page, and the PDF and Excel downloads.

``GET /studies/{id}/report`` shows the report as one HTML page in the user's language
(the same document the PDF is printed from); ``?format=pdf`` or ``?format=xlsx``
downloads it; ``?kind=customer-feedback|employee-feedback|management`` chooses a short
version instead of the research report. ``/studies/{id}/verdicts`` records the verdicts
on gaps 2–4 that the report's gap model shows. Everything comes from
:func:`gapsight.services.reporting.render_report`; this module only checks access and
sets the response headers. Viewers may read reports (they contain aggregates only,
with the minimum group size enforced).
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from gapsight.domain.problems import InvalidInput
from gapsight.domain.verdicts import RECORDED_GAPS, VERDICTS
from gapsight.reports.contents import suggested_recommendations
from gapsight.services import report_texts
from gapsight.services import studies as study_service
from gapsight.services import verdicts as verdict_service
from gapsight.services.reporting import KINDS, render_report, report_inputs
from gapsight.store.database import unit_of_work
from gapsight.store.models import Study
from gapsight.web import i18n
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.routes import html_router
from gapsight.web.templating import flash, render

router = html_router()
viewer = require("viewer")
coordinator = require("coordinator")


def _study(session: Session, user: CurrentUser, study_id: int) -> Study:
    try:
        study = study_service.get_study(session, study_id)
    except KeyError:
        raise HTTPException(status_code=404) from None
    check_organisation(user, study.organisation_id)
    return study


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
    kind: str = "research",
    user: CurrentUser = Depends(viewer),
) -> Response:
    """The study's research report (or the ``kind`` of :data:`KINDS`) as a page, PDF or
    Excel workbook."""
    if format not in _TYPES or kind not in KINDS:
        raise HTTPException(status_code=404)
    db = engine(request)
    with unit_of_work(db) as session:
        _study(session, user, study_id)
    lang = i18n.language(request)
    data = render_report(
        db, study_id, fmt=format, lang=lang if lang in ("nl", "en") else "nl", kind=kind
    )
    headers = {}
    if format != "html":
        stem = "report" if kind == "research" else kind
        name = f"{stem}-{study_id}.{lang}.{format}"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(content=data, media_type=_TYPES[format], headers=headers)


@router.get("/studies/{study_id}/recommendations")
def recommendations_page(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """The form to write the report's recommendations (plain text); when none are
    stored yet it is pre-filled with the gap model's remedies for the largest gaps."""
    db = engine(request)
    with unit_of_work(db) as session:
        info = study_service.info(_study(session, user, study_id))
        text = report_texts.get_recommendations(session, study_id)
    if text is None:  # pre-fill with the gap model's remedies for the largest gaps
        lang = i18n.language(request)
        lang = lang if lang in ("nl", "en") else "nl"
        text = suggested_recommendations(report_inputs(db, study_id, lang=lang), lang)
    return render(request, "studies/recommendations.html", {"study": info, "text": text})


@router.post("/studies/{study_id}/recommendations")
async def save_recommendations(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """Store the recommendations and go back to the study."""
    form = await request.form()
    text = form.get("recommendations")
    with unit_of_work(engine(request)) as session:
        _study(session, user, study_id)
        try:
            report_texts.set_recommendations(session, study_id, str(text or ""))
        except ValueError:
            raise HTTPException(status_code=413) from None
    flash(request, i18n.gettext_for(request)("Recommendations saved."))
    return RedirectResponse(f"/studies/{study_id}", status_code=303)


@router.get("/studies/{study_id}/verdicts")
def verdicts_page(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """The form to record the verdicts on gaps 2, 3 and 4 (shown in the gap model)."""
    with unit_of_work(engine(request)) as session:
        info = study_service.info(_study(session, user, study_id))
        recorded = verdict_service.get_verdicts(session, study_id)
    return render(
        request,
        "studies/verdicts.html",
        {"study": info, "recorded": recorded, "gaps": RECORDED_GAPS, "verdicts": VERDICTS},
    )


@router.post("/studies/{study_id}/verdicts")
async def save_verdicts(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """Store the verdicts (an empty verdict removes one) and go back to the study."""
    form = await request.form()
    _ = i18n.gettext_for(request)
    with unit_of_work(engine(request)) as session:
        _study(session, user, study_id)
        for gap in RECORDED_GAPS:
            verdict = str(form.get(f"verdict_{gap}") or "")
            explanation = str(form.get(f"explanation_{gap}") or "")
            share = str(form.get(f"share_{gap}") or "").strip().replace(",", ".")
            if not verdict:
                verdict_service.clear_verdict(session, study_id, gap)
                continue
            try:
                size = float(share) / 100 if share else None
                verdict_service.set_verdict(
                    session,
                    study_id,
                    gap=gap,
                    verdict=verdict,
                    explanation=explanation,
                    size=size,
                )
            except (InvalidInput, ValueError):
                raise HTTPException(status_code=422, detail=_("Invalid verdict.")) from None
    flash(request, _("Verdicts saved."))
    return RedirectResponse(f"/studies/{study_id}", status_code=303)
