"""Staff pages of the signals register.

===================================== ==============================================
``GET /signals``                       the list, filtered by status, category,
                                       supplier, client group, registrar and month
``GET|POST /signals/new``              register a signal (required fields enforced)
``GET /signals/<id>``                  one signal: fields, follow-ups, forms for a
                                       follow-up action, feedback to the client and
                                       a status change
``GET|POST /signals/<id>/edit``        correct a registration
``POST /signals/<id>/updates``         add a follow-up (action, client message, note)
``POST /signals/<id>/status``          change the status (with the resolution)
``GET /signals/completeness``          completeness per registrar per month
``GET /signals/trends``                rising and recurring themes or categories
``GET|POST /signals/reports``          the supplier report and the monthly bundle:
                                       choose, write the explanation, download
``GET /signals/reports/file``          the report as HTML, PDF or Excel
===================================== ==============================================

**Who may do what.** Everyone signed in reads the signals of their organisation (a
viewer too); registering and changing signals needs the coordinator role — or being
a *client manager* (a user with client groups assigned, any role), who sees, registers
and handles the signals of their own client groups only, in lists, pages, reports and
trends alike (:mod:`gapsight.services.signal_access`). A signal outside a user's scope
answers 404, as if it did not exist. Admins and users without an organisation choose
the organisation with ``?organisation=<id>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from gapsight.domain.problems import InvalidInput
from gapsight.domain.signals import CHANNELS, TRANSITIONS, SignalConfig
from gapsight.reports.html import render_html
from gapsight.services import signal_documents, signal_reports
from gapsight.services import signals as service
from gapsight.services.organisations import get_organisation
from gapsight.services.signal_access import SignalScope, scope_for
from gapsight.store.database import unit_of_work
from gapsight.store.models import Signal
from gapsight.web import i18n
from gapsight.web.deps import CurrentUser, engine, require
from gapsight.web.forms import FormReader
from gapsight.web.i18n import gettext_for
from gapsight.web.routes import html_router, visible_organisations
from gapsight.web.routes.signal_form import channel_labels, signal_messages, status_labels
from gapsight.web.templating import flash, render

__all__ = ["router"]

router = html_router()
viewer = require("viewer")

_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FIELDS = (
    "channel",
    "registrar",
    "registrar_email",
    "client_organisation",
    "client_group",
    "contact_person",
    "contact_email",
    "supplier",
    "service_domain",
    "category",
    "description",
    "supplier_ticket",
    "norms_explanation",
    "theme_tags",
)


# -- scope ---------------------------------------------------------------------------


def _where(request: Request, session: Session, user: CurrentUser) -> tuple[int, SignalScope]:
    """The organisation the page is about and the user's signal scope."""
    orgs = visible_organisations(session, user)
    if not orgs:
        raise HTTPException(status_code=404)
    asked = request.query_params.get("organisation", "")
    org_id = orgs[0].id
    if asked:
        ids = {o.id for o in orgs}
        if not asked.isdigit() or int(asked) not in ids:
            raise HTTPException(status_code=404)
        org_id = int(asked)
    return org_id, scope_for(session, user.id, user.scope)


def _may_write(user: CurrentUser, scope: SignalScope) -> bool:
    return user.can("coordinator") or scope.is_client_manager


def _signal(session: Session, user: CurrentUser, signal_id: int) -> tuple[Signal, SignalScope]:
    scope = scope_for(session, user.id, user.scope)
    try:
        signal = service.get_signal(session, signal_id)
    except KeyError:
        raise HTTPException(status_code=404) from None
    if not scope.allows(signal.organisation_id, signal.client_group):
        raise HTTPException(status_code=404)
    return signal, scope


def _config(session: Session, organisation_id: int) -> SignalConfig:
    return service.config_for(get_organisation(session, organisation_id))


def _tz(config: SignalConfig) -> ZoneInfo:
    return ZoneInfo(config.timezone)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; gapsight stores UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _lang(request: Request) -> str:
    lang = i18n.language(request)
    return lang if lang in ("nl", "en") else "nl"


def _month(text: str | None, config: SignalConfig) -> str:
    if text:
        try:
            signal_reports.month_bounds(text, config.timezone)
            return text
        except ValueError:
            pass
    return _now().astimezone(_tz(config)).strftime("%Y-%m")


def _labels(request: Request) -> dict[str, Any]:
    _ = gettext_for(request)
    return {
        "statuses": status_labels(request),
        "channels": channel_labels(request),
        "kinds": {
            "action": _("action"),
            "client_message": _("message to the client"),
            "note": _("note"),
            "status": _("status"),
        },
    }


# -- list ----------------------------------------------------------------------------


@router.get("/signals")
def list_page(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """The signals of the organisation (a client manager: of their client groups)."""
    q = request.query_params
    with unit_of_work(engine(request)) as session:
        org_id, scope = _where(request, session, user)
        config = _config(session, org_id)
        filters = {
            k: (q.get(k) or None)
            for k in ("status", "category", "supplier", "client_group", "registrar")
        }
        since = until = None
        month = q.get("month") or ""
        if month:
            try:
                since, until = signal_reports.month_bounds(month, config.timezone)
            except ValueError:
                month = ""
        rows = service.list_signals(
            session,
            org_id,
            since=since,
            until=until,
            client_groups=scope.client_groups,
            status=filters["status"],
            category=filters["category"],
            supplier=filters["supplier"],
            client_group=filters["client_group"],
            registrar=filters["registrar"],
        )
        tz = _tz(config)
        lang = _lang(request)
        signals = [
            {
                "id": s.id,
                "received": _aware(s.received_at).astimezone(tz).strftime("%Y-%m-%d"),
                "category": _category_label(config, s.category, lang),
                "client_group": s.client_group,
                "supplier": s.supplier or "",
                "registrar": s.registrar,
                "status": s.status,
                "description": s.description[:120],
            }
            for s in reversed(rows)
        ]
    return render(
        request,
        "signals/list.html",
        {
            "signals": signals,
            "filters": {**{k: v or "" for k, v in filters.items()}, "month": month},
            "categories": [(c.code, c.label(lang)) for c in config.categories],
            "may_write": _may_write(user, scope),
            "may_import": user.can("coordinator") and not scope.is_client_manager,
            "scope_groups": sorted(scope.client_groups or ()),
            "public_form": f"/signal/{org_id}" if config.public_form else None,
            **_labels(request),
        },
    )


def _category_label(config: SignalConfig, code: str, lang: str) -> str:
    try:
        return config.category(code).label(lang)
    except KeyError:
        return code


# -- register and edit ---------------------------------------------------------------


def _read(
    request: Request, data: FormData, config: SignalConfig, scope: SignalScope
) -> tuple[FormReader, dict[str, Any]]:
    _ = gettext_for(request)
    form = FormReader(data, gettext=_)
    values: dict[str, Any] = {name: form.text(name) for name in _FIELDS}
    values["within_norms"] = bool(form.text("within_norms"))
    received = form.text("received_at")
    if received:
        try:
            when = dt.datetime.fromisoformat(received)
            values["received_at"] = when if when.tzinfo else when.replace(tzinfo=_tz(config))
        except ValueError:
            form.error("received_at", _("Enter a date and time as YYYY-MM-DD HH:MM."))
    else:
        values["received_at"] = None
    if scope.client_groups is not None and values["client_group"] not in scope.client_groups:
        form.error("client_group", _("Choose one of your client groups."))
    return form, values


def _form_page(
    request: Request,
    template: str,
    form: FormReader | None,
    config: SignalConfig,
    scope: SignalScope,
    **context: Any,
) -> Response:
    lang = _lang(request)
    return render(
        request,
        template,
        {
            "form": form.values if form else context.pop("values", {}),
            "errors": form.errors if form else {},
            "categories": [(c.code, c.label(lang)) for c in config.categories],
            "channels": [(c, _labels(request)["channels"][c]) for c in CHANNELS],
            "scope_groups": sorted(scope.client_groups or ()),
            "group_options": [(g, g) for g in sorted(scope.client_groups or ())],
            "required": set(config.required),
            **context,
        },
        status_code=422 if form and not form.ok else 200,
    )


@router.get("/signals/new")
def new_page(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """The registration form."""
    with unit_of_work(engine(request)) as session:
        org_id, scope = _where(request, session, user)
        if not _may_write(user, scope):
            raise HTTPException(status_code=403)
        config = _config(session, org_id)
    now = _now().astimezone(_tz(config))
    values = {
        "received_at": now.strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "registrar": user.name,
        "registrar_email": user.email,
    }
    return _form_page(
        request, "signals/new.html", None, config, scope, values=values, organisation_id=org_id
    )


@router.post("/signals/new")
async def create(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """Register a signal; every broken rule is shown next to its field."""
    data = await request.form()
    with unit_of_work(engine(request)) as session:
        org_id, scope = _where(request, session, user)
        if not _may_write(user, scope):
            raise HTTPException(status_code=403)
        config = _config(session, org_id)
        form, values = _read(request, data, config, scope)
        signal_id = None
        if form.ok:
            try:
                with session.begin_nested():
                    reg = service.register_signal(
                        session, org_id, values, now=_now(), source="staff"
                    )
                signal_id = reg.signal.id
            except InvalidInput as exc:
                form.add_problems(exc.problems, signal_messages(request))
    if signal_id is None:
        return _form_page(request, "signals/new.html", form, config, scope, organisation_id=org_id)
    _ = gettext_for(request)
    flash(request, _("Signal registered."))
    return RedirectResponse(f"/signals/{signal_id}", status_code=303)


@router.get("/signals/completeness")
def completeness_page(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """Completeness of the registrations per registrar per month (last 6 months)."""
    with unit_of_work(engine(request)) as session:
        org_id, scope = _where(request, session, user)
        config = _config(session, org_id)
        last = _month(request.query_params.get("month"), config)
        first = signal_reports.months_back(last, 6)[0]
        since = signal_reports.month_bounds(first, config.timezone)[0]
        until = signal_reports.month_bounds(last, config.timezone)[1]
        rows = signal_reports.completeness_by_registrar(
            session, org_id, since=since, until=until, client_groups=scope.client_groups
        )
    return render(
        request,
        "signals/completeness.html",
        {"rows": [r.as_dict() for r in rows], "month": last, "first": first},
    )


@router.get("/signals/trends")
def trends_page(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """Themes or categories that rise or recur beyond their own history."""
    q = request.query_params
    by = q.get("by") if q.get("by") in {"theme", "category"} else "theme"
    with unit_of_work(engine(request)) as session:
        org_id, scope = _where(request, session, user)
        config = _config(session, org_id)
        month = _month(q.get("month"), config)
        supplier = q.get("supplier") or None
        found = signal_reports.signal_trends(
            session,
            org_id,
            last_month=month,
            by=str(by),
            supplier=supplier,
            client_groups=scope.client_groups,
        )
    lang = _lang(request)
    return render(
        request,
        "signals/trends.html",
        {
            "trends": [
                {
                    "key": _category_label(config, t.key, lang) if by == "category" else t.key,
                    "kind": t.kind,
                    "count": t.count,
                    "expected": f"{t.expected:.2g}",
                    "p": f"{t.p_value:.2g}",
                    "periods": t.periods,
                }
                for t in found
            ],
            "month": month,
            "by": by,
            "supplier": supplier or "",
        },
    )


@router.get("/signals/reports")
def reports_page(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """Choose a report (supplier or monthly bundle), write its explanation, download."""
    q = request.query_params
    kind = q.get("kind") if q.get("kind") in {"supplier", "registrar"} else "supplier"
    with unit_of_work(engine(request)) as session:
        org_id, scope = _where(request, session, user)
        config = _config(session, org_id)
        month = _month(q.get("month"), config)
        rows = service.list_signals(session, org_id, client_groups=scope.client_groups)
        suppliers = sorted({s.supplier for s in rows if s.supplier})
        supplier = q.get("supplier") or (suppliers[0] if suppliers else "")
        subject = supplier if kind == "supplier" else "*"
        text = signal_documents.get_report_text(session, org_id, str(kind), subject, month)
        preview = None
        if kind == "registrar" or supplier:
            preview = signal_documents.build_signal_report(
                session,
                org_id,
                "supplier" if kind == "supplier" else "registrar",
                supplier,
                month,
                lang=_lang(request),
                now=_now(),
                client_groups=scope.client_groups,
            )
    return render(
        request,
        "signals/reports.html",
        {
            "kind": kind,
            "month": month,
            "supplier": supplier,
            "suppliers": suppliers,
            "text": text,
            "organisation_id": org_id,
            "may_write": user.can("coordinator") and not scope.is_client_manager,
            "preview": None if preview is None else render_html(preview, embed=True),
        },
    )


@router.post("/signals/reports")
async def save_report_text(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """Store the explanation of a report (coordinators, not limited to client groups)."""
    data = await request.form()
    kind = str(data.get("kind") or "")
    month = str(data.get("month") or "")
    supplier = str(data.get("supplier") or "")
    with unit_of_work(engine(request)) as session:
        org_id, scope = _where(request, session, user)
        if not user.can("coordinator") or scope.is_client_manager:
            raise HTTPException(status_code=403)
        try:
            signal_documents.set_report_text(
                session,
                org_id,
                kind,
                supplier if kind == "supplier" else "*",
                month,
                str(data.get("text") or ""),
            )
        except ValueError:
            raise HTTPException(status_code=422) from None
    _ = gettext_for(request)
    flash(request, _("Explanation saved."))
    query = urlencode(
        {"kind": kind, "month": month, "supplier": supplier, "organisation": str(org_id)}
    )
    return RedirectResponse(f"/signals/reports?{query}", status_code=303)


@router.get("/signals/reports/file")
def report_file(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """The chosen report as ``format`` ``html``, ``pdf`` or ``xlsx``."""
    q = request.query_params
    kind = q.get("kind")
    fmt = q.get("format") or "html"
    if kind not in {"supplier", "registrar"} or fmt not in _TYPES:
        raise HTTPException(status_code=404)
    supplier = q.get("supplier") or ""
    if kind == "supplier" and not supplier:
        raise HTTPException(status_code=404)
    with unit_of_work(engine(request)) as session:
        org_id, scope = _where(request, session, user)
        config = _config(session, org_id)
        month = _month(q.get("month"), config)
        data = signal_documents.render_signal_report(
            session,
            org_id,
            "supplier" if kind == "supplier" else "registrar",
            supplier,
            month,
            fmt=fmt,
            lang=_lang(request),
            now=_now(),
            client_groups=scope.client_groups,
        )
    headers = {}
    if fmt != "html":
        name = f"signals-{kind}-{month}.{fmt}"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(content=data, media_type=_TYPES[fmt], headers=headers)


# -- one signal ----------------------------------------------------------------------


@router.get("/signals/{signal_id}")
def show_page(request: Request, signal_id: int, user: CurrentUser = Depends(viewer)) -> Response:
    """One signal with its follow-ups and the forms to handle it."""
    return _show(request, signal_id, user, None)


def _show(
    request: Request,
    signal_id: int,
    user: CurrentUser,
    form: FormReader | None,
    *,
    status_code: int = 200,
) -> Response:
    with unit_of_work(engine(request)) as session:
        signal, scope = _signal(session, user, signal_id)
        config = _config(session, signal.organisation_id)
        tz = _tz(config)
        lang = _lang(request)
        updates = [
            {
                "at": _aware(u.at).astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                "by": u.by,
                "kind": u.kind,
                "what": u.what,
            }
            for u in service.updates_of(session, signal.id)
        ]
        clocks = {
            name: {"due": c.due_date.isoformat(), "state": c.state(_now()).value}
            for name, c in service.signal_clocks(
                signal,
                config,
                service.calendar_for(get_organisation(session, signal.organisation_id)),
            ).items()
        }
        info = {c.key: getattr(signal, c.key) for c in Signal.__table__.columns}
        info["received"] = _aware(signal.received_at).astimezone(tz)
        info["category_label"] = _category_label(config, signal.category, lang)
        next_statuses = sorted(TRANSITIONS.get(signal.status, frozenset()))
    return render(
        request,
        "signals/show.html",
        {
            "signal": info,
            "updates": updates,
            "clocks": clocks,
            "next_statuses": next_statuses,
            "status_options": [(st, status_labels(request)[st]) for st in next_statuses],
            "may_write": _may_write(user, scope),
            "form": form.values if form else {},
            "errors": form.errors if form else {},
            **_labels(request),
        },
        status_code=status_code,
    )


@router.post("/signals/{signal_id}/updates")
async def add_update(
    request: Request, signal_id: int, user: CurrentUser = Depends(viewer)
) -> Response:
    """Record a follow-up action, a message to the client or a note."""
    data = await request.form()
    _ = gettext_for(request)
    form = FormReader(data, gettext=_)
    kind = form.choice("kind", ("action", "client_message", "note"))
    what = form.text("what", required=True)
    with unit_of_work(engine(request)) as session:
        scope = _signal(session, user, signal_id)[1]
        if not _may_write(user, scope):
            raise HTTPException(status_code=403)
        if form.ok:
            try:
                service.add_update(
                    session, signal_id, at=_now(), by=user.name, what=what, kind=kind
                )
            except InvalidInput as exc:
                form.add_problems(exc.problems, signal_messages(request))
    if not form.ok:
        return _show(request, signal_id, user, form, status_code=422)
    flash(request, _("Follow-up recorded."))
    return RedirectResponse(f"/signals/{signal_id}", status_code=303)


@router.post("/signals/{signal_id}/status")
async def change_status(
    request: Request, signal_id: int, user: CurrentUser = Depends(viewer)
) -> Response:
    """Move the signal to another status (resolving and closing need a resolution)."""
    data = await request.form()
    _ = gettext_for(request)
    form = FormReader(data, gettext=_)
    status = form.text("status", required=True)
    resolution = form.text("resolution")
    with unit_of_work(engine(request)) as session:
        scope = _signal(session, user, signal_id)[1]
        if not _may_write(user, scope):
            raise HTTPException(status_code=403)
        if form.ok:
            try:
                with session.begin_nested():
                    service.change_status(
                        session, signal_id, status, at=_now(), by=user.name, resolution=resolution
                    )
            except InvalidInput as exc:
                form.add_problems(exc.problems, signal_messages(request))
    if not form.ok:
        return _show(request, signal_id, user, form, status_code=422)
    flash(request, _("Status changed."))
    return RedirectResponse(f"/signals/{signal_id}", status_code=303)


@router.get("/signals/{signal_id}/edit")
def edit_page(request: Request, signal_id: int, user: CurrentUser = Depends(viewer)) -> Response:
    """The registration, to correct."""
    with unit_of_work(engine(request)) as session:
        signal, scope = _signal(session, user, signal_id)
        if not _may_write(user, scope):
            raise HTTPException(status_code=403)
        config = _config(session, signal.organisation_id)
        values: dict[str, Any] = {n: getattr(signal, n) or "" for n in _FIELDS}
        values["theme_tags"] = ", ".join(signal.theme_tags or [])
        values["within_norms"] = "1" if signal.within_norms else ""
        values["received_at"] = (
            _aware(signal.received_at).astimezone(_tz(config)).strftime("%Y-%m-%dT%H:%M")
        )
    return _form_page(
        request, "signals/edit.html", None, config, scope, values=values, signal_id=signal_id
    )


@router.post("/signals/{signal_id}/edit")
async def edit(request: Request, signal_id: int, user: CurrentUser = Depends(viewer)) -> Response:
    """Save corrections (the same rules as registering)."""
    data = await request.form()
    with unit_of_work(engine(request)) as session:
        signal, scope = _signal(session, user, signal_id)
        if not _may_write(user, scope):
            raise HTTPException(status_code=403)
        config = _config(session, signal.organisation_id)
        form, values = _read(request, data, config, scope)
        if form.ok:
            try:
                with session.begin_nested():
                    service.edit_signal(session, signal_id, values, at=_now(), by=user.name)
            except InvalidInput as exc:
                form.add_problems(exc.problems, signal_messages(request))
    if not form.ok:
        return _form_page(request, "signals/edit.html", form, config, scope, signal_id=signal_id)
    _ = gettext_for(request)
    flash(request, _("Signal saved."))
    return RedirectResponse(f"/signals/{signal_id}", status_code=303)
