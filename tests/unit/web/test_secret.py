"""The session secret: configured, or generated once and kept private."""

from __future__ import annotations

from pathlib import Path

from gapsight.config import Settings
from gapsight.web.secret import KEY_FILE, secret_key


def test_configured_secret_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="configured-" + "k" * 40)
    assert secret_key(settings) == "configured-" + "k" * 40
    assert not (tmp_path / KEY_FILE).exists()


def test_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "new")
    first = secret_key(settings)
    path = tmp_path / "new" / KEY_FILE
    assert len(first) >= 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_key(settings) == first  # kept across restarts


def test_truncated_key_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    path.write_text("short\n", encoding="utf-8")
    key = secret_key(Settings(data_dir=tmp_path))
    assert key != "short" and len(key) >= 32
    assert path.read_text(encoding="utf-8").strip() == key
    assert path.stat().st_mode & 0o777 == 0o600


def test_existing_key_file_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    path.write_text("k" * 64 + "\n", encoding="utf-8")
    path.chmod(0o644)
    assert secret_key(Settings(data_dir=tmp_path)) == "k" * 64
    assert path.stat().st_mode & 0o777 == 0o600
