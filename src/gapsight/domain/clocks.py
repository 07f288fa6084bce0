"""Deadline clocks: when something is due, when to remind, when to escalate.

A clock starts at an instant (a signal received, a flag raised, the last message to a
client) and is due after a :class:`DeadlineRule`: ``amount`` working days (counted on
a :class:`~gapsight.domain.calendar.WorkingCalendar`) or calendar days. All instants
are timezone-aware; days are counted on the organisation's local date
(``Europe/Amsterdam`` by default). Nothing here reads the system clock: every
question takes ``now``.

Rules, for a clock started at local date ``s`` with rule ``amount = n``:

- **due date** ``D``: ``add_working_days(s, n)`` (working days; a start on a weekend or
  holiday counts from the next working day) or ``s + n`` (calendar days). The deadline
  passes at the **end** of ``D`` (local midnight): ``due_at``.
- **reminder** at the start of ``add_working_days(D, -remind_before)`` (or
  ``D - remind_before`` days), never before the start; ``remind_before = 0`` reminds
  on the due day itself.
- **escalation** at the end of ``add_working_days(D, escalate_after)`` (or
  ``D + escalate_after``); ``escalate_after = 0`` escalates the moment the deadline
  passes.

States (:class:`ClockState`) for a given ``now``:

========== ==================================================
on_time     not met, ``now`` before the reminder time
due_soon    not met, reminder time reached, deadline not passed
overdue     not met and ``now >= due_at``
met_on_time met before ``due_at``
met_late    met at or after ``due_at``
========== ==================================================

Example (Friday 1 May 2026, 2 working days; Monday 4 May and Tuesday 5 May are working
days — 2026 is no lustrum year)::

    >>> import datetime as dt
    >>> from gapsight.domain.calendar import WorkingCalendar
    >>> AMS = ZoneInfo("Europe/Amsterdam")
    >>> rule = DeadlineRule(2, "working_days", remind_before=1)
    >>> clock = start_clock("ack", dt.datetime(2026, 5, 1, 16, 0, tzinfo=AMS), rule,
    ...                     WorkingCalendar())
    >>> clock.due_date
    datetime.date(2026, 5, 5)
    >>> clock.state(dt.datetime(2026, 5, 4, 9, 0, tzinfo=AMS)).value
    'due_soon'
    >>> clock.met(dt.datetime(2026, 5, 6, 9, 0, tzinfo=AMS)).state(
    ...     dt.datetime(2026, 6, 1, tzinfo=AMS)).value
    'met_late'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from gapsight.domain.calendar import WorkingCalendar
from gapsight.domain.problems import FieldProblem, InvalidInput

__all__ = [
    "DEADLINE_UNITS",
    "DEFAULT_TIMEZONE",
    "Clock",
    "ClockState",
    "DeadlineRule",
    "start_clock",
]

DEFAULT_TIMEZONE = "Europe/Amsterdam"
DeadlineUnit = Literal["working_days", "calendar_days"]
DEADLINE_UNITS: tuple[DeadlineUnit, ...] = ("working_days", "calendar_days")


class ClockState(StrEnum):
    """Where a clock stands at a given moment (see the module docstring)."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"


@dataclass(frozen=True)
class DeadlineRule:
    """Due ``amount`` days after the start, in ``unit``; remind ``remind_before`` days
    before the due date, escalate ``escalate_after`` days after it (same unit)."""

    amount: int
    unit: DeadlineUnit = "working_days"
    remind_before: int = 1
    escalate_after: int = 0

    @classmethod
    def from_settings(cls, data: Mapping[str, Any], *, field: str = "deadline") -> DeadlineRule:
        """Read a rule stored in settings, e.g. ``{"amount": 5, "unit": "working_days",
        "remind_before": 1, "escalate_after": 0}``; missing keys other than ``amount``
        take the defaults. Raises :class:`InvalidInput` naming ``field``.

        >>> DeadlineRule.from_settings({"amount": 1, "unit": "calendar_days"}).unit
        'calendar_days'
        """
        try:
            return cls(
                amount=_count(data["amount"]),
                unit=data.get("unit", "working_days"),
                remind_before=_count(data.get("remind_before", 1)),
                escalate_after=_count(data.get("escalate_after", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                [
                    FieldProblem(
                        field,
                        "deadline_invalid",
                        f"{field} needs a whole amount >= 0 and a unit "
                        f"({', '.join(DEADLINE_UNITS)})",
                    )
                ]
            ) from exc

    def to_settings(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_settings`."""
        return {
            "amount": self.amount,
            "unit": self.unit,
            "remind_before": self.remind_before,
            "escalate_after": self.escalate_after,
        }

    def __post_init__(self) -> None:
        if self.unit not in DEADLINE_UNITS:
            raise ValueError(f"unit must be one of {', '.join(DEADLINE_UNITS)}, not {self.unit!r}")
        if self.amount < 0 or self.remind_before < 0 or self.escalate_after < 0:
            raise ValueError("amount, remind_before and escalate_after must be >= 0")


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("a whole number is required")
    return value


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class Clock:
    """One running (or met) deadline. Build it with :func:`start_clock`."""

    name: str
    started_at: dt.datetime
    due_date: dt.date
    due_at: dt.datetime
    remind_at: dt.datetime
    escalate_at: dt.datetime
    met_at: dt.datetime | None = None

    def met(self, at: dt.datetime) -> Clock:
        """This clock, met at ``at`` (the first time counts; meeting it again is a no-op)."""
        _require_aware(at, "at")
        return self if self.met_at is not None else replace(self, met_at=at)

    def state(self, now: dt.datetime) -> ClockState:
        """The state at ``now``."""
        _require_aware(now, "now")
        if self.met_at is not None:
            return ClockState.MET_ON_TIME if self.met_at < self.due_at else ClockState.MET_LATE
        if now >= self.due_at:
            return ClockState.OVERDUE
        if now >= self.remind_at:
            return ClockState.DUE_SOON
        return ClockState.ON_TIME

    def reminder_due(self, now: dt.datetime) -> bool:
        """Not met, the reminder time reached and the deadline not yet passed."""
        return self.state(now) is ClockState.DUE_SOON

    def escalation_due(self, now: dt.datetime) -> bool:
        """Not met and the escalation time reached."""
        _require_aware(now, "now")
        return self.met_at is None and now >= self.escalate_at


def _start_of(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def start_clock(
    name: str,
    started_at: dt.datetime,
    rule: DeadlineRule,
    calendar: WorkingCalendar,
    *,
    timezone: str = DEFAULT_TIMEZONE,
) -> Clock:
    """Start a clock called ``name`` at ``started_at`` under ``rule``.

    Working days are counted on ``calendar`` using the local date in ``timezone``.
    """
    _require_aware(started_at, "started_at")
    tz = ZoneInfo(timezone)
    start_day = started_at.astimezone(tz).date()
    one = dt.timedelta(days=1)
    if rule.unit == "working_days":
        due = calendar.add_working_days(start_day, rule.amount)
        if rule.amount == 0:
            due = start_day
        remind_day = calendar.add_working_days(due, -rule.remind_before)
        escalate_day = calendar.add_working_days(due, rule.escalate_after)
        if rule.escalate_after == 0:
            escalate_day = due
    else:
        due = start_day + dt.timedelta(days=rule.amount)
        remind_day = due - dt.timedelta(days=rule.remind_before)
        escalate_day = due + dt.timedelta(days=rule.escalate_after)
    due_at = _start_of(due + one, tz)
    remind_at = max(_start_of(remind_day, tz), started_at)
    escalate_at = _start_of(escalate_day + one, tz)
    return Clock(
        name=name,
        started_at=started_at,
        due_date=due,
        due_at=due_at,
        remind_at=min(remind_at, due_at),
        escalate_at=escalate_at,
    )
