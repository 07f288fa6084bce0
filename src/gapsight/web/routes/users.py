"""User accounts (admin only): list and add users with a role and organisation."""

from __future__ import annotations

from fastapi import Depends, Request
from starlette.responses import RedirectResponse, Response

from gapsight.services import users as user_service
from gapsight.services.users import MIN_PASSWORD_LENGTH
from gapsight.store.database import unit_of_work
from gapsight.store.models import ROLES
from gapsight.web.deps import CurrentUser, engine, require
from gapsight.web.forms import FormReader
from gapsight.web.i18n import gettext_for
from gapsight.web.routes import html_router, visible_organisations
from gapsight.web.templating import flash, render

router = html_router()
admin = require("admin")


def _page(request: Request, user: CurrentUser, form: FormReader | None) -> Response:
    with unit_of_work(engine(request)) as session:
        orgs = visible_organisations(session, user)
        rows = user_service.list_users(session)
        names = {o.id: o.name for o in orgs}
    return render(
        request,
        "users/list.html",
        {
            "users": rows,
            "organisation_names": names,
            "organisation_options": [(str(o.id), o.name) for o in orgs],
            "roles": ROLES,
            "min_password": MIN_PASSWORD_LENGTH,
            "form": form.values if form else {"role": "coordinator"},
            "errors": form.errors if form else {},
        },
        status_code=422 if form and not form.ok else 200,
    )


@router.get("/users")
def list_page(request: Request, user: CurrentUser = Depends(admin)) -> Response:
    """The users, and a form to add one."""
    return _page(request, user, None)


@router.post("/users")
async def create(request: Request, user: CurrentUser = Depends(admin)) -> Response:
    """Add a user."""
    _ = gettext_for(request)
    form = FormReader(await request.form(), gettext=_)
    email = form.text("email", required=True)
    name = form.text("name")
    password = form.text("password", required=True)
    form.values.pop("password", None)  # never echo a password back into the page
    role = form.choice("role", ROLES)
    org_id = form.integer("organisation_id")
    with unit_of_work(engine(request)) as session:
        allowed = {o.id for o in visible_organisations(session, user)}
        if org_id is not None and org_id not in allowed:
            form.error("organisation_id", _("Choose one of the options."))
        if password and len(password) < MIN_PASSWORD_LENGTH:
            form.error(
                "password",
                _("Use at least %(n)s characters.") % {"n": MIN_PASSWORD_LENGTH},
            )
        if email and user_service.find_user(session, email) is not None:
            form.error("email", _("A user with this e-mail address already exists."))
        if form.ok:
            try:
                user_service.create_user(
                    session,
                    email=email,
                    name=name,
                    password=password,
                    role=role,
                    organisation_id=org_id,
                )
            except ValueError:
                form.error("email", _("Enter an e-mail address such as name@example.org."))
    if not form.ok:
        return _page(request, user, form)
    flash(request, _("User added."))
    return RedirectResponse("/users", status_code=303)
