"""The rules a study's settings must satisfy, as pure functions (no database, no web).

:func:`check_settings` returns *every* problem at once, each with the form field it
belongs to and a stable code, so a web form can show all messages next to their
fields (in the user's language, looked up by code) and the service can refuse the
study with one :class:`InvalidStudy` error. The rules come from ``analysis.md``,
``instruments.md`` and ``certification.md``:

- minimum group size 3–10 (the anonymity threshold of every breakdown);
- confidence level strictly between 0 and 1;
- population size 0 or more;
- a field period that does not end before it starts;
- employee surveys are always anonymous (P3.mto);
- reminders on distinct days 1–90 after the invitation, at most :data:`MAX_REMINDERS`;
- flag recipients are e-mail addresses.

Example::

    >>> [p.code for p in check_settings(name="KTO", kind="employee",
    ...                                 anonymity_mode="choice", min_group_size=2)]
    ['employee_anonymous', 'min_group_size_range']
    >>> check_settings(name="KTO", kind="customer", anonymity_mode="choice")
    []
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from gapsight.domain.problems import FieldProblem, InvalidInput

__all__ = [
    "ANONYMITY_MODES",
    "MAX_REMINDERS",
    "MIN_GROUP_SIZE_RANGE",
    "REMINDER_DAY_RANGE",
    "STUDY_KINDS",
    "InvalidStudy",
    "StudyProblem",
    "check_settings",
]

STUDY_KINDS = (
    "customer",
    "employee",
    "mirror",
    "management_prediction",
    "staff_prediction",
    "event",
)
"""Who answers a wave (``gap-model.md``)."""
ANONYMITY_MODES = ("anonymous", "identified", "choice")
"""``choice``: each respondent decides (the CVS rule in ``instruments.md``)."""
MIN_GROUP_SIZE_RANGE = (3, 10)
"""Allowed minimum group size (inclusive)."""
REMINDER_DAY_RANGE = (1, 90)
"""A reminder goes out this many days after the invitation (inclusive bounds)."""
MAX_REMINDERS = 5
"""More reminders than this annoy respondents more than they raise the response."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


StudyProblem = FieldProblem
"""A problem with a study setting (see :mod:`gapsight.domain.problems`)."""


class InvalidStudy(InvalidInput):
    """The study settings break one or more rules; ``problems`` lists them all."""


def check_settings(
    *,
    name: str,
    kind: str,
    anonymity_mode: str,
    min_group_size: int = 5,
    confidence_level: float = 0.95,
    population_size: int | None = None,
    field_start: dt.date | None = None,
    field_end: dt.date | None = None,
    reminder_days: Sequence[int] = (),
    flag_recipients: Sequence[str] = (),
) -> list[StudyProblem]:
    """Every rule the settings break, in form order (empty list: all fine)."""
    out: list[StudyProblem] = []

    def add(field: str, code: str, message: str) -> None:
        out.append(StudyProblem(field, code, message))

    if not name.strip():
        add("name", "name_empty", "study name must not be empty")
    if kind not in STUDY_KINDS:
        add(
            "kind",
            "kind_unknown",
            f"unknown study kind {kind!r}: expected one of {', '.join(STUDY_KINDS)}",
        )
    if anonymity_mode not in ANONYMITY_MODES:
        add(
            "anonymity_mode",
            "anonymity_unknown",
            f"unknown anonymity mode "
            f"{anonymity_mode!r}: expected one of {', '.join(ANONYMITY_MODES)}",
        )
    elif kind == "employee" and anonymity_mode != "anonymous":
        add(
            "anonymity_mode",
            "employee_anonymous",
            f"employee surveys are always anonymous; got anonymity mode {anonymity_mode!r}",
        )
    lo, hi = MIN_GROUP_SIZE_RANGE
    if not lo <= min_group_size <= hi:
        add(
            "min_group_size",
            "min_group_size_range",
            f"minimum group size must be between {lo} and {hi}, got {min_group_size}",
        )
    if not 0 < confidence_level < 1:
        add(
            "confidence_level",
            "confidence_range",
            f"confidence level must be between 0 and 1 (e.g. 0.95), got {confidence_level}",
        )
    if population_size is not None and population_size < 0:
        add(
            "population_size",
            "population_negative",
            f"population size must be 0 or more, got {population_size}",
        )
    if field_start is not None and field_end is not None and field_end < field_start:
        add(
            "field_end",
            "field_period_order",
            f"field period ends ({field_end}) before it starts ({field_start})",
        )
    first, last = REMINDER_DAY_RANGE
    if any(not first <= d <= last for d in reminder_days):
        add(
            "reminder_days",
            "reminder_day_range",
            f"reminders go out {first}-{last} days after the invitation, got "
            f"{', '.join(str(d) for d in reminder_days)}",
        )
    elif len(set(reminder_days)) != len(reminder_days):
        add("reminder_days", "reminder_day_repeated", "each reminder day may occur only once")
    elif len(reminder_days) > MAX_REMINDERS:
        add("reminder_days", "reminder_too_many", f"at most {MAX_REMINDERS} reminders")
    bad = [r for r in flag_recipients if not _EMAIL.match(r.strip())]
    if bad:
        add("flag_recipients", "flag_recipient_invalid", f"not an e-mail address: {', '.join(bad)}")
    return out
