"""Mirror-discrepancy action plans (P4.mirror_plan) on a real database: a customer
wave and a mirror wave on the same small 5-point instrument."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from gapsight.domain.problems import InvalidInput
from gapsight.services import mirror_plans
from gapsight.services.instruments import register
from gapsight.services.organisations import create_organisation
from gapsight.services.responses import store_table
from gapsight.services.studies import create_study
from gapsight.store.database import unit_of_work

from .helpers import small_instrument, table

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


def _waves(engine: Engine) -> tuple[int, int, int]:
    """Customers rate q1 about 2, staff think customers rate it about 4.5 (a blind
    spot of +2.5 on a 5-point scale); q2 agrees (gap 0.1); q3 is a small gap (0.3)."""
    with unit_of_work(engine) as session:
        org = create_organisation(session, "Acme")
        version = register(session, small_instrument())
        customer = create_study(
            session, organisation_id=org.id, name="KTO", kind="customer", instrument=version.id
        )
        mirror = create_study(
            session, organisation_id=org.id, name="Spiegel", kind="mirror", instrument=version.id
        )
        store_table(
            session,
            customer.id,
            table([[2, 4, 3], [2, 4, 3], [1, 4, 3], [3, 4, 4], [2, 4, 3], [2, 5, 3]]),
        )
        store_table(
            session,
            mirror.id,
            table([[5, 4, 3], [4, 4, 4], [5, 4, 3], [4, 5, 4], [5, 4, 3]]),
        )
        return org.id, customer.id, mirror.id


def test_items_over_the_threshold_become_an_action_plan(engine: Engine) -> None:
    org_id, customer, mirror = _waves(engine)
    with unit_of_work(engine) as session:
        found = mirror_plans.discrepancies(
            session, customer_wave_id=customer, mirror_wave_id=mirror
        )
        # Hand count: q1 customers (2+2+1+3+2+2)/6 = 2.0, staff (5+4+5+4+5)/5 = 4.6;
        # q2 4.1667 vs 4.2 (0.03); q3 3.1667 vs 3.4 (0.23) — only q1 exceeds 0.5.
        assert [(d.code, round(d.gap, 2)) for d in found] == [("q1", 2.6)]
        assert found[0].significant
        with pytest.raises(InvalidInput) as caught:
            mirror_plans.create_plan(
                session,
                customer_wave_id=customer,
                mirror_wave_id=mirror,
                codes=["q2"],
                owner="",
                actions=[],
                due=dt.date(2026, 9, 1),
                now=NOW,
            )
        assert {p.code for p in caught.value.problems} == {
            "not_discrepancy",
            "owner_required",
            "actions_required",
        }
        assert mirror_plans.plans_for(session, org_id) == []
        action = mirror_plans.create_plan(
            session,
            customer_wave_id=customer,
            mirror_wave_id=mirror,
            codes=["q1"],
            owner="Ann de Wit",
            actions=["Workshop with the service desk", "Call five customers"],
            due=dt.date(2026, 9, 1),
            now=NOW,
        )
        assert action.owner == "Ann de Wit" and action.due == dt.date(2026, 9, 1)
        assert action.plan == "- Workshop with the service desk\n- Call five customers"
        assert action.causes == [
            {
                "kind": "mirror_discrepancy",
                "reference": f"study:{customer}/mirror:{mirror}/item:q1",
                "note": "gap +2.60",
            }
        ]
        assert [a.id for a in mirror_plans.plans_for(session, org_id)] == [action.id]
        assert mirror_plans.plans_for(session, org_id, customer_wave_id=mirror) == []


def test_waves_of_the_wrong_kind_are_refused(engine: Engine) -> None:
    _, customer, mirror = _waves(engine)
    with unit_of_work(engine) as session, pytest.raises(InvalidInput) as caught:
        mirror_plans.discrepancies(session, customer_wave_id=mirror, mirror_wave_id=customer)
    assert {p.code for p in caught.value.problems} == {"not_customer", "not_mirror"}
