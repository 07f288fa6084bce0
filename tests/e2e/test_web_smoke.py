"""Headless Chromium smoke test: the real server, a phone-size window, no JavaScript.

Starts ``gapsight``'s app under Uvicorn on a free port, lets Debian's Chromium load
the login page in Dutch and English and keeps phone-size screenshots as artefacts in
the test's temporary directory. The full Playwright journey (respondent, SMTP) builds
on this later.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from gapsight.config import Settings
from gapsight.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(_sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "gapsight.db"
    shutil.copyfile(_sqlite_template, db)
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{db}")
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    ready = threading.Event()
    for _ in range(600):  # wait for the listening socket (at most about a minute)
        if srv.started:
            ready.set()
            break
        thread.join(0.1)
    if not ready.is_set():
        pytest.fail("the test server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(30)


def _chromium(*args: str, cwd: Path) -> str:
    if CHROMIUM is None:
        if os.environ.get("GAPSIGHT_REQUIRE_ALL"):
            pytest.fail("Chromium is not installed (Debian package chromium)")
        pytest.skip("Chromium is not installed (Debian package chromium)")
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-proxy-server",
            "--disable-dev-shm-usage",
            f"--user-data-dir={cwd / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )
    return result.stdout


@pytest.mark.parametrize(("lang", "heading"), [("nl", "Inloggen"), ("en", "Log in")])
def test_login_page_in_chromium_on_a_phone(
    server: str, tmp_path: Path, lang: str, heading: str
) -> None:
    dom = _chromium("--dump-dom", f"{server}/login?lang={lang}", cwd=tmp_path)
    assert f"<h1>{heading}</h1>" in dom
    assert 'name="csrf_token"' in dom and 'type="password"' in dom
    shot = tmp_path / f"login-{lang}.png"
    _chromium(
        f"--screenshot={shot}", "--window-size=390,844", f"{server}/login?lang={lang}", cwd=tmp_path
    )
    assert shot.is_file() and shot.stat().st_size > 1000
