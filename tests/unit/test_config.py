"""Settings: environment parsing and the rule that every setting is documented."""

from __future__ import annotations

from pathlib import Path

from gapsight.config import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    s = Settings.from_env({"GAPSIGHT_DATA_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path.resolve()}/gapsight.db"
    assert s.is_sqlite


def test_environment_types_are_parsed(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "GAPSIGHT_DATA_DIR": str(tmp_path),
            "GAPSIGHT_PORT": "9001",
            "GAPSIGHT_SMTP_STARTTLS": "yes",
            "GAPSIGHT_DATABASE_URL": "postgresql+psycopg://u@h/db",
        }
    )
    assert s.port == 9001
    assert s.smtp_starttls is True
    assert not s.is_sqlite


def test_overrides_win_over_environment(tmp_path: Path) -> None:
    s = Settings.from_env({"GAPSIGHT_PORT": "9001"}, port=9002, data_dir=tmp_path)
    assert s.port == 9002


def test_changing_data_dir_moves_the_default_database(tmp_path: Path) -> None:
    s = Settings.from_env({"GAPSIGHT_DATA_DIR": str(tmp_path / "a")})
    moved = s.with_(data_dir=tmp_path / "b")
    assert moved.database_url.endswith("/b/gapsight.db")


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text("utf-8")
    for name, env, help_text in Settings.documentation():
        assert f"`{env}`" in text, f"{name} is not in docs/settings.md"
        assert help_text
