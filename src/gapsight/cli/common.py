"""Shared CLI plumbing: settings options, the console, and user-facing errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from gapsight.config import Settings

console = Console()
err_console = Console(stderr=True)

DataDirOption: Any = typer.Option(
    None, "--data-dir", envvar="GAPSIGHT_DATA_DIR", help="Data directory (SQLite file, uploads)."
)
DatabaseUrlOption: Any = typer.Option(
    None,
    "--database-url",
    envvar="GAPSIGHT_DATABASE_URL",
    help="Database URL; default: SQLite in the data directory.",
)


def settings(data_dir: Path | None = None, database_url: str | None = None) -> Settings:
    """Settings from the environment with the command's options applied."""
    return Settings.from_env(data_dir=data_dir, database_url=database_url or None)


class UserError(Exception):
    """An error the user can fix; printed without a traceback, exit code 1."""


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` in red on stderr and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def run_app(app: typer.Typer) -> None:
    """Run ``app``; expected errors (ValueError, KeyError, FileNotFoundError, UserError)
    become one-line messages. Set GAPSIGHT_DEBUG=1 to see tracebacks."""
    import os

    if os.environ.get("GAPSIGHT_DEBUG"):
        app()
        return
    try:
        # Without standalone mode Click *returns* the code of a `typer.Exit` instead of
        # raising it, so pass it on: `raise fail(...)` must end with a non-zero status.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (UserError, ValueError, KeyError, FileNotFoundError, PermissionError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        err_console.print(f"[bold red]error:[/] {message}", highlight=False)
        sys.exit(1)
    except Exception as exc:  # click usage errors and aborts
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            err_console.print("aborted")
            sys.exit(1)
        raise
