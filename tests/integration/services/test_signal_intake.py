"""Editing a registration, the public form's use case (rate limit, limits, channel),
client-group scopes, and the stored explanation of a report."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from gapsight.domain.intake import IntakeRules
from gapsight.domain.problems import InvalidInput
from gapsight.services import signal_documents, signals
from gapsight.services.organisations import create_organisation
from gapsight.services.signal_access import assign_client_groups, scope_for
from gapsight.services.signal_intake import RateLimited, file_public_signal
from gapsight.store.database import unit_of_work
from gapsight.store.models import SignalIntake, User

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 4, 1, 9, tzinfo=AMS)
PUBLIC = {
    "client_organisation": "Gemeente A",
    "client_group": "Zorg",
    "service_domain": "Werkplek",
    "category": "wish",
    "description": "A quiet room, please",
}


def _org(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return create_organisation(session, "SSC").id


def test_edit_checks_the_whole_signal_and_records_what_changed(db_engine: Engine) -> None:
    org = _org(db_engine)
    with unit_of_work(db_engine) as session:
        signal_id = file_public_signal(session, org, PUBLIC, address_hash="a", now=NOW).signal.id
    with unit_of_work(db_engine) as session, pytest.raises(InvalidInput) as err:
        signals.edit_signal(session, signal_id, {"category": "disruption"}, at=NOW, by="Ann")
    assert [p.code for p in err.value.problems] == ["supplier_required"]
    with unit_of_work(db_engine) as session, pytest.raises(InvalidInput):
        signals.edit_signal(session, signal_id, {"status": "closed"}, at=NOW, by="Ann")
    with unit_of_work(db_engine) as session:
        changed = signals.edit_signal(
            session,
            signal_id,
            {
                "supplier": "Facilitair BV",
                "theme_tags": "Quiet, rooms",
                "description": "A quiet room, please",
            },
            at=NOW,
            by="Ann",
        )
        assert changed == ["supplier", "theme_tags"]
        assert signals.edit_signal(session, signal_id, {}, at=NOW, by="Ann") == []
    with unit_of_work(db_engine) as session:
        notes = [u.what for u in signals.updates_of(session, signal_id) if u.kind == "note"]
        assert notes == ["edited: supplier, theme_tags"]
        assert signals.get_signal(session, signal_id).theme_tags == ["quiet", "rooms"]


def test_the_public_form_use_case_limits_each_address(db_engine: Engine) -> None:
    org = _org(db_engine)
    rules = IntakeRules(per_window=2, window_seconds=3600)
    with unit_of_work(db_engine) as session:
        reg = file_public_signal(session, org, PUBLIC, address_hash="a", now=NOW, rules=rules)
        assert (reg.signal.channel, reg.signal.registrar) == ("web_form", "web form")
        file_public_signal(session, org, PUBLIC, address_hash="a", now=NOW, rules=rules)
        with pytest.raises(RateLimited):
            file_public_signal(session, org, PUBLIC, address_hash="a", now=NOW, rules=rules)
        file_public_signal(session, org, PUBLIC, address_hash="b", now=NOW, rules=rules)
    later = NOW + dt.timedelta(hours=1, seconds=1)
    with unit_of_work(db_engine) as session:
        file_public_signal(session, org, PUBLIC, address_hash="a", now=later, rules=rules)
        # the old submissions are forgotten once the window has passed
        assert session.scalar(select(func.count()).select_from(SignalIntake)) == 1
    with unit_of_work(db_engine) as session, pytest.raises(InvalidInput) as err:
        file_public_signal(
            session,
            org,
            {**PUBLIC, "description": "x" * 5001, "registrar": "me"},
            address_hash="c",
            now=NOW,
        )
    assert {(p.field, p.code) for p in err.value.problems} == {
        ("description", "too_long"),
        ("registrar", "field_unknown"),
    }


def test_client_groups_make_a_client_manager(db_engine: Engine) -> None:
    org = _org(db_engine)
    with unit_of_work(db_engine) as session:
        user = User(email="cm@ssc.example", name="CM", password_hash="x", role="viewer")
        user.organisation_id = org
        session.add(user)
        session.flush()
        assert scope_for(session, user.id, org).client_groups is None
        assert assign_client_groups(session, user.id, [" Zorg", "Onderwijs", "Zorg", ""]) == [
            "Onderwijs",
            "Zorg",
        ]
        scope = scope_for(session, user.id, org)
        assert scope.is_client_manager and scope.allows(org, "Zorg")
        assert not scope.allows(org, "Sociaal domein") and not scope.allows(org + 1, "Zorg")
        assert assign_client_groups(session, user.id, []) == []
        assert not scope_for(session, user.id, org).is_client_manager
        with pytest.raises(KeyError):
            assign_client_groups(session, 9999, ["Zorg"])


def test_the_explanation_of_a_report_is_kept_per_subject_and_month(db_engine: Engine) -> None:
    org = _org(db_engine)
    with unit_of_work(db_engine) as session:
        signal_documents.set_report_text(session, org, "supplier", "ICT", "2026-03", " Text ")
        signal_documents.set_report_text(session, org, "supplier", "ICT", "2026-03", "Better")
        signal_documents.set_report_text(session, org, "registrar", "*", "2026-03", "Bundle")
        with pytest.raises(ValueError):
            signal_documents.set_report_text(session, org, "study", "x", "2026-03", "t")
        with pytest.raises(ValueError):
            signal_documents.set_report_text(session, org, "supplier", "x", "March", "t")
    with unit_of_work(db_engine) as session:
        get = signal_documents.get_report_text
        assert get(session, org, "supplier", "ICT", "2026-03") == "Better"
        assert get(session, org, "supplier", "ICT", "2026-02") == ""
        assert get(session, org, "registrar", "*", "2026-03") == "Bundle"
        signal_documents.set_report_text(session, org, "supplier", "ICT", "2026-03", "")
        assert get(session, org, "supplier", "ICT", "2026-03") == ""
