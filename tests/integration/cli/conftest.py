"""A Typer app with the storage commands, and an initialised data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from gapsight.cli import data, db, setup, study


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    for module in (setup, db, study, data):
        module.register(app)
    return app


@pytest.fixture
def run(app: typer.Typer, tmp_path: Path):  # type: ignore[no-untyped-def]
    """``run(*args)``: invoke the app with ``--data-dir`` pointing at a temp dir."""
    data_dir = tmp_path / "data"

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(
            app,
            [*args, "--data-dir", str(data_dir)],
            input=input,
            env={"COLUMNS": "200", "GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""},
        )

    return invoke
