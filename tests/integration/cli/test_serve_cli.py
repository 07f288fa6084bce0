"""``gapsight init`` then ``gapsight serve``: the first admin logs in to the app that
serve runs (Uvicorn replaced by an in-process client), and serve refuses a database
that was never set up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import uvicorn
from typer.testing import CliRunner

from gapsight.cli import server, setup

from ..web.helpers import Browser

ENV = {"COLUMNS": "200", "GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""}


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    setup.register(app)
    server.register(app)
    return app


def test_serve_refuses_a_database_that_was_never_set_up(cli: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(tmp_path)], env=ENV)
    assert result.exit_code == 1
    assert isinstance(result.exception, ValueError)  # printed as one line by run_app
    assert "run `gapsight init` first" in str(result.exception)


def test_serve_hides_the_database_password(cli: typer.Typer) -> None:
    url = "postgresql+psycopg://gs:s3cret@127.0.0.1:1/none"
    result = CliRunner().invoke(cli, ["serve", "--database-url", url], env=ENV)
    assert result.exit_code == 1
    assert "s3cret" not in str(result.exception) and "s3cret" not in result.output


def test_init_then_serve_then_the_first_admin_logs_in(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ["--data-dir", str(tmp_path)]
    init = CliRunner().invoke(
        cli,
        ["init", "--admin-email", "boss@example.org", "--admin-password", "long enough", *data],
        env=ENV,
    )
    assert init.exit_code == 0, init.output
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.update(app=app, **kw))
    result = CliRunner().invoke(cli, ["serve", "--port", "8123", *data], env=ENV)
    assert result.exit_code == 0, result.output
    assert served["port"] == 8123 and "http://127.0.0.1:8123/" in result.output
    with Browser(served["app"], headers={"accept-language": "en"}) as browser:
        assert browser.login("boss@example.org", "wrong password").status_code == 401
        assert browser.login("boss@example.org", "long enough").status_code == 303
        page = browser.get("/organisations")
        assert page.status_code == 200 and "My organisation" in page.text
    key = tmp_path / "secret_key"
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
