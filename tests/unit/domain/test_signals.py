"""Signal rules: configuration, required fields, transitions, completeness, promotion."""

from __future__ import annotations

import datetime as dt

import pytest

from gapsight.domain.problems import InvalidInput
from gapsight.domain.signals import (
    PromotionRule,
    SignalConfig,
    check_signal,
    check_transition,
    completeness,
    normalise_tags,
    promotion,
)

T = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
CFG = SignalConfig.from_settings({})


def valid(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "received_at": T,
        "channel": "mailbox",
        "registrar": "Ann",
        "client_organisation": "Gemeente X",
        "client_group": "Sociaal domein",
        "service_domain": "ICT",
        "category": "complaint",
        "description": "Laptop not delivered",
    }
    base.update(over)
    return base


def codes(values: dict[str, object], cfg: SignalConfig = CFG) -> list[str]:
    return [p.code for p in check_signal(values, cfg)]


def test_a_valid_registration_has_no_problems() -> None:
    assert codes(valid()) == []


def test_each_required_field_is_enforced() -> None:
    for name in CFG.required:
        assert [p.field for p in check_signal(valid(**{name: ""}), CFG)] == [name]


def test_cross_field_rules() -> None:
    assert codes(valid(category="disruption")) == ["supplier_required"]
    assert codes(valid(category="disruption", supplier="S")) == []
    assert codes(valid(within_norms=True)) == ["norms_explanation_required"]
    assert codes(valid(within_norms=True, norms_explanation="5 days is the norm")) == []
    assert codes(valid(channel="fax")) == ["channel_unknown"]
    assert codes(valid(category="rant")) == ["category_unknown"]
    assert codes(valid(description="x" * 10_001)) == ["too_long"]
    assert codes(valid(contact_email="not-an-address")) == ["email"]
    assert codes(valid(received_at=dt.datetime(2026, 3, 2))) == ["timezone"]
    assert codes(valid(status="closed")) == ["resolution_required"]
    assert codes(valid(status="closed", category="disruption", supplier="S")) == []


def test_organisation_settings() -> None:
    cfg = SignalConfig.from_settings(
        {
            "required": ["contact_person"],
            "acknowledge_days": 3,
            "categories": [
                {"code": "complaint", "labels": {"nl": "Klacht"}, "mappings": {"iso": "C"}},
                {"code": "storing", "referred": True},
            ],
        }
    )
    assert cfg.required[-1] == "contact_person" and cfg.acknowledge_days == 3
    assert cfg.mapped("complaint", "iso") == "C" and cfg.mapped("storing", "iso") is None
    assert cfg.find_category("klacht") == "complaint"
    assert codes(valid(), cfg) == ["required"]
    with pytest.raises(InvalidInput) as err:
        SignalConfig.from_settings(
            {"acknowledge_days": 0, "required": ["shoe_size"], "categories": [{"x": 1}]}
        )
    assert sorted(p.code for p in err.value.problems) == [
        "category_invalid",
        "days_range",
        "required_unknown",
    ]


def test_default_categories_and_mappings() -> None:
    assert CFG.category_codes() == (
        "complaint",
        "supplier_dissatisfaction",
        "wish",
        "information_request",
        "compliment",
        "disruption",
    )
    basic = {c: CFG.mapped(c, "basic") for c in CFG.category_codes()}
    assert set(basic.values()) == {"complaint", "wish", "information", "other", "disruption"}
    assert CFG.category("disruption").referred
    assert CFG.category("supplier_dissatisfaction").label("nl") == "Ontevredenheid over leverancier"


def test_transitions() -> None:
    check_transition("new", "acknowledged", resolution=None, referred=False)
    check_transition("new", "referred", resolution=None, referred=True)
    check_transition("referred", "closed", resolution=None, referred=True)
    check_transition("closed", "in_progress", resolution="x", referred=False)
    with pytest.raises(InvalidInput, match="cannot become"):
        check_transition("new", "closed", resolution="x", referred=False)
    with pytest.raises(InvalidInput, match="resolution"):
        check_transition("in_progress", "resolved", resolution=" ", referred=False)
    with pytest.raises(InvalidInput, match="unknown status"):
        check_transition("new", "lost", resolution=None, referred=False)


def test_completeness_and_tags() -> None:
    assert completeness(valid(), CFG) == pytest.approx(8 / 13)
    full = valid(
        contact_person="P",
        contact_email="p@x.nl",
        supplier="S",
        supplier_ticket="T-1",
        theme_tags=["a"],
    )
    assert completeness(full, CFG) == 1.0
    assert normalise_tags(["Wi-Fi ", "wi fi", "WIFI"]) == ["wi-fi", "wifi"]
    assert normalise_tags(None) == []


def test_promotion_counts_the_same_kind_within_the_window() -> None:
    rule = PromotionRule(threshold=3, window_days=30)
    same = {
        "category": "disruption",
        "client_organisation": "A",
        "supplier": "S",
        "service_domain": "ICT",
    }
    history = [
        {"id": 1, "received_at": T - dt.timedelta(days=10), **same},
        {"id": 2, "received_at": T - dt.timedelta(days=40), **same},  # outside the window
        {"id": 3, "received_at": T - dt.timedelta(days=5), **same, "supplier": "Other"},
    ]
    new = {"received_at": T, **same}
    assert not promotion(new, history, rule).promote
    history.append({"id": 4, "received_at": T - dt.timedelta(days=1), **same})
    decision = promotion(new, history, rule)
    assert decision.promote and decision.related == (1, 4)
    assert not promotion({**new, "category": "wish"}, history, rule).promote
    assert not promotion(new, history, PromotionRule(threshold=0)).promote
