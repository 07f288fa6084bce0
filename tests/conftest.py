"""Shared fixtures: databases for integration tests.

- ``engine``: an engine on a fresh, migrated SQLite file in the test's temp directory.
- ``pg_url``: the PostgreSQL server URL from ``GAPSIGHT_TEST_POSTGRES_URL`` (started by
  ``scripts/test``); tests using it skip when it is unset, unless
  ``GAPSIGHT_REQUIRE_ALL`` is set (CI), where they fail instead.
- ``empty_pg_url``: a fresh, empty PostgreSQL database, dropped after the test.
- ``db_settings`` / ``db_engine``: a fresh migrated database, parametrised over SQLite
  and PostgreSQL (the PostgreSQL case carries the ``postgres`` marker).

Migrating costs a few hundred milliseconds, so each backend is migrated once per
session into a template that every test copies (a file copy on SQLite, ``CREATE
DATABASE … TEMPLATE`` on PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from gapsight.config import Settings
from gapsight.store import migrate
from gapsight.store.database import make_engine, normalise_url


def _missing(reason: str) -> None:
    if os.environ.get("GAPSIGHT_REQUIRE_ALL"):
        pytest.fail(f"{reason} (GAPSIGHT_REQUIRE_ALL is set, so this is an error)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the test PostgreSQL server (maintenance database)."""
    url = os.environ.get("GAPSIGHT_TEST_POSTGRES_URL", "")
    if not url:
        _missing("GAPSIGHT_TEST_POSTGRES_URL is not set (scripts/test starts a server)")
    return normalise_url(url)


def _admin(pg_url: str) -> Engine:
    return create_engine(pg_url, isolation_level="AUTOCOMMIT")


def _create_database(pg_url: str, template: str | None = None) -> str:
    name = f"gs_test_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_url)
    try:
        with admin.connect() as conn:
            clause = f" TEMPLATE {template}" if template else ""
            conn.execute(text(f"CREATE DATABASE {name}{clause}"))
    finally:
        admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(pg_url: str, url: str) -> None:
    name = make_url(url).database
    admin = _admin(pg_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()


@pytest.fixture
def empty_pg_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    url = _create_database(pg_url)
    try:
        yield url
    finally:
        _drop_database(pg_url, url)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(Settings(database_url=f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def _pg_template(pg_url: str) -> Iterator[str]:
    url = _create_database(pg_url)
    migrate.upgrade(Settings(database_url=url))
    try:
        yield str(make_url(url).database)
    finally:
        _drop_database(pg_url, url)


def _sqlite_settings(template: Path, tmp_path: Path) -> Settings:
    path = tmp_path / "gapsight.db"
    shutil.copyfile(template, path)
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{path}")


@pytest.fixture
def engine(_sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a fresh, migrated SQLite file."""
    eng = make_engine(_sqlite_settings(_sqlite_template, tmp_path))
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of a fresh migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        yield _sqlite_settings(request.getfixturevalue("_sqlite_template"), tmp_path)
        return
    server = request.getfixturevalue("pg_url")
    url = _create_database(server, template=request.getfixturevalue("_pg_template"))
    try:
        yield Settings(data_dir=tmp_path, database_url=url)
    finally:
        _drop_database(server, url)


@pytest.fixture
def db_engine(db_settings: Settings) -> Iterator[Engine]:
    """An engine on :func:`db_settings`."""
    eng = make_engine(db_settings)
    try:
        yield eng
    finally:
        eng.dispose()


# -- respondent links (issue 5): a study in fieldwork with personal tokens ---------


def _field_study(
    engine: Engine,
    *,
    instrument: object = "servqual22",
    anonymity_mode: str = "anonymous",
    kind: str = "customer",
    n: int = 6,
    segments: list[str] | None = None,
    modules: dict[str, bool] | None = None,
    min_group_size: int = 3,
    language: str = "nl",
) -> tuple[int, dict[int, str]]:
    """A study in fieldwork for organisation "Veldhuis" (sector "veilig werken") with
    ``n`` invitations in ``language`` (``segment`` loaded per contact when ``segments``
    is given) and their personal tokens: ``(study id, {invitation id: token})``."""
    import pandas as pd

    from gapsight.instruments.model import Instrument
    from gapsight.io.table import SampleTable
    from gapsight.services import instruments, links, organisations, samples, studies
    from gapsight.store.database import unit_of_work

    with unit_of_work(engine) as session:
        org = organisations.create_organisation(session, "Veldhuis", sector="veilig werken")
        ref: str | int = str(instrument) if isinstance(instrument, str) else 0
        if isinstance(instrument, Instrument):
            ref = instruments.register(session, instrument, organisation_id=org.id).id
        study = studies.create_study(
            session,
            organisation_id=org.id,
            name="Klantonderzoek",
            kind=kind,
            instrument=ref,
            anonymity_mode=anonymity_mode,
            modules=modules,
            min_group_size=min_group_size,
        )
        contacts = pd.DataFrame(
            {
                "email": [f"klant{i}@example.org" for i in range(n)],
                "language": [language] * n,
                "external_id": [f"K{i:03d}" for i in range(n)],
            }
        )
        chars = pd.DataFrame({"segment": segments}) if segments else pd.DataFrame(index=range(n))
        samples.store_sample(session, study.id, SampleTable(contacts, chars))
        tokens = links.issue_tokens(session, study.id)
        studies.set_status(session, study.id, "fieldwork")
        return study.id, tokens


@pytest.fixture
def field_study() -> object:
    """``field_study(engine, **options)``: see :func:`_field_study`."""
    return _field_study
