"""The mail sender runs inside the web application (``gapsight serve``) by default,
and not when ``mail_sender`` is off."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from gapsight.config import Settings
from gapsight.mail import outbox
from gapsight.store.database import make_engine, unit_of_work
from gapsight.web.app import create_app

from .conftest import SmtpServer


def _enqueue(settings: Settings) -> None:
    engine = make_engine(settings)
    try:
        with unit_of_work(engine) as session:
            outbox.enqueue(
                session,
                kind="test",
                dedupe_key="t:1",
                recipient="a@example.org",
                subject="From serve",
                text="hello",
            )
    finally:
        engine.dispose()


def _wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_app_sends_the_outbox_while_it_runs(db_settings: Settings, smtp: SmtpServer) -> None:
    settings = db_settings.with_(
        secret_key="k" * 48, smtp_host="127.0.0.1", smtp_port=smtp.port, mail_poll_seconds=1
    )
    _enqueue(settings)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        assert _wait_for(lambda: len(smtp.messages) == 1)
    assert smtp.messages[0]["Subject"] == "From serve"


def test_no_sender_when_switched_off(db_settings: Settings, smtp: SmtpServer) -> None:
    settings = db_settings.with_(
        secret_key="k" * 48,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        mail_poll_seconds=1,
        mail_sender=False,
    )
    _enqueue(settings)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        app_threads = [t.name for t in threading.enumerate()]
        assert "gapsight-mail" not in app_threads
    engine = make_engine(settings)
    try:
        with unit_of_work(engine) as session:
            assert outbox.counts(session)["pending"] == 1
    finally:
        engine.dispose()
