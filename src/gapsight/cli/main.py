"""The ``gapsight`` command: a thin Typer shell over the services.

One module per noun registers its commands here. Errors a user can cause are printed
as one clear message with exit code 1 or 2, never as a traceback.
"""

from __future__ import annotations

import typer

from gapsight import __version__
from gapsight.cli import common

app = typer.Typer(
    name="gapsight",
    help="Measure and improve customer orientation: surveys, gaps, reports.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gapsight {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """gapsight: measure and improve customer orientation.

    Settings come from GAPSIGHT_* environment variables (see docs/settings.md); the
    --data-dir and --database-url options of each command override them.
    """


def _register() -> None:
    # Imported here so that `gapsight --help` lists every noun; each module adds its
    # commands to `app` through `register(app)`.
    from gapsight.cli import modules

    for module in modules():
        module.register(app)


def run() -> None:
    """Console-script entry point."""
    _register()
    common.run_app(app)
