"""Studies: list, create (from an instrument), show, sample upload, launch and close.

Creating a study takes two steps so the form needs no JavaScript: first the
organisation and the instrument (``GET /studies/new``), then every setting, including
the instrument's optional modules (``GET /studies/new?organisation=…&instrument=…``).
Values that are not numbers or dates are reported by the form reader; the rules
(minimum group size 3–10, employee surveys anonymous …) by the studies service, via
:func:`gapsight.domain.studies.check_settings`. Either way every message is shown next
to its field and in a summary at the top, and nothing is stored.

The sample upload runs the import service (the same reader and checks as
``gapsight data import-sample``): a rejected file shows the first problems (capped,
with the total) and stores nothing. Launching moves the study to fieldwork; closing
asks for confirmation first.

The **open link** of an anonymous study (``anonymous`` or ``choice``;
:mod:`gapsight.services.links`) is switched on and off on the study page
(``POST /studies/<id>/open-link`` with ``action=on|off``); while on, the page shows
the address to publish (``<public url>/o/<public id>``). Identified studies get no
such button, and a forged request for one is answered 409.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from gapsight.domain.studies import STUDY_KINDS, InvalidStudy, check_settings
from gapsight.instruments import builtin_ids, load_builtin
from gapsight.io import FORMATS, ImportRejected
from gapsight.services import imports as import_service
from gapsight.services import instruments as instrument_service
from gapsight.services import links as link_service
from gapsight.services import organisations as organisation_service
from gapsight.services import studies as study_service
from gapsight.services.characteristics import types_of
from gapsight.store.database import unit_of_work
from gapsight.store.models import Study
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.forms import FormReader
from gapsight.web.i18n import gettext_for, language
from gapsight.web.routes import html_router, visible_organisations
from gapsight.web.templating import flash, render

router = html_router()
viewer = require("viewer")
coordinator = require("coordinator")

MAX_PROBLEMS_SHOWN = 20
"""Problems of a rejected file listed on the page (the total is always given)."""
_UPLOAD_CHUNK = 1024 * 1024


def _problem_messages(request: Request) -> dict[str, str]:
    _ = gettext_for(request)
    return {
        "name_empty": _("Enter a name for the study."),
        "kind_unknown": _("Choose one of the options."),
        "anonymity_unknown": _("Choose one of the options."),
        "employee_anonymous": _(
            "Employee surveys are always anonymous: choose “anonymous” for this study."
        ),
        "min_group_size_range": _("Enter a minimum group size from 3 to 10."),
        "confidence_range": _("Choose one of the options."),
        "population_negative": _("Enter a population size of 0 or more."),
        "field_period_order": _("The field period cannot end before it starts."),
        "reminder_day_range": _("Reminders go out 1 to 90 days after the invitation."),
        "reminder_day_repeated": _("Enter each reminder day only once."),
        "reminder_too_many": _("Plan at most 5 reminders."),
        "flag_recipient_invalid": _(
            "Enter e-mail addresses such as name@example.org, one per line."
        ),
    }


def _study(session: Session, user: CurrentUser, study_id: int) -> Study:
    try:
        study = study_service.get_study(session, study_id)
    except KeyError:
        raise HTTPException(status_code=404) from None
    check_organisation(user, study.organisation_id)
    return study


def _instrument_choices(session: Session, user: CurrentUser, lang: str) -> list[dict[str, str]]:
    """Built-in instruments (by id) and the organisations' own versions (by ref)."""
    choices = []
    for iid in builtin_ids():
        ins = load_builtin(iid)
        choices.append({"value": iid, "label": f"{ins.text(ins.title, lang)} ({ins.ref})"})
    for row in instrument_service.list_versions(session, organisation_id=user.scope):
        ins = instrument_service.as_instrument(row)
        choices.append({"value": f"v{row.id}", "label": f"{ins.text(ins.title, lang)} ({row.ref})"})
    return choices


@router.get("/studies")
def list_page(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """The studies of the user's organisation(s)."""
    with unit_of_work(engine(request)) as session:
        rows = study_service.list_studies(session, organisation_id=user.scope)
        names = {o.id: o.name for o in visible_organisations(session, user)}
        studies = [study_service.info(s) for s in rows]
    return render(request, "studies/list.html", {"studies": studies, "org_names": names})


def _resolve_choice(session: Session, value: str, organisation_id: int) -> int | None:
    """The instrument version id of a form choice (``servqual22`` or ``v12``)."""
    if value.startswith("v") and value[1:].isdigit():
        try:
            row = instrument_service.get_version(session, int(value[1:]))
        except KeyError:
            return None
        return row.id if row.organisation_id in (None, organisation_id) else None
    if value in builtin_ids():
        return instrument_service.resolve(session, value).id
    return None


def _new_page(
    request: Request,
    user: CurrentUser,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    lang = language(request)
    with unit_of_work(engine(request)) as session:
        orgs = visible_organisations(session, user)
        choices = _instrument_choices(session, user, lang)
        org_raw, ins_raw = str(values.get("organisation", "")), str(values.get("instrument", ""))
        org_id = int(org_raw) if org_raw.isdigit() else None
        step2 = org_id in {o.id for o in orgs} and ins_raw in {c["value"] for c in choices}
        modules: dict[str, bool] = {}
        previous: list[Any] = []
        instrument_label = ""
        if step2 and org_id is not None:
            version_id = _resolve_choice(session, ins_raw, org_id)
            if version_id is None:
                step2 = False
            else:
                ins = instrument_service.instrument(session, version_id)
                modules = dict(ins.modules)
                # Defaults follow the instrument: its variant is the usual kind, and
                # employee questionnaires are anonymous.
                values.setdefault("kind", ins.variant if ins.variant in STUDY_KINDS else "customer")
                anonymous_only = ins.always_anonymous or values["kind"] == "employee"
                values.setdefault("anonymity_mode", "anonymous" if anonymous_only else "choice")
                instrument_label = f"{ins.text(ins.title, lang)} ({ins.ref})"
                previous = [
                    study_service.info(s)
                    for s in study_service.list_studies(session, organisation_id=org_id)
                ]
    return render(
        request,
        "studies/new.html",
        {
            "step2": step2,
            "organisations": orgs,
            "instruments": choices,
            "instrument_label": instrument_label,
            "modules": modules,
            "previous": previous,
            "form": values,
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


@router.get("/studies/new")
def new_page(request: Request, user: CurrentUser = Depends(coordinator)) -> Response:
    """Step 1: organisation and instrument; step 2: the study's settings."""
    values: dict[str, Any] = {
        "min_group_size": "5",
        "confidence_level": "0.95",
        **{k: v for k, v in request.query_params.items() if k in ("organisation", "instrument")},
    }
    return _new_page(request, user, values)


@router.post("/studies")
async def create(request: Request, user: CurrentUser = Depends(coordinator)) -> Response:
    """Create the study in status draft, or show the form again with the problems."""
    _ = gettext_for(request)
    data = await request.form()
    form = FormReader(data, gettext=_)
    org_id = form.integer("organisation", required=True)
    ins_choice = form.text("instrument", required=True)
    name = form.text("name")
    series = form.text("series")
    kind = form.text("kind")
    anonymity = form.text("anonymity_mode")
    min_n = form.integer("min_group_size", required=True)
    confidence = form.number("confidence_level")
    population = form.integer("population_size")
    start, end = form.date("field_start"), form.date("field_end")
    previous = form.integer("previous_wave_id")
    reminders = form.integers("reminder_days")
    recipients = form.lines("flag_recipients")
    chosen_modules = {str(m) for m in data.getlist("modules")}
    form.values["modules"] = sorted(chosen_modules)
    study_id: int | None = None
    with unit_of_work(engine(request)) as session:
        allowed = {o.id for o in visible_organisations(session, user)}
        if org_id is None or org_id not in allowed:
            raise HTTPException(status_code=422)
        version_id = _resolve_choice(session, ins_choice, org_id)
        if version_id is None:
            raise HTTPException(status_code=422)
        chosen = instrument_service.instrument(session, version_id)
        declared = chosen.modules
        forced = (kind == "employee" or chosen.always_anonymous) and anonymity != "anonymous"
        if forced:
            # Employees are always anonymous (certification.md P3.mto): no other choice.
            anonymity = "anonymous"
            form.values["anonymity_mode"] = anonymity
        if previous is not None and not any(
            s.id == previous for s in study_service.list_studies(session, organisation_id=org_id)
        ):
            form.error("previous_wave_id", _("Choose one of the options."))
        settings: dict[str, Any] = {
            "name": name,
            "kind": kind,
            "anonymity_mode": anonymity,
            "min_group_size": min_n if min_n is not None else 5,
            "confidence_level": confidence if confidence is not None else 0.95,
            "population_size": population,
            "field_start": start,
            "field_end": end,
            "reminder_days": reminders,
            "flag_recipients": recipients,
        }
        if not form.ok:
            # Report the rule problems too, so the user can fix everything at once.
            form.add_problems(check_settings(**settings), _problem_messages(request))
        else:
            try:
                study = study_service.create_study(
                    session,
                    organisation_id=org_id,
                    instrument=version_id,
                    series=series or None,
                    modules={m: m in chosen_modules for m in declared},
                    previous_wave_id=previous,
                    **settings,
                )
                study_id = study.id
            except InvalidStudy as exc:
                form.add_problems(exc.problems, _problem_messages(request))
    if study_id is None:
        return _new_page(request, user, form.values, form.errors)
    flash(request, _("Study created. Upload the sample, then launch fieldwork."))
    if forced:
        flash(request, _("Employee surveys are always anonymous, so this study is anonymous."))
    return RedirectResponse(f"/studies/{study_id}", status_code=303)


@router.get("/studies/{study_id}")
def show(request: Request, study_id: int, user: CurrentUser = Depends(viewer)) -> Response:
    """A study's settings and status, with the actions its status allows."""
    with unit_of_work(engine(request)) as session:
        study = _study(session, user, study_id)
        info = study_service.info(study)
        characteristics = types_of(study)
        org_name = organisation_service.get_organisation(session, study.organisation_id).name
        public = study.open_link
    settings = request.app.state.settings
    return render(
        request,
        "studies/show.html",
        {
            "study": info,
            "characteristics": characteristics,
            "organisation_name": org_name,
            "open_link_allowed": info.anonymity_mode != "identified",
            "open_link": f"{settings.public_url}/o/{public}" if public else None,
        },
    )


@router.post("/studies/{study_id}/open-link")
async def open_link(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """Switch the study's open link on (``action=on``) or off (``action=off``)."""
    _ = gettext_for(request)
    action = (await request.form()).get("action")
    if action not in ("on", "off"):
        raise HTTPException(status_code=400)
    with unit_of_work(engine(request)) as session:
        _study(session, user, study_id)
        if action == "off":
            link_service.disable_open_link(session, study_id)
        else:
            try:
                link_service.enable_open_link(session, study_id)
            except ValueError:
                raise HTTPException(status_code=409) from None
    flash(
        request,
        _("The open link is on: anyone with the address can answer, anonymously.")
        if action == "on"
        else _("The open link is off: its address no longer works."),
    )
    return RedirectResponse(f"/studies/{study_id}", status_code=303)


def _sample_page(
    request: Request,
    user: CurrentUser,
    study_id: int,
    *,
    problems: list[str] | None = None,
    total: int = 0,
    message: str | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    with unit_of_work(engine(request)) as session:
        info = study_service.info(_study(session, user, study_id))
    return render(
        request,
        "studies/sample.html",
        {
            "study": info,
            "problems": problems or [],
            "total": total,
            "message": message,
            "formats": FORMATS,
            "form": values or {},
        },
        status_code=422 if problems or message else 200,
    )


@router.get("/studies/{study_id}/sample")
def sample_page(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """The sample upload form."""
    return _sample_page(request, user, study_id)


async def _save(upload: UploadFile, directory: Path) -> Path:
    """Write an upload to ``directory`` keeping its suffix (the importers read files)."""
    suffix = Path(upload.filename or "").suffix.lower()
    target = directory / f"upload{suffix}"
    with target.open("wb") as fh:
        while chunk := await upload.read(_UPLOAD_CHUNK):
            fh.write(chunk)
    return target


@router.post("/studies/{study_id}/sample")
async def upload_sample(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """Import the uploaded sample; a rejected file stores nothing."""
    _ = gettext_for(request)
    data = await request.form()
    upload = data.get("file")
    mapping_upload = data.get("mapping")
    columns = str(data.get("characteristics") or "").strip()
    values = {"characteristics": columns}
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _sample_page(
            request, user, study_id, message=_("Choose a file to upload."), values=values
        )
    with unit_of_work(engine(request)) as session:
        _study(session, user, study_id)  # 404 before touching any file
    with tempfile.TemporaryDirectory(prefix="gapsight-upload-") as tmp:
        directory = Path(tmp)
        path = await _save(upload, directory)
        mapping_path: Path | None = None
        if isinstance(mapping_upload, UploadFile) and mapping_upload.filename:
            mapping_path = await _save(mapping_upload, directory / "m")
        elif columns:
            names = [c.strip() for c in columns.replace(";", ",").split(",") if c.strip()]
            mapping_path = directory / "mapping.yaml"
            mapping_path.write_text(
                yaml.safe_dump({"characteristics": {n: "string" for n in names}}),
                encoding="utf-8",
            )
        try:
            with unit_of_work(engine(request)) as session:
                result = import_service.import_sample(
                    session, study_id, path, mapping_path=mapping_path
                )
        except ImportRejected as exc:
            shown = [str(p) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
            return _sample_page(
                request, user, study_id, problems=shown, total=len(exc.problems), values=values
            )
        except (ValueError, FileNotFoundError) as exc:
            return _sample_page(request, user, study_id, message=str(exc), values=values)
    flash(
        request,
        _("%(n)s contacts added to the sample.") % {"n": result.rows},
    )
    return RedirectResponse(f"/studies/{study_id}", status_code=303)


def _move(request: Request, user: CurrentUser, study_id: int, status: str) -> Response:
    _ = gettext_for(request)
    with unit_of_work(engine(request)) as session:
        _study(session, user, study_id)
        try:
            study_service.set_status(session, study_id, status)
        except ValueError:
            raise HTTPException(status_code=409) from None
    flash(
        request,
        _("Fieldwork has started.") if status == "fieldwork" else _("Fieldwork is closed."),
    )
    return RedirectResponse(f"/studies/{study_id}", status_code=303)


@router.post("/studies/{study_id}/launch")
def launch(request: Request, study_id: int, user: CurrentUser = Depends(coordinator)) -> Response:
    """Start (or reopen) fieldwork."""
    return _move(request, user, study_id, "fieldwork")


@router.get("/studies/{study_id}/close")
def close_page(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """Ask for confirmation before closing fieldwork."""
    with unit_of_work(engine(request)) as session:
        info = study_service.info(_study(session, user, study_id))
    if info.status != "fieldwork":
        return RedirectResponse(f"/studies/{study_id}", status_code=303)
    return render(request, "studies/close.html", {"study": info})


@router.post("/studies/{study_id}/close")
def close(request: Request, study_id: int, user: CurrentUser = Depends(coordinator)) -> Response:
    """Close fieldwork (after the confirmation page)."""
    return _move(request, user, study_id, "closed")
