"""Shared CLI plumbing: settings options, the console, and user-facing errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from gapsight.config import Settings

console = Console()
# soft_wrap: errors are never broken at a fixed width (paths and messages stay whole,
# copyable and searchable; the terminal wraps long lines itself)
err_console = Console(stderr=True, soft_wrap=True)

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
    """Run ``app``. Typer prints usage errors itself (exit code 2); errors a user can
    fix (UserError, ValueError, KeyError, FileNotFoundError, PermissionError) become one
    red line on stderr with exit code 1. Set GAPSIGHT_DEBUG=1 to see tracebacks."""
    import os

    if os.environ.get("GAPSIGHT_DEBUG"):
        app()
        return
    try:
        app()
    except (UserError, ValueError, KeyError, FileNotFoundError, PermissionError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        err_console.print(f"[bold red]error:[/] {message}", highlight=False)
        sys.exit(1)
