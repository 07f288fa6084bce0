"""``gapsight demo``: load the demo organisation *Veldhuis Facilitair* (see docs/demo.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from gapsight.cli import common

if TYPE_CHECKING:
    from gapsight.services.demo import DemoResult


def demo(
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
    reset: bool = typer.Option(
        False, "--reset", help="Delete the demo organisation and load it afresh."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before --reset deletes."),
) -> None:
    """Load the demo organisation: invented, seeded survey data worth reporting on.

    Veldhuis Facilitair (facility services): two customer waves a year apart,
    an employee survey, a mirror wave and two prediction waves (docs/demo.md).

    Runs the database migrations first. Loading twice changes nothing;
    --reset replaces the demo (asking first, unless --yes). Prints the login.
    """
    from alembic.util.exc import CommandError
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from gapsight.services import demo as service

    settings = common.settings(data_dir, database_url)
    if reset and not yes:
        typer.confirm(
            "This deletes the demo organisation with all its waves and responses "
            "and loads it again. Continue?",
            abort=True,
        )
    try:
        with common.console.status("Loading the demo organisation …"):
            result = service.install(settings, reset=reset)
    except (SQLAlchemyError, CommandError) as exc:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise common.UserError(f"cannot load the demo into {where}: {first}") from None
    _report(result)


def _report(result: DemoResult) -> None:
    console = common.console
    if result.created:
        console.print(f"Loaded the demo organisation [bold]{result.organisation}[/].")
    else:
        console.print(
            f"The demo organisation [bold]{result.organisation}[/] is already loaded; "
            "nothing changed (use --reset to load it afresh)."
        )
    table = Table("id")
    table.add_column("wave", no_wrap=True)
    table.add_column("kind")
    for name in ("n", "complete", "partial"):
        table.add_column(name, justify="right")
    for w in result.waves:
        table.add_row(
            str(w.study_id),
            w.name,
            w.kind.replace("_", " "),
            str(w.n),
            str(w.statuses.get("complete", 0)),
            str(w.statuses.get("partial", 0)),
        )
    console.print(table)
    if result.email is None:
        console.print("The demo login has been removed; --reset creates it again.")
        return
    console.print(
        f"Demo login: [bold]{result.email}[/]  password: [bold]{result.password}[/]",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the main command."""
    app.command("demo")(demo)
