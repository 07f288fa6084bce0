"""Fixtures for the web tests: an app on a fresh migrated SQLite database, users of
each role, and a client that logs in and fills in CSRF tokens like a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from gapsight.config import Settings
from gapsight.services import organisations
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import User
from gapsight.web.app import create_app

from .helpers import CHEAP_HASH, Browser


@pytest.fixture
def web_settings(db_settings: Settings) -> Settings:
    """Settings of a fresh migrated database with a fixed secret (SQLite and
    PostgreSQL)."""
    return db_settings.with_(secret_key="test-secret-" + "x" * 40)


@pytest.fixture
def sqlite_settings(_sqlite_template: Path, tmp_path: Path) -> Settings:
    """Settings of a fresh migrated SQLite database (most web tests need only one)."""
    import shutil

    path = tmp_path / "gapsight.db"
    shutil.copyfile(_sqlite_template, path)
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{path}", secret_key="s" * 48)


@pytest.fixture
def web_engine(sqlite_settings: Settings) -> Iterator[Engine]:
    eng = make_engine(sqlite_settings)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def people(web_engine: Engine) -> dict[str, Any]:
    """An organisation ("Acme", sector "cleaning"), another one ("Other"), one user per
    role in Acme and a coordinator of Other (e-mail ``<role>@acme.example``,
    ``coordinator@other.example``); returns the organisations' ids."""
    with unit_of_work(web_engine) as session:
        acme = organisations.create_organisation(session, "Acme", sector="cleaning")
        other = organisations.create_organisation(session, "Other")
        accounts = [(f"{r}@acme.example", r, acme.id) for r in ("admin", "coordinator", "viewer")]
        accounts.append(("coordinator@other.example", "coordinator", other.id))
        for email, role, org in accounts:
            session.add(
                User(
                    email=email,
                    name=role.title(),
                    password_hash=CHEAP_HASH,
                    role=role,
                    organisation_id=org,
                )
            )
        return {"acme": acme.id, "other": other.id}


@pytest.fixture
def browser(sqlite_settings: Settings) -> Iterator[Browser]:
    """A client of a fresh app (not logged in), English unless a test asks otherwise."""
    with Browser(create_app(sqlite_settings), headers={"accept-language": "en"}) as client:
        yield client
