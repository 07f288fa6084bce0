"""Working days: weekends, public holidays and an organisation's own choices.

Deadlines such as "acknowledge the client within 2 working days" or "forward a flag
within one week" count *working days*. Which days are working days is partly law and
partly custom, so the calendar is built from a :class:`HolidayPolicy` that each
organisation can set (``settings["calendar"]``, see ``docs/calendar.md``):

- the public holidays of ``country`` come from the ``holidays`` package (category
  ``public``); for the Netherlands those are the days of the *Algemene termijnenwet*:
  New Year, Easter Monday, King's Day (26 April when 27 April is a Sunday), Ascension,
  Whit Monday, Christmas and Boxing Day (Easter and Whit Sunday fall on Sundays anyway);
- **Good Friday** (*Goede Vrijdag*) is a day off for few employers, so it is a working
  day unless ``good_friday=True``;
- **Liberation Day** (*Bevrijdingsdag*, 5 May) is a day off for most employers only in
  lustrum years (1945 + 5k: 2025, 2030 …), as most collective agreements say:
  ``liberation_day="lustrum"`` (default), ``"yearly"`` or ``"never"``;
- ``closed`` adds the organisation's own closing days (e.g. a bridge day), ``open``
  removes public holidays it works on anyway; ``weekend`` lists the weekdays off
  (Monday = 0; default Saturday and Sunday).

The Netherlands-specific choices are applied whatever version of ``holidays`` is
installed: Good Friday and 5 May are removed from the package's list and added back
by the policy, so the result does not depend on the package's own defaults.

Counting conventions (used by :mod:`gapsight.domain.clocks`):

- ``add_working_days(d, n)`` for ``n > 0`` is the *n*-th working day **after** ``d``;
  ``d`` itself need not be a working day (a signal received on Saturday with a
  2-working-day deadline is due on Tuesday). ``n = 0`` gives ``d`` if it is a working
  day, else the next one; ``n < 0`` counts backwards the same way.
- ``working_days_between(a, b)`` counts the working days ``d`` with ``a < d <= b``
  (negative when ``b < a``), so ``working_days_between(a, add_working_days(a, n)) == n``
  for every ``n >= 1``.

Easter is computed with the anonymous Gregorian algorithm (Meeus/Jones/Butcher; J.
Meeus, *Astronomical Algorithms*, 1991, ch. 8), so Good Friday does not depend on the
package either.

Example::

    >>> import datetime as dt
    >>> cal = WorkingCalendar()
    >>> cal.holiday_name(dt.date(2025, 4, 26))      # 27 April 2025 is a Sunday
    "King's Day"
    >>> cal.add_working_days(dt.date(2026, 4, 2), 2)  # Thu; Good Friday worked, Easter Monday off
    datetime.date(2026, 4, 7)
    >>> WorkingCalendar(HolidayPolicy(good_friday=True)).add_working_days(dt.date(2026, 4, 2), 2)
    datetime.date(2026, 4, 8)
    >>> cal.working_days_between(dt.date(2026, 5, 22), dt.date(2026, 5, 26))  # Whit Monday
    1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, cast

import holidays

from gapsight.domain.problems import FieldProblem, InvalidInput

__all__ = [
    "LIBERATION_DAY_RULES",
    "HolidayPolicy",
    "WorkingCalendar",
    "easter_sunday",
]

LiberationDayRule = Literal["lustrum", "yearly", "never"]
LIBERATION_DAY_RULES: tuple[LiberationDayRule, ...] = ("lustrum", "yearly", "never")
"""How 5 May is treated in the Netherlands: off in lustrum years, every year, or never."""

_WEEK = 7
_MAX_STEPS = 3660
"""A calendar with no working day within ten years is refused rather than looped on."""


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of ``year`` in the Gregorian calendar (Meeus/Jones/Butcher).

    >>> easter_sunday(2026), easter_sunday(2025)
    (datetime.date(2026, 4, 5), datetime.date(2025, 4, 20))
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@dataclass(frozen=True)
class HolidayPolicy:
    """Which days an organisation does not work (see the module docstring).

    ``from_settings`` reads the JSON form stored in an organisation's settings and
    ``to_settings`` writes it back; both use ISO dates for ``closed`` and ``open``.
    """

    country: str = "NL"
    good_friday: bool = False
    liberation_day: LiberationDayRule = "lustrum"
    closed: frozenset[dt.date] = field(default_factory=frozenset)
    open: frozenset[dt.date] = field(default_factory=frozenset)
    weekend: frozenset[int] = frozenset({5, 6})

    @classmethod
    def from_settings(cls, data: Mapping[str, Any] | None) -> HolidayPolicy:
        """Build a policy from ``settings["calendar"]``; missing keys take defaults.

        Raises :class:`~gapsight.domain.problems.InvalidInput` listing every problem.

        >>> HolidayPolicy.from_settings({"liberation_day": "yearly"}).liberation_day
        'yearly'
        """
        data = dict(data or {})
        problems: list[FieldProblem] = []
        unknown = sorted(set(data) - {f for f in cls.__dataclass_fields__})
        for key in unknown:
            problems.append(
                FieldProblem(f"calendar.{key}", "calendar_unknown", f"unknown setting {key!r}")
            )
        country = data.get("country", "NL")
        if (
            not isinstance(country, str)
            or country.upper() not in holidays.list_supported_countries()
        ):
            problems.append(
                FieldProblem(
                    "calendar.country", "calendar_country", f"unsupported country {country!r}"
                )
            )
            country = "NL"
        good_friday = data.get("good_friday", False)
        if not isinstance(good_friday, bool):
            problems.append(
                FieldProblem(
                    "calendar.good_friday", "calendar_bool", "good_friday must be true or false"
                )
            )
            good_friday = False
        liberation = data.get("liberation_day", "lustrum")
        if liberation not in LIBERATION_DAY_RULES:
            problems.append(
                FieldProblem(
                    "calendar.liberation_day",
                    "calendar_liberation_day",
                    f"liberation_day must be one of {', '.join(LIBERATION_DAY_RULES)}",
                )
            )
            liberation = "lustrum"
        dates: dict[str, frozenset[dt.date]] = {}
        for key in ("closed", "open"):
            parsed: set[dt.date] = set()
            for raw in data.get(key, []) or []:
                try:
                    parsed.add(dt.date.fromisoformat(str(raw)))
                except ValueError:
                    problems.append(
                        FieldProblem(
                            f"calendar.{key}", "calendar_date", f"{raw!r} is not a YYYY-MM-DD date"
                        )
                    )
            dates[key] = frozenset(parsed)
        weekend_raw = data.get("weekend", [5, 6])
        weekend: set[int] = set()
        for day in weekend_raw or []:
            if isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6:
                weekend.add(day)
            else:
                problems.append(
                    FieldProblem(
                        "calendar.weekend", "calendar_weekday", f"{day!r} is not a weekday 0-6"
                    )
                )
        if len(weekend) == _WEEK:
            problems.append(
                FieldProblem("calendar.weekend", "calendar_no_workday", "every weekday is off")
            )
        if problems:
            raise InvalidInput(problems)
        return cls(
            country=country.upper(),
            good_friday=good_friday,
            liberation_day=cast(LiberationDayRule, liberation),
            closed=dates["closed"],
            open=dates["open"],
            weekend=frozenset(weekend),
        )

    def to_settings(self) -> dict[str, Any]:
        """The JSON form of this policy (the inverse of :meth:`from_settings`)."""
        return {
            "country": self.country,
            "good_friday": self.good_friday,
            "liberation_day": self.liberation_day,
            "closed": sorted(d.isoformat() for d in self.closed),
            "open": sorted(d.isoformat() for d in self.open),
            "weekend": sorted(self.weekend),
        }


@lru_cache(maxsize=512)
def _public(country: str, year: int) -> tuple[tuple[dt.date, str], ...]:
    found = holidays.country_holidays(country, years=year, categories=("public",), language="en_US")
    return tuple(sorted((day, str(name)) for day, name in found.items()))


class WorkingCalendar:
    """Working days under a :class:`HolidayPolicy` (pure; holiday tables are cached).

    See the module docstring for the counting conventions.
    """

    def __init__(self, policy: HolidayPolicy | None = None) -> None:
        self.policy = policy or HolidayPolicy()
        self._years: dict[int, dict[dt.date, str]] = {}

    def holidays(self, year: int) -> dict[dt.date, str]:
        """The days off other than weekends in ``year``, with their (English) names.

        Public holidays that fall on a weekend are listed too.
        """
        if year not in self._years:
            self._years[year] = self._build(year)
        return self._years[year]

    def _build(self, year: int) -> dict[dt.date, str]:
        policy = self.policy
        days = dict(_public(policy.country, year))
        if policy.country == "NL":
            good_friday = easter_sunday(year) - dt.timedelta(days=2)
            liberation = dt.date(year, 5, 5)
            days.pop(good_friday, None)
            days.pop(liberation, None)
            if policy.good_friday:
                days[good_friday] = "Good Friday"
            if policy.liberation_day == "yearly" or (
                policy.liberation_day == "lustrum" and year >= 1945 and (year - 1945) % 5 == 0
            ):
                days[liberation] = "Liberation Day"
        for day in policy.open:
            if day.year == year:
                days.pop(day, None)
        for day in policy.closed:
            if day.year == year:
                days[day] = "Closed"
        return dict(sorted(days.items()))

    def holiday_name(self, day: dt.date) -> str | None:
        """The name of the holiday on ``day``, or ``None``."""
        return self.holidays(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        """``True`` when ``day`` is neither a weekend day nor a day off."""
        return day.weekday() not in self.policy.weekend and day not in self.holidays(day.year)

    def _step(self, day: dt.date, direction: int) -> Iterator[dt.date]:
        one = dt.timedelta(days=direction)
        for _ in range(_MAX_STEPS):
            day += one
            yield day
        raise ValueError("no working day within ten years; check the calendar settings")

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return next(d for d in self._step(day, 1) if self.is_working_day(d))

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        return next(d for d in self._step(day, -1) if self.is_working_day(d))

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (before it when ``n < 0``).

        ``n = 0`` returns ``day`` when it is a working day, else the next working day.

        >>> import datetime as dt
        >>> WorkingCalendar().add_working_days(dt.date(2025, 12, 24), 1)  # Christmas
        datetime.date(2025, 12, 29)
        """
        if n == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        step = self.next_working_day if n > 0 else self.previous_working_day
        for _ in range(abs(n)):
            day = step(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days ``d`` with ``start < d <= end``; negative (``-count`` of
        ``end < d <= start``) when ``end < start``.

        >>> import datetime as dt
        >>> WorkingCalendar().working_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 23))
        1
        """
        if end < start:
            return -self.working_days_between(end, start)
        weeks, rest = divmod((end - start).days, _WEEK)
        workdays_per_week = _WEEK - len(self.policy.weekend)
        count = weeks * workdays_per_week
        day = start + dt.timedelta(days=weeks * _WEEK)
        for _ in range(rest):
            day += dt.timedelta(days=1)
            if day.weekday() not in self.policy.weekend:
                count += 1
        for year in range(start.year, end.year + 1):
            for holiday in self.holidays(year):
                if start < holiday <= end and holiday.weekday() not in self.policy.weekend:
                    count -= 1
        return count

    def working_days_in(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The working days from ``first`` to ``last``, both included."""
        days = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days
