"""Samples: the contacts of a wave (invitations) with their loaded characteristics.

An invitation is *exposure*, kept apart from the response: who was invited, in which
language, with which characteristics (segment, business unit, relationship start …).
The link token a respondent receives is issued when the invitation is sent
(:func:`issue_token`); only its SHA-256 hash is stored, so a database leak reveals no
working links.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     store_sample(session, study_id, sample)           # sample: io.SampleTable
    >>> #     token = issue_token(session, invitation_id)       # put it in the link
    >>> #     find_by_token(session, token).id == invitation_id  -> True
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gapsight.io.table import SampleTable
from gapsight.services import characteristics as chars
from gapsight.services.studies import get_study
from gapsight.store.models import Invitation

__all__ = ["TOKEN_BYTES", "find_by_token", "hash_token", "issue_token", "store_sample"]

TOKEN_BYTES = 32
"""Random bytes per link token (256 bits; the floor is 128)."""
_CHUNK = 10_000


def hash_token(token: str) -> str:
    """The hex SHA-256 of ``token`` (what the database keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def store_sample(
    session: Session,
    wave_id: int,
    sample: SampleTable,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Add every contact of ``sample`` as an invitation of wave ``wave_id``.

    Declares the sample's characteristics for the wave (types must agree with earlier
    imports). Raises ``ValueError`` when an e-mail address is already invited to the
    wave; runs in the caller's transaction. Returns the number of invitations added.
    """
    study = get_study(session, wave_id)
    contacts = sample.contacts
    emails = [(_text(e) or "").lower() for e in contacts["email"].tolist()]
    existing = set(session.scalars(select(Invitation.email).where(Invitation.wave_id == wave_id)))
    clash = sorted({e for e in emails if e in existing})
    if clash:
        shown = ", ".join(clash[:5]) + (f" and {len(clash) - 5} more" if len(clash) > 5 else "")
        raise ValueError(f"already invited to study {wave_id}: {shown}")
    types = chars.infer_types(sample.characteristics)
    chars.declare(session, study, types)
    loaded = chars.records(sample.characteristics, types)

    def column(name: str) -> list[str | None]:
        if name not in contacts.columns:
            return [None] * sample.n
        return [_text(v) for v in contacts[name].tolist()]

    names, languages, external = column("name"), column("language"), column("external_id")
    rows = [
        {
            "wave_id": wave_id,
            "email": emails[i],
            "name": names[i],
            "language": languages[i] or "nl",
            "external_id": external[i],
            "characteristics": loaded[i],
        }
        for i in range(sample.n)
    ]
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(Invitation), rows[start : start + _CHUNK])
        if progress is not None:
            progress(min(start + _CHUNK, len(rows)), len(rows))
    return len(rows)


def issue_token(session: Session, invitation_id: int) -> str:
    """A new random link token for the invitation (replacing any earlier one).

    Only the hash is stored: send the returned token in the invitation mail and do not
    keep it anywhere else.
    """
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise KeyError(f"no invitation with id {invitation_id}")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation.token_hash = hash_token(token)
    session.flush()
    return token


def find_by_token(session: Session, token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, or ``None``."""
    stmt = select(Invitation).where(Invitation.token_hash == hash_token(token))
    return session.scalars(stmt).one_or_none()
