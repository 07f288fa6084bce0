"""Organisations and their settings (admin only).

The settings offered are those declared in :mod:`gapsight.domain.organisations`;
problems come back from the service as field problems and are shown next to the
fields, translated by code.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from gapsight.domain import organisations as rules
from gapsight.domain.problems import InvalidInput
from gapsight.services import organisations as organisation_service
from gapsight.store.database import unit_of_work
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.forms import FormReader
from gapsight.web.i18n import gettext_for
from gapsight.web.routes import html_router
from gapsight.web.templating import flash, render

router = html_router()
admin = require("admin")


def _messages(request: Request) -> dict[str, str]:
    _ = gettext_for(request)
    return {
        "name_empty": _("Enter the name of the organisation."),
        "language_unknown": _("Choose one of the options."),
        "improvement_rule_unknown": _("Choose one of the options."),
        "period_months_range": _("Enter a number of months from 1 to 60."),
    }


def _read(request: Request, form: FormReader) -> tuple[str, str, dict[str, Any]]:
    name = form.text("name")
    sector = form.text("sector")
    settings: dict[str, Any] = {
        "language": form.choice("language", rules.LANGUAGES, default="nl"),
        "improvement_rule": form.choice(
            "improvement_rule", rules.IMPROVEMENT_RULES, default="absolute"
        ),
        "period_months": form.integer("period_months", required=True),
    }
    problems = rules.check_organisation(name, settings)
    form.add_problems(problems, _messages(request))
    return name, sector, settings


def _page(request: Request, template: str, form: FormReader | None, **context: Any) -> Response:
    return render(
        request,
        template,
        {
            "form": form.values if form else context.pop("values", {}),
            "errors": form.errors if form else {},
            "languages_available": rules.LANGUAGES,
            "improvement_rules": rules.IMPROVEMENT_RULES,
            **context,
        },
        status_code=422 if form and not form.ok else 200,
    )


@router.get("/organisations")
def list_page(request: Request, user: CurrentUser = Depends(admin)) -> Response:
    """All organisations, and a form to add one."""
    with unit_of_work(engine(request)) as session:
        orgs = organisation_service.list_organisations(session)
    return _page(
        request,
        "organisations/list.html",
        None,
        organisations=orgs,
        values={"language": "nl", "improvement_rule": "absolute", "period_months": "12"},
    )


@router.post("/organisations")
async def create(request: Request, user: CurrentUser = Depends(admin)) -> Response:
    """Add an organisation."""
    form = FormReader(await request.form(), gettext=gettext_for(request))
    name, sector, settings = _read(request, form)
    if not form.ok:
        with unit_of_work(engine(request)) as session:
            orgs = organisation_service.list_organisations(session)
        return _page(request, "organisations/list.html", form, organisations=orgs)
    with unit_of_work(engine(request)) as session:
        org = organisation_service.create_organisation(
            session, name, sector=sector or None, settings=settings
        )
        org_id = org.id
    _ = gettext_for(request)
    flash(request, _("Organisation added."))
    return RedirectResponse(f"/organisations/{org_id}", status_code=303)


@router.get("/organisations/{organisation_id}")
def edit_page(
    request: Request, organisation_id: int, user: CurrentUser = Depends(admin)
) -> Response:
    """One organisation's name, sector and settings."""
    check_organisation(user, organisation_id)
    with unit_of_work(engine(request)) as session:
        try:
            org = organisation_service.get_organisation(session, organisation_id)
        except KeyError:
            raise HTTPException(status_code=404) from None
    values = {"name": org.name, "sector": org.sector or "", **rules.resolved(org.settings)}
    return _page(request, "organisations/edit.html", None, organisation=org, values=values)


@router.post("/organisations/{organisation_id}")
async def update(
    request: Request, organisation_id: int, user: CurrentUser = Depends(admin)
) -> Response:
    """Save an organisation's name, sector and settings."""
    check_organisation(user, organisation_id)
    form = FormReader(await request.form(), gettext=gettext_for(request))
    name, sector, settings = _read(request, form)
    with unit_of_work(engine(request)) as session:
        try:
            org = organisation_service.get_organisation(session, organisation_id)
            if form.ok:
                organisation_service.update_organisation(
                    session, organisation_id, name=name, sector=sector, settings=settings
                )
        except KeyError:
            raise HTTPException(status_code=404) from None
        except InvalidInput as exc:
            form.add_problems(exc.problems, _messages(request))
    if not form.ok:
        return _page(request, "organisations/edit.html", form, organisation=org)
    _ = gettext_for(request)
    flash(request, _("Settings saved."))
    return RedirectResponse(f"/organisations/{organisation_id}", status_code=303)
