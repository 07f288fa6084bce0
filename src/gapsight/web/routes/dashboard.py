"""The service dashboard page: drivers and results for customers and employees.

``GET /dashboard`` (``?organisation=ID`` for a user who sees several organisations)
shows, per audience, the current value of each driver and result metric with its
confidence interval, the previous value, the values per wave, and how strongly each
driver goes with each result (Pearson r in the latest wave). The numbers come from
:func:`gapsight.services.dashboard.organisation_dashboard`; this module formats them
for the user's language and checks access. Viewers may read it (aggregates only, the
minimum group size enforced).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, HTTPException, Request
from starlette.responses import Response

from gapsight.analysis.dashboard import NOT_MEASURED, DashboardMetric, MetricValue
from gapsight.reports.model import Num
from gapsight.services.dashboard import organisation_dashboard
from gapsight.store.database import unit_of_work
from gapsight.web import i18n
from gapsight.web.deps import CurrentUser, check_organisation, engine, require
from gapsight.web.routes import html_router, visible_organisations
from gapsight.web.templating import render

router = html_router()
viewer = require("viewer")


def _decimals(metric: DashboardMetric) -> int:
    return 0 if metric.kind == "nps" else 1


def _fmt(value: float, decimals: int, lang: str, signed: bool = False) -> str:
    return Num(value, decimals, signed=signed).text(lang)


def _row(metric: DashboardMetric, lang: str) -> dict[str, Any]:
    d = _decimals(metric)
    cur = metric.current

    def point(v: MetricValue) -> dict[str, Any]:
        return {"wave": v.wave, "value": _fmt(v.value, d, lang), "n": v.n}

    row: dict[str, Any] = {
        "key": metric.key,
        "role": metric.role,
        "value": _fmt(cur.value, d, lang),
        "ci": f"{_fmt(cur.ci_low, d, lang)} – {_fmt(cur.ci_high, d, lang)}",
        "n": cur.n,
        "wave": cur.wave,
        "previous": None,
        "trend": [point(v) for v in metric.trend],
    }
    if metric.previous is not None and metric.change is not None:
        diff = metric.change
        row["previous"] = _fmt(metric.previous.value, d, lang)
        row["change"] = _fmt(diff, d, lang, signed=True)
        row["direction"] = "up" if diff > 0 else "down" if diff < 0 else "same"
    return row


@router.get("/dashboard")
def dashboard_page(
    request: Request,
    organisation: int | None = None,
    user: CurrentUser = Depends(viewer),
) -> Response:
    """The service dashboard of the user's organisation (or ``organisation``)."""
    db = engine(request)
    with unit_of_work(db) as session:
        orgs = visible_organisations(session, user)
        if organisation is None:
            if not orgs:
                raise HTTPException(status_code=404)
            organisation = orgs[0].id
        check_organisation(user, organisation)
        names = {o.id: o.name for o in orgs}
        if organisation not in names:
            raise HTTPException(status_code=404)
    view = organisation_dashboard(db, organisation)
    lang = i18n.language(request)
    lang = lang if lang in ("nl", "en") else "nl"
    audiences = []
    for audience in ("customers", "employees"):
        metrics = [m for m in view.board.metrics if m.audience == audience]
        importance = [
            {
                "driver": i.driver,
                "result": i.result,
                "r": _fmt(i.r, 2, lang),
                "ci": f"{_fmt(i.r_ci_low, 2, lang)} – {_fmt(i.r_ci_high, 2, lang)}",
                "share": None
                if i.lmg_share is None
                else Num(i.lmg_share, 0, percent=True).text(lang),
                "n": i.n,
                "wave": i.wave,
            }
            for i in view.board.importance
            if i.audience == audience
        ]
        audiences.append(
            {
                "key": audience,
                "drivers": [_row(m, lang) for m in metrics if m.role == "driver"],
                "results": [_row(m, lang) for m in metrics if m.role == "result"],
                "importance": importance,
                "waves": view.waves.get(audience, ()),
                "not_measured": NOT_MEASURED[audience],
            }
        )
    context = {
        "organisation": names[organisation],
        "organisation_id": organisation,
        "organisations": orgs if len(orgs) > 1 else [],
        "audiences": audiences,
        "min_n": view.min_n,
        "level": Num(view.board.confidence, 0, percent=True).text(lang),
    }
    return render(request, "dashboard.html", context)
