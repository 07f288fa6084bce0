"""``gapsight db``: move the database schema up or down, or show where it is."""

from __future__ import annotations

from pathlib import Path

import typer

from gapsight.cli import common

db_app = typer.Typer(
    help="Database schema migrations (SQLite or PostgreSQL).", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade(
    revision: str = typer.Argument("head", help="Target revision; default: the newest."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Migrate the database up to REVISION (default: the newest schema).

    Run this after installing a newer gapsight. Creates the tables in an empty database.
    """
    from gapsight.store import migrate

    settings = common.settings(data_dir, database_url)
    before = migrate.current(settings)
    migrate.upgrade(settings, revision)
    after = migrate.current(settings)
    if before == after:
        common.console.print(f"Database schema is already at {after}.")
    else:
        common.console.print(f"Database schema upgraded from {before or 'empty'} to {after}.")


@db_app.command("downgrade")
def downgrade(
    revision: str = typer.Argument(
        ..., help="Target revision: a revision id, '-1' for one step back, 'base' for empty."
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Migrate the database down to REVISION. Data in dropped tables is lost."""
    from gapsight.store import migrate

    settings = common.settings(data_dir, database_url)
    if not yes:
        typer.confirm(
            f"Downgrade the database to {revision}? Data in removed tables is deleted.",
            abort=True,
        )
    before = migrate.current(settings)
    migrate.downgrade(settings, revision)
    after = migrate.current(settings)
    common.console.print(f"Database schema downgraded from {before} to {after or 'empty'}.")


@db_app.command("current")
def current(
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Show the schema revision of the database and the newest one this gapsight has."""
    from gapsight.store import migrate

    settings = common.settings(data_dir, database_url)
    rev = migrate.current(settings)
    head = migrate.head()
    state = "up to date" if rev == head else "run `gapsight db upgrade`"
    common.console.print(f"current: {rev or 'empty'}  newest: {head}  ({state})")


def register(app: typer.Typer) -> None:
    """Add the ``db`` command group."""
    app.add_typer(db_app, name="db")
