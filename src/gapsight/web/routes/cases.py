"""Cases of the closed loop: the list with filters, a case with its history, the steps
(forwarded, followed up, closed), notes, bulk reassignment, and a study's flag rules.

Who may do what (roles of :mod:`gapsight.web.deps`):

- every signed-in user of the organisation sees the list and each case's status,
  clocks and history;
- the respondent's name, contact details and answers are shown only to coordinators
  and admins, and to the case's **owner** (the person the flag was sent to, who has
  them in the e-mail already); others see "hidden";
- steps and notes: coordinators, admins and the owner; bulk reassignment and the flag
  rules: coordinators and admins.

Mirror waves get ``/studies/<id>/mirror-plan``: the items whose mirror gap exceeds the
threshold against a customer wave, turned into a PDCA action plan by coordinators
(:mod:`gapsight.services.mirror_plans`, criterion P4.mirror_plan).

Handlers parse the form, call one function of :mod:`gapsight.services.cases`, and map
its :class:`~gapsight.domain.problems.InvalidInput` to a message on the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from gapsight.domain.cases import CASE_STATUSES
from gapsight.domain.flags import FlagRules
from gapsight.domain.problems import InvalidInput
from gapsight.services import cases as case_service
from gapsight.services import mirror_plans
from gapsight.services import organisations as organisation_service
from gapsight.services import studies as study_service
from gapsight.store.database import unit_of_work
from gapsight.store.models import Case, Study
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.i18n import gettext_for, language
from gapsight.web.routes import html_router
from gapsight.web.templating import flash, render

router = html_router()
viewer = require("viewer")
coordinator = require("coordinator")
AMS = ZoneInfo("Europe/Amsterdam")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _local(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(AMS).strftime("%Y-%m-%d %H:%M")


def may_see_respondent(user: CurrentUser, case: Case) -> bool:
    """Coordinators and admins, and the case's owner."""
    return user.can("coordinator") or (case.owner or "") == user.email.lower()


def _case(session: Session, user: CurrentUser, case_id: int) -> Case:
    try:
        case = case_service.get_case(session, case_id)
    except KeyError:
        raise HTTPException(status_code=404) from None
    check_organisation(user, case.organisation_id)
    return case


def _messages(request: Request) -> dict[str, str]:
    _ = gettext_for(request)
    return {
        "contact_required": _("Enter the customer's contact person the case was forwarded to."),
        "outcome_required": _("Describe the outcome of the follow-up."),
        "reason_required": _("Give the reason for closing a case that was not followed up."),
        "transition": _("This step is not possible in the case's current status."),
        "status_unknown": _("Choose one of the options."),
        "email": _("Enter an e-mail address such as name@example.org."),
        "required": _("Fill in this field."),
    }


@router.get("/cases")
def list_page(request: Request, user: CurrentUser = Depends(viewer)) -> Response:
    """The cases of the user's organisation(s), filtered by study, status, owner,
    segment and overdue."""
    q = request.query_params
    filters: dict[str, Any] = {
        "study": q.get("study", ""),
        "status": q.get("status", ""),
        "owner": q.get("owner", ""),
        "segment": q.get("segment", ""),
        "overdue": q.get("overdue", "") == "1",
    }
    study_id = int(filters["study"]) if filters["study"].isdigit() else None
    status = filters["status"] if filters["status"] in CASE_STATUSES else None
    now = _now()
    with unit_of_work(engine(request)) as session:
        everything = case_service.list_cases(session, organisation_id=user.scope)
        rows = case_service.list_cases(
            session,
            organisation_id=user.scope,
            study_id=study_id,
            status=status,
            owner=filters["owner"] or None,
            segment=filters["segment"] or None,
            overdue=filters["overdue"],
            now=now,
        )
        study_rows = study_service.list_studies(session, organisation_id=user.scope)
        names = {s.id: s.name for s in study_rows}
        shown = []
        for case in rows:
            clocks = case_service.clocks_of(session, case)
            states = {name: clock.state(now).value for name, clock in clocks.items()}
            shown.append(
                {
                    "id": case.id,
                    "study": names.get(case.study_id, str(case.study_id)),
                    "flagged": _local(case.flagged_at),
                    "kind": case.kind,
                    "status": case.status,
                    "owner": case.owner or "",
                    "segment": case.segment or "",
                    "respondent": (case.respondent_name or case.respondent_email or "")
                    if may_see_respondent(user, case)
                    else None,
                    "overdue": case.status != "closed" and "overdue" in states.values(),
                }
            )
    context = {
        "cases": shown,
        "filters": filters,
        "studies": [{"id": s.id, "name": s.name} for s in study_rows],
        "statuses": CASE_STATUSES,
        "owners": sorted({c.owner for c in everything if c.owner}),
        "segments": sorted({c.segment for c in everything if c.segment}),
    }
    return render(request, "cases/list.html", context)


@router.get("/cases/{case_id}")
def show(request: Request, case_id: int, user: CurrentUser = Depends(viewer)) -> Response:
    """One case: respondent (when allowed), flagged answers, clocks, full history."""
    return _show(request, user, case_id)


def _show(
    request: Request,
    user: CurrentUser,
    case_id: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    now = _now()
    lang = language(request)
    with unit_of_work(engine(request)) as session:
        case = _case(session, user, case_id)
        study = session.get(Study, case.study_id)
        allowed = may_see_respondent(user, case)
        clocks = [
            {
                "name": name,
                "due": clock.due_date.isoformat(),
                "state": clock.state(now).value,
                "met": _local(clock.met_at),
            }
            for name, clock in case_service.clocks_of(session, case).items()
        ]
        history = [
            {"at": _local(e.at), "by": e.by, "kind": e.kind, "what": e.what}
            for e in case_service.events_of(session, case.id)
        ]
        answers = case_service.answers_of(session, case, lang=lang) if allowed else []
        context = {
            "case": {
                "id": case.id,
                "kind": case.kind,
                "status": case.status,
                "owner": case.owner or "",
                "segment": case.segment or "",
                "contact_person": case.contact_person or "",
                "outcome": case.outcome or "",
                "flagged": _local(case.flagged_at),
                "study_id": case.study_id,
                "study": study.name if study is not None else "",
                "name": case.respondent_name or "",
                "email": case.respondent_email or "",
                "key": case.respondent_key or "",
            },
            "hits": [h.as_json() for h in case_service.hits_of(case)] if allowed else [],
            "allowed": allowed,
            "may_act": allowed,
            "clocks": clocks,
            "history": history,
            "answers": answers,
            "errors": errors or {},
            "form": form or {},
        }
    return render(request, "cases/show.html", context, status_code=status_code)


@router.post("/cases/{case_id}/status")
async def change_status(
    request: Request, case_id: int, user: CurrentUser = Depends(viewer)
) -> Response:
    """Record a step: forwarded (with the contact person), followed up (with the
    outcome) or closed."""
    data = await request.form()
    form = {k: str(data.get(k, "")).strip() for k in ("status", "contact_person", "note")}
    with unit_of_work(engine(request)) as session:
        case = _case(session, user, case_id)
        if not may_see_respondent(user, case):
            raise HTTPException(status_code=403)
        try:
            case_service.change_status(
                session,
                case_id,
                form["status"],
                by=user.email,
                at=_now(),
                contact_person=form["contact_person"] or None,
                note=form["note"] or None,
            )
        except InvalidInput as exc:
            messages = _messages(request)
            errors = {p.field: messages.get(p.code, p.message) for p in exc.problems}
            session.rollback()
            failed = True
        else:
            failed = False
    if failed:
        return _show(request, user, case_id, errors=errors, form=form, status_code=422)
    flash(request, gettext_for(request)("The case was updated."))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/note")
async def add_note(request: Request, case_id: int, user: CurrentUser = Depends(viewer)) -> Response:
    """Add a note to the case's history."""
    data = await request.form()
    note = str(data.get("note", "")).strip()
    with unit_of_work(engine(request)) as session:
        case = _case(session, user, case_id)
        if not may_see_respondent(user, case):
            raise HTTPException(status_code=403)
        if note:
            case_service.add_note(session, case_id, by=user.email, at=_now(), note=note)
    if not note:
        errors = {"note": gettext_for(request)("Fill in this field.")}
        return _show(request, user, case_id, errors=errors, status_code=422)
    flash(request, gettext_for(request)("The note was added."))
    return RedirectResponse(f"/cases/{case_id}#history", status_code=303)


@router.post("/cases/reassign")
async def reassign(request: Request, user: CurrentUser = Depends(coordinator)) -> Response:
    """Give the ticked cases a new owner (all or nothing)."""
    _ = gettext_for(request)
    data = await request.form()
    ids = [int(v) for v in data.getlist("case") if isinstance(v, str) and v.isdigit()]
    owner = str(data.get("owner", "")).strip()
    back = str(data.get("back", "/cases"))
    if not back.startswith("/cases"):
        back = "/cases"
    if not ids:
        flash(request, _("Tick the cases to reassign."))
        return RedirectResponse(back, status_code=303)
    with unit_of_work(engine(request)) as session:
        for case_id in ids:
            _case(session, user, case_id)
        try:
            changed = case_service.reassign(session, ids, owner, by=user.email, at=_now())
        except InvalidInput:
            session.rollback()
            changed = -1
    if changed < 0:
        flash(request, _("Enter an e-mail address such as name@example.org."))
    else:
        flash(request, _("%(n)s cases reassigned.") % {"n": changed})
    return RedirectResponse(back, status_code=303)


def _rules_form(rules: FlagRules) -> dict[str, str]:
    """The form fields showing ``rules``."""
    form = {
        "nps": "",
        "code": "cvs_recommend",
        "promoter_min": "9",
        "promoter_max": "10",
        "detractor_min": "0",
        "detractor_max": "6",
        "grade": "",
        "grade_max": "5",
        "gap": "",
        "gap_threshold": "2",
    }

    def num(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    for rule in rules.rules:
        if rule.kind == "score":
            form["nps"] = "1"
            form["code"] = rule.code or ""
            form[f"{rule.label}_min"] = num(rule.min)
            form[f"{rule.label}_max"] = num(rule.max)
        elif rule.kind == "grade":
            form["grade"], form["grade_max"] = "1", num(rule.max)
        else:
            form["gap"], form["gap_threshold"] = "1", num(rule.threshold)
    r = rules.recipients
    form["characteristic"] = r.characteristic or ""
    form["by_value"] = "\n".join(f"{k} = {', '.join(v)}" for k, v in r.by_value.items())
    form["fallback"] = "\n".join(r.fallback)
    return form


def _number(text: str) -> float | str | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # reported by the rules check as "must be a number"


def _rules_json(form: dict[str, str]) -> dict[str, Any]:
    """The JSON of :meth:`FlagRules.from_json` from the form fields."""
    rules: list[dict[str, Any]] = []
    if form.get("nps"):
        for label in ("promoter", "detractor"):
            lo, hi = _number(form.get(f"{label}_min", "")), _number(form.get(f"{label}_max", ""))
            if lo is None and hi is None:
                continue
            rules.append(
                {
                    "kind": "score",
                    "code": form.get("code", ""),
                    "label": label,
                    "min": lo,
                    "max": hi,
                }
            )
    if form.get("grade"):
        limit = _number(form.get("grade_max", ""))
        rules.append({"kind": "grade", "max": 5.0 if limit is None else limit})
    if form.get("gap"):
        threshold = _number(form.get("gap_threshold", ""))
        rules.append({"kind": "servqual_gap", "threshold": 2.0 if threshold is None else threshold})
    by_value: dict[str, list[str]] = {}
    for line in form.get("by_value", "").splitlines():
        value, _sep, addresses = line.partition("=")
        if value.strip():
            by_value[value.strip()] = [a.strip() for a in addresses.split(",") if a.strip()]
    fallback = [a.strip() for a in form.get("fallback", "").replace(",", "\n").splitlines()]
    return {
        "rules": rules,
        "recipients": {
            "characteristic": form.get("characteristic", "").strip() or None,
            "by_value": by_value,
            "fallback": [a for a in fallback if a],
        },
    }


def _flags_page(
    request: Request,
    user: CurrentUser,
    study_id: int,
    *,
    form: dict[str, str] | None = None,
    problems: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    with unit_of_work(engine(request)) as session:
        study = session.get(Study, study_id)
        if study is None:
            raise HTTPException(status_code=404)
        check_organisation(user, study.organisation_id)
        rules = case_service.flag_rules_of(study)
        metrics = case_service.loop_metrics(session, study_id=study_id, now=_now())
        n_cases = len(list(session.scalars(select(Case.id).where(Case.study_id == study_id))))
        context = {
            "study": {"id": study.id, "name": study.name, "status": study.status},
            "rules": [r.describe() for r in rules.rules],
            "recipients": rules.recipients,
            "metrics": metrics,
            "n_cases": n_cases,
            "editable": study.status == "draft" and user.can("coordinator"),
            "unrouted": bool(rules.rules)
            and not rules.recipients.fallback
            and not case_service.settings_for(
                organisation_service.get_organisation(session, study.organisation_id)
            ).coordinator_email,
            "form": form or _rules_form(rules),
            "problems": problems or [],
        }
    return render(request, "cases/flags.html", context, status_code=status_code)


@router.get("/studies/{study_id}/flags")
def flag_rules(request: Request, study_id: int, user: CurrentUser = Depends(viewer)) -> Response:
    """A study's flag rules and recipients (set before fieldwork) and its loop metrics."""
    return _flags_page(request, user, study_id)


_FIELDS = (
    "nps",
    "code",
    "promoter_min",
    "promoter_max",
    "detractor_min",
    "detractor_max",
    "grade",
    "grade_max",
    "gap",
    "gap_threshold",
    "characteristic",
    "by_value",
    "fallback",
)


@router.post("/studies/{study_id}/flags")
async def save_flag_rules(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """Store the flag rules of a draft study (409 once fieldwork started)."""
    _ = gettext_for(request)
    data = await request.form()
    form = {k: str(data.get(k, "")) for k in _FIELDS}
    with unit_of_work(engine(request)) as session:
        study = session.get(Study, study_id)
        if study is None:
            raise HTTPException(status_code=404)
        check_organisation(user, study.organisation_id)
        if study.status != "draft":
            raise HTTPException(status_code=409)
        try:
            case_service.set_flag_rules(session, study_id, _rules_json(form))
        except InvalidInput as exc:
            session.rollback()
            problems = [f"{p.field}: {p.message}" for p in exc.problems]
        else:
            problems = []
    if problems:
        return _flags_page(request, user, study_id, form=form, problems=problems, status_code=422)
    flash(request, _("The flag rules were saved."))
    return RedirectResponse(f"/studies/{study_id}/flags", status_code=303)


# -- mirror-discrepancy action plans (P4.mirror_plan) ------------------------------------


def _mirror_page(
    request: Request,
    user: CurrentUser,
    study_id: int,
    customer_id: int | None,
    *,
    form: dict[str, Any] | None = None,
    problems: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    _ = gettext_for(request)
    lang = language(request)
    with unit_of_work(engine(request)) as session:
        mirror = session.get(Study, study_id)
        if mirror is None:
            raise HTTPException(status_code=404)
        check_organisation(user, mirror.organisation_id)
        if mirror.kind != "mirror":
            raise HTTPException(status_code=404)
        customers: list[dict[str, Any]] = [
            {"id": s.id, "name": s.name}
            for s in study_service.list_studies(session, organisation_id=mirror.organisation_id)
            if s.kind == "customer"
        ]
        if customer_id is None and customers:
            customer_id = customers[-1]["id"]
        found: list[Any] = []
        note = None
        if customer_id is not None and any(c["id"] == customer_id for c in customers):
            try:
                found = mirror_plans.discrepancies(
                    session, customer_wave_id=customer_id, mirror_wave_id=study_id, lang=lang
                )
            except (ValueError, InvalidInput) as exc:
                note = str(exc)
        elif customer_id is not None:
            raise HTTPException(status_code=404)
        plans = [
            {
                "id": a.id,
                "title": a.title,
                "owner": a.owner or "",
                "due": a.due.isoformat() if a.due else "",
                "status": a.status,
                "plan": a.plan or "",
                "codes": [str(c.get("reference", "")).rsplit(":", 1)[-1] for c in a.causes or []],
            }
            for a in mirror_plans.plans_for(session, mirror.organisation_id)
            if any(f"/mirror:{study_id}/" in str(c.get("reference", "")) for c in a.causes or [])
        ]
        context = {
            "study": {"id": mirror.id, "name": mirror.name},
            "customers": customers,
            "customer_id": customer_id,
            "discrepancies": found,
            "note": note,
            "plans": plans,
            "form": form or {},
            "problems": problems or [],
        }
    return render(request, "cases/mirror.html", context, status_code=status_code)


@router.get("/studies/{study_id}/mirror-plan")
def mirror_plan(request: Request, study_id: int, user: CurrentUser = Depends(viewer)) -> Response:
    """A mirror wave's discrepancies with a customer wave, and the action plans made
    of them."""
    raw = request.query_params.get("customer", "")
    return _mirror_page(request, user, study_id, int(raw) if raw.isdigit() else None)


@router.post("/studies/{study_id}/mirror-plan")
async def create_mirror_plan(
    request: Request, study_id: int, user: CurrentUser = Depends(coordinator)
) -> Response:
    """Turn the ticked discrepancies into an action plan (owner, actions, due date)."""
    _ = gettext_for(request)
    data = await request.form()
    raw_customer = str(data.get("customer", ""))
    customer_id = int(raw_customer) if raw_customer.isdigit() else None
    form: dict[str, Any] = {
        "items": [str(v) for v in data.getlist("item")],
        "owner": str(data.get("owner", "")).strip(),
        "actions": str(data.get("actions", "")),
        "due": str(data.get("due", "")).strip(),
    }
    problems: list[str] = []
    due: dt.date | None = None
    try:
        due = dt.date.fromisoformat(form["due"])
    except ValueError:
        problems.append(_("Enter a date as YYYY-MM-DD."))
    if customer_id is None:
        problems.append(_("Choose one of the options."))
    if not problems:
        assert due is not None and customer_id is not None
        with unit_of_work(engine(request)) as session:
            mirror = session.get(Study, study_id)
            if mirror is None:
                raise HTTPException(status_code=404)
            check_organisation(user, mirror.organisation_id)
            try:
                mirror_plans.create_plan(
                    session,
                    customer_wave_id=customer_id,
                    mirror_wave_id=study_id,
                    codes=form["items"],
                    owner=form["owner"],
                    actions=form["actions"].splitlines(),
                    due=due,
                    now=_now(),
                )
            except (InvalidInput, KeyError, ValueError) as exc:
                session.rollback()
                messages = {
                    "codes_required": _("Tick at least one item."),
                    "not_discrepancy": _(
                        "Only items whose gap exceeds the threshold can be chosen."
                    ),
                    "actions_required": _("Name at least one action, one per line."),
                    "owner_required": _("Enter who owns the plan."),
                }
                if isinstance(exc, InvalidInput):
                    problems = [messages.get(p.code, p.message) for p in exc.problems]
                else:
                    problems = [str(exc)]
    if problems:
        return _mirror_page(
            request, user, study_id, customer_id, form=form, problems=problems, status_code=422
        )
    flash(request, _("The action plan was created."))
    return RedirectResponse(
        f"/studies/{study_id}/mirror-plan?customer={customer_id}", status_code=303
    )
