"""Instruments: the built-in library and the organisations' own versions.

- ``/instruments``: both lists;
- ``/instruments/builtin/{id}`` and ``/instruments/versions/{version_id}``: a read-only
  preview as respondents will see it (:func:`gapsight.instruments.render.render`), in
  Dutch or English, with ``{org}``/``{sector}`` filled in from a chosen organisation;
- ``…/adapt``: copy and adapt into a new version (:func:`gapsight.instruments.adapt`):
  new id or next version, title, 5- or 7-point agreement scales, items removed, item
  texts reworded. The result is validated like any instrument and stored with
  :func:`gapsight.services.instruments.store_adaptation`; invalid results show the
  catalogue problems and store nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from gapsight.instruments import Instrument, InstrumentError, adapt, builtin_ids, load_builtin
from gapsight.instruments.render import render as render_instrument
from gapsight.services import instruments as instrument_service
from gapsight.store.database import unit_of_work
from gapsight.store.models import Organisation
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.forms import FormReader
from gapsight.web.i18n import gettext_for, language
from gapsight.web.routes import html_router, visible_organisations
from gapsight.web.templating import flash, render

router = html_router()
viewer = require("viewer")
coordinator = require("coordinator")


def _source(
    session: Session, user: CurrentUser, kind: str, key: str
) -> tuple[Instrument, int | None]:
    """The instrument behind a URL and its owner (``None`` = built-in); 404 if none."""
    if kind == "builtin":
        if key not in builtin_ids():
            raise HTTPException(status_code=404)
        return load_builtin(key), None
    if not key.isdigit():
        raise HTTPException(status_code=404)
    try:
        row = instrument_service.get_version(session, int(key))
    except KeyError:
        raise HTTPException(status_code=404) from None
    if row.organisation_id is None:
        return instrument_service.as_instrument(row), None
    check_organisation(user, row.organisation_id)
    return instrument_service.as_instrument(row), row.organisation_id


@router.get("/instruments")
def list_page(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """Built-in instruments and the organisations' own versions."""
    lang = language(request)
    builtins = [load_builtin(i) for i in builtin_ids()]
    with unit_of_work(engine(request)) as session:
        own = instrument_service.list_versions(session, organisation_id=user.scope)
        names = {o.id: o.name for o in visible_organisations(session, user)}
        rows = []
        for row in own:
            ins = instrument_service.as_instrument(row)
            rows.append(
                {
                    "id": row.id,
                    "ref": row.ref,
                    "title": ins.text(ins.title, lang),
                    "organisation": names.get(row.organisation_id or 0, ""),
                    "derived_from": ins.derived_from,
                }
            )
    return render(
        request,
        "instruments/list.html",
        {
            "builtins": [
                {"id": b.id, "ref": b.ref, "title": b.text(b.title, lang), "variant": b.variant}
                for b in builtins
            ],
            "own": rows,
        },
    )


def _preview(request: Request, user: CurrentUser, kind: str, key: str) -> Response:
    with unit_of_work(engine(request)) as session:
        instrument, owner = _source(session, user, kind, key)
        orgs = visible_organisations(session, user)
    wanted = request.query_params.get("language", language(request))
    preview_lang = wanted if wanted in instrument.languages else instrument.languages[0]
    chosen: Organisation | None = None
    org_param = request.query_params.get("organisation", "")
    candidates = [o for o in orgs if owner is None or o.id == owner]
    if org_param.isdigit():
        chosen = next((o for o in candidates if o.id == int(org_param)), None)
    elif candidates:
        chosen = candidates[0]
    doc = render_instrument(
        instrument,
        preview_lang,
        org=chosen.name if chosen else None,
        sector=chosen.sector if chosen else None,
    )
    return render(
        request,
        "instruments/preview.html",
        {
            "doc": doc,
            "kind": kind,
            "key": key,
            "organisations": candidates,
            "chosen": chosen,
            "preview_languages": instrument.languages,
            "preview_lang": preview_lang,
        },
    )


@router.get("/instruments/builtin/{instrument_id}")
def preview_builtin(
    request: Request, instrument_id: str, user: CurrentUser = Depends(viewer)
) -> Response:
    """A built-in instrument as respondents will see it."""
    return _preview(request, user, "builtin", instrument_id)


@router.get("/instruments/versions/{version_id}")
def preview_version(
    request: Request, version_id: str, user: CurrentUser = Depends(viewer)
) -> Response:
    """An organisation's instrument version as respondents will see it."""
    return _preview(request, user, "versions", version_id)


def _items(instrument: Instrument) -> list[dict[str, Any]]:
    return [
        {
            "code": item.code,
            "section": instrument.text(section.title, instrument.languages[0]),
            "texts": {lang: item.text.get(lang, "") for lang in instrument.languages},
        }
        for section in instrument.sections
        for item in section.items
    ]


def _adapt_page(
    request: Request,
    user: CurrentUser,
    kind: str,
    key: str,
    form: FormReader | None = None,
    problems: list[str] | None = None,
) -> Response:
    with unit_of_work(engine(request)) as session:
        instrument, owner = _source(session, user, kind, key)
        orgs = [o for o in visible_organisations(session, user) if owner in (None, o.id)]
    values: dict[str, Any] = (
        form.values
        if form
        else {f"title_{lang}": instrument.title.get(lang, "") for lang in instrument.languages}
    )
    failed = bool(problems) or (form is not None and not form.ok)
    return render(
        request,
        "instruments/adapt.html",
        {
            "instrument": instrument,
            "items": _items(instrument),
            "kind": kind,
            "key": key,
            "organisations": orgs,
            "form": values,
            "errors": form.errors if form else {},
            "problems": problems or [],
            "removed": set(form.values.get("remove", [])) if form else set(),
        },
        status_code=422 if failed else 200,
    )


@router.get("/instruments/{kind}/{key}/adapt")
def adapt_page(
    request: Request, kind: str, key: str, user: CurrentUser = Depends(coordinator)
) -> Response:
    """The copy-and-adapt form."""
    if kind not in ("builtin", "versions"):
        raise HTTPException(status_code=404)
    return _adapt_page(request, user, kind, key)


@router.post("/instruments/{kind}/{key}/adapt")
async def adapt_submit(
    request: Request, kind: str, key: str, user: CurrentUser = Depends(coordinator)
) -> Response:
    """Adapt the instrument and store the result as a new version."""
    if kind not in ("builtin", "versions"):
        raise HTTPException(status_code=404)
    _ = gettext_for(request)
    data = await request.form()
    form = FormReader(data, gettext=_)
    with unit_of_work(engine(request)) as session:
        instrument, owner = _source(session, user, kind, key)
        allowed = [o.id for o in visible_organisations(session, user) if owner in (None, o.id)]
    org_id = form.integer("organisation_id", required=True)
    if org_id is not None and org_id not in allowed:
        form.error("organisation_id", _("Choose one of the options."))
    new_id = form.text("instrument_id")
    points = form.choice("agreement_points", ("", "5", "7"), default="")
    titles = {lang: form.text(f"title_{lang}") for lang in instrument.languages}
    remove = [str(c) for c in data.getlist("remove")]
    form.values["remove"] = remove
    texts: dict[str, dict[str, str]] = {}
    for item in (it for sec in instrument.sections for it in sec.items):
        for lang in instrument.languages:
            text = form.text(f"text_{item.code}_{lang}")
            if text and text != item.text.get(lang, ""):
                texts.setdefault(item.code, {})[lang] = text
    if not form.ok:
        return _adapt_page(request, user, kind, key, form)
    title = {lang: t for lang, t in titles.items() if t} or None
    try:
        adapted = adapt(
            instrument,
            instrument_id=new_id or None,
            title=title,
            texts=texts,
            agreement_points=int(points) if points else None,
            remove=[c for c in remove if c in {i["code"] for i in _items(instrument)}],
        )
    except InstrumentError as exc:
        return _adapt_page(request, user, kind, key, form, [str(p) for p in exc.problems])
    except (KeyError, ValueError) as exc:
        return _adapt_page(request, user, kind, key, form, [str(exc)])
    if org_id is None:  # checked above; keeps the type checker informed
        return _adapt_page(request, user, kind, key, form)
    with unit_of_work(engine(request)) as session:
        try:
            row = instrument_service.store_adaptation(session, adapted, organisation_id=org_id)
        except (InstrumentError, ValueError) as exc:
            problems = [str(p) for p in getattr(exc, "problems", [])] or [str(exc)]
            return _adapt_page(request, user, kind, key, form, problems)
        version_id, ref = row.id, row.ref
    flash(request, _("Stored as %(ref)s.") % {"ref": ref})
    return RedirectResponse(f"/instruments/versions/{version_id}", status_code=303)
