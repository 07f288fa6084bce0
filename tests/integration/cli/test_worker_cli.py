"""``gapsight worker`` as real processes: two workers on one database (SQLite file and
PostgreSQL) deliver every queued message exactly once to a real SMTP server, and stop
cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from gapsight.config import Settings
from gapsight.mail import outbox
from gapsight.store.database import make_engine, unit_of_work

from ..mail.conftest import SmtpServer, smtp, smtp_down  # noqa: F401

pytestmark = pytest.mark.slow

N = 30


def test_two_worker_processes_send_each_message_once(
    db_settings: Settings,
    smtp: SmtpServer,  # noqa: F811
) -> None:
    engine = make_engine(db_settings)
    try:
        with unit_of_work(engine) as session:
            for i in range(N):
                outbox.enqueue(
                    session,
                    kind="test",
                    dedupe_key=f"t:{i}",
                    recipient=f"p{i}@example.org",
                    subject=f"{i}",
                    text="hello",
                )
    finally:
        engine.dispose()
    env = {
        **os.environ,
        "GAPSIGHT_DATA_DIR": str(db_settings.data_dir),
        "GAPSIGHT_DATABASE_URL": db_settings.database_url,
        "GAPSIGHT_SECRET_KEY": "k" * 48,
        "GAPSIGHT_SMTP_HOST": "127.0.0.1",
        "GAPSIGHT_SMTP_PORT": str(smtp.port),
        "GAPSIGHT_MAIL_POLL_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-c", "from gapsight.cli.main import run; run()", "worker"]
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        # Wait until both workers have started (they announce themselves after installing
        # the SIGTERM handler): on a busy machine one worker may send everything before
        # the other has finished importing, and a SIGTERM then would kill it mid-start.
        for worker in workers:
            assert worker.stdout is not None
            line = worker.stdout.readline()
            assert b"mail worker" in line, (line, worker.stderr.read() if worker.stderr else b"")
        deadline = time.monotonic() + 90
        while len(smtp.messages) < N and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(timeout=60) for worker in workers]
    assert codes == [0, 0], [w.stderr.read() for w in workers if w.stderr]
    received = Counter(m["To"] for m in smtp.messages)
    assert sorted(received) == sorted(f"p{i}@example.org" for i in range(N))
    assert set(received.values()) == {1}
    engine = make_engine(db_settings)
    try:
        with unit_of_work(engine) as session:
            counts = outbox.counts(session)
            assert counts == {"pending": 0, "sending": 0, "sent": N, "failed": 0}
    finally:
        engine.dispose()
