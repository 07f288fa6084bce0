"""Staff pages of the signals register: register with required fields enforced,
follow up, change status, edit, list with filters, completeness, trends and reports
(HTML, PDF, Excel) — and the role checks: a client manager sees their client groups
only, a viewer reads, another organisation sees nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from gapsight.services import signals
from gapsight.services.signal_access import assign_client_groups
from gapsight.store.database import unit_of_work
from gapsight.store.models import Signal, User

from .helpers import Browser, as_role

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime.now(dt.UTC)


def _signal(engine: Engine, org: int, group: str, **extra: Any) -> int:
    values = {
        "channel": "phone",
        "registrar": "Ann",
        "client_organisation": "Gemeente A",
        "client_group": group,
        "service_domain": "Werkplek",
        "category": "complaint",
        "description": f"Laptop broken again ({group})",
        "supplier": "ICT-Partner",
        "theme_tags": "laptops",
        **extra,
    }
    with unit_of_work(engine) as session:
        return signals.register_signal(session, org, values, now=NOW).signal.id


@pytest.fixture
def register(web_engine: Engine, people: dict[str, Any]) -> dict[str, int]:
    """Two signals of Acme (client groups Onderwijs and Zorg), one of Other, and the
    Acme viewer made client manager of Onderwijs."""
    ids = {
        "onderwijs": _signal(web_engine, people["acme"], "Onderwijs"),
        "zorg": _signal(web_engine, people["acme"], "Zorg"),
        "other": _signal(web_engine, people["other"], "Onderwijs"),
    }
    with unit_of_work(web_engine) as session:
        viewer = session.scalars(select(User).where(User.email == "viewer@acme.example")).one()
        assign_client_groups(session, viewer.id, ["Onderwijs"])
    return ids


FORM = {
    "received_at": "2026-03-02T10:15",
    "channel": "conversation",
    "registrar": "Coordinator",
    "registrar_email": "coordinator@acme.example",
    "client_organisation": "Gemeente B",
    "client_group": "Onderwijs",
    "service_domain": "Facilitair",
    "category": "supplier_dissatisfaction",
    "supplier": "Schoon BV",
    "description": "Toilets not cleaned for a week",
    "theme_tags": "Cleaning, hygiene",
}


def test_a_coordinator_registers_follows_up_and_closes_a_signal(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    missing = browser.submit(
        "/signals/new",
        {**FORM, "supplier": "", "client_group": "", "description": ""},
        token_from="/signals/new",
    )
    assert missing.status_code == 422
    assert "Name the supplier for this category." in missing.text
    assert missing.text.count("Fill in this field.") >= 2
    created = browser.submit("/signals/new", FORM, token_from="/signals/new")
    assert created.status_code == 303, created.text
    path = created.headers["location"]
    page = browser.get(path)
    assert "Toilets not cleaned for a week" in page.text and "cleaning, hygiene" in page.text
    # feedback to the client acknowledges it
    told = browser.submit(
        path + "/updates",
        {"kind": "client_message", "what": "We called Schoon BV; they come tomorrow."},
        token_from=path,
    )
    assert told.status_code == 303
    action = browser.submit(
        path + "/updates",
        {"kind": "action", "what": "Escalated to contract manager"},
        token_from=path,
    )
    assert action.status_code == 303
    no_resolution = browser.submit(path + "/status", {"status": "resolved"}, token_from=path)
    assert no_resolution.status_code == 422 and "Describe the resolution." in no_resolution.text
    assert (
        browser.submit(path + "/status", {"status": "in_progress"}, token_from=path).status_code
        == 303
    )
    done = browser.submit(
        path + "/status",
        {"status": "resolved", "resolution": "Extra cleaning round"},
        token_from=path,
    )
    assert done.status_code == 303
    edited = browser.submit(
        path + "/edit", {**FORM, "supplier_ticket": "SB-77"}, token_from=path + "/edit"
    )
    assert edited.status_code == 303
    with unit_of_work(web_engine) as session:
        signal = session.scalars(select(Signal)).one()
        assert signal.status == "resolved" and signal.resolution == "Extra cleaning round"
        assert signal.feedback_to_client == "We called Schoon BV; they come tomorrow."
        assert signal.supplier_ticket == "SB-77"
        assert signal.received_at.replace(tzinfo=dt.UTC) == dt.datetime(
            2026, 3, 2, 10, 15, tzinfo=AMS
        ).astimezone(dt.UTC)
        kinds = [u.kind for u in signals.updates_of(session, signal.id)]
    assert kinds == ["status", "client_message", "action", "status", "status", "note"]
    page = browser.get(path).text
    assert "Escalated to contract manager" in page and "SB-77" in page


def test_the_list_filters(
    browser: Browser, people: dict[str, Any], register: dict[str, int], web_engine: Engine
) -> None:
    _signal(web_engine, people["acme"], "Zorg", category="wish", supplier=None, registrar="Bob")
    as_role(browser, "coordinator")
    everything = browser.get("/signals").text
    assert everything.count('href="/signals/') >= 3
    only_wishes = browser.get("/signals?category=wish").text
    assert "Laptop broken again (Zorg)" in only_wishes
    assert "Laptop broken again (Onderwijs)" not in only_wishes
    bob = browser.get("/signals?registrar=Bob&client_group=Zorg").text
    assert bob.count("Laptop broken again") == 1
    assert "No signals match." in browser.get("/signals?month=2020-01").text


def test_a_client_manager_sees_their_client_groups_only(
    browser: Browser, people: dict[str, Any], register: dict[str, int]
) -> None:
    as_role(browser, "viewer")  # the Acme viewer manages client group Onderwijs
    listing = browser.get("/signals").text
    assert "Laptop broken again (Onderwijs)" in listing
    assert "Laptop broken again (Zorg)" not in listing
    assert browser.get(f"/signals/{register['onderwijs']}").status_code == 200
    assert browser.get(f"/signals/{register['zorg']}").status_code == 404
    assert browser.get(f"/signals/{register['other']}").status_code == 404
    assert browser.get(f"/signals/{register['zorg']}/edit").status_code == 404
    # they register for their own group only
    wrong = browser.submit(
        "/signals/new", {**FORM, "client_group": "Zorg"}, token_from="/signals/new"
    )
    assert wrong.status_code == 422 and "Choose one of your client groups." in wrong.text
    right = browser.submit("/signals/new", FORM, token_from="/signals/new")
    assert right.status_code == 303
    # reports and trends count their groups only
    report = browser.get(
        f"/signals/reports/file?kind=supplier&supplier=ICT-Partner&month={NOW:%Y-%m}&format=xlsx"
    )
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(report.content))
    rows = [r for r in book["by_client_group"].iter_rows(values_only=True)]
    assert ("Onderwijs", 1) in rows and not any(r[0] == "Zorg" for r in rows)


def test_a_viewer_without_client_groups_reads_but_does_not_write(
    browser: Browser, people: dict[str, Any], register: dict[str, int], web_engine: Engine
) -> None:
    with unit_of_work(web_engine) as session:
        viewer = session.scalars(select(User).where(User.email == "viewer@acme.example")).one()
        assign_client_groups(session, viewer.id, [])
    as_role(browser, "viewer")
    listing = browser.get("/signals").text
    assert "(Zorg)" in listing and "(Onderwijs)" in listing
    assert browser.get("/signals/new").status_code == 403
    path = f"/signals/{register['zorg']}"
    refused = browser.submit(path + "/updates", {"kind": "note", "what": "x"}, token_from=path)
    assert refused.status_code == 403


def test_another_organisation_sees_nothing(
    browser: Browser, people: dict[str, Any], register: dict[str, int]
) -> None:
    assert browser.login("coordinator@other.example").status_code == 303
    assert browser.get(f"/signals/{register['zorg']}").status_code == 404
    listing = browser.get("/signals").text
    assert listing.count("Laptop broken again") == 1
    assert browser.get(f"/signals?organisation={people['acme']}").status_code == 404


def test_completeness_trends_and_reports_pages(
    browser: Browser, people: dict[str, Any], register: dict[str, int]
) -> None:
    as_role(browser, "coordinator")
    completeness = browser.get("/signals/completeness")
    assert completeness.status_code == 200 and "Ann" in completeness.text
    assert browser.get("/signals/trends?by=category").status_code == 200
    month = f"{NOW:%Y-%m}"
    page = browser.get(f"/signals/reports?kind=supplier&supplier=ICT-Partner&month={month}")
    assert page.status_code == 200 and "ICT-Partner" in page.text
    saved = browser.submit(
        "/signals/reports",
        {
            "kind": "supplier",
            "supplier": "ICT-Partner",
            "month": month,
            "text": "Laptops failed after the <b>March</b> update.",
        },
        token_from="/signals/reports",
    )
    assert saved.status_code == 303
    html = browser.get(
        f"/signals/reports/file?kind=supplier&supplier=ICT-Partner&month={month}&format=html"
    )
    assert "Laptops failed after the &lt;b&gt;March&lt;/b&gt; update." in html.text
    pdf = browser.get(f"/signals/reports/file?kind=registrar&month={month}&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert browser.get("/signals/reports/file?kind=nope&format=pdf").status_code == 404


def test_an_admin_makes_a_user_client_manager_on_the_user_page(
    browser: Browser, people: dict[str, Any], register: dict[str, int], web_engine: Engine
) -> None:
    with unit_of_work(web_engine) as session:
        viewer = session.scalars(select(User).where(User.email == "viewer@acme.example")).one()
        viewer_id, acme = viewer.id, viewer.organisation_id
    as_role(browser, "admin")
    page = browser.get(f"/users/{viewer_id}")
    assert "Onderwijs" in page.text  # assigned by the fixture
    saved = browser.submit(
        f"/users/{viewer_id}",
        {"role": "viewer", "organisation_id": str(acme), "client_groups": "Zorg\nOnderwijs\n"},
        token_from=f"/users/{viewer_id}",
    )
    assert saved.status_code == 303, saved.text
    with unit_of_work(web_engine) as session:
        from gapsight.services.signal_access import client_groups_of

        assert client_groups_of(session, viewer_id) == {"Zorg", "Onderwijs"}


EXPORT = (
    "Datum;Klantorganisatie;Klantgroep;Domein;Categorie;Omschrijving;Leverancier\n"
    "02-03-2026;Gemeente A;Zorg;Werkplek;Klacht;Laptop late;ICT-Partner\n"
    "03-03-2026;Gemeente A;Onderwijs;Werkplek;wish;Docking stations;ICT-Partner\n"
)


def test_a_coordinator_imports_a_supplier_export_all_or_nothing(
    browser: Browser, people: dict[str, Any], web_engine: Engine
) -> None:
    as_role(browser, "coordinator")
    token = browser.token("/signals/import")
    bad = EXPORT.replace("03-03-2026", "someday") + "04-03-2026;;Zorg;Werkplek;rant;x;\n"
    refused = browser.post(
        "/signals/import",
        data={"csrf_token": token, "registrar": "ICT-Partner", "channel": "supplier_report"},
        files={"file": ("export.csv", bad.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.text
    assert "someday" in refused.text and "rant" in refused.text
    with unit_of_work(web_engine) as session:
        assert session.scalars(select(Signal)).all() == []
    done = browser.post(
        "/signals/import",
        data={"csrf_token": token, "registrar": "ICT-Partner", "channel": "supplier_report"},
        files={"file": ("export.csv", EXPORT.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    with unit_of_work(web_engine) as session:
        rows = session.scalars(select(Signal).order_by(Signal.id)).all()
        assert [(s.category, s.client_group, s.channel) for s in rows] == [
            ("complaint", "Zorg", "supplier_report"),
            ("wish", "Onderwijs", "supplier_report"),
        ]
    assert "2 signals imported" in browser.get("/signals").text


def test_client_managers_and_viewers_cannot_import(
    browser: Browser, people: dict[str, Any], register: dict[str, int]
) -> None:
    as_role(browser, "viewer")
    assert browser.get("/signals/import").status_code == 403  # the role
    browser.post("/logout", data={"csrf_token": browser.token("/signals")})
    with unit_of_work(browser.app.state.engine) as session:  # type: ignore[attr-defined]
        coordinator = session.scalars(
            select(User).where(User.email == "coordinator@acme.example")
        ).one()
        assign_client_groups(session, coordinator.id, ["Zorg"])
    as_role(browser, "coordinator")
    assert browser.get("/signals/import").status_code == 403  # a client manager
