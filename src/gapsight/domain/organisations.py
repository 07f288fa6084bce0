"""An organisation's settings: declared once with defaults, checked as pure data.

Settings are stored as a JSON object with the organisation. Each one is declared in
:data:`SETTINGS` with its default and admissible values, so forms, the CLI and the
documentation list the same choices:

- ``language``: language of the organisation's pages, mail and reports (``nl``/``en``);
- ``improvement_rule``: how "improved by at least 10 percentage points" is read
  (``certification.md``, open interpretation): ``absolute`` = +1.0 point on a 0–10
  score (default), ``relative`` = +10 %;
- ``period_months``: the period of "periodic" criteria (a KTO every … months), 1–60;
- ``calendar``: the working-day calendar (``docs/calendar.md``), ``signals``: the
  signal register's rules (``docs/signals.md``) and ``cases``: the closed loop's
  deadlines and coordinator (``docs/cases.md``), each checked by its own module.

Example::

    >>> resolved({"period_months": 24})["improvement_rule"]
    'absolute'
    >>> [p.code for p in check_organisation("", {"period_months": 0})]
    ['name_empty', 'period_months_range']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gapsight.domain.problems import FieldProblem

__all__ = ["DEFAULTS", "IMPROVEMENT_RULES", "LANGUAGES", "check_organisation", "resolved"]

LANGUAGES = ("nl", "en")
IMPROVEMENT_RULES = ("absolute", "relative")
PERIOD_MONTHS_RANGE = (1, 60)
DEFAULTS: Mapping[str, Any] = {
    "language": "nl",
    "improvement_rule": "absolute",
    "period_months": 12,
}
"""Every setting with its default."""


def resolved(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored ``settings`` over the defaults (unknown keys are kept)."""
    return {**DEFAULTS, **dict(settings or {})}


def check_organisation(name: str, settings: Mapping[str, Any]) -> list[FieldProblem]:
    """Every rule the name and settings break (empty list: all fine)."""
    out: list[FieldProblem] = []
    if not name.strip():
        out.append(FieldProblem("name", "name_empty", "organisation name must not be empty"))
    values = resolved(settings)
    if values["language"] not in LANGUAGES:
        out.append(
            FieldProblem(
                "language",
                "language_unknown",
                f"language must be one of {', '.join(LANGUAGES)}, got {values['language']!r}",
            )
        )
    if values["improvement_rule"] not in IMPROVEMENT_RULES:
        out.append(
            FieldProblem(
                "improvement_rule",
                "improvement_rule_unknown",
                f"improvement rule must be one of {', '.join(IMPROVEMENT_RULES)}",
            )
        )
    lo, hi = PERIOD_MONTHS_RANGE
    months = values["period_months"]
    if not isinstance(months, int) or isinstance(months, bool) or not lo <= months <= hi:
        out.append(
            FieldProblem(
                "period_months",
                "period_months_range",
                f"the period must be {lo}-{hi} months, got {months!r}",
            )
        )
    out.extend(_nested_problems(settings))
    return out


def _nested_problems(settings: Mapping[str, Any]) -> list[FieldProblem]:
    """Problems in the ``calendar``, ``signals`` and ``cases`` settings (see
    ``docs/calendar.md``, ``docs/signals.md``, ``docs/cases.md``), checked by the
    modules that own them."""
    from gapsight.domain.calendar import HolidayPolicy
    from gapsight.domain.cases import CaseSettings
    from gapsight.domain.problems import InvalidInput
    from gapsight.domain.signals import SignalConfig

    found: list[FieldProblem] = []
    for key, parse in (
        ("calendar", HolidayPolicy.from_settings),
        ("signals", SignalConfig.from_settings),
        ("cases", CaseSettings.from_settings),
    ):
        if key in settings:
            try:
                parse(settings[key])
            except InvalidInput as exc:
                found.extend(exc.problems)
            except (TypeError, AttributeError, ValueError):
                found.append(FieldProblem(key, f"{key}_invalid", f"{key} must be an object"))
    return found
