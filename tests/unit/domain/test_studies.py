"""Study rules as pure checks: every problem at once, with field and code."""

from __future__ import annotations

import datetime as dt

import pytest

from gapsight.domain.studies import check_settings


def _codes(**changes: object) -> list[tuple[str, str]]:
    base: dict[str, object] = {"name": "KTO", "kind": "customer", "anonymity_mode": "choice"}
    return [(p.field, p.code) for p in check_settings(**{**base, **changes})]  # type: ignore[arg-type]


def test_valid_settings_have_no_problems() -> None:
    assert _codes(reminder_days=[7, 14], flag_recipients=["kcc@acme.example"]) == []


def test_all_problems_are_reported_together() -> None:
    assert _codes(
        name=" ",
        kind="employee",
        min_group_size=2,
        confidence_level=1.0,
        population_size=-1,
        field_start=dt.date(2026, 3, 1),
        field_end=dt.date(2026, 2, 1),
        reminder_days=[0],
        flag_recipients=["nobody"],
    ) == [
        ("name", "name_empty"),
        ("anonymity_mode", "employee_anonymous"),
        ("min_group_size", "min_group_size_range"),
        ("confidence_level", "confidence_range"),
        ("population_size", "population_negative"),
        ("field_end", "field_period_order"),
        ("reminder_days", "reminder_day_range"),
        ("flag_recipients", "flag_recipient_invalid"),
    ]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "survey"}, "kind_unknown"),
        ({"anonymity_mode": "secret"}, "anonymity_unknown"),
        ({"min_group_size": 11}, "min_group_size_range"),
        ({"reminder_days": [7, 7]}, "reminder_day_repeated"),
        ({"reminder_days": [1, 2, 3, 4, 5, 6]}, "reminder_too_many"),
    ],
)
def test_single_rules(changes: dict[str, object], code: str) -> None:
    assert [c for _f, c in _codes(**changes)] == [code]


def test_employee_surveys_may_be_anonymous_and_bounds_are_inclusive() -> None:
    assert _codes(kind="employee", anonymity_mode="anonymous", min_group_size=3) == []
    assert _codes(min_group_size=10, reminder_days=[1, 90]) == []
