"""A scripted month of signals through every channel — the public form, staff entry
in the app, a supplier's export imported, and the API — produces the bi-monthly
report for supplier ICT-Partner (February–March 2026) and flags the planted trend.

Hand count of ICT-Partner's signals in March 2026 (February has none):

=========== ============================================ ============================
channel     signals (category, client group, theme)      late-delivery
=========== ============================================ ============================
form        complaint/Publiekszaken, wish/Publiekszaken,  0
            disruption/Publiekszaken                      (the form has no themes)
staff       complaint/Onderwijs, complaint/Zorg           2
            (late-delivery); information_request/Onderwijs
import      supplier_dissatisfaction/Onderwijs ×2         2
            (late-delivery); compliment/Zorg
API         complaint/Zorg ×2 (late-delivery)             2
=========== ============================================ ============================

Total 11. By category: complaint 1 + 2 + 2 = 5, supplier_dissatisfaction 2, wish 1,
disruption 1, information_request 1, compliment 1. By the ``basic`` scheme: complaint
5 + 2 = 7, wish 1, information 1, disruption 1, other 1. By client group:
Publiekszaken 3, Onderwijs 1 + 1 + 2 = 4, Zorg 1 + 1 + 2 = 4. The form also files one
signal about another supplier (Schoon BV), which the report must not count.

The planted trend: theme late-delivery was reported 1, 0, 1, 0, 1, 0 times from
September 2025 to February 2026 (imported history) and 6 times in March: μ = 0.5,
P(X ≥ 6) ≈ 1.4·10⁻⁵ → rising.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import Engine, select

from gapsight.domain.intake import make_stamp
from gapsight.services import api_tokens, signal_reports, signals
from gapsight.store.database import unit_of_work
from gapsight.store.models import Signal

from .helpers import Browser, as_role

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 3, 31, 15, tzinfo=AMS)
STAMP = re.compile(r'name="stamp" value="([^"]+)"')


def _form(browser: Browser, org: int, secret: str, when: dt.datetime, **fields: str) -> None:
    browser.app.state.clock = lambda: when  # type: ignore[attr-defined]
    page = browser.get(f"/signal/{org}")
    assert STAMP.search(page.text)
    data = {
        "stamp": make_stamp(secret, when.timestamp() - 90),  # 90 s to fill it in
        "client_organisation": "Gemeente Noord",
        "client_group": "Publiekszaken",
        "service_domain": "Werkplek",
        "supplier": "ICT-Partner",
        "description": "Via the form",
        **fields,
    }
    answer = browser.post(f"/signal/{org}", data=data, follow_redirects=False)
    assert answer.status_code == 201, answer.text


def _staff(browser: Browser, day: int, **fields: str) -> None:
    data = {
        "received_at": f"2026-03-{day:02d}T11:00",
        "channel": "conversation",
        "registrar": "Coordinator",
        "client_organisation": "Gemeente Noord",
        "client_group": "Onderwijs",
        "service_domain": "Werkplek",
        "supplier": "ICT-Partner",
        "category": "complaint",
        "description": "Told in the monthly meeting",
        **fields,
    }
    answer = browser.submit("/signals/new", data, token_from="/signals/new")
    assert answer.status_code == 303, answer.text


def _import(engine: Engine, org: int, tmp_path: Path) -> None:
    rows = [
        # history of the theme: Sep, Nov, Jan
        ("15-09-2025", "complaint", "Onderwijs", "late delivery"),
        ("12-11-2025", "complaint", "Onderwijs", "late delivery"),
        ("14-01-2026", "complaint", "Zorg", "late delivery"),
        # March
        ("03-03-2026", "supplier_dissatisfaction", "Onderwijs", "late delivery"),
        ("17-03-2026", "supplier_dissatisfaction", "Onderwijs", "Late delivery"),
        ("20-03-2026", "compliment", "Zorg", ""),
    ]
    path = tmp_path / "ict-partner-export.csv"
    path.write_text(
        "Datum;Klantorganisatie;Klantgroep;Domein;Categorie;Omschrijving;Leverancier;Thema\n"
        + "".join(
            f"{d};Gemeente Noord;{g};Werkplek;{c};From the supplier's portal;ICT-Partner;{t}\n"
            for d, c, g, t in rows
        ),
        encoding="utf-8",
    )
    with unit_of_work(engine) as session:
        result = signals.import_signals(session, org, path, registrar="ICT-Partner", now=NOW)
    assert result.count == 6


def test_a_month_through_every_channel_makes_the_supplier_report(
    browser: Browser, people: dict[str, Any], web_engine: Engine, tmp_path: Path
) -> None:
    acme = people["acme"]
    secret = browser.app.state.settings.secret_key  # type: ignore[attr-defined]
    # 1. the public form (no login)
    _form(browser, acme, secret, dt.datetime(2026, 3, 2, 9, tzinfo=AMS), category="complaint")
    _form(browser, acme, secret, dt.datetime(2026, 3, 10, 14, tzinfo=AMS), category="wish")
    _form(browser, acme, secret, dt.datetime(2026, 3, 18, 8, tzinfo=AMS), category="disruption")
    _form(
        browser,
        acme,
        secret,
        dt.datetime(2026, 3, 19, 8, tzinfo=AMS),
        category="complaint",
        supplier="Schoon BV",
    )
    # 2. staff entry in the app
    as_role(browser, "coordinator")
    _staff(browser, 4, theme_tags="late delivery")
    _staff(browser, 11, client_group="Zorg", theme_tags="Late delivery")
    _staff(browser, 12, category="information_request")
    # 3. the supplier's export
    _import(web_engine, acme, tmp_path)
    # 4. the API
    with unit_of_work(web_engine) as session:
        token, _row = api_tokens.create_token(session, user_email="coordinator@acme.example")
    for day in (23, 25):
        created = browser.post(
            "/api/v1/signals",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "received_at": f"2026-03-{day}T10:00:00+01:00",
                "registrar": "Servicedesk koppeling",
                "client_organisation": "Gemeente Noord",
                "client_group": "Zorg",
                "service_domain": "Werkplek",
                "supplier": "ICT-Partner",
                "category": "complaint",
                "description": "Laptop order late",
                "theme_tags": ["late delivery"],
            },
        )
        assert created.status_code == 201, created.text

    with unit_of_work(web_engine) as session:
        channels = sorted(
            (s.channel, s.supplier or "")
            for s in session.scalars(select(Signal).where(Signal.received_at >= NOW.replace(day=1)))
        )
        report = signal_reports.supplier_report(session, acme, "ICT-Partner", last_month="2026-03")
    assert {c for c, _s in channels} == {"web_form", "conversation", "supplier_report", "api"}
    assert report.months == ["2026-02", "2026-03"]
    assert report.total == 11
    assert report.by_month == {"2026-02": 0, "2026-03": 11}
    assert report.by_category == {
        "complaint": 5,
        "supplier_dissatisfaction": 2,
        "compliment": 1,
        "disruption": 1,
        "information_request": 1,
        "wish": 1,
    }
    assert report.by_category_basic == {
        "complaint": 7,
        "disruption": 1,
        "information": 1,
        "other": 1,
        "wish": 1,
    }
    assert report.by_client_group == {"Onderwijs": 4, "Zorg": 4, "Publiekszaken": 3}
    assert report.themes == {"late-delivery": 6}
    assert [(t.key, t.kind, t.count) for t in report.trends] == [("late-delivery", "rising", 6)]
    assert report.trends[0].expected == 0.5 and report.trends[0].p_value < 0.001
    assert report.outcomes["referred"] == 1  # the disruption went to the supplier's desk

    # the same figures in the rendered workbook and on the trends page
    book = browser.get(
        "/signals/reports/file?kind=supplier&supplier=ICT-Partner&month=2026-03&format=xlsx&lang=en"
    )
    assert book.status_code == 200
    sheets = load_workbook(io.BytesIO(book.content))
    totals = {r[0]: r[1] for r in sheets["by_client_group"].iter_rows(min_row=3, values_only=True)}
    assert totals == {"Onderwijs": 4, "Zorg": 4, "Publiekszaken": 3, "Total": 11}
    trend_rows = list(sheets["trends"].iter_rows(min_row=3, values_only=True))
    assert trend_rows[0][:3] == ("late-delivery", "rising", 6)
    page = browser.get("/signals/trends?month=2026-03").text
    assert "late-delivery" in page and 'class="trend-rising"' in page
