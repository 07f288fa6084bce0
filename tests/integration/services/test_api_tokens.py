"""services.api_tokens: only the hash is stored, revoked and foreign tokens fail."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from gapsight.services import api_tokens
from gapsight.store.database import unit_of_work
from gapsight.store.models import ApiToken, User


def _user(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        session.add(User(email="ann@example.org", name="Ann", password_hash="x", role="viewer"))


def test_token_is_shown_once_and_only_its_hash_is_stored(db_engine: Engine) -> None:
    _user(db_engine)
    with unit_of_work(db_engine) as session:
        token, row = api_tokens.create_token(session, user_email="ANN@example.org", name="etl")
    assert token.startswith(api_tokens.PREFIX) and len(token) >= 40
    with unit_of_work(db_engine) as session:
        stored = session.scalars(select(ApiToken)).one()
        assert token not in (stored.token_hash, stored.prefix, stored.name)
        assert token.startswith(stored.prefix) and stored.last_used_at is None
        user = api_tokens.authenticate(session, token)
        assert user is not None and user.email == "ann@example.org"
    with unit_of_work(db_engine) as session:
        assert session.get(ApiToken, row.id).last_used_at is not None  # type: ignore[union-attr]


@pytest.mark.parametrize("presented", ["", "gs_", "gs_wrong", "Bearer x", "gs_" + "a" * 500])
def test_unknown_tokens_authenticate_nobody(db_engine: Engine, presented: str) -> None:
    _user(db_engine)
    with unit_of_work(db_engine) as session:
        api_tokens.create_token(session, user_email="ann@example.org")
        assert api_tokens.authenticate(session, presented) is None


def test_revoked_tokens_fail_and_unknown_users_or_ids_are_key_errors(db_engine: Engine) -> None:
    _user(db_engine)
    with unit_of_work(db_engine) as session:
        token, row = api_tokens.create_token(session, user_email="ann@example.org")
        api_tokens.revoke_token(session, row.id)
        api_tokens.revoke_token(session, row.id)  # idempotent
        assert api_tokens.authenticate(session, token) is None
        with pytest.raises(KeyError):
            api_tokens.create_token(session, user_email="bob@example.org")
        with pytest.raises(KeyError):
            api_tokens.revoke_token(session, 999)
