"""``gapsight token …``: API tokens for the JSON API (create, list, revoke)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from gapsight.cli import common

token_app = typer.Typer(help="API tokens for the JSON API.", no_args_is_help=True)


@token_app.command("create")
def create(
    user: str = typer.Option(..., "--user", help="E-mail address of the user the token acts as."),
    name: str = typer.Option("", "--name", help="What the token is for (shown in lists)."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Create a token and print it once (only its hash is stored)."""
    from gapsight.services import api_tokens
    from gapsight.store.database import make_engine, unit_of_work

    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            token, row = api_tokens.create_token(session, user_email=user, name=name)
            token_id = row.id
    finally:
        engine.dispose()
    common.err_console.print(
        f"API token {token_id} for {user} (shown once; use it as 'Authorization: Bearer …'):"
    )
    typer.echo(token)


@token_app.command("list")
def list_(
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """List tokens (never the tokens themselves: their first characters)."""
    from gapsight.services import api_tokens
    from gapsight.store.database import make_engine, unit_of_work
    from gapsight.store.models import User

    engine = make_engine(common.settings(data_dir, database_url))
    table = Table("id", "user", "name", "starts with", "created", "last used", "revoked")
    try:
        with unit_of_work(engine) as session:
            for row in api_tokens.list_tokens(session):
                user = session.get(User, row.user_id)
                table.add_row(
                    str(row.id),
                    user.email if user else "?",
                    row.name,
                    row.prefix + "…",
                    str(row.created_at)[:16],
                    str(row.last_used_at or "")[:16],
                    str(row.revoked_at or "")[:16],
                )
    finally:
        engine.dispose()
    common.console.print(table)


@token_app.command("revoke")
def revoke(
    token_id: int = typer.Argument(..., help="Token id (see `gapsight token list`)."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Revoke a token: it authenticates nobody from now on."""
    from gapsight.services import api_tokens
    from gapsight.store.database import make_engine, unit_of_work

    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            api_tokens.revoke_token(session, token_id)
    finally:
        engine.dispose()
    common.console.print(f"API token {token_id} revoked.")


def register(app: typer.Typer) -> None:
    """Add ``token …`` to the main command."""
    app.add_typer(token_app, name="token")
