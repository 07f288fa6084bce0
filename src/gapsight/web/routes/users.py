"""User accounts (admin only): list users, add them, change their role and
organisation (someone must always remain admin) and the client groups that make them
a client manager in the signals register (:mod:`gapsight.services.signal_access`)."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from gapsight.services import users as user_service
from gapsight.services.signal_access import assign_client_groups, client_groups_of
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


def _edit_page(
    request: Request, user: CurrentUser, user_id: int, form: FormReader | None = None
) -> Response:
    with unit_of_work(engine(request)) as session:
        row = user_service.get_user(session, user_id)
        if row is None:
            raise HTTPException(status_code=404)
        orgs = visible_organisations(session, user)
        values = {
            "role": row.role,
            "organisation_id": str(row.organisation_id or ""),
            "client_groups": "\n".join(sorted(client_groups_of(session, user_id))),
        }
        name, email = row.name, row.email
    return render(
        request,
        "users/edit.html",
        {
            "account": {"id": user_id, "name": name, "email": email},
            "organisation_options": [(str(o.id), o.name) for o in orgs],
            "form": form.values if form else values,
            "errors": form.errors if form else {},
        },
        status_code=422 if form and not form.ok else 200,
    )


@router.get("/users/{user_id}")
def edit_page(request: Request, user_id: int, user: CurrentUser = Depends(admin)) -> Response:
    """A user's role and organisation."""
    return _edit_page(request, user, user_id)


@router.post("/users/{user_id}")
async def update(request: Request, user_id: int, user: CurrentUser = Depends(admin)) -> Response:
    """Change a user's role and organisation (the last admin stays admin)."""
    _ = gettext_for(request)
    form = FormReader(await request.form(), gettext=_)
    role = form.choice("role", ROLES)
    org_id = form.integer("organisation_id")
    groups = [g for g in form.text("client_groups").splitlines() if g.strip()]
    if any(len(g.strip()) > 200 for g in groups):
        form.error("client_groups", _("A client group has at most 200 characters."))
    with unit_of_work(engine(request)) as session:
        allowed = {o.id for o in visible_organisations(session, user)}
        if org_id is not None and org_id not in allowed:
            form.error("organisation_id", _("Choose one of the options."))
        if form.ok:
            try:
                user_service.update_user(session, user_id, role=role, organisation_id=org_id)
                assign_client_groups(session, user_id, groups)
            except KeyError:
                raise HTTPException(status_code=404) from None
            except ValueError:
                form.error("role", _("At least one user must stay administrator."))
    if not form.ok:
        return _edit_page(request, user, user_id, form)
    flash(request, _("Settings saved."))
    return RedirectResponse("/users", status_code=303)
