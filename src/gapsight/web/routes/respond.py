"""Respondent pages: the questionnaire behind a personal or open link.

Addresses (``<base>`` = ``/r/<token>`` for a personal link, ``/o/<public id>`` for an
open link):

- ``GET <base>``: the intro — organisation, what the questionnaire is about, the
  anonymity explanation and, for ``choice`` studies, the choice; "start" or
  "continue" posts ``<base>/start`` and goes to the first unanswered page;
- ``GET|POST <base>/p/<n>``: page *n*; a valid POST is saved and redirects (303) to the
  next page, an invalid one shows the page again (422) with an error summary;
- ``GET <base>/done``: the thank-you page.

The pages need no JavaScript and no login. They carry no CSRF token: a personal link
is itself the secret, and an open link's resume cookie is ``SameSite=Lax`` (a form
posted from another site does not carry it). Handlers only parse the request, call one
function of :mod:`gapsight.services.respondent` (reads in a worker thread; writes
through the group commit, awaited without a thread), and map its
outcome: :class:`~gapsight.services.respondent.LinkError` → its 404/410 page,
:class:`~gapsight.domain.questionnaire.TamperedForm` → 400; nothing is stored then.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from gapsight.domain.questionnaire import DONT_KNOW, Page, PageAnswers, TamperedForm, read_page
from gapsight.instruments.render import answers as scale_answers
from gapsight.services import respondent as service
from gapsight.services.respondent import Link, LinkError, Survey, Visit
from gapsight.web.deps import engine
from gapsight.web.i18n import LANGUAGES, gettext_for, language
from gapsight.web.templating import render

__all__ = ["RESUME_COOKIE", "router"]

router = APIRouter(include_in_schema=False)

RESUME_COOKIE = "gapsight_resume"
"""Cookie (scoped to ``/o/<public id>``) holding an open-link response's resume token."""
_CHOICE = "_anonymity"


# -- helpers ---------------------------------------------------------------------


def _personal(token: str) -> tuple[Link, str]:
    return Link("personal", token), f"/r/{token}"


def _open(request: Request, public: str) -> tuple[Link, str]:
    return Link("open", public, request.cookies.get(RESUME_COOKIE)), f"/o/{public}"


def _language(request: Request, survey: Survey) -> str:
    """The page language: an explicit choice, else the invitation's language."""
    session: dict[str, Any] = request.scope.get("session", {})
    asked = request.query_params.get("lang", "")
    if asked not in LANGUAGES and session.get("lang") not in LANGUAGES:
        request.state.language = survey.language
    lang = language(request)
    return lang if lang in survey.instrument.languages else survey.instrument.languages[0]


def _problem_page(request: Request, exc: LinkError | TamperedForm) -> Response:
    _ = gettext_for(request)
    if isinstance(exc, TamperedForm):
        status = 400
        title = _("The answers could not be processed")
        text = _(
            "The page sent answers it does not ask for, so nothing was stored. Your "
            "earlier answers are safe. Open the page again and answer once more."
        )
    else:
        status = exc.status
        title, text = {
            "complete": (
                _("Already completed"),
                _(
                    "This link has already been used to complete the questionnaire. "
                    "Thank you! Each link is for one set of answers."
                ),
            ),
            "closed": (
                _("The questionnaire is closed"),
                _("Answers can no longer be given. Thank you for your interest."),
            ),
            "not_open": (
                _("Not open yet"),
                _("This questionnaire is not open yet. Please try again later."),
            ),
            "no_page": (_("Page not found"), _("This questionnaire has no such page.")),
        }.get(
            exc.reason,
            (
                _("Link not recognised"),
                _(
                    "This questionnaire link is not valid. Check that you opened the "
                    "whole link from your invitation."
                ),
            ),
        )
    return render(
        request, "respond/message.html", {"title": title, "text": text}, status_code=status
    )


def _options(survey: Survey, code: str, lang: str) -> dict[str, Any]:
    instrument = survey.instrument
    item = instrument.item(code)
    scale = instrument.scale(item.scale)
    fill = {"org": survey.organisation, **({"sector": survey.sector} if survey.sector else {})}
    lo, hi = scale.bounds() if scale.kind != "text" else (0, 0)
    return {
        "code": code,
        "text": instrument.text(item.text, lang, **fill),
        "help": instrument.text(item.help, lang, **fill) if item.help else None,
        "kind": scale.kind,
        "required": item.required,
        "answers": scale_answers(scale, lang),
        "dont_know": item.dont_know,
        "min": lo,
        "max": hi,
    }


def _messages(request: Request, survey: Survey, page: Page, answers: PageAnswers) -> dict[str, str]:
    _ = gettext_for(request)
    out: dict[str, str] = {}
    for problem in answers.problems:
        n = page.codes.index(problem.field) + 1
        kind = survey.instrument.scale_of(problem.field).kind
        lo, hi = (0, 0) if kind == "text" else survey.instrument.scale_of(problem.field).bounds()
        if problem.code == "required":
            if kind == "points":
                text = _("Question %(n)s: fill in a number of points.") % {"n": n}
            elif kind == "text":
                text = _("Question %(n)s: write an answer.") % {"n": n}
            else:
                text = _("Question %(n)s: choose an answer.") % {"n": n}
        elif problem.code == "sum":
            check = next(s for s in answers.sums if problem.field in s.codes)
            text = _("The points add up to %(total)s; they must add up to %(target)s.") % {
                "total": check.total,
                "target": check.target,
            }
        elif problem.code == "too_long":
            text = _("Question %(n)s: the answer is too long.") % {"n": n}
        else:
            text = _("Question %(n)s: enter a whole number from %(lo)s to %(hi)s.") % {
                "n": n,
                "lo": lo,
                "hi": hi,
            }
        out.setdefault(problem.field, text)
    return out


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else str(value)
    return str(value)


def _page(
    request: Request,
    base: str,
    visit: Visit,
    number: int,
    answers: PageAnswers | None = None,
    status: int = 200,
) -> Response:
    survey = visit.survey
    page = survey.page(number)
    lang = _language(request, survey)
    instrument = survey.instrument
    section = next(s for s in instrument.sections if s.id == page.section)
    fill = {"org": survey.organisation, **({"sector": survey.sector} if survey.sector else {})}
    if answers is not None:
        form = dict(answers.raw)
        errors = _messages(request, survey, page, answers)
        sums = answers.sums
    else:
        form = {c: _shown(visit.state.answers.get(c)) for c in page.codes}
        errors = {}
        sums = ()
        saved = {c: (v if isinstance(v, float) else None) for c, v in visit.state.answers.items()}
        if instrument.constraints:
            try:
                sums = read_page(
                    instrument, page, [(c, form[c]) for c in page.codes], saved=saved
                ).sums
            except TamperedForm:
                sums = ()
    context = {
        "base": base,
        "survey": survey,
        "page": page,
        "total_pages": len(survey.pages),
        "section_title": instrument.text(section.title, lang, **fill),
        "section_intro": instrument.text(section.intro, lang, **fill) if section.intro else None,
        "items": [_options(survey, c, lang) for c in page.codes],
        "form": form,
        "errors": errors,
        "sums": sums,
        "dont_know": DONT_KNOW,
        "title": instrument.text(instrument.title, lang, **fill),
    }
    return render(request, "respond/page.html", context, status_code=status)


_MAX_FIELDS = 1000
"""More fields than any page has: a longer form is refused as tampered."""


async def _form(request: Request) -> list[tuple[str, str]]:
    """The submitted ``(name, value)`` pairs. The pages post URL-encoded forms, read
    here with :func:`urllib.parse.parse_qsl` (several times faster than the general
    form parser, which remains for other encodings); files are refused."""
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = (await request.body()).decode("utf-8", errors="replace")
        try:
            return parse_qsl(
                body, keep_blank_values=True, errors="replace", max_num_fields=_MAX_FIELDS
            )
        except ValueError:
            raise TamperedForm("too many fields") from None
    form = await request.form()
    pairs: list[tuple[str, str]] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            raise TamperedForm("files are not accepted")
        pairs.append((name, value))
    return pairs


def _with_cookie(response: Response, request: Request, public: str, token: str) -> Response:
    response.set_cookie(
        RESUME_COOKIE,
        token,
        max_age=60 * 60 * 24 * 90,
        path=f"/o/{public}",
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.settings.secure_cookies),
    )
    return response


# -- the flow, shared by both kinds of link ----------------------------------------


async def _intro(request: Request, link: Link, base: str) -> Response:
    try:
        visit = await run_in_threadpool(service.visit, engine(request), link)
    except LinkError as exc:
        return _problem_page(request, exc)
    survey = visit.survey
    lang = _language(request, survey)
    instrument = survey.instrument
    fill = {"org": survey.organisation, **({"sector": survey.sector} if survey.sector else {})}
    context = {
        "base": base,
        "survey": survey,
        "state": visit.state,
        "open_link": link.kind == "open",
        "title": instrument.text(instrument.title, lang, **fill),
        "intro": instrument.text(instrument.intro, lang, **fill) if instrument.intro else None,
        "total_pages": len(survey.pages),
        "answered_pages": len(visit.state.pages_done),
        "resume_open": link.kind == "open" and visit.state.started,
        "choice_field": _CHOICE,
    }
    return render(request, "respond/intro.html", context)


async def _start(request: Request, link: Link, base: str, public: str | None) -> Response:
    try:
        pairs = await _form(request)
        wish = dict(pairs).get(_CHOICE)
        if wish not in (None, "anonymous", "contact"):
            raise TamperedForm("unknown anonymity choice")
        anonymous = None if wish is None else wish == "anonymous"
        if link.kind == "open" and dict(pairs).get("_continue") == "1" and link.resume:
            visit = await run_in_threadpool(service.visit, engine(request), link)
            token = None
        else:
            later, token = service.start_later(engine(request), link, anonymous=anonymous)
            visit = await asyncio.wrap_future(later)
    except (LinkError, TamperedForm) as exc:
        return _problem_page(request, exc)
    target = visit.next_page
    response = RedirectResponse(f"{base}/p/{target}" if target else f"{base}/done", 303)
    if token is not None and public is not None:
        _with_cookie(response, request, public, token)
    return response


async def _show(request: Request, link: Link, base: str, number: int) -> Response:
    try:
        visit = await run_in_threadpool(service.visit, engine(request), link)
        if link.kind == "open" and not visit.state.started:
            return RedirectResponse(base, 303)
        return _page(request, base, visit, number)
    except LinkError as exc:
        return _problem_page(request, exc)


async def _save(request: Request, link: Link, base: str, number: int) -> Response:
    try:
        pairs = await _form(request)
        # Saved by the group commit's writer thread: this request waits for the
        # durable commit without holding a worker thread.
        result = await asyncio.wrap_future(
            service.submit_later(
                engine(request),
                link,
                number,
                pairs,
                base_url=request.app.state.settings.public_url,
            )
        )
    except LinkError as exc:
        if exc.reason == "complete" and link.kind == "personal":
            # The last page was saved before (a resubmission): its answers are stored.
            return RedirectResponse(f"{base}/done", 303)
        if exc.reason == "no_response":
            return RedirectResponse(base, 303)
        return _problem_page(request, exc)
    except TamperedForm as exc:
        return _problem_page(request, exc)
    if not result.saved:
        return _page(request, base, result.visit, number, result.answers, status=422)
    target = result.next_page
    return RedirectResponse(f"{base}/p/{target}" if target else f"{base}/done", 303)


async def _done(request: Request, link: Link, base: str) -> Response:
    try:
        visit = await run_in_threadpool(service.visit, engine(request), link)
    except LinkError as exc:
        if exc.reason != "complete":
            return _problem_page(request, exc)
        return render(request, "respond/done.html", {"title": _title(request)})
    if link.kind == "open" and not visit.state.started:
        # An open response is forgotten by its cookie once complete: thank anyway.
        return render(request, "respond/done.html", {"title": _title(request)})
    target = visit.next_page
    if target is not None:
        return RedirectResponse(f"{base}/p/{target}", 303)
    return render(request, "respond/done.html", {"title": _title(request)})


def _title(request: Request) -> str:
    return gettext_for(request)("Thank you")


# -- personal links --------------------------------------------------------------


@router.get("/r/{token}")
async def personal_intro(request: Request, token: str) -> Response:
    """The intro page of a personal link."""
    link, base = _personal(token)
    return await _intro(request, link, base)


@router.post("/r/{token}/start")
async def personal_start(request: Request, token: str) -> Response:
    """Store the anonymity choice and go to the first unanswered page."""
    link, base = _personal(token)
    return await _start(request, link, base, None)


@router.get("/r/{token}/p/{number}")
async def personal_page(request: Request, token: str, number: int) -> Response:
    """A questionnaire page with the answers saved so far."""
    link, base = _personal(token)
    return await _show(request, link, base, number)


@router.post("/r/{token}/p/{number}")
async def personal_submit(request: Request, token: str, number: int) -> Response:
    """Save a questionnaire page (or show it again with what is missing)."""
    link, base = _personal(token)
    return await _save(request, link, base, number)


@router.get("/r/{token}/done")
async def personal_done(request: Request, token: str) -> Response:
    """The thank-you page."""
    link, base = _personal(token)
    return await _done(request, link, base)


# -- open links --------------------------------------------------------------------


@router.get("/o/{public}")
async def open_intro(request: Request, public: str) -> Response:
    """The intro page of an open (anonymous) link."""
    link, base = _open(request, public)
    return await _intro(request, link, base)


@router.post("/o/{public}/start")
async def open_start(request: Request, public: str) -> Response:
    """Start a new anonymous response (or continue the cookie's one)."""
    link, base = _open(request, public)
    return await _start(request, link, base, public)


@router.get("/o/{public}/p/{number}")
async def open_page(request: Request, public: str, number: int) -> Response:
    """A questionnaire page of the cookie's response."""
    link, base = _open(request, public)
    return await _show(request, link, base, number)


@router.post("/o/{public}/p/{number}")
async def open_submit(request: Request, public: str, number: int) -> Response:
    """Save a page of the cookie's response."""
    link, base = _open(request, public)
    return await _save(request, link, base, number)


@router.get("/o/{public}/done")
async def open_done(request: Request, public: str) -> Response:
    """The thank-you page of an open link."""
    link, base = _open(request, public)
    return await _done(request, link, base)
