"""Case rules and clocks with an injected clock: deadlines across weekends and Dutch
public holidays, reminder and escalation moments, overdue state, transitions, metrics."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
from zoneinfo import ZoneInfo

import pytest

from gapsight.domain.calendar import HolidayPolicy, WorkingCalendar
from gapsight.domain.cases import (
    CaseSettings,
    CaseTimes,
    case_clocks,
    check_transition,
    is_overdue,
    loop_metrics,
)
from gapsight.domain.clocks import ClockState, DeadlineRule
from gapsight.domain.problems import InvalidInput

AMS = ZoneInfo("Europe/Amsterdam")
CAL = WorkingCalendar()


def at(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=AMS)


@pytest.mark.parametrize("name", ["gapsight.domain.flags", "gapsight.domain.cases"])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(
    ("flagged", "forward_due", "follow_due", "why"),
    [
        # Thu 17 Dec 2026: forward 18, 21, 22, 23, 24 Dec; follow-up (20) skips
        # Christmas (Fri 25), Boxing Day (Sat) and New Year (Fri 1 Jan): 28–31 Dec (9),
        # 4–8 Jan (14), 11–15 Jan (19), Mon 18 Jan (20).
        (at(2026, 12, 17), dt.date(2026, 12, 24), dt.date(2027, 1, 18), "Christmas"),
        # Fri 24 Apr 2026: King's Day Mon 27 Apr is off: 28, 29, 30 Apr, 1 and 4 May;
        # follow-up also skips Ascension (14 May) and Whit Monday (25 May): Wed 27 May.
        (at(2026, 4, 24), dt.date(2026, 5, 4), dt.date(2026, 5, 27), "King's Day"),
        # Tue 5 May 2025 (a lustrum year: Liberation Day off) on a Saturday start:
        # Sat 3 May 2025 → Mon 5 (holiday) skipped: 6, 7, 8, 9, 12 May.
        (at(2025, 5, 3), dt.date(2025, 5, 12), dt.date(2025, 6, 3), "Liberation Day 2025"),
        # Wed 13 May 2026: Ascension Thu 14 May and Whit Monday 25 May are off.
        (at(2026, 5, 13), dt.date(2026, 5, 21), dt.date(2026, 6, 12), "Ascension"),
    ],
)
def test_deadlines_in_working_days_skip_weekends_and_holidays(
    flagged: dt.datetime, forward_due: dt.date, follow_due: dt.date, why: str
) -> None:
    clocks = case_clocks(CaseTimes(flagged), CaseSettings(), CAL)
    assert clocks["forward"].due_date == forward_due, why
    assert clocks["follow_up"].due_date == follow_due, why


def test_calendar_days_ignore_holidays() -> None:
    config = CaseSettings(
        forward=DeadlineRule(7, "calendar_days", remind_before=2),
        follow_up=DeadlineRule(30, "calendar_days", remind_before=5),
    )
    clocks = case_clocks(CaseTimes(at(2026, 12, 24)), config, CAL)
    assert clocks["forward"].due_date == dt.date(2026, 12, 31)
    assert clocks["forward"].remind_at == at(2026, 12, 29, 0)
    assert clocks["follow_up"].due_date == dt.date(2027, 1, 23)


def test_good_friday_follows_the_organisation_policy() -> None:
    # Thu 2 Apr 2026 + 5 working days; Easter Monday 6 Apr off, Good Friday by policy.
    flagged = CaseTimes(at(2026, 4, 2))
    usual = case_clocks(flagged, CaseSettings(), CAL)["forward"]
    closed = case_clocks(flagged, CaseSettings(), WorkingCalendar(HolidayPolicy(good_friday=True)))
    assert usual.due_date == dt.date(2026, 4, 10)
    assert closed["forward"].due_date == dt.date(2026, 4, 13)


def test_states_reminder_and_escalation_moments() -> None:
    times = CaseTimes(at(2026, 4, 24, 10))  # forward due Mon 4 May
    forward = case_clocks(times, CaseSettings(), CAL)["forward"]
    assert forward.remind_at == at(2026, 5, 1, 0)  # one working day before
    assert forward.escalate_at == at(2026, 5, 5, 0)
    assert forward.state(at(2026, 4, 30, 23, 59)) is ClockState.ON_TIME
    assert forward.reminder_due(at(2026, 5, 1, 0))
    assert forward.state(at(2026, 5, 4, 23, 59)) is ClockState.DUE_SOON
    assert forward.state(at(2026, 5, 5, 0)) is ClockState.OVERDUE
    assert forward.escalation_due(at(2026, 5, 5, 0)) and not forward.reminder_due(at(2026, 5, 5))
    assert is_overdue(times, case_clocks(times, CaseSettings(), CAL), at(2026, 5, 5, 0))


def test_following_up_meets_the_forward_clock_too() -> None:
    times = CaseTimes(at(2026, 4, 24, 10), followed_up_at=at(2026, 4, 28), status="followed_up")
    clocks = case_clocks(times, CaseSettings(), CAL)
    now = at(2026, 7, 1)
    assert clocks["forward"].state(now) is ClockState.MET_ON_TIME
    assert clocks["follow_up"].state(now) is ClockState.MET_ON_TIME
    assert not is_overdue(times, clocks, now)


def test_a_closed_case_is_never_overdue() -> None:
    times = CaseTimes(at(2026, 4, 24), closed_at=at(2026, 6, 1), status="closed")
    assert not is_overdue(times, case_clocks(times, CaseSettings(), CAL), at(2026, 7, 1))


def test_settings_from_organisation_settings() -> None:
    config = CaseSettings.from_settings(
        {
            "forward": {"amount": 7, "unit": "calendar_days"},
            "follow_up": {"amount": 1, "unit": "calendar_days", "remind_before": 0},
            "coordinator_email": "c@x.nl",
            "language": "en",
        }
    )
    assert config.forward.unit == "calendar_days" and config.follow_up.amount == 1
    assert (config.coordinator_email, config.language) == ("c@x.nl", "en")
    assert CaseSettings.from_settings(None) == CaseSettings()
    with pytest.raises(InvalidInput):
        CaseSettings.from_settings({"forward": {"amount": -1}})
    with pytest.raises(InvalidInput):
        CaseSettings.from_settings({"coordinator_email": "nobody"})


@pytest.mark.parametrize(
    ("old", "new", "contact", "note", "code"),
    [
        ("open", "forwarded", None, None, "contact_required"),
        ("open", "followed_up", "P", "", "outcome_required"),
        ("forwarded", "closed", None, None, "reason_required"),
        ("closed", "open", None, None, "transition"),
        ("followed_up", "forwarded", "P", None, "transition"),
        ("open", "bogus", None, None, "status_unknown"),
    ],
)
def test_refused_transitions(
    old: str, new: str, contact: str | None, note: str | None, code: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_transition(old, new, contact_person=contact, note=note)
    assert caught.value.problems[0].code == code


def test_allowed_transitions() -> None:
    check_transition("open", "forwarded", contact_person="Piet", note=None)
    check_transition("forwarded", "followed_up", contact_person=None, note="called")
    check_transition("followed_up", "closed", contact_person=None, note=None)
    check_transition("open", "closed", contact_person=None, note="no longer a customer")


def test_metrics_of_no_cases() -> None:
    m = loop_metrics([], CaseSettings(), CAL, now=at(2026, 1, 1))
    assert m.flags == 0 and m.share_forwarded_on_time is None
    assert m.median_days_to_forward is None and m.overdue_now == 0


def test_metrics_hand_count_in_working_days() -> None:
    """Three cases flagged Fri 24 April 2026 10:00 (forward due Mon 4 May, follow-up
    due Wed 27 May): A forwarded Mon 4 May 12:00 (on time, 10.08 days), B forwarded
    Tue 5 May 08:00 (late, 10.92 days) and followed up Mon 11 May 10:00 (on time,
    17 days), C untouched. At Wed 27 May 09:00 only C is overdue (forward); from
    Thu 28 May A is overdue too (follow-up).
    Medians: forward (10.08, 10.92) → 10.5; follow-up (17) → 17.0."""
    flagged = at(2026, 4, 24, 10)
    cases = [
        CaseTimes(flagged, forwarded_at=at(2026, 5, 4, 12), status="forwarded", kind="detractor"),
        CaseTimes(
            flagged,
            forwarded_at=at(2026, 5, 5, 8),
            followed_up_at=at(2026, 5, 11, 10),
            status="followed_up",
            kind="promoter",
        ),
        CaseTimes(flagged, kind="detractor"),
    ]
    m = loop_metrics(cases, CaseSettings(), CAL, now=at(2026, 5, 27))
    assert (m.open_now, m.overdue_now) == (2, 1)
    m = loop_metrics(cases, CaseSettings(), CAL, now=at(2026, 5, 28, 0))
    assert (m.flags, m.promoters, m.detractors) == (3, 1, 2)
    assert (m.forwarded, m.forwarded_on_time) == (2, 1)
    assert (m.followed_up, m.followed_up_on_time) == (1, 1)
    assert m.share_forwarded_on_time == pytest.approx(1 / 3)
    assert m.median_days_to_forward == 10.5
    assert m.median_days_to_follow_up == 17.0
    assert (m.open_now, m.overdue_now) == (2, 2)


def test_organisation_settings_check_the_cases_block() -> None:
    from gapsight.domain.organisations import check_organisation

    ok = {"cases": {"forward": {"amount": 7, "unit": "calendar_days"}}}
    assert check_organisation("Veldhuis", ok) == []
    bad = check_organisation("Veldhuis", {"cases": {"follow_up": {"amount": "a month"}}})
    assert [(p.field, p.code) for p in bad] == [("cases.follow_up", "deadline_invalid")]
    assert [p.code for p in check_organisation("V", {"cases": ["x"]})] == ["cases_invalid"]
