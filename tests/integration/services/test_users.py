"""Users: argon2 hashes, validation, authentication."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from gapsight.services.organisations import create_organisation
from gapsight.services.users import authenticate, count_users, create_user, find_user
from gapsight.store.database import unit_of_work


def test_create_and_authenticate(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        org = create_organisation(session, "Acme", sector="safety")
        user = create_user(
            session,
            email=" Ann@Example.org ",
            name="Ann",
            password="correct horse",
            role="admin",
            organisation_id=org.id,
        )
        assert user.email == "ann@example.org"
        assert user.password_hash.startswith("$argon2id$")
        assert "correct horse" not in user.password_hash
    with unit_of_work(db_engine) as session:
        assert authenticate(session, "ANN@example.org", "correct horse") is not None
        assert authenticate(session, "ann@example.org", "wrong horse") is None
        assert authenticate(session, "nobody@example.org", "correct horse") is None
        assert count_users(session, role="admin") == 1
        assert find_user(session, "ann@EXAMPLE.org") is not None


@pytest.mark.parametrize(
    ("email", "password", "role", "message"),
    [
        ("not-an-address", "long enough", "admin", "invalid e-mail"),
        ("a@example.org", "short", "admin", "too short"),
        ("a@example.org", "long enough", "boss", "unknown role"),
    ],
)
def test_invalid_users_are_refused(
    db_engine: Engine, email: str, password: str, role: str, message: str
) -> None:
    with unit_of_work(db_engine) as session, pytest.raises(ValueError, match=message):
        create_user(session, email=email, name="x", password=password, role=role)


def test_duplicate_email_is_refused(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        create_user(session, email="a@example.org", name="A", password="long enough")
        with pytest.raises(ValueError, match="already exists"):
            create_user(session, email="A@example.org", name="B", password="long enough")
