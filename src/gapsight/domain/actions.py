"""Improvement actions, run as a Plan-Do-Check-Act cycle (``closed-loop.md`` §3).

Every poorly scoring survey topic, case pattern, signal trend, mirror discrepancy or
audit finding can spawn an action. An action has an ``owner``, a ``level``
(:data:`LEVELS`: one customer, a team, the organisation, a working method), a
``plan``, a ``due`` date, and moves through :data:`ACTION_STATUSES`:

``plan`` → ``do`` → ``check`` → ``act`` → ``done`` (or back to ``plan`` for another
cycle); any open status may become ``cancelled``.

- entering ``do`` needs an owner, a plan and a due date;
- entering ``act`` needs the *check* result (what the measurement showed);
- ``done`` needs the *act* decision (adopt, adapt, abandon — in words).

**Causes** (:class:`CauseLink`) say why the action exists: ``signal_trend``,
``survey_dimension``, ``case_pattern``, ``audit_finding``, ``mirror_discrepancy`` or
``signal``, each with a reference (a theme, ``study:12/dimension:reliability``, …).
**The measurement** (:class:`Measurement`) says what should show the effect: e.g. the
next wave's gap on a dimension, or the monthly count of a signal theme, with the
baseline and the target value so the next report can say whether the action worked
(:meth:`Measurement.verdict`).

Example::

    >>> m = Measurement("survey_dimension_gap", "dimension:reliability", baseline=-1.2,
    ...                 target=-0.6, higher_is_better=True)
    >>> m.verdict(-0.5), m.verdict(-1.0), m.verdict(-1.4)
    ('met', 'improved', 'not_improved')
    >>> check_action_transition("plan", "do", ActionFields(owner="Ann", plan="", due=None))[0].code
    'plan_required'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gapsight.domain.problems import FieldProblem

__all__ = [
    "ACTION_STATUSES",
    "ACTION_TRANSITIONS",
    "CAUSE_KINDS",
    "LEVELS",
    "MEASUREMENT_KINDS",
    "ActionFields",
    "CauseLink",
    "Measurement",
    "check_action",
    "check_action_transition",
    "is_overdue",
]

LEVELS = ("customer", "team", "organisation", "working_method")
ACTION_STATUSES = ("plan", "do", "check", "act", "done", "cancelled")
ACTION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "plan": frozenset({"do", "cancelled"}),
    "do": frozenset({"check", "cancelled"}),
    "check": frozenset({"act", "do", "cancelled"}),
    "act": frozenset({"done", "plan", "cancelled"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}
CAUSE_KINDS = (
    "signal_trend",
    "signal",
    "survey_dimension",
    "case_pattern",
    "audit_finding",
    "mirror_discrepancy",
)
MEASUREMENT_KINDS = (
    "survey_dimension_gap",
    "survey_dimension_grade",
    "cvs",
    "signal_count",
    "case_followup_share",
    "audit",
    "other",
)


@dataclass(frozen=True)
class CauseLink:
    """What caused an action: ``kind`` (:data:`CAUSE_KINDS`) and a ``reference``."""

    kind: str
    reference: str
    note: str = ""

    def as_json(self) -> dict[str, str]:
        """The JSON form stored with the action."""
        return {"kind": self.kind, "reference": self.reference, "note": self.note}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CauseLink:
        """Inverse of :meth:`as_json`."""
        return cls(str(data["kind"]), str(data["reference"]), str(data.get("note", "")))


@dataclass(frozen=True)
class Measurement:
    """The measurement that should show an action's effect.

    ``kind`` (:data:`MEASUREMENT_KINDS`), ``reference`` (what exactly is measured),
    ``baseline`` and ``target`` values, and whether higher values are better.
    """

    kind: str
    reference: str
    baseline: float | None = None
    target: float | None = None
    higher_is_better: bool = True

    def verdict(self, observed: float | None) -> str:
        """``met`` (target reached), ``improved`` (better than the baseline),
        ``not_improved``, or ``unknown`` (no observation or no baseline)."""
        if observed is None or self.baseline is None:
            return "unknown"
        sign = 1.0 if self.higher_is_better else -1.0
        if self.target is not None and sign * (observed - self.target) >= 0:
            return "met"
        return "improved" if sign * (observed - self.baseline) > 0 else "not_improved"

    def as_json(self) -> dict[str, Any]:
        """The JSON form stored with the action."""
        return {
            "kind": self.kind,
            "reference": self.reference,
            "baseline": self.baseline,
            "target": self.target,
            "higher_is_better": self.higher_is_better,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Measurement:
        """Inverse of :meth:`as_json`."""
        baseline, target = data.get("baseline"), data.get("target")
        return cls(
            str(data["kind"]),
            str(data["reference"]),
            None if baseline is None else float(baseline),
            None if target is None else float(target),
            bool(data.get("higher_is_better", True)),
        )


@dataclass(frozen=True)
class ActionFields:
    """The parts of an action the PDCA rules look at."""

    owner: str | None = None
    plan: str | None = None
    due: dt.date | None = None
    check_result: str | None = None
    act_decision: str | None = None


def _filled(value: str | None) -> bool:
    return bool(value and value.strip())


def check_action(
    title: str, level: str, causes: list[CauseLink], measurement: Measurement | None
) -> list[FieldProblem]:
    """Problems with a new action's title, level, causes and measurement."""
    problems: list[FieldProblem] = []
    if not title.strip():
        problems.append(FieldProblem("title", "required", "title is required"))
    if level not in LEVELS:
        problems.append(
            FieldProblem("level", "level_unknown", f"level must be one of {', '.join(LEVELS)}")
        )
    for cause in causes:
        if cause.kind not in CAUSE_KINDS:
            problems.append(
                FieldProblem("causes", "cause_unknown", f"unknown cause kind {cause.kind!r}")
            )
        if not cause.reference.strip():
            problems.append(FieldProblem("causes", "cause_reference", "a cause names what it is"))
    if measurement is not None and measurement.kind not in MEASUREMENT_KINDS:
        problems.append(
            FieldProblem(
                "measurement", "measurement_unknown", f"unknown measurement {measurement.kind!r}"
            )
        )
    return problems


def check_action_transition(old: str, new: str, fields: ActionFields) -> list[FieldProblem]:
    """Problems with moving an action from ``old`` to ``new`` (empty = allowed)."""
    if new not in ACTION_STATUSES:
        return [FieldProblem("status", "status_unknown", f"unknown status {new!r}")]
    if new not in ACTION_TRANSITIONS.get(old, frozenset()):
        return [FieldProblem("status", "transition", f"a {old} action cannot become {new}")]
    problems: list[FieldProblem] = []
    if new == "do":
        if not _filled(fields.owner):
            problems.append(FieldProblem("owner", "owner_required", "an action needs an owner"))
        if not _filled(fields.plan):
            problems.append(FieldProblem("plan", "plan_required", "an action needs a plan"))
        if fields.due is None:
            problems.append(FieldProblem("due", "due_required", "an action needs a due date"))
    if new == "act" and not _filled(fields.check_result):
        problems.append(
            FieldProblem("check_result", "check_required", "record what the check showed")
        )
    if new == "done" and not _filled(fields.act_decision):
        problems.append(
            FieldProblem("act_decision", "act_required", "record what was decided (act)")
        )
    return problems


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    """An open action whose due date has passed.

    >>> is_overdue("do", dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    True
    """
    return status not in {"done", "cancelled"} and due is not None and today > due
