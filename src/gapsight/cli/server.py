"""``gapsight serve``: run the web application with Uvicorn."""

from __future__ import annotations

from pathlib import Path

import typer

from gapsight.cli import common


def serve(
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
    host: str | None = typer.Option(None, help="Address to listen on (default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port to listen on (default 8000)."),
) -> None:
    """Run the gapsight web application on the embedded database (or --database-url).

    The database must be set up first (``gapsight init``): serve refuses to start on a
    database that is unreachable, empty, or older than this version of gapsight.
    """
    import uvicorn
    from sqlalchemy.engine import make_url

    from gapsight.services.setup import open_database
    from gapsight.web.app import create_app

    settings = common.settings(data_dir, database_url).with_(
        **{k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    )
    # One clear line (and no password) when the database is missing, old or unreachable.
    open_database(settings).dispose()
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    common.console.print(
        f"gapsight is running at [bold]http://{settings.host}:{settings.port}/[/] "
        f"(database: {shown}); press Ctrl+C to stop.",
        highlight=False,
    )
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the main command."""
    app.command("serve")(serve)
