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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gapsight.instruments.model import Instrument
from gapsight.instruments.registry import builtin_ids, load_builtin
from gapsight.store import instrument_versions as repo
from gapsight.store.models import InstrumentVersion

__all__ = [
    "as_instrument",
    "get_version",
    "instrument",
    "list_versions",
    "parse_ref",
    "register",
    "resolve",
    "store_adaptation",
]


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


def list_versions(session: Session, *, organisation_id: int | None) -> list[InstrumentVersion]:
    """The versions an organisation owns (``None``: every organisation's), by id and
    version. Built-in instruments are listed by :func:`gapsight.instruments.builtin_ids`;
    they are stored only once a study uses them."""
    stmt = select(InstrumentVersion).where(InstrumentVersion.organisation_id.is_not(None))
    if organisation_id is not None:
        stmt = stmt.where(InstrumentVersion.organisation_id == organisation_id)
    stmt = stmt.order_by(InstrumentVersion.instrument_id, InstrumentVersion.version)
    return list(session.scalars(stmt))


def store_adaptation(
    session: Session, adapted: Instrument, *, organisation_id: int
) -> InstrumentVersion:
    """Store an adapted instrument (from :func:`gapsight.instruments.adapt`) as a new
    version owned by the organisation.

    ``adapt`` numbers the result from its source (same id → next version, new id →
    version 1); when the organisation already has that id and version with other
    content, the adaptation gets the next free version number instead, so adapting
    twice never overwrites an earlier adaptation.
    """
    taken = session.scalar(
        select(func.max(InstrumentVersion.version)).where(
            InstrumentVersion.organisation_id == organisation_id,
            InstrumentVersion.instrument_id == adapted.id,
        )
    )
    if taken is not None and taken >= adapted.version:
        existing = repo.find(session, adapted.id, adapted.version, organisation_id=organisation_id)
        if existing is not None and as_instrument(existing) == adapted:
            return existing
        data = adapted.model_dump(mode="json")
        data["version"] = int(taken) + 1
        adapted = Instrument.parse(data, source=f"adaptation of {adapted.derived_from}")
    return register(session, adapted, organisation_id=organisation_id)
