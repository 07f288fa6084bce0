"""Improvement actions: PDCA transitions, causes and measurements."""

from __future__ import annotations

import datetime as dt

from gapsight.domain.actions import (
    ActionFields,
    CauseLink,
    Measurement,
    check_action,
    check_action_transition,
    is_overdue,
)


def codes(old: str, new: str, fields: ActionFields) -> list[str]:
    return [p.code for p in check_action_transition(old, new, fields)]


def test_pdca_cycle() -> None:
    ready = ActionFields(owner="Ann", plan="Weekly call with supplier", due=dt.date(2026, 6, 1))
    assert codes("plan", "do", ActionFields()) == [
        "owner_required",
        "plan_required",
        "due_required",
    ]
    assert codes("plan", "do", ready) == []
    assert codes("do", "check", ready) == []
    assert codes("check", "act", ready) == ["check_required"]
    checked = ActionFields(**{**ready.__dict__, "check_result": "complaints halved"})
    assert codes("check", "act", checked) == []
    assert codes("act", "done", checked) == ["act_required"]
    assert codes("act", "plan", checked) == []  # another cycle
    assert codes("done", "plan", checked) == ["transition"]
    assert codes("plan", "sleep", checked) == ["status_unknown"]


def test_check_action_and_links() -> None:
    cause = CauseLink("signal_trend", "theme:late-delivery")
    assert CauseLink.from_json(cause.as_json()) == cause
    assert check_action("Fix delivery", "team", [cause], None) == []
    found = [
        p.code for p in check_action("", "world", [CauseLink("rumour", "")], Measurement("x", "y"))
    ]
    assert found == [
        "required",
        "level_unknown",
        "cause_unknown",
        "cause_reference",
        "measurement_unknown",
    ]


def test_measurement_verdict_both_directions() -> None:
    fewer = Measurement("signal_count", "theme:parking", 12, 6, higher_is_better=False)
    assert Measurement.from_json(fewer.as_json()) == fewer
    assert [fewer.verdict(v) for v in (5, 9, 12, None)] == [
        "met",
        "improved",
        "not_improved",
        "unknown",
    ]


def test_overdue() -> None:
    today = dt.date(2026, 6, 2)
    assert is_overdue("do", dt.date(2026, 6, 1), today)
    assert not is_overdue("done", dt.date(2026, 6, 1), today)
    assert not is_overdue("plan", None, today)
    assert not is_overdue("plan", today, today)
