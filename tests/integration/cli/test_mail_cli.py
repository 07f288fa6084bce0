"""``gapsight mail …`` and ``gapsight token …`` on a data directory, with a real SMTP
server."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner, Result

from gapsight.cli import db, mail, token
from gapsight.config import Settings
from gapsight.services import api_tokens
from gapsight.services.studies import set_status
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import User

from ..mail.conftest import SmtpServer, smtp, smtp_down, study_with_sample  # noqa: F401


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    for module in (db, mail, token):
        module.register(app)
    return app


def test_invite_send_status_and_tokens(tmp_path: Path, smtp: SmtpServer) -> None:  # noqa: F811
    data = tmp_path / "data"
    env = {
        "COLUMNS": "200",
        "GAPSIGHT_DATABASE_URL": "",
        "GAPSIGHT_DATA_DIR": str(data),
        "GAPSIGHT_SMTP_HOST": "127.0.0.1",
        "GAPSIGHT_SMTP_PORT": str(smtp.port),
        "GAPSIGHT_BASE_URL": "https://kto.example.org",
        "GAPSIGHT_SECRET_KEY": "k" * 48,
    }
    app = _app()

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=env)

    assert run("db", "upgrade").exit_code == 0
    engine = make_engine(Settings(data_dir=data))
    try:
        study = study_with_sample(
            engine, [("a@example.org", "A", "nl"), ("b@example.org", "B", "en")], launch=False
        )
        draft = run("mail", "invite", "--study", str(study))
        assert draft.exit_code != 0 and "launch fieldwork first" in str(draft.exception)
        with unit_of_work(engine) as session:
            set_status(session, study, "fieldwork")
            session.add(User(email="ann@example.org", name="Ann", password_hash="x", role="viewer"))
        invited = run("mail", "invite", "--study", str(study))
        assert invited.exit_code == 0, invited.output
        assert "2 invitation(s) queued" in invited.output
        assert "0 invitation(s) queued" in run("mail", "invite", "--study", str(study)).output
        assert "0 reminder(s) queued" in run("mail", "remind", "--study", str(study)).output
        status = run("mail", "status", "--study", str(study))
        assert "│ pending │ 2" in status.output
        assert "│ pending │ 0" in run("mail", "status", "--study", str(study + 1)).output
        sent = run("mail", "send")
        assert sent.exit_code == 0 and "sent 2" in sent.output
        assert sorted(m["To"] for m in smtp.messages) == ["a@example.org", "b@example.org"]
        assert "https://kto.example.org/r/" in smtp.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]

        created = run("token", "create", "--user", "ann@example.org", "--name", "etl")
        assert created.exit_code == 0, created.output
        plain = created.stdout.strip().splitlines()[-1]
        with unit_of_work(engine) as session:
            user = api_tokens.authenticate(session, plain)
            assert user is not None and user.email == "ann@example.org"
        listed = run("token", "list")
        assert "ann@example.org" in listed.output and plain not in listed.output
        assert run("token", "revoke", "1").exit_code == 0
        with unit_of_work(engine) as session:
            assert api_tokens.authenticate(session, plain) is None
        unknown = run("token", "create", "--user", "nobody@example.org")
        assert unknown.exit_code != 0
    finally:
        engine.dispose()
