"""services.actions: PDCA actions stored with their causes and measurement."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from gapsight.domain.actions import CauseLink, Measurement
from gapsight.domain.problems import InvalidInput
from gapsight.services import actions
from gapsight.services.organisations import create_organisation
from gapsight.store.database import unit_of_work

NOW = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)


def test_an_action_runs_through_a_cycle(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        org_id = create_organisation(session, "SSC").id
        with pytest.raises(InvalidInput):
            actions.create_action(session, org_id, title=" ", level="galaxy", now=NOW)
        action = actions.create_action(
            session,
            org_id,
            title="Weekly delivery call with ICT-Partner",
            level="team",
            causes=[CauseLink("signal_trend", "supplier:ICT-Partner/theme:late-delivery")],
            measurement=Measurement("signal_count", "theme:late-delivery", 6, 2, False),
            now=NOW,
        )
        action_id = action.id
    with unit_of_work(db_engine) as session:
        with pytest.raises(InvalidInput, match="plan"):
            actions.advance_action(session, action_id, "do", owner="Ann", now=NOW)
        actions.advance_action(
            session,
            action_id,
            "do",
            owner="Ann",
            plan="Call every Monday",
            due=dt.date(2026, 5, 1),
            now=NOW,
        )
        assert [
            a.id for a in actions.overdue_actions(session, org_id, today=dt.date(2026, 5, 2))
        ] == [action_id]
        actions.advance_action(session, action_id, "check", now=NOW)
        actions.advance_action(session, action_id, "act", check_result="2 reports in May", now=NOW)
        done = actions.advance_action(
            session, action_id, "done", act_decision="Keep the call", now=NOW
        )
        assert done.finished_at is not None
    with unit_of_work(db_engine) as session:
        stored = actions.get_action(session, action_id)
        assert stored.status == "done" and stored.owner == "Ann"
        assert Measurement.from_json(stored.measurement or {}).verdict(2) == "met"
        assert CauseLink.from_json(stored.causes[0]).kind == "signal_trend"
        assert actions.list_actions(session, org_id, status="done")[0].id == action_id
        assert actions.overdue_actions(session, org_id, today=dt.date(2026, 6, 1)) == []


def test_the_supplier_report_lists_actions_caused_by_that_supplier(db_engine: Engine) -> None:
    from gapsight.services import signal_reports

    with unit_of_work(db_engine) as session:
        org_id = create_organisation(session, "SSC").id
        for title, ref in (("Call ICT", "supplier:ICT-Partner"), ("Fix lift", "supplier:Lifts")):
            actions.create_action(
                session,
                org_id,
                title=title,
                level="team",
                causes=[CauseLink("signal_trend", ref)],
                now=NOW,
            )
        report = signal_reports.supplier_report(
            session, org_id, "ICT-Partner", last_month="2026-03"
        )
    assert [a["title"] for a in report.improvement_actions] == ["Call ICT"]
