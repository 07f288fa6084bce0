"""Working-day calendar against known Dutch dates.

Sources: the ``holidays`` package (category ``public``) and, independently, Easter from
``dateutil.easter`` (Easter Monday = Easter + 1, Ascension = Easter + 39, Whit Monday =
Easter + 50), and Koningsdag from the Wet van 2013 (27 April, 26 April when the 27th is
a Sunday).
"""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.easter import easter
from hypothesis import given
from hypothesis import strategies as st

from gapsight.domain.calendar import HolidayPolicy, WorkingCalendar, easter_sunday
from gapsight.domain.problems import InvalidInput

D = dt.date
CAL = WorkingCalendar()


@pytest.mark.parametrize("year", range(1990, 2061))
def test_easter_agrees_with_dateutil(year: int) -> None:
    assert easter_sunday(year) == easter(year)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2025, 4, 26), "King's Day"),  # 27 April 2025 is a Sunday
        (D(2026, 4, 27), "King's Day"),
        (D(2026, 4, 6), "Easter Monday"),
        (D(2026, 5, 14), "Ascension Day"),
        (D(2026, 5, 25), "Whit Monday"),
        (D(2026, 1, 1), "New Year's Day"),
        (D(2026, 12, 25), "Christmas Day"),
        (D(2026, 12, 26), "Second Day of Christmas"),
        (D(2025, 5, 5), "Liberation Day"),  # lustrum year
    ],
)
def test_known_dutch_holidays(day: D, name: str) -> None:
    found = CAL.holiday_name(day)
    assert found is not None
    # The package's English names vary a little between versions (Pentecost Monday).
    assert found in {name, name.replace("Whit", "Pentecost")}
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2030])
def test_easter_based_days_match_independent_easter(year: int) -> None:
    e = easter(year)
    for offset in (1, 39, 50):
        assert CAL.holiday_name(e + dt.timedelta(days=offset)) is not None, (year, offset)


def test_koningsdag_2025_is_the_26th_not_the_27th() -> None:
    assert D(2025, 4, 27).weekday() == 6
    assert CAL.holiday_name(D(2025, 4, 27)) is None
    assert CAL.holiday_name(D(2025, 4, 26)) == "King's Day"


def test_good_friday_is_a_working_day_by_default() -> None:
    assert CAL.is_working_day(D(2026, 4, 3))
    assert not WorkingCalendar(HolidayPolicy(good_friday=True)).is_working_day(D(2026, 4, 3))


def test_liberation_day_rules() -> None:
    assert CAL.is_working_day(D(2026, 5, 5))  # not a lustrum year
    assert not CAL.is_working_day(D(2030, 5, 5))  # 1945 + 85
    yearly = WorkingCalendar(HolidayPolicy(liberation_day="yearly"))
    never = WorkingCalendar(HolidayPolicy(liberation_day="never"))
    assert not yearly.is_working_day(D(2026, 5, 5))
    assert never.is_working_day(D(2025, 5, 5))


def test_closed_and_open_days() -> None:
    policy = HolidayPolicy(closed=frozenset({D(2026, 5, 15)}), open=frozenset({D(2026, 5, 14)}))
    cal = WorkingCalendar(policy)
    assert not cal.is_working_day(D(2026, 5, 15))
    assert cal.is_working_day(D(2026, 5, 14))


def test_add_working_days_over_weekend_and_holidays() -> None:
    # Saturday -> counts from Monday
    assert CAL.add_working_days(D(2026, 11, 21), 2) == D(2026, 11, 24)
    # Wednesday 13 May 2026, Ascension Thursday: Fri 15, Mon 18
    assert CAL.add_working_days(D(2026, 5, 13), 2) == D(2026, 5, 18)
    # Christmas 2026 Friday/Saturday: Thu 24 + 1 -> Mon 28
    assert CAL.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 28)
    # Easter 2026: Thu 2 April + 2 -> Fri 3 (Good Friday worked), Tue 7
    assert CAL.add_working_days(D(2026, 4, 2), 2) == D(2026, 4, 7)
    assert CAL.add_working_days(D(2026, 4, 7), -1) == D(2026, 4, 3)
    assert CAL.add_working_days(D(2026, 4, 7), -2) == D(2026, 4, 2)
    assert CAL.add_working_days(D(2026, 4, 6), 0) == D(2026, 4, 7)
    assert CAL.add_working_days(D(2026, 4, 7), 0) == D(2026, 4, 7)


def test_working_days_between() -> None:
    assert CAL.working_days_between(D(2026, 4, 2), D(2026, 4, 7)) == 2
    assert CAL.working_days_between(D(2026, 4, 7), D(2026, 4, 2)) == -2
    assert CAL.working_days_between(D(2026, 1, 1), D(2026, 1, 1)) == 0
    # 2026 has 261 weekdays; holidays on weekdays: 1 Jan, 6 Apr, 27 Apr, 14 May, 25 May,
    # 25 Dec (26 Dec is a Saturday) -> 255 working days
    assert CAL.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 255
    assert len(CAL.working_days_in(D(2026, 1, 1), D(2026, 12, 31))) == 255


def test_policy_settings_round_trip_and_errors() -> None:
    policy = HolidayPolicy(
        good_friday=True, liberation_day="yearly", closed=frozenset({D(2026, 5, 15)})
    )
    assert HolidayPolicy.from_settings(policy.to_settings()) == policy
    assert HolidayPolicy.from_settings(None) == HolidayPolicy()
    with pytest.raises(InvalidInput) as err:
        HolidayPolicy.from_settings(
            {"liberation_day": "sometimes", "closed": ["2026-13-01"], "weekend": [7], "x": 1}
        )
    codes = sorted(p.code for p in err.value.problems)
    assert codes == [
        "calendar_date",
        "calendar_liberation_day",
        "calendar_unknown",
        "calendar_weekday",
    ]


days = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))
policies = st.builds(
    HolidayPolicy,
    good_friday=st.booleans(),
    liberation_day=st.sampled_from(["lustrum", "yearly", "never"]),
)


@given(days, st.integers(-40, 40), policies)
def test_add_working_days_lands_on_a_working_day(day: D, n: int, policy: HolidayPolicy) -> None:
    cal = WorkingCalendar(policy)
    result = cal.add_working_days(day, n)
    assert result.weekday() < 5
    assert cal.holiday_name(result) is None
    if n > 0:
        assert result > day
        assert cal.working_days_between(day, result) == n
    elif n < 0:
        assert result < day


@given(days, days, st.integers(0, 30))
def test_add_working_days_is_monotone(a: D, b: D, n: int) -> None:
    a, b = min(a, b), max(a, b)
    assert CAL.add_working_days(a, n) <= CAL.add_working_days(b, n)
    assert CAL.add_working_days(a, n) <= CAL.add_working_days(a, n + 1)


@given(days, days)
def test_working_days_between_matches_a_day_by_day_count(a: D, b: D) -> None:
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 400:
        hi = lo + dt.timedelta(days=400)
    count = sum(CAL.is_working_day(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert CAL.working_days_between(lo, hi) == count


def test_organisation_settings_check_the_calendar_and_signals() -> None:
    from gapsight.domain.organisations import check_organisation

    problems = check_organisation(
        "Acme", {"calendar": {"liberation_day": "x"}, "signals": {"acknowledge_days": 0}}
    )
    assert [p.code for p in problems] == ["calendar_liberation_day", "days_range"]
    assert [p.code for p in check_organisation("Acme", {"calendar": 5})] == ["calendar_invalid"]
    assert check_organisation("Acme", {"calendar": {"good_friday": True}}) == []
