"""Respondent links of a study: personal tokens in bulk, and the open link.

**Personal links** ``/r/<token>``: the mail module derives each invitation's token
from the installation's secret (:class:`gapsight.mail.links.Links`) and stores its
hash. Where no mail is sent through gapsight (links handed out another way, tests,
benchmarks), :func:`issue_tokens` gives every invitation of a study that has no token
yet a random one (``secrets.token_urlsafe(32)``, 256 bits) and returns the plain
tokens **once** — only their SHA-256 hashes are stored, so they cannot be shown again.

**Open link** ``/o/<public id>``: for anonymous studies (``anonymous``, or ``choice``
— respondents through an open link are always anonymous, there is no one to contact).
:func:`enable_open_link` gives the study a random public id; every visit of the link
starts a new anonymous response, not tied to any invitation.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     tokens = issue_tokens(session, study_id)     # {invitation_id: token}
    >>> #     public = enable_open_link(session, study_id)  # share base/o/<public>
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.services.samples import TOKEN_BYTES, hash_token
from gapsight.services.studies import get_study
from gapsight.store.models import Invitation

__all__ = ["OPEN_LINK_BYTES", "disable_open_link", "enable_open_link", "issue_tokens"]

OPEN_LINK_BYTES = 16
"""Random bytes of an open link's public id (128 bits: public, but not enumerable)."""


def issue_tokens(session: Session, study_id: int, *, replace: bool = False) -> dict[int, str]:
    """``{invitation id: token}`` for the study's invitations without a token (all of
    them with ``replace=True``, which invalidates links already sent). Runs in the
    caller's transaction; ``KeyError`` for an unknown study."""
    get_study(session, study_id)
    stmt = select(Invitation).where(Invitation.wave_id == study_id).order_by(Invitation.id)
    if not replace:
        stmt = stmt.where(Invitation.token_hash.is_(None))
    out: dict[int, str] = {}
    for invitation in session.scalars(stmt):
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitation.token_hash = hash_token(token)
        out[invitation.id] = token
    session.flush()
    return out


def enable_open_link(session: Session, study_id: int) -> str:
    """The public id of the study's open link, made now if it has none.

    ``ValueError`` for an ``identified`` study: an open link cannot identify anyone.
    """
    study = get_study(session, study_id)
    if study.anonymity_mode == "identified":
        raise ValueError(
            f"study {study_id} is identified; an open link is only for anonymous studies"
        )
    if study.open_link is None:
        study.open_link = secrets.token_urlsafe(OPEN_LINK_BYTES)
        session.flush()
    return study.open_link


def disable_open_link(session: Session, study_id: int) -> None:
    """Switch the open link off (its address stops working)."""
    get_study(session, study_id).open_link = None
    session.flush()
