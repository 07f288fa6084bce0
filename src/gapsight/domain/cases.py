"""Cases: the follow-up of one flagged respondent, with two clocks, and loop metrics.

Each flag (:mod:`gapsight.domain.flags`) opens a case (``closed-loop.md`` §1,
``certification.md`` P4.forward_1w and P4.followup_1m). Statuses (:data:`CASE_STATUSES`)::

    open ──► forwarded ──► followed_up ──► closed
      └──────────┴──────────────┴──────────► closed   (with a reason)

- **forwarded**: the case was passed to the customer's own contact person (the account
  manager who knows the customer); needs that person's name;
- **followed_up**: contact made with the customer and the outcome recorded; needs the
  outcome. Following up also counts as forwarding when that step was skipped;
- **closed**: finished; closing an unfollowed case needs a reason (the note).

Two clocks (:func:`case_clocks`, :mod:`gapsight.domain.clocks`) start when the case is
flagged: **forward** (default 5 working days: one week) and **follow-up** (default 20
working days: one month). Both are set per organisation in ``settings["cases"]``
(:class:`CaseSettings`), in working days (Dutch public holidays) or calendar days.

**Loop metrics** (:func:`loop_metrics`) over the cases flagged in a period:

- ``flags`` raised (promoters, detractors);
- ``forwarded_on_time`` / ``flags``: share forwarded before the forward deadline;
- ``followed_up_on_time`` / ``flags``: share followed up before the follow-up deadline;
- median days from flag to forwarding and to follow-up (calendar days, as a decimal,
  over the cases that reached that step);
- ``overdue_now``: cases not closed with a clock overdue at ``now``.

Example::

    >>> import datetime as dt
    >>> from zoneinfo import ZoneInfo
    >>> from gapsight.domain.calendar import WorkingCalendar
    >>> AMS = ZoneInfo("Europe/Amsterdam")
    >>> flagged = dt.datetime(2026, 4, 24, 10, tzinfo=AMS)       # Fri; Mon 27 Apr = King's Day
    >>> clocks = case_clocks(CaseTimes(flagged), CaseSettings(), WorkingCalendar())
    >>> clocks["forward"].due_date
    datetime.date(2026, 5, 4)
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gapsight.domain.calendar import WorkingCalendar
from gapsight.domain.clocks import DEFAULT_TIMEZONE, Clock, ClockState, DeadlineRule, start_clock
from gapsight.domain.problems import FieldProblem, InvalidInput

__all__ = [
    "CASE_EVENT_KINDS",
    "CASE_KINDS",
    "CASE_STATUSES",
    "CASE_TRANSITIONS",
    "CLOCK_NAMES",
    "CaseSettings",
    "CaseTimes",
    "LoopMetrics",
    "case_clocks",
    "check_transition",
    "loop_metrics",
]

CASE_KINDS = ("promoter", "detractor")
CASE_STATUSES = ("open", "forwarded", "followed_up", "closed")
CASE_EVENT_KINDS = ("status", "assign", "note", "mail")
CASE_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "open": frozenset({"forwarded", "followed_up", "closed"}),
    "forwarded": frozenset({"followed_up", "closed"}),
    "followed_up": frozenset({"closed"}),
    "closed": frozenset(),
}
CLOCK_NAMES = ("forward", "follow_up")


@dataclass(frozen=True)
class CaseSettings:
    """An organisation's case rules (``settings["cases"]``): the two deadlines, the
    coordinator who receives escalations, the time zone and the language of the mail.

    >>> CaseSettings.from_settings({"forward": {"amount": 7, "unit": "calendar_days"}}).forward
    DeadlineRule(amount=7, unit='calendar_days', remind_before=1, escalate_after=0)
    """

    forward: DeadlineRule = DeadlineRule(5, "working_days", remind_before=1)
    follow_up: DeadlineRule = DeadlineRule(20, "working_days", remind_before=3)
    coordinator_email: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    language: str = "nl"

    @classmethod
    def from_settings(cls, data: Mapping[str, Any] | None) -> CaseSettings:
        """Read ``settings["cases"]``; missing keys keep the defaults. Raises
        :class:`InvalidInput` for a broken deadline or address."""
        data = data or {}
        base = cls()
        forward = base.forward
        follow_up = base.follow_up
        if "forward" in data:
            forward = DeadlineRule.from_settings(data["forward"], field="cases.forward")
        if "follow_up" in data:
            follow_up = DeadlineRule.from_settings(data["follow_up"], field="cases.follow_up")
        email = data.get("coordinator_email")
        if email is not None and "@" not in str(email):
            raise InvalidInput(
                [
                    FieldProblem(
                        "cases.coordinator_email", "email", f"{email!r} is not an e-mail address"
                    )
                ]
            )
        language = str(data.get("language", "nl"))
        return cls(
            forward=forward,
            follow_up=follow_up,
            coordinator_email=None if email is None else str(email),
            timezone=str(data.get("timezone", DEFAULT_TIMEZONE)),
            language=language if language in {"nl", "en"} else "nl",
        )


@dataclass(frozen=True)
class CaseTimes:
    """The moments that drive a case's clocks (timezone-aware)."""

    flagged_at: dt.datetime
    forwarded_at: dt.datetime | None = None
    followed_up_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    status: str = "open"
    kind: str = "detractor"


def check_transition(old: str, new: str, *, contact_person: str | None, note: str | None) -> None:
    """Raise :class:`InvalidInput` unless ``old → new`` is allowed with these fields.

    >>> check_transition("open", "forwarded", contact_person="", note=None)
    Traceback (most recent call last):
    ...
    gapsight.domain.problems.InvalidInput: forwarding needs the customer's contact person
    """
    if new not in CASE_STATUSES:
        raise InvalidInput([FieldProblem("status", "status_unknown", f"unknown status {new!r}")])
    if new not in CASE_TRANSITIONS[old]:
        raise InvalidInput(
            [FieldProblem("status", "transition", f"a case that is {old} cannot become {new}")]
        )
    if new == "forwarded" and not (contact_person or "").strip():
        raise InvalidInput(
            [
                FieldProblem(
                    "contact_person",
                    "contact_required",
                    "forwarding needs the customer's contact person",
                )
            ]
        )
    if new == "followed_up" and not (note or "").strip():
        raise InvalidInput(
            [FieldProblem("note", "outcome_required", "following up needs the outcome")]
        )
    if new == "closed" and old in {"open", "forwarded"} and not (note or "").strip():
        raise InvalidInput(
            [
                FieldProblem(
                    "note", "reason_required", "closing a case not followed up needs a reason"
                )
            ]
        )


def case_clocks(
    times: CaseTimes, settings: CaseSettings, calendar: WorkingCalendar
) -> dict[str, Clock]:
    """The ``forward`` and ``follow_up`` clocks of a case. The forward clock is met by
    forwarding or, when that step was skipped, by the follow-up."""
    forward = start_clock(
        "forward", times.flagged_at, settings.forward, calendar, timezone=settings.timezone
    )
    met_forward = times.forwarded_at or times.followed_up_at
    if met_forward is not None:
        forward = forward.met(met_forward)
    follow = start_clock(
        "follow_up", times.flagged_at, settings.follow_up, calendar, timezone=settings.timezone
    )
    if times.followed_up_at is not None:
        follow = follow.met(times.followed_up_at)
    return {"forward": forward, "follow_up": follow}


def is_overdue(times: CaseTimes, clocks: Mapping[str, Clock], now: dt.datetime) -> bool:
    """A case not closed with a clock overdue at ``now``."""
    return times.status != "closed" and any(
        c.state(now) is ClockState.OVERDUE for c in clocks.values()
    )


@dataclass(frozen=True)
class LoopMetrics:
    """The loop over the cases flagged in one period (see the module docstring).

    Shares are ``None`` when no flag was raised; medians ``None`` when no case reached
    that step."""

    flags: int
    promoters: int
    detractors: int
    forwarded: int
    forwarded_on_time: int
    followed_up: int
    followed_up_on_time: int
    median_days_to_forward: float | None
    median_days_to_follow_up: float | None
    open_now: int
    overdue_now: int

    @property
    def share_forwarded_on_time(self) -> float | None:
        """``forwarded_on_time / flags`` (P4.forward_1w)."""
        return None if self.flags == 0 else self.forwarded_on_time / self.flags

    @property
    def share_followed_up_on_time(self) -> float | None:
        """``followed_up_on_time / flags`` (P4.followup_1m)."""
        return None if self.flags == 0 else self.followed_up_on_time / self.flags

    def as_dict(self) -> dict[str, Any]:
        """Every figure, shares included (for JSON and reports)."""
        return {
            "flags": self.flags,
            "promoters": self.promoters,
            "detractors": self.detractors,
            "forwarded": self.forwarded,
            "forwarded_on_time": self.forwarded_on_time,
            "share_forwarded_on_time": self.share_forwarded_on_time,
            "followed_up": self.followed_up,
            "followed_up_on_time": self.followed_up_on_time,
            "share_followed_up_on_time": self.share_followed_up_on_time,
            "median_days_to_forward": self.median_days_to_forward,
            "median_days_to_follow_up": self.median_days_to_follow_up,
            "open_now": self.open_now,
            "overdue_now": self.overdue_now,
        }


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 86400.0


def _median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def loop_metrics(
    cases: Sequence[CaseTimes],
    settings: CaseSettings,
    calendar: WorkingCalendar,
    *,
    now: dt.datetime,
) -> LoopMetrics:
    """The :class:`LoopMetrics` of ``cases`` (already limited to a study and period)."""
    forwarded = on_time_f = followed = on_time_u = open_now = overdue = 0
    to_forward: list[float] = []
    to_follow: list[float] = []
    for times in cases:
        clocks = case_clocks(times, settings, calendar)
        first_forward = times.forwarded_at or times.followed_up_at
        if first_forward is not None:
            forwarded += 1
            to_forward.append(_days(times.flagged_at, first_forward))
            on_time_f += clocks["forward"].state(now) is ClockState.MET_ON_TIME
        if times.followed_up_at is not None:
            followed += 1
            to_follow.append(_days(times.flagged_at, times.followed_up_at))
            on_time_u += clocks["follow_up"].state(now) is ClockState.MET_ON_TIME
        if times.status not in {"closed", "followed_up"}:
            open_now += 1
        overdue += is_overdue(times, clocks, now)
    return LoopMetrics(
        flags=len(cases),
        promoters=sum(c.kind == "promoter" for c in cases),
        detractors=sum(c.kind == "detractor" for c in cases),
        forwarded=forwarded,
        forwarded_on_time=on_time_f,
        followed_up=followed,
        followed_up_on_time=on_time_u,
        median_days_to_forward=_median(to_forward),
        median_days_to_follow_up=_median(to_follow),
        open_now=open_now,
        overdue_now=overdue,
    )
