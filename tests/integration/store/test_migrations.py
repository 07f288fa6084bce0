"""The packaged migrations: up, down to base and up again, on SQLite and PostgreSQL,
and the migrated schema equals the models (an empty autogenerate diff)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from gapsight.config import Settings
from gapsight.store import migrate
from gapsight.store.database import make_engine
from gapsight.store.models import Base

TABLES = {
    "organisations",
    "users",
    "instrument_versions",
    "studies",
    "characteristic_definitions",
    "invitations",
    "responses",
}


def _tables(settings: Settings) -> set[str]:
    engine = make_engine(settings)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _diff(settings: Settings) -> list[object]:
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _up_down_up(settings: Settings) -> None:
    assert migrate.current(settings) is None
    migrate.upgrade(settings)
    assert migrate.current(settings) == migrate.head()
    assert _tables(settings) >= TABLES
    assert _diff(settings) == []
    migrate.downgrade(settings, "base")
    assert migrate.current(settings) is None
    assert _tables(settings) == set()
    migrate.upgrade(settings)
    assert migrate.current(settings) == migrate.head()
    assert _diff(settings) == []


def test_sqlite_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    _up_down_up(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'm.db'}"))


@pytest.mark.postgres
def test_postgres_upgrade_downgrade_upgrade(empty_pg_url: str, tmp_path: Path) -> None:
    _up_down_up(Settings(data_dir=tmp_path, database_url=empty_pg_url))


def test_step_by_step_downgrade_reaches_every_revision(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 's.db'}")
    migrate.upgrade(settings)
    seen = [migrate.current(settings)]
    while seen[-1] is not None:
        migrate.downgrade(settings, "-1")
        seen.append(migrate.current(settings))
    assert seen[0] == migrate.head() and len(seen) >= 2


def test_sqlite_connections_get_the_pragmas(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "nested" / "dir")
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            values = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert values == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,
        "busy_timeout": 5000,
    }
    assert (tmp_path / "nested" / "dir" / "gapsight.db").exists()


def test_unsupported_database_url_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database URL"):
        make_engine(Settings(database_url="mysql://u@h/db"))


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    from gapsight.store.database import DatabaseUnavailable

    settings = Settings(data_dir=tmp_path, database_url="postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable, match=r"cannot use the database .*127\.0\.0\.1:1"):
        migrate.current(settings)
    with pytest.raises(DatabaseUnavailable):
        migrate.upgrade(settings)
