"""First-run set-up and opening the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapsight.config import Settings
from gapsight.services.setup import initialise, open_database
from gapsight.services.users import authenticate
from gapsight.store import migrate
from gapsight.store.database import unit_of_work


def _init_twice(settings: Settings) -> None:
    asked: list[bool] = []

    def ask() -> str:
        asked.append(True)
        return "typed password"

    first = initialise(settings, admin_email="boss@example.org", ask_password=ask)
    assert first.schema_before is None and first.schema_after == migrate.head()
    assert first.organisation_created and first.admin_created and asked == [True]
    assert first.admin_password is None
    second = initialise(settings, ask_password=ask)
    assert second.schema_before == migrate.head()
    assert not second.organisation_created and not second.admin_created
    assert second.admin_email == "boss@example.org" and asked == [True]
    engine = open_database(settings)
    try:
        with unit_of_work(engine) as session:
            assert authenticate(session, "boss@example.org", "typed password") is not None
    finally:
        engine.dispose()


def test_initialise_is_idempotent_on_sqlite(tmp_path: Path) -> None:
    _init_twice(Settings(data_dir=tmp_path / "new" / "dir"))
    assert (tmp_path / "new" / "dir" / "gapsight.db").exists()


@pytest.mark.postgres
def test_initialise_is_idempotent_on_postgres(empty_pg_url: str, tmp_path: Path) -> None:
    _init_twice(Settings(data_dir=tmp_path, database_url=empty_pg_url))


def test_generated_password_is_returned_once(tmp_path: Path) -> None:
    result = initialise(Settings(data_dir=tmp_path))
    assert result.admin_password is not None and len(result.admin_password) >= 12
    assert initialise(Settings(data_dir=tmp_path)).admin_password is None


def test_open_database_explains_what_to_run(tmp_path: Path) -> None:
    missing = Settings(data_dir=tmp_path / "none")
    with pytest.raises(ValueError, match="run `gapsight init` first"):
        open_database(missing)
    assert not (tmp_path / "none").exists()
    old = Settings(data_dir=tmp_path / "old")
    migrate.upgrade(old)
    migrate.downgrade(old, "-1")  # one schema behind (there are several revisions)
    assert migrate.current(old) is not None
    with pytest.raises(ValueError, match="gapsight db upgrade"):
        open_database(old)
    migrate.upgrade(old)
    open_database(old).dispose()
