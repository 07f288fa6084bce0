"""Who sees which signals: organisation scope and client-group assignments.

Everyone signed in works inside their organisation (admins and users without one see
all, as elsewhere). A user with **client groups assigned** (``user_client_groups``) is
a *client manager*: in the signals register — pages, API, reports — they see and
handle only the signals of those client groups, and may register signals for those
groups only. Users without assignments see every signal of their organisation.

:class:`SignalScope` carries that decision from the web layer into the services, which
filter by it; :meth:`SignalScope.allows` answers for one signal.

Example::

    >>> SignalScope(organisation_id=1, client_groups=frozenset({"Onderwijs"})).allows(
    ...     1, "Zorg")
    False
    >>> SignalScope(organisation_id=None, client_groups=None).allows(7, "Zorg")
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gapsight.domain.problems import FieldProblem, InvalidInput
from gapsight.store.models import User, UserClientGroup

__all__ = ["SignalScope", "assign_client_groups", "client_groups_of", "scope_for"]


@dataclass(frozen=True)
class SignalScope:
    """The signals a user may see: ``organisation_id`` (``None`` = every
    organisation) and ``client_groups`` (``None`` = every client group)."""

    organisation_id: int | None
    client_groups: frozenset[str] | None

    @property
    def is_client_manager(self) -> bool:
        """True when limited to assigned client groups."""
        return self.client_groups is not None

    def allows(self, organisation_id: int, client_group: str | None) -> bool:
        """Whether a signal of ``organisation_id`` and ``client_group`` is visible."""
        if self.organisation_id is not None and organisation_id != self.organisation_id:
            return False
        return self.client_groups is None or client_group in self.client_groups


def client_groups_of(session: Session, user_id: int) -> frozenset[str]:
    """The client groups assigned to ``user_id`` (empty: not a client manager)."""
    rows = session.scalars(
        select(UserClientGroup.client_group).where(UserClientGroup.user_id == user_id)
    )
    return frozenset(rows)


def scope_for(session: Session, user_id: int, organisation_scope: int | None) -> SignalScope:
    """The signal scope of a user whose organisation scope is ``organisation_scope``."""
    groups = client_groups_of(session, user_id)
    return SignalScope(organisation_scope, groups or None)


def assign_client_groups(session: Session, user_id: int, groups: Iterable[str]) -> list[str]:
    """Replace the client groups of ``user_id`` by ``groups`` (an empty list makes
    the user see all signals of their organisation again). Returns them sorted."""
    if session.get(User, user_id) is None:
        raise KeyError(f"no user with id {user_id}")
    clean = sorted({g.strip() for g in groups if g.strip()})
    too_long = [g for g in clean if len(g) > 200]
    if too_long:
        raise InvalidInput(
            [FieldProblem("client_groups", "too_long", "a client group has at most 200 characters")]
        )
    session.execute(delete(UserClientGroup).where(UserClientGroup.user_id == user_id))
    session.add_all(UserClientGroup(user_id=user_id, client_group=g) for g in clean)
    session.flush()
    return clean
