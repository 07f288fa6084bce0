"""Alembic environment: runs migrations on the connection or URL given by
:mod:`gapsight.store.migrate` (no ``alembic.ini`` is needed at run time).

SQLite cannot alter most constraints in place, so migrations use batch mode there
(``render_as_batch``): Alembic copies the table, which works the same on PostgreSQL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from gapsight.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from gapsight.config import Settings
    from gapsight.store.database import make_engine

    url = config.get_main_option("sqlalchemy.url") or ""
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("gapsight migrations run online only: use `gapsight db upgrade`")
run_migrations_online()
