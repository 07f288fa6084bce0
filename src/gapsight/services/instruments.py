"""Instrument versions in the database: register, resolve and load back.

Studies and responses refer to an instrument version row. Built-in instruments are
registered on first use (idempotently: registering the same version twice returns the
same row), user instruments belong to an organisation.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     row = resolve(session, "cvs")            # built-in, newest shipped version
    >>> #     instrument(session, row.id).codes()[0]   -> 'cvs_satisfaction'
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gapsight.instruments.model import Instrument
from gapsight.instruments.registry import builtin_ids, load_builtin
from gapsight.store import instrument_versions as repo
from gapsight.store.models import InstrumentVersion

__all__ = ["as_instrument", "get_version", "instrument", "parse_ref", "register", "resolve"]


def register(
    session: Session, instrument: Instrument, *, organisation_id: int | None = None
) -> InstrumentVersion:
    """Store ``instrument`` unless that version is already stored (then return it).

    Raises ``ValueError`` when the stored version has a different definition: a version
    number must never be reused for different content.
    """
    row = repo.find(session, instrument.id, instrument.version, organisation_id=organisation_id)
    if row is None:
        return repo.add(session, instrument, organisation_id=organisation_id)
    if as_instrument(row) != instrument:
        raise ValueError(
            f"instrument {instrument.ref} is already stored with a different definition; "
            "give the changed instrument a new version number"
        )
    return row


def parse_ref(ref: str) -> tuple[str, int | None]:
    """``"cvs@2"`` → ``("cvs", 2)``; ``"cvs"`` → ``("cvs", None)``."""
    name, sep, version = ref.strip().partition("@")
    if not sep:
        return name, None
    if not version.isdigit() or int(version) < 1:
        raise ValueError(f"invalid instrument reference {ref!r}: expected <id> or <id>@<version>")
    return name, int(version)


def resolve(session: Session, ref: str, *, organisation_id: int | None = None) -> InstrumentVersion:
    """The stored version for ``ref`` (``id`` or ``id@version``).

    Looks first at the organisation's own versions, then at the built-in library (which
    is registered on demand). ``KeyError`` naming the valid built-in ids otherwise.
    """
    name, version = parse_ref(ref)
    if organisation_id is not None and version is not None:
        own = repo.find(session, name, version, organisation_id=organisation_id)
        if own is not None:
            return own
    if name in builtin_ids():
        builtin = load_builtin(name)
        if version is None or version == builtin.version:
            return register(session, builtin)
        stored = repo.find(session, name, version)
        if stored is not None:
            return stored
        raise KeyError(f"built-in instrument {name!r} has no version {version}")
    if version is not None:
        stored = repo.find(session, name, version)
        if stored is not None:
            return stored
    raise KeyError(
        f"unknown instrument {ref!r}: use a built-in id ({', '.join(builtin_ids())}) "
        "or <id>@<version> of an instrument registered for the organisation"
    )


def as_instrument(row: InstrumentVersion) -> Instrument:
    """The validated :class:`Instrument` stored in ``row``."""
    return Instrument.parse(row.definition, source=f"instrument version {row.ref}")


def instrument(session: Session, version_id: int) -> Instrument:
    """The instrument of version row ``version_id``; ``KeyError`` when absent."""
    row = session.get(InstrumentVersion, version_id)
    if row is None:
        raise KeyError(f"no instrument version with id {version_id}")
    return as_instrument(row)


def get_version(session: Session, version_id: int) -> InstrumentVersion:
    """The instrument version row ``version_id``; ``KeyError`` when absent."""
    row = session.get(InstrumentVersion, version_id)
    if row is None:
        raise KeyError(f"no instrument version with id {version_id}")
    return row
