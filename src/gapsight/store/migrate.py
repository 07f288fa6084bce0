"""Run the packaged Alembic migrations programmatically.

The scripts ship inside the package (``gapsight/store/migrations``), so an installed
gapsight needs no ``alembic.ini``: :func:`alembic_config` builds the configuration in
code. The same scripts run on SQLite and PostgreSQL, up and down.

Example::

    >>> from gapsight.config import Settings
    >>> s = Settings(database_url="sqlite:////tmp/gapsight-doctest.db")
    >>> upgrade(s); current(s) == head()
    True
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from gapsight.config import Settings
from gapsight.store.database import make_engine, reachable

__all__ = ["alembic_config", "current", "downgrade", "head", "upgrade"]

SCRIPT_LOCATION = str(Path(__file__).with_name("migrations"))


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic :class:`Config` for the packaged scripts (and ``engine`` if given)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def head() -> str:
    """The newest revision of the packaged scripts."""
    rev = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if rev is None:
        raise RuntimeError("the packaged migrations have no head revision")
    return rev


def _run(settings: Settings, action: str, revision: str) -> None:
    engine = make_engine(settings)
    try:
        with reachable(engine):
            engine.connect().close()  # a clear message when the database is unreachable
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            if action == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
    finally:
        engine.dispose()


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate the database of ``settings`` up to ``revision`` (default: newest)."""
    _run(settings, "upgrade", revision)


def downgrade(settings: Settings, revision: str) -> None:
    """Migrate down to ``revision`` (``"base"`` drops every gapsight table, ``"-1"``
    goes one step back)."""
    if not revision:
        raise ValueError("downgrade needs a target revision, e.g. 'base' or '-1'")
    _run(settings, "downgrade", revision)


def current(settings: Settings) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    engine = make_engine(settings)
    try:
        with reachable(engine):
            connection = engine.connect()
        with connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
