"""User accounts with argon2 password hashes.

Passwords are hashed with argon2id (argon2-cffi's recommended defaults); only the hash
is stored. :func:`authenticate` answers "is this the right password?" without telling
an attacker whether the e-mail address exists.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     create_user(session, email="a@example.org", name="Ann", password="s3cret-pass",
    >>> #                 role="admin")
    >>> #     authenticate(session, "A@example.org", "s3cret-pass") is not None  -> True
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gapsight.store.models import ROLES, User

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "authenticate",
    "count_users",
    "create_user",
    "find_user",
    "get_user",
    "hash_password",
    "list_users",
    "update_user",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; differs on every call)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: str = "coordinator",
    organisation_id: int | None = None,
) -> User:
    """Add a user. ``ValueError`` for an invalid e-mail address, a short password
    (fewer than :data:`MIN_PASSWORD_LENGTH` characters), an unknown role or an e-mail
    address that is already registered."""
    address = _normalise_email(email)
    if not _EMAIL.match(address):
        raise ValueError(f"invalid e-mail address {email!r}: expected name@domain.tld")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    if find_user(session, address) is not None:
        raise ValueError(f"a user with e-mail address {address} already exists")
    user = User(
        email=address,
        name=name.strip() or address,
        password_hash=hash_password(password),
        role=role,
        organisation_id=organisation_id,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address (case-insensitive), or ``None``."""
    stmt = select(User).where(User.email == _normalise_email(email))
    return session.scalars(stmt).one_or_none()


def get_user(session: Session, user_id: int) -> User | None:
    """The user with ``user_id``, or ``None`` (e.g. deleted since the session began)."""
    return session.get(User, user_id)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user when ``password`` is right, else ``None`` (also for unknown e-mail)."""
    user = find_user(session, email)
    if user is None:
        # Spend the same time as a real check so response times don't reveal accounts.
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def list_users(session: Session) -> list[User]:
    """All users, by e-mail address."""
    return list(session.scalars(select(User).order_by(User.email)))


def update_user(session: Session, user_id: int, *, role: str, organisation_id: int | None) -> User:
    """Change a user's role and organisation.

    ``KeyError`` for an unknown user; ``ValueError`` for an unknown role, or when the
    change would leave no admin (someone must be able to manage users).
    """
    user = get_user(session, user_id)
    if user is None:
        raise KeyError(f"no user with id {user_id}")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    if user.role == "admin" and role != "admin" and count_users(session, role="admin") == 1:
        raise ValueError(f"{user.email} is the only admin; make someone else admin first")
    user.role = role
    user.organisation_id = organisation_id
    session.flush()
    return user


def count_users(session: Session, *, role: str | None = None) -> int:
    """How many users exist (optionally with ``role``)."""
    stmt = select(func.count()).select_from(User)
    if role is not None:
        stmt = stmt.where(User.role == role)
    return int(session.scalar(stmt) or 0)


_DUMMY_HASH = hash_password("gapsight-timing-equaliser")
