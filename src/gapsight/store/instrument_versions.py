"""Repository of instrument versions, and the rule that used versions never change.

A response records the instrument version it answered, and its packed answer vector
is laid out in that version's ``numeric_codes()`` order. Changing or deleting a version
that a study uses would silently re-label stored answers, so it is refused — here,
by ORM events on :class:`~gapsight.store.models.InstrumentVersion` for code that
bypasses this module (see :func:`guard`), and by a database trigger for plain SQL
(migration 0013; deleting is refused by the ``RESTRICT`` foreign key).

Example::

    >>> from gapsight.instruments import load_builtin
    >>> # with a session from gapsight.store.database.unit_of_work:
    >>> # row = add(session, load_builtin("cvs")); find(session, "cvs", 1) is row -> True
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event, exists, select
from sqlalchemy.orm import Mapper, Session

from gapsight.instruments.model import Instrument
from gapsight.store.models import InstrumentVersion, Study

__all__ = ["InstrumentVersionInUse", "add", "delete", "find", "in_use", "replace_definition"]


class InstrumentVersionInUse(ValueError):
    """An instrument version used by a study was about to be changed or deleted."""

    def __init__(self, ref: str, action: str) -> None:
        super().__init__(
            f"instrument version {ref} is used by a study and cannot be {action}; "
            f"create a new version (e.g. {ref.split('@')[0]}@<next number>) instead"
        )


def in_use(session: Session | Connection, version_id: int) -> bool:
    """Whether any study uses instrument version ``version_id``."""
    stmt = select(exists().where(Study.instrument_version_id == version_id))
    return bool(session.execute(stmt).scalar())


def find(
    session: Session, instrument_id: str, version: int, *, organisation_id: int | None = None
) -> InstrumentVersion | None:
    """The stored version, owned by ``organisation_id`` (``None`` = built-in)."""
    owner = (
        InstrumentVersion.organisation_id.is_(None)
        if organisation_id is None
        else InstrumentVersion.organisation_id == organisation_id
    )
    stmt = select(InstrumentVersion).where(
        owner,
        InstrumentVersion.instrument_id == instrument_id,
        InstrumentVersion.version == version,
    )
    return session.scalars(stmt).one_or_none()


def add(
    session: Session, instrument: Instrument, *, organisation_id: int | None = None
) -> InstrumentVersion:
    """Store ``instrument`` as a new version row and flush (to get its id)."""
    row = InstrumentVersion(
        organisation_id=organisation_id,
        instrument_id=instrument.id,
        version=instrument.version,
        definition=instrument.model_dump(mode="json"),
    )
    session.add(row)
    session.flush()
    return row


def replace_definition(session: Session, row: InstrumentVersion, instrument: Instrument) -> None:
    """Overwrite the definition of a version no study uses yet (a draft being edited).

    Raises :class:`InstrumentVersionInUse` when a study uses it, and ``ValueError``
    when ``instrument`` has another id or version than the row.
    """
    if (instrument.id, instrument.version) != (row.instrument_id, row.version):
        raise ValueError(
            f"cannot store {instrument.ref} in the row of {row.ref}: id and version must match"
        )
    if in_use(session, row.id):
        raise InstrumentVersionInUse(row.ref, "changed")
    row.definition = instrument.model_dump(mode="json")
    session.flush()


def delete(session: Session, row: InstrumentVersion) -> None:
    """Delete a version no study uses; :class:`InstrumentVersionInUse` otherwise."""
    if in_use(session, row.id):
        raise InstrumentVersionInUse(row.ref, "deleted")
    session.delete(row)
    session.flush()


def guard(mapper: Mapper[Any], connection: Connection, target: InstrumentVersion) -> None:
    """ORM event: refuse an UPDATE or DELETE of a version that a study uses."""
    if target.id is not None and in_use(connection, target.id):
        raise InstrumentVersionInUse(target.ref, "changed or deleted")


event.listen(InstrumentVersion, "before_update", guard)
event.listen(InstrumentVersion, "before_delete", guard)
