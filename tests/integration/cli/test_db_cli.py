"""``gapsight db upgrade|downgrade|current``."""

from __future__ import annotations

from typing import Any

from gapsight.store.migrate import head


def test_upgrade_current_downgrade(run: Any) -> None:
    assert "current: empty" in run("db", "current").output
    up = run("db", "upgrade")
    assert up.exit_code == 0 and f"to {head()}" in up.output
    assert "already at" in run("db", "upgrade").output
    assert "up to date" in run("db", "current").output
    down = run("db", "downgrade", "base", "--yes")
    assert down.exit_code == 0 and "to empty" in down.output
    declined = run("db", "upgrade", "--help")
    assert "newest" in declined.output
