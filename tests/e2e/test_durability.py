"""Durability: SIGKILL ``gapsight serve`` while respondents submit pages.

A real ``gapsight serve`` process on a SQLite data directory; four threads play
six respondents of an *identified* SERVQUAL study (identified so that the test can
match every stored answer to the respondent who sent it). Once some pages have been
acknowledged the server is killed with SIGKILL — no shutdown, no flush — and started
again on the same data. The respondents retry what was in flight (resubmitting a page
is idempotent) and finish. Then every page that got a success response must be stored
with exactly the values sent, and no respondent may have more than one response.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from gapsight.config import Settings
from gapsight.domain.questionnaire import paginate
from gapsight.instruments import load_builtin
from gapsight.store import migrate
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import Response

pytestmark = pytest.mark.slow

SERVQUAL = load_builtin("servqual22")
PAGES = paginate(SERVQUAL, SERVQUAL.modules)
GAPSIGHT = str(Path(sys.executable).with_name("gapsight"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``gapsight serve`` as a child process that can be killed and started again."""

    def __init__(self, data_dir: Path, port: int, log: Path) -> None:
        self.data_dir, self.port, self.log = data_dir, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "GAPSIGHT_MAIL_SENDER": "false", "GAPSIGHT_DATABASE_URL": ""}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [GAPSIGHT, "serve", "--data-dir", str(self.data_dir), "--port", str(self.port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"gapsight serve did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def data(tmp_path: Path, field_study: Callable[..., Any]) -> tuple[Path, int, dict[int, str]]:
    settings = Settings(data_dir=tmp_path, secret_key="d" * 48)
    migrate.upgrade(settings)
    engine = make_engine(settings)
    try:
        study_id, tokens = field_study(engine, anonymity_mode="identified", n=6)
    finally:
        engine.dispose()
    return tmp_path, study_id, tokens


@pytest.fixture
def server(data: tuple[Path, int, dict[int, str]], tmp_path: Path) -> Iterator[Server]:
    srv = Server(data[0], _free_port(), tmp_path / "serve.log")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def _value(invitation_id: int, page: int) -> int:
    return 1 + (invitation_id * 3 + page) % 7


def test_every_acknowledged_page_survives_sigkill(
    data: tuple[Path, int, dict[int, str]], server: Server
) -> None:
    data_dir, _, tokens = data
    base = f"http://127.0.0.1:{server.port}"
    acknowledged: list[tuple[int, int]] = []
    failures: list[str] = []
    lock = threading.Lock()
    queue = list(tokens.items())
    deadline = time.monotonic() + 120

    def respondent_thread() -> None:
        with httpx.Client(base_url=base, timeout=5, follow_redirects=False) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    invitation_id, token = queue.pop()
                for page in PAGES:
                    form = {"_page": str(page.number)}
                    form.update({c: str(_value(invitation_id, page.number)) for c in page.codes})
                    while True:  # retry until acknowledged (the server may be down)
                        if time.monotonic() > deadline:
                            failures.append(f"gave up on {invitation_id} page {page.number}")
                            return
                        try:
                            reply = client.post(f"/r/{token}/p/{page.number}", data=form)
                        except httpx.TransportError:
                            time.sleep(0.05)
                            continue
                        if reply.status_code == 303:
                            with lock:
                                acknowledged.append((invitation_id, page.number))
                            break
                        failures.append(f"{invitation_id} p{page.number}: {reply.status_code}")
                        return

    threads = [threading.Thread(target=respondent_thread) for _ in range(4)]
    for t in threads:
        t.start()
    while len(acknowledged) < 20 and any(t.is_alive() for t in threads):
        time.sleep(0.01)
    acknowledged_before_kill = len(acknowledged)
    server.kill()
    server.start()
    for t in threads:
        t.join(150)
    server.stop()

    assert not failures, failures
    assert acknowledged_before_kill >= 20
    assert len(acknowledged) == len(tokens) * len(PAGES)
    engine = make_engine(Settings(data_dir=data_dir))
    try:
        with unit_of_work(engine) as session:
            responses = list(session.scalars(select(Response)))
    finally:
        engine.dispose()
    by_invitation = {r.invitation_id: r for r in responses}
    assert len(responses) == len(by_invitation) == len(tokens)  # none twice
    for invitation_id, page_number in acknowledged:
        stored = by_invitation[invitation_id]
        page = PAGES[page_number - 1]
        assert page_number in (stored.pages or [])
        expected = _value(invitation_id, page_number)
        assert all(stored.answers[c] == expected for c in page.codes), (invitation_id, page)
    assert all(r.status == "complete" for r in responses)
