"""``gapsight init``: create the data directory, the database and the first admin."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from gapsight.cli import common


def init(
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
    admin_email: str | None = typer.Option(
        None,
        "--admin-email",
        help="E-mail address (login) of the first admin; default admin@gapsight.local.",
    ),
    admin_password: str | None = typer.Option(
        None,
        "--admin-password",
        envvar="GAPSIGHT_ADMIN_PASSWORD",
        help="Password of the first admin (at least 8 characters). Asked for (hidden) "
        "when omitted on a terminal; generated and printed otherwise.",
    ),
    organisation: str | None = typer.Option(
        None, "--organisation", help="Name of the organisation created when there is none."
    ),
) -> None:
    """Set up gapsight: data directory, database and the first admin user.

    Creates the data directory, migrates the database to the newest schema, and
    creates an organisation and the first admin user when there are none. Safe to run
    again: existing data is kept, only what is missing is created, and the database
    schema is upgraded. Prints what it did and the admin login.
    """
    from gapsight.services.setup import initialise

    settings = common.settings(data_dir, database_url)

    def ask() -> str:
        password: str = typer.prompt(
            "Password for the first admin", hide_input=True, confirmation_prompt=True
        )
        return password

    result = initialise(
        settings,
        admin_email=admin_email,
        admin_password=admin_password,
        organisation=organisation,
        ask_password=ask if sys.stdin.isatty() else None,
    )
    out = common.console
    out.print(f"Data directory: [bold]{result.data_dir}[/]", highlight=False)
    if result.schema_before is None:
        out.print(f"Created the database {result.database} (schema {result.schema_after}).")
    elif result.schema_before != result.schema_after:
        out.print(
            f"Upgraded the database {result.database} from schema {result.schema_before} "
            f"to {result.schema_after}."
        )
    else:
        out.print(f"Database {result.database} is up to date (schema {result.schema_after}).")
    if result.organisation_created:
        out.print(f"Created the organisation [bold]{result.organisation}[/].")
    if result.admin_created:
        out.print(f"Created the admin user [bold]{result.admin_email}[/].", highlight=False)
    else:
        out.print(f"An admin user exists already ({result.admin_email}); kept as it is.")
    if result.admin_password is not None:
        out.print(
            f"Login: [bold]{result.admin_email}[/]  password: [bold]{result.admin_password}[/] "
            "(generated; change it after logging in)",
            highlight=False,
        )
    else:
        out.print(f"Login: [bold]{result.admin_email}[/]", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``init`` to the main command."""
    app.command("init")(init)
