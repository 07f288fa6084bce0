"""A real SMTP server for the mail tests (aiosmtpd on a free port), collecting what
it accepts; it can refuse recipients and be started late (to play "server down")."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Collector:
    """aiosmtpd handler: keeps every accepted message; refuses listed recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}
        self.refuse_sender: str | None = None

    async def handle_MAIL(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        reply = self.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    """A controllable aiosmtpd server on ``port`` (not running until :meth:`start`)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Collector()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """An SMTP server that is not running yet (call ``start()``)."""
    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(smtp_down: SmtpServer) -> SmtpServer:
    """A running SMTP server."""
    smtp_down.start()
    return smtp_down


def study_with_sample(
    engine: Any,
    contacts: list[tuple[str, str | None, str]],
    *,
    launch: bool = True,
    **overrides: Any,
) -> int:
    """A customer study (small test instrument) with ``contacts`` (email, name,
    language) in its sample, in fieldwork unless ``launch`` is false."""
    import pandas as pd

    from gapsight.io.table import SampleTable
    from gapsight.services.samples import store_sample
    from gapsight.services.studies import set_status
    from gapsight.store.database import unit_of_work

    from ..services.helpers import make_study

    frame = pd.DataFrame(
        {
            "email": [c[0] for c in contacts],
            "name": [c[1] for c in contacts],
            "language": [c[2] for c in contacts],
        }
    )
    with unit_of_work(engine) as session:
        study = make_study(session, **overrides)
        empty = pd.DataFrame(index=range(len(contacts)))
        store_sample(session, study.id, SampleTable(contacts=frame, characteristics=empty))
        if launch:
            set_status(session, study.id, "fieldwork")
        return study.id
