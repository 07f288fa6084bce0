"""Improvement actions (PDCA): create, move through plan-do-check-act, list.

The rules are in :mod:`gapsight.domain.actions`; this module stores actions in
``improvement_actions``. Causes and the measurement are kept as JSON so any part of
gapsight (signal trends, survey dimensions, case patterns, audit findings, mirror
discrepancies) can link an action without a table per kind.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     a = create_action(session, org.id, title="Weekly supplier call", level="team",
    >>> #                       causes=[CauseLink("signal_trend", "theme:late-delivery")],
    >>> #                       now=now)
    >>> #     advance_action(session, a.id, "do", owner="Ann", plan="…",
    >>> #                    due=dt.date(2026, 6, 1), now=now)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.domain.actions import (
    ActionFields,
    CauseLink,
    Measurement,
    check_action,
    check_action_transition,
    is_overdue,
)
from gapsight.domain.problems import InvalidInput
from gapsight.store.models import ImprovementAction, Organisation

__all__ = ["advance_action", "create_action", "get_action", "list_actions", "overdue_actions"]


def create_action(
    session: Session,
    organisation_id: int,
    *,
    title: str,
    level: str,
    now: dt.datetime,
    owner: str | None = None,
    plan: str | None = None,
    due: dt.date | None = None,
    causes: Sequence[CauseLink] = (),
    measurement: Measurement | None = None,
) -> ImprovementAction:
    """Add an action in status ``plan``; :class:`InvalidInput` lists broken rules."""
    if session.get(Organisation, organisation_id) is None:
        raise KeyError(f"no organisation with id {organisation_id}")
    problems = check_action(title, level, list(causes), measurement)
    if problems:
        raise InvalidInput(problems)
    action = ImprovementAction(
        organisation_id=organisation_id,
        title=title.strip(),
        level=level,
        owner=(owner or "").strip() or None,
        plan=(plan or "").strip() or None,
        due=due,
        status="plan",
        causes=[c.as_json() for c in causes],
        measurement=None if measurement is None else measurement.as_json(),
        created_at=now.astimezone(dt.UTC),
        updated_at=now.astimezone(dt.UTC),
    )
    session.add(action)
    session.flush()
    return action


def get_action(session: Session, action_id: int) -> ImprovementAction:
    """The action ``action_id``; ``KeyError`` when there is none."""
    action = session.get(ImprovementAction, action_id)
    if action is None:
        raise KeyError(f"no improvement action with id {action_id}")
    return action


def advance_action(
    session: Session,
    action_id: int,
    status: str,
    *,
    now: dt.datetime,
    owner: str | None = None,
    plan: str | None = None,
    due: dt.date | None = None,
    check_result: str | None = None,
    act_decision: str | None = None,
) -> ImprovementAction:
    """Move an action to ``status``, filling in the given fields first (see the PDCA
    rules in :mod:`gapsight.domain.actions`)."""
    action = get_action(session, action_id)
    fields = ActionFields(
        owner=owner if owner is not None else action.owner,
        plan=plan if plan is not None else action.plan,
        due=due if due is not None else action.due,
        check_result=check_result if check_result is not None else action.check_result,
        act_decision=act_decision if act_decision is not None else action.act_decision,
    )
    problems = check_action_transition(action.status, status, fields)
    if problems:
        raise InvalidInput(problems)
    action.owner, action.plan, action.due = fields.owner, fields.plan, fields.due
    action.check_result, action.act_decision = fields.check_result, fields.act_decision
    if status == "plan":  # a new cycle starts without the last cycle's check and act
        action.check_result = action.act_decision = None
    action.status = status
    action.updated_at = now.astimezone(dt.UTC)
    if status in {"done", "cancelled"}:
        action.finished_at = action.updated_at
    session.flush()
    return action


def list_actions(
    session: Session, organisation_id: int, *, status: str | None = None
) -> list[ImprovementAction]:
    """An organisation's actions, oldest first."""
    stmt = select(ImprovementAction).where(ImprovementAction.organisation_id == organisation_id)
    if status is not None:
        stmt = stmt.where(ImprovementAction.status == status)
    return list(session.scalars(stmt.order_by(ImprovementAction.id)))


def overdue_actions(
    session: Session, organisation_id: int, *, today: dt.date
) -> list[ImprovementAction]:
    """Open actions whose due date has passed."""
    return [a for a in list_actions(session, organisation_id) if is_overdue(a.status, a.due, today)]
