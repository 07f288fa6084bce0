"""Organisations: the tenants whose customer orientation is measured.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     org = create_organisation(session, "Acme Safety", sector="veilig werken")
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gapsight.domain.organisations import check_organisation
from gapsight.domain.problems import InvalidInput
from gapsight.store.models import Organisation

__all__ = [
    "count_organisations",
    "create_organisation",
    "get_organisation",
    "list_organisations",
    "update_organisation",
]


def create_organisation(
    session: Session,
    name: str,
    *,
    sector: str | None = None,
    settings: dict[str, Any] | None = None,
) -> Organisation:
    """Add an organisation; ``ValueError`` when ``name`` is blank."""
    if not name.strip():
        raise ValueError("organisation name must not be empty")
    org = Organisation(name=name.strip(), sector=sector, settings=dict(settings or {}))
    session.add(org)
    session.flush()
    return org


def update_organisation(
    session: Session,
    organisation_id: int,
    *,
    name: str,
    sector: str | None,
    settings: dict[str, Any],
) -> Organisation:
    """Change an organisation's name, sector and settings (see
    :mod:`gapsight.domain.organisations`). :class:`~gapsight.domain.problems.InvalidInput`
    lists every broken rule; ``KeyError`` for an unknown organisation."""
    org = get_organisation(session, organisation_id)
    problems = check_organisation(name, settings)
    if problems:
        raise InvalidInput(problems)
    org.name = name.strip()
    org.sector = (sector or "").strip() or None
    org.settings = {**dict(org.settings or {}), **settings}
    session.flush()
    return org


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    """The organisation with ``organisation_id``; ``KeyError`` when there is none."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise KeyError(f"no organisation with id {organisation_id}")
    return org


def list_organisations(session: Session) -> list[Organisation]:
    """All organisations, oldest first."""
    return list(session.scalars(select(Organisation).order_by(Organisation.id)))


def count_organisations(session: Session) -> int:
    """How many organisations exist."""
    return int(session.scalar(select(func.count()).select_from(Organisation)) or 0)
