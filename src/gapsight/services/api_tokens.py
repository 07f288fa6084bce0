"""API tokens: bearer credentials for the JSON API, acting as one user.

A token is 32 random bytes (``gs_`` + URL-safe base64). It is shown once, when it is
created; the database keeps only its SHA-256 hash and its first characters (to tell
tokens apart in a list). :func:`authenticate` finds the user of a presented token;
revoked tokens and tokens of deleted users authenticate nobody. A token has the role
and organisation of its user, so the API allows exactly what the web pages allow.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     token, row = create_token(session, user_email="ann@example.org", name="etl")
    >>> #     authenticate(session, token).email            -> 'ann@example.org'
    >>> #     revoke_token(session, row.id); authenticate(session, token) -> None
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.services.users import find_user
from gapsight.store.models import ApiToken, User

__all__ = [
    "LAST_USED_RESOLUTION",
    "PREFIX",
    "authenticate",
    "create_token",
    "list_tokens",
    "revoke_token",
]

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
"""``last_used_at`` is refreshed at most this often, so that a busy API client does not
turn every read into a database write."""
PREFIX = "gs_"
"""Every gapsight API token starts with this, so secret scanners can recognise it."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, user_email: str, name: str = "") -> tuple[str, ApiToken]:
    """A new token for the user with ``user_email``: ``(plain token, stored row)``.

    The plain token is returned only here. ``KeyError`` for an unknown user."""
    user = find_user(session, user_email)
    if user is None:
        raise KeyError(f"no user with e-mail address {user_email}")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name.strip() or "api",
        prefix=token[:10],
        token_hash=_hash(token),
    )
    session.add(row)
    session.flush()
    return token, row


def authenticate(session: Session, token: str) -> User | None:
    """The user of a valid, unrevoked ``token`` (its last use recorded, to the
    minute), or ``None``."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == _hash(token), ApiToken.revoked_at.is_(None))
    ).one_or_none()
    if row is None:
        return None
    now = dt.datetime.now(dt.UTC)
    last = row.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC datetimes
    if last is None or now - last >= LAST_USED_RESOLUTION:
        row.last_used_at = now
    return session.get(User, row.user_id)


def list_tokens(session: Session, *, user_id: int | None = None) -> list[ApiToken]:
    """Tokens (of one user, or all), oldest first; revoked ones included."""
    stmt = select(ApiToken).order_by(ApiToken.id)
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    return list(session.scalars(stmt))


def revoke_token(session: Session, token_id: int) -> ApiToken:
    """Revoke token ``token_id`` (idempotent); ``KeyError`` when there is none."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise KeyError(f"no API token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)
        session.flush()
    return row
