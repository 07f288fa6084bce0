"""The web app factory on a real SQLite database (in-process client)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gapsight.config import Settings
from gapsight.web.app import create_app


def test_health_and_empty_landing_page(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings.from_env({"GAPSIGHT_DATA_DIR": str(tmp_path)})))
    assert client.get("/health").json()["status"] == "ok"
    page = client.get("/")
    assert page.status_code == 200
    assert "gapsight" in page.text


def test_landing_page_lists_demo_studies(tmp_path: Path) -> None:
    from gapsight.services import demo

    settings = Settings.from_env({"GAPSIGHT_DATA_DIR": str(tmp_path)})
    demo.install(settings)
    page = TestClient(create_app(settings)).get("/")
    assert "Veldhuis" in page.text
    assert "responses" in page.text
