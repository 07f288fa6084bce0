"""Deadline clocks with an injected ``now``, across weekends and Dutch holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gapsight.domain.calendar import HolidayPolicy, WorkingCalendar
from gapsight.domain.clocks import ClockState, DeadlineRule, start_clock
from gapsight.domain.problems import InvalidInput

AMS = ZoneInfo("Europe/Amsterdam")
CAL = WorkingCalendar()


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=AMS)


def test_two_working_days_over_a_weekend() -> None:
    clock = start_clock("ack", at(2026, 11, 20, 15), DeadlineRule(2), CAL)  # Friday
    assert clock.due_date == dt.date(2026, 11, 24)  # Tuesday
    assert clock.due_at == at(2026, 11, 25)
    assert clock.remind_at == at(2026, 11, 23)  # Monday morning
    assert clock.state(at(2026, 11, 22, 12)) is ClockState.ON_TIME
    assert clock.state(at(2026, 11, 23, 9)) is ClockState.DUE_SOON
    assert clock.state(at(2026, 11, 24, 23, 59)) is ClockState.DUE_SOON
    assert clock.state(at(2026, 11, 25, 0, 0)) is ClockState.OVERDUE
    assert clock.escalation_due(at(2026, 11, 25))
    assert not clock.escalation_due(at(2026, 11, 24, 23, 59))


def test_received_on_a_holiday_counts_from_the_next_working_day() -> None:
    # Easter Monday 2026; Tue 7 and Wed 8 are the two working days
    clock = start_clock("ack", at(2026, 4, 6, 10), DeadlineRule(2), CAL)
    assert clock.due_date == dt.date(2026, 4, 8)


def test_ascension_and_good_friday_choice() -> None:
    clock = start_clock("ack", at(2026, 5, 13, 10), DeadlineRule(2), CAL)
    assert clock.due_date == dt.date(2026, 5, 18)  # Ascension 14 May skipped
    start = at(2026, 4, 2, 10)  # Thursday before Easter
    assert start_clock("a", start, DeadlineRule(2), CAL).due_date == dt.date(2026, 4, 7)
    closed_good_friday = WorkingCalendar(HolidayPolicy(good_friday=True))
    assert start_clock("a", start, DeadlineRule(2), closed_good_friday).due_date == dt.date(
        2026, 4, 8
    )


def test_local_date_decides_the_start_day() -> None:
    # 23:30 UTC on Friday is 00:30 Saturday in Amsterdam (winter time)
    utc = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)
    assert start_clock("a", utc, DeadlineRule(1), CAL).due_date == dt.date(2026, 11, 23)
    utc_early = dt.datetime(2026, 11, 20, 22, 30, tzinfo=dt.UTC)  # 23:30 Friday local
    assert start_clock("a", utc_early, DeadlineRule(1), CAL).due_date == dt.date(2026, 11, 23)
    assert start_clock("a", utc, DeadlineRule(1), CAL, timezone="UTC").due_date == dt.date(
        2026, 11, 23
    )


def test_calendar_days_week_with_escalation_later() -> None:
    rule = DeadlineRule(7, "calendar_days", remind_before=2, escalate_after=3)
    clock = start_clock("forward", at(2026, 12, 21, 9), rule, CAL)
    assert clock.due_date == dt.date(2026, 12, 28)
    assert clock.remind_at == at(2026, 12, 26)
    assert clock.escalate_at == at(2027, 1, 1)
    assert clock.state(at(2026, 12, 29)) is ClockState.OVERDUE
    assert not clock.escalation_due(at(2026, 12, 31, 23))
    assert clock.escalation_due(at(2027, 1, 1))


def test_escalation_in_working_days_skips_christmas() -> None:
    rule = DeadlineRule(1, remind_before=0, escalate_after=1)
    clock = start_clock("x", at(2026, 12, 23, 9), rule, CAL)
    assert clock.due_date == dt.date(2026, 12, 24)
    assert clock.remind_at == at(2026, 12, 24)
    assert clock.escalate_at == at(2026, 12, 29)  # Mon 28 is the next working day


def test_met_on_time_and_late() -> None:
    clock = start_clock("ack", at(2026, 11, 20, 15), DeadlineRule(2), CAL)
    on_time = clock.met(at(2026, 11, 24, 17))
    assert on_time.state(at(2027, 1, 1)) is ClockState.MET_ON_TIME
    assert not on_time.reminder_due(at(2026, 11, 24)) and not on_time.escalation_due(at(2027, 1, 1))
    late = clock.met(at(2026, 11, 25, 0, 1))
    assert late.state(at(2026, 11, 25, 1)) is ClockState.MET_LATE
    assert late.met(at(2026, 11, 20, 16)) == late  # the first meeting counts


def test_reminder_never_before_the_start() -> None:
    clock = start_clock("ack", at(2026, 11, 23, 14), DeadlineRule(1, remind_before=3), CAL)
    assert clock.remind_at == at(2026, 11, 23, 14)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        start_clock("a", dt.datetime(2026, 1, 5), DeadlineRule(1), CAL)
    clock = start_clock("a", at(2026, 1, 5), DeadlineRule(1), CAL)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.state(dt.datetime(2026, 1, 5))
    with pytest.raises(ValueError):
        DeadlineRule(-1)


def test_rules_from_settings() -> None:
    rule = DeadlineRule(5, "calendar_days", remind_before=2, escalate_after=1)
    assert DeadlineRule.from_settings(rule.to_settings()) == rule
    assert DeadlineRule.from_settings({"amount": 5}) == DeadlineRule(5)
    for bad in ({}, {"amount": "5"}, {"amount": 5, "unit": "weeks"}, {"amount": -1}):
        with pytest.raises(InvalidInput) as err:
            DeadlineRule.from_settings(bad, field="forward")
        assert [(p.field, p.code) for p in err.value.problems] == [("forward", "deadline_invalid")]
