"""services.signals and services.signal_reports on SQLite and PostgreSQL.

The scripted month: signals through every channel for two suppliers, the bi-monthly
report for one supplier compared with a hand count, and a planted theme trend.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from gapsight.domain.problems import InvalidInput
from gapsight.domain.signals import CHANNELS
from gapsight.io.table import ImportRejected
from gapsight.services import signal_reports, signals
from gapsight.services.organisations import create_organisation
from gapsight.store.database import unit_of_work
from gapsight.store.models import Signal, SignalUpdate

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 4, 1, 9, tzinfo=AMS)


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=AMS)


def _org(engine: Engine, **settings: object) -> int:
    with unit_of_work(engine) as session:
        return create_organisation(session, "Shared Service Centre", settings=dict(settings)).id


def _values(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "channel": "mailbox",
        "registrar": "Ann",
        "registrar_email": "ann@ssc.example",
        "client_organisation": "Gemeente A",
        "client_group": "Sociaal domein",
        "service_domain": "Werkplek",
        "supplier": "ICT-Partner",
        "category": "complaint",
        "description": "Laptop not delivered after three weeks",
    }
    base.update(over)
    return base


def test_register_enforces_required_fields_and_keeps_a_status_token(db_engine: Engine) -> None:
    org_id = _org(db_engine)
    with unit_of_work(db_engine) as session:
        with pytest.raises(InvalidInput) as err:
            signals.register_signal(
                session, org_id, _values(client_group="", category="klacht?"), now=NOW
            )
        assert sorted(p.field for p in err.value.problems) == ["category", "client_group"]
        reg = signals.register_signal(
            session, org_id, _values(category="Klacht", theme_tags="Late delivery"), now=NOW
        )
        assert reg.signal.category == "complaint" and reg.signal.status == "new"
        assert reg.signal.theme_tags == ["late-delivery"]
        assert reg.status_token not in (reg.signal.status_token_hash or "")
    with unit_of_work(db_engine) as session:
        found = signals.find_by_status_token(session, reg.status_token)
        assert found is not None and found.id == reg.signal.id
        assert signals.find_by_status_token(session, reg.status_token + "x") is None
        assert signals.find_by_status_token(session, "") is None
        stored = signals.get_signal(session, reg.signal.id, org_id)
        assert stored.received_at.replace(tzinfo=None) == NOW.astimezone(dt.UTC).replace(
            tzinfo=None
        )


def test_follow_up_and_close(db_engine: Engine) -> None:
    org_id = _org(db_engine)
    with unit_of_work(db_engine) as session:
        sid = signals.register_signal(session, org_id, _values(), now=at(2026, 3, 2)).signal.id
    with unit_of_work(db_engine) as session:
        signals.add_update(
            session,
            sid,
            at=at(2026, 3, 3),
            by="Ann",
            what="We called you back",
            kind="client_message",
        )
        signals.change_status(session, sid, "in_progress", at=at(2026, 3, 3, 11), by="Ann")
        signals.add_update(session, sid, at=at(2026, 3, 4), by="Ann", what="Escalated to ICT")
        with pytest.raises(InvalidInput, match="resolution"):
            signals.change_status(session, sid, "resolved", at=at(2026, 3, 5), by="Ann")
        signals.change_status(
            session, sid, "resolved", at=at(2026, 3, 5), by="Ann", resolution="Laptop delivered"
        )
        closed = signals.change_status(session, sid, "closed", at=at(2026, 3, 6, 23), by="Ann")
        assert closed.closed_on == dt.date(2026, 3, 6)  # local date, 22:00 UTC
        assert closed.status == "closed" and closed.feedback_to_client == "We called you back"
        assert closed.acknowledged_at is not None
        kinds = [u.kind for u in signals.updates_of(session, sid)]
        assert kinds == ["status", "client_message", "status", "action", "status", "status"]
        with pytest.raises(InvalidInput, match="cannot become"):
            signals.change_status(session, sid, "new", at=at(2026, 3, 7), by="Ann")


def test_disruptions_are_referred_and_recurring_reports_promoted(db_engine: Engine) -> None:
    org_id = _org(db_engine, signals={"promotion": {"threshold": 3, "window_days": 60}})
    with unit_of_work(db_engine) as session:
        first = signals.register_signal(
            session, org_id, _values(category="disruption"), now=at(2026, 3, 2)
        )
        assert first.signal.status == "referred" and not first.promoted
        signals.register_signal(session, org_id, _values(category="disruption"), now=at(2026, 3, 9))
        third = signals.register_signal(
            session, org_id, _values(category="disruption"), now=at(2026, 3, 16)
        )
        assert third.promoted
        assert third.signal.category == "complaint"
        assert third.signal.original_category == "disruption"
        assert third.signal.status == "new"  # a complaint is handled, not referred
        other = signals.register_signal(
            session, org_id, _values(category="disruption", supplier="Other"), now=at(2026, 3, 17)
        )
        assert not other.promoted


# (day, channel, supplier, category, client group, domain, tags, registrar)
MARCH = [
    (
        2,
        "web_form",
        "ICT-Partner",
        "complaint",
        "Sociaal domein",
        "Werkplek",
        ["late-delivery"],
        "Ann",
    ),
    (
        3,
        "mailbox",
        "ICT-Partner",
        "supplier_dissatisfaction",
        "Sociaal domein",
        "Werkplek",
        ["late-delivery"],
        "Ann",
    ),
    (4, "conversation", "ICT-Partner", "wish", "Financien", "Werkplek", ["late-delivery"], "Ann"),
    (5, "supplier_report", "ICT-Partner", "disruption", "Financien", "Netwerk", ["wifi"], "Ann"),
    (
        9,
        "phone",
        "ICT-Partner",
        "information_request",
        "Sociaal domein",
        "Werkplek",
        ["late-delivery"],
        "Ann",
    ),
    (10, "api", "ICT-Partner", "complaint", "Financien", "Werkplek", ["late-delivery"], "Ann"),
    (11, "mailbox", "ICT-Partner", "compliment", "Financien", "Netwerk", [], "Bob"),
    (
        16,
        "web_form",
        "ICT-Partner",
        "complaint",
        "Sociaal domein",
        "Werkplek",
        ["late-delivery"],
        "Bob",
    ),
    (12, "phone", "Facilitair BV", "complaint", "Sociaal domein", "Catering", ["coffee"], "Bob"),
    (17, "conversation", "Facilitair BV", "wish", "Financien", "Schoonmaak", [], "Bob"),
    (18, "supplier_report", "Facilitair BV", "disruption", "Financien", "Gebouw", ["lift"], "Bob"),
    (
        20,
        "web_form",
        "ICT-Partner",
        "supplier_dissatisfaction",
        "Sociaal domein",
        "Werkplek",
        [],
        "Bob",
    ),
]
EARLIER = [  # (date, category, client group, domain, tags)
    (dt.date(2025, 9, 10), "complaint", "Financien", "Werkplek", ["late-delivery"]),
    (dt.date(2025, 11, 10), "complaint", "Financien", "Werkplek", ["late-delivery"]),
    (dt.date(2026, 1, 12), "complaint", "Financien", "Werkplek", ["late-delivery"]),
    (dt.date(2026, 2, 10), "complaint", "Financien", "Werkplek", ["wifi"]),
    (dt.date(2026, 2, 20), "wish", "Sociaal domein", "Netwerk", []),
]


def _scripted_month(engine: Engine) -> int:
    org_id = _org(engine)
    with unit_of_work(engine) as session:
        for day, cat, group, domain, tags in EARLIER:
            when = dt.datetime.combine(day, dt.time(10), tzinfo=AMS)
            signals.register_signal(
                session,
                org_id,
                _values(
                    received_at=when,
                    category=cat,
                    client_group=group,
                    service_domain=domain,
                    theme_tags=tags,
                    channel="phone",
                ),
                now=when,
            )
        for day, channel, supplier, cat, group, domain, tags, registrar in MARCH:
            reg = signals.register_signal(
                session,
                org_id,
                _values(
                    received_at=at(2026, 3, day),
                    channel=channel,
                    supplier=supplier,
                    category=cat,
                    client_group=group,
                    service_domain=domain,
                    theme_tags=tags,
                    registrar=registrar,
                    registrar_email=f"{registrar.lower()}@ssc.example",
                ),
                now=at(2026, 3, day),
            )
            if day in (2, 3):  # acknowledged within 2 working days
                signals.add_update(
                    session,
                    reg.signal.id,
                    at=at(2026, 3, day + 1),
                    by=registrar,
                    what="Received, we are on it",
                    kind="client_message",
                )
            if day == 2:
                signals.add_update(
                    session,
                    reg.signal.id,
                    at=at(2026, 3, 5),
                    by="Ann",
                    what="Asked ICT-Partner for a delivery date",
                )
    return org_id


def test_scripted_month_supplier_report_matches_a_hand_count(db_engine: Engine) -> None:
    assert {row[1] for row in MARCH} == set(CHANNELS)
    org_id = _scripted_month(db_engine)
    with unit_of_work(db_engine) as session:
        report = signal_reports.supplier_report(
            session, org_id, "ICT-Partner", last_month="2026-03", explanation="Deliveries lag."
        )
    assert report.months == ["2026-02", "2026-03"]
    assert report.total == 11
    assert report.by_month == {"2026-02": 2, "2026-03": 9}
    assert report.by_category == {
        "complaint": 4,
        "supplier_dissatisfaction": 2,
        "wish": 2,
        "compliment": 1,
        "disruption": 1,
        "information_request": 1,
    }
    assert report.by_category_basic == {
        "complaint": 6,
        "disruption": 1,
        "information": 1,
        "other": 1,
        "wish": 2,
    }
    assert report.by_client_group == {"Sociaal domein": 6, "Financien": 5}
    assert report.by_domain == {"Werkplek": 8, "Netwerk": 3}
    assert report.by_category_month["complaint"] == {"2026-02": 1, "2026-03": 3}
    assert report.themes == {"late-delivery": 6, "wifi": 2}
    assert report.outcomes == {"new": 8, "acknowledged": 2, "referred": 1}
    assert [(f.at, f.by, f.what) for f in report.follow_ups] == [
        ("2026-03-05", "Ann", "Asked ICT-Partner for a delivery date")
    ]
    assert report.explanation == "Deliveries lag."
    rising = [t for t in report.trends if t.kind == "rising"]
    assert [t.key for t in rising] == ["late-delivery"]
    assert rising[0].count == 6 and rising[0].expected == pytest.approx(0.5)
    assert report.as_dict()["total"] == 11


def test_scripted_month_trends_and_registrar_bundles(db_engine: Engine) -> None:
    org_id = _scripted_month(db_engine)
    with unit_of_work(db_engine) as session:
        by_theme = signal_reports.signal_trends(session, org_id, last_month="2026-03")
        assert [(t.key, t.kind) for t in by_theme if t.kind == "rising"] == [
            ("late-delivery", "rising")
        ]
        assert "coffee" not in {t.key for t in by_theme}
        february = signal_reports.signal_trends(session, org_id, last_month="2026-02")
        assert [t for t in february if t.kind == "rising"] == []
        bundles = signal_reports.monthly_bundle(session, org_id, "2026-03", now=NOW)
    assert [(b.registrar, b.signals) for b in bundles] == [("Ann", 6), ("Bob", 6)]
    ann, bob = bundles
    assert ann.by_category == {
        "complaint": 2,
        "disruption": 1,
        "information_request": 1,
        "supplier_dissatisfaction": 1,
        "wish": 1,
    }
    assert bob.by_category == {
        "complaint": 2,
        "compliment": 1,
        "disruption": 1,
        "supplier_dissatisfaction": 1,
        "wish": 1,
    }
    assert (ann.acknowledged_on_time, ann.acknowledged_late, ann.not_acknowledged) == (2, 0, 4)
    assert bob.by_client_group == {"Financien": 3, "Sociaal domein": 3}
    assert all(sum(b.by_domain.values()) == b.signals for b in bundles)
    actions = [(f.at, f.by, f.what) for b in bundles for f in b.follow_ups]
    assert actions == [("2026-03-05", "Ann", "Asked ICT-Partner for a delivery date")]
    assert ann.themes == {"late-delivery": 5, "wifi": 1}
    assert bob.themes == {"coffee": 1, "late-delivery": 1, "lift": 1}


def test_completeness_per_registrar_per_month(db_engine: Engine) -> None:
    org_id = _org(db_engine)
    with unit_of_work(db_engine) as session:
        full = _values(
            contact_person="Piet",
            contact_email="piet@a.example",
            supplier_ticket="T-1",
            theme_tags=["x"],
        )
        signals.register_signal(session, org_id, full, now=at(2026, 3, 2))
        signals.register_signal(session, org_id, _values(), now=at(2026, 3, 3))
        signals.register_signal(session, org_id, _values(registrar="Bob"), now=at(2026, 4, 1))
        rows = signal_reports.completeness_by_registrar(session, org_id)
    assert [(r.month, r.registrar, r.signals, r.complete) for r in rows] == [
        ("2026-03", "Ann", 2, 1),
        ("2026-04", "Bob", 1, 0),
    ]
    # 13 fields: 8 required + contact person, e-mail, supplier ticket, tags (+ supplier,
    # domain, which are filled); the bare registration fills 9 of 13.
    assert rows[0].mean_completeness == pytest.approx((1 + 9 / 13) / 2)
    assert rows[0].missing == {
        "contact_person": 1,
        "contact_email": 1,
        "supplier_ticket": 1,
        "theme_tags": 1,
    }


def test_import_is_all_or_nothing(db_engine: Engine, tmp_path: Path) -> None:
    org_id = _org(db_engine)
    bad = tmp_path / "export.csv"
    bad.write_text(
        "Datum;Klantorganisatie;Klantgroep;Domein;Categorie;Omschrijving;Leverancier;Ticket\n"
        "02-03-2026;Gemeente A;Sociaal domein;Werkplek;Klacht;Slow laptop;ICT-Partner;T1\n"
        "31-02-2026;Gemeente A;Sociaal domein;Werkplek;Klacht;Bad date;ICT-Partner;T2\n"
        "03-03-2026;Gemeente A;;Werkplek;nonsense;No group;ICT-Partner;T3\n",
        encoding="utf-8",
    )
    with unit_of_work(db_engine) as session, pytest.raises(ImportRejected) as err:
        signals.import_signals(session, org_id, bad, registrar="Import", now=NOW)
    found = [(p.row, p.column) for p in err.value.problems]
    assert found == [(3, "Datum"), (4, "Klantgroep"), (4, "Categorie")]
    with unit_of_work(db_engine) as session:
        assert session.scalar(select(func.count()).select_from(Signal)) == 0
    good = tmp_path / "export.xlsx"
    import pandas as pd

    pd.DataFrame(
        {
            "Datum": ["2026-03-02", "2026-03-03T14:30"],
            "Klantorganisatie": ["Gemeente A", "Gemeente B"],
            "Klantgroep": ["Sociaal domein", "Financien"],
            "Domein": ["Werkplek", "Netwerk"],
            "Categorie": ["Klacht", "storing"],
            "Omschrijving": ["Slow laptop", "No wifi"],
            "Leverancier": ["ICT-Partner", "ICT-Partner"],
            "Thema": ["late delivery", "wifi; network"],
        }
    ).to_excel(good, index=False)
    with unit_of_work(db_engine) as session:
        result = signals.import_signals(session, org_id, good, registrar="Import", now=NOW)
    assert result.count == 2
    with unit_of_work(db_engine) as session:
        rows = signals.list_signals(session, org_id)
        assert [(s.channel, s.category, s.status, s.theme_tags) for s in rows] == [
            ("supplier_report", "complaint", "new", ["late-delivery"]),
            ("supplier_report", "disruption", "referred", ["wifi", "network"]),
        ]
        assert rows[1].received_at.replace(tzinfo=None) == dt.datetime(2026, 3, 3, 13, 30)
        assert rows[0].source == "import:export.xlsx"


def test_import_rejects_unknown_columns(db_engine: Engine, tmp_path: Path) -> None:
    org_id = _org(db_engine)
    path = tmp_path / "x.csv"
    path.write_text("Datum,Shoe size\n2026-03-02,44\n", encoding="utf-8")
    with unit_of_work(db_engine) as session, pytest.raises(ImportRejected) as err:
        signals.import_signals(session, org_id, path, registrar="Import", now=NOW)
    assert [(p.row, p.column) for p in err.value.problems] == [(None, "Shoe size")]
    with unit_of_work(db_engine) as session:
        assert session.scalar(select(func.count()).select_from(SignalUpdate)) == 0


def test_trends_are_sent_to_the_coordinator_once(db_engine: Engine) -> None:
    from gapsight.store.models import Organisation, OutboxMessage

    org_id = _scripted_month(db_engine)
    with unit_of_work(db_engine) as session:
        assert signal_reports.notify_trends(session, org_id, last_month="2026-03", now=NOW)
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        org = session.get(Organisation, org_id)
        assert org is not None
        org.settings = {"signals": {"coordinator_email": "coord@ssc.example"}}
    for _ in range(2):
        with unit_of_work(db_engine) as session:
            signal_reports.notify_trends(session, org_id, last_month="2026-03", now=NOW)
    with unit_of_work(db_engine) as session:
        sent = session.scalars(select(OutboxMessage)).all()
        assert [(m.kind, m.recipient) for m in sent] == [("signal_trends", "coord@ssc.example")]
        assert "- late-delivery (stijgend): 6 deze maand" in (sent[0].body_text or "")


def test_the_public_status_shows_that_one_signal_only(db_engine: Engine) -> None:
    org_id = _org(db_engine)
    with unit_of_work(db_engine) as session:
        mine = signals.register_signal(
            session, org_id, _values(contact_person="Piet"), now=at(2026, 3, 2)
        )
        signals.register_signal(session, org_id, _values(description="Other"), now=NOW)
        signals.add_update(
            session, mine.signal.id, at=at(2026, 3, 3), by="Ann", what="Internal: call ICT"
        )
        signals.add_update(
            session,
            mine.signal.id,
            at=at(2026, 3, 4),
            by="Ann",
            what="We expect a fix Friday",
            kind="client_message",
        )
        view = signals.public_status(session, mine.status_token)
        assert signals.public_status(session, "nope") is None
    assert view == signals.PublicStatus(
        received_on=dt.date(2026, 3, 2),
        category="Klacht",
        status="acknowledged",
        last_message="We expect a fix Friday",
        last_message_on=dt.date(2026, 3, 4),
        resolution=None,
        closed_on=None,
    )
    shown = repr(view)
    for secret in ("Ann", "Piet", "Internal", "Laptop", "Gemeente", "ICT-Partner", "Other"):
        assert secret not in shown
