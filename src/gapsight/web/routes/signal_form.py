"""The public signal form and the client's private status page (no login).

- ``GET /signal/<organisation id>``: the form (Dutch or English by the usual
  negotiation, ``?lang=en``), telling where disruptions go instead;
- ``POST /signal/<organisation id>``: files the signal and answers with the
  acknowledgement and the private status link — rendered only *after* the unit of
  work committed, so an acknowledged signal is never lost;
- ``GET /signal-status/<token>``: what :func:`gapsight.services.signals.public_status`
  allows the client to see of that one signal (404 for any other token).

The pages need no JavaScript. The spam defences (:mod:`gapsight.domain.intake`): a
honeypot field (filled in → 400, nothing stored), a signed time stamp (sent back too
fast, too late or forged → the form again with a message), a per-address rate limit
kept in the database (→ 429) and size limits (→ the form again with messages). There
is no CSRF token: no session is involved, and the stamp already ties a submission to
a form this server showed. Everything typed is shown escaped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from gapsight.domain.intake import HONEYPOT, IntakeRules, address_key, check_stamp, make_stamp
from gapsight.domain.problems import InvalidInput
from gapsight.domain.signals import SignalConfig
from gapsight.services import signals as signal_service
from gapsight.services.organisations import get_organisation
from gapsight.services.signal_intake import PUBLIC_FIELDS, RateLimited, file_public_signal
from gapsight.store.database import unit_of_work
from gapsight.web.deps import engine
from gapsight.web.forms import FormReader
from gapsight.web.i18n import gettext_for, language
from gapsight.web.secret import secret_key
from gapsight.web.templating import render

__all__ = ["channel_labels", "router", "signal_messages", "status_labels"]

router = APIRouter(include_in_schema=False)


def signal_messages(request: Request) -> dict[str, str]:
    """Messages for the register's problem codes, in the request's language."""
    _ = gettext_for(request)
    return {
        "required": _("Fill in this field."),
        "too_long": _("This text is too long."),
        "email": _("Enter an e-mail address, such as name@example.org."),
        "supplier_required": _("Name the supplier for this category."),
        "category_unknown": _("Choose one of the options."),
        "channel_unknown": _("Choose one of the options."),
        "norms_explanation_required": _(
            "Write down the explanation given to the client when it is within the agreed norms."
        ),
        "resolution_required": _("Describe the resolution."),
        "transition": _("This status change is not possible."),
        "field_unknown": _("This field is not accepted."),
        "datetime": _("Enter a date as YYYY-MM-DD."),
        "timezone": _("Enter a date as YYYY-MM-DD."),
    }


def _now(request: Request) -> dt.datetime:
    """The current time: ``app.state.clock()`` when a test injected one."""
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else dt.datetime.now(dt.UTC)


def status_labels(request: Request) -> dict[str, str]:
    """The signal statuses in the request's language."""
    _ = gettext_for(request)
    return {
        "new": _("received"),
        "acknowledged": _("acknowledged"),
        "in_progress": _("in progress"),
        "waiting_supplier": _("waiting for the supplier"),
        "referred": _("referred to the supplier"),
        "resolved": _("resolved"),
        "closed": _("closed"),
    }


def channel_labels(request: Request) -> dict[str, str]:
    """The channels in the request's language."""
    _ = gettext_for(request)
    return {
        "web_form": _("web form"),
        "mailbox": _("mailbox"),
        "conversation": _("conversation of a client manager"),
        "supplier_report": _("supplier report"),
        "phone": _("phone"),
        "api": _("API"),
    }


def _settings(request: Request, organisation_id: int) -> tuple[str, SignalConfig]:
    with unit_of_work(engine(request)) as session:
        try:
            org = get_organisation(session, organisation_id)
        except KeyError:
            raise HTTPException(status_code=404) from None
        config = signal_service.config_for(org)
        name = org.name
    if not config.public_form:
        raise HTTPException(status_code=404)
    return name, config


def _form_page(
    request: Request,
    organisation_id: int,
    form: FormReader | None,
    *,
    status_code: int = 200,
    notice: str | None = None,
) -> Response:
    name, config = _settings(request, organisation_id)
    lang = language(request)
    secret = secret_key(request.app.state.settings)
    return render(
        request,
        "signals/public_form.html",
        {
            "organisation": name,
            "organisation_id": organisation_id,
            "categories": [(c.code, c.label(lang)) for c in config.categories],
            "client_groups": [(g, g) for g in config.client_groups],
            "disruption": config.disruption_text(lang),
            "stamp": make_stamp(secret, _now(request).timestamp()),
            "honeypot": HONEYPOT,
            "form": form.values if form else {},
            "errors": form.errors if form else {},
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/signal/{organisation_id}")
def form_page(request: Request, organisation_id: int) -> Response:
    """The public form to report a complaint, wish, compliment …"""
    return _form_page(request, organisation_id, None)


@router.post("/signal/{organisation_id}")
async def submit(request: Request, organisation_id: int) -> Response:
    """File a signal from the public form (see the module docstring)."""
    _ = gettext_for(request)
    name, config = _settings(request, organisation_id)
    data = await request.form()
    if str(data.get(HONEYPOT) or "").strip():
        raise HTTPException(status_code=400)
    form = FormReader(data, gettext=_)
    values: dict[str, Any] = {field: form.text(field) for field in PUBLIC_FIELDS}
    if config.client_groups and values["client_group"] not in config.client_groups:
        form.error("client_group", _("Choose one of the options."))
    secret = secret_key(request.app.state.settings)
    rules: IntakeRules = getattr(request.app.state, "intake_rules", IntakeRules())
    stamp_problem = check_stamp(
        secret, str(data.get("stamp") or ""), _now(request).timestamp(), rules
    )
    if stamp_problem is not None:
        notice = {
            "too_fast": _("That was very fast. Please check your entries and send the form again."),
            "expired": _("The form was open too long. Please send it again."),
        }.get(stamp_problem, _("Please send the form again."))
        return _form_page(request, organisation_id, form, status_code=422, notice=notice)
    if not form.ok:
        return _form_page(request, organisation_id, form, status_code=422)
    client = request.client.host if request.client else "unknown"
    lang = language(request)
    try:
        with unit_of_work(engine(request)) as session:
            registered = file_public_signal(
                session,
                organisation_id,
                values,
                address_hash=address_key(secret, client),
                now=_now(request),
                language=lang,
                rules=rules,
            )
            token = registered.status_token
            referred = registered.signal.status == "referred"
            signal_id = registered.signal.id
    except RateLimited:
        raise HTTPException(status_code=429) from None
    except InvalidInput as exc:
        form.add_problems(exc.problems, signal_messages(request))
        return _form_page(request, organisation_id, form, status_code=422)
    # The unit of work has committed: only now is the client told the signal is filed.
    link = str(request.url_for("signal_status", token=token))
    return render(
        request,
        "signals/public_thanks.html",
        {
            "organisation": name,
            "link": link,
            "reference": signal_id,
            "referred": referred,
            "disruption": config.disruption_text(lang),
        },
        status_code=201,
    )


@router.get("/signal-status/{token}", name="signal_status")
def status_page(request: Request, token: str) -> Response:
    """The client's view of their one signal (nothing else: no names, no notes)."""
    lang = language(request)
    with unit_of_work(engine(request)) as session:
        status = signal_service.public_status(session, token, lang=lang)
    if status is None:
        raise HTTPException(status_code=404)
    return render(
        request,
        "signals/public_status.html",
        {"status": status, "statuses": status_labels(request)},
    )
