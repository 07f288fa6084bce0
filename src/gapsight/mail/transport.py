"""How an e-mail leaves gapsight: a small :class:`Transport` protocol, the SMTP
transport, and a fake for unit tests.

A transport does one thing: hand one :class:`Message` to a mail server. It answers
in one of three ways, and the outbox worker (:mod:`gapsight.mail.worker`) acts on
each:

- it returns normally: the server **accepted** the message (the worker records it as
  sent and the invitation as delivered);
- it raises :class:`PermanentFailure`: the server **refused** the message for good
  (an SMTP ``5xx`` reply to the recipient or the message — e.g. ``550 no such
  user``): retrying cannot help, the invitation is marked bounced;
- it raises :class:`TransientFailure`: the server could not be reached or answered
  ``4xx`` (greylisting, a full queue), or the failure is ours (wrong login, sender
  refused): the worker tries again later with exponential backoff.

Only refusals that concern the *recipient or the message* are permanent. A ``5xx``
to our login or our sender address says nothing about the contact, so it must not
mark their invitation bounced; it is retried (and logged) until an administrator fixes
the setting or the worker gives up.

Example (the fake transport, as unit tests use it)::

    >>> fake = FakeTransport()
    >>> fake.send(Message("a@example.org", "Hello", "Hi there", sender="me@example.org"))
    >>> [m.recipient for m in fake.sent]
    ['a@example.org']
    >>> fake.refuse("b@example.org")
    >>> fake.send(Message("b@example.org", "Hello", "Hi", sender="me@example.org"))
    Traceback (most recent call last):
    ...
    gapsight.mail.transport.PermanentFailure: 550 recipient refused: b@example.org
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from gapsight.config import Settings

__all__ = [
    "FakeTransport",
    "MailFailure",
    "Message",
    "PermanentFailure",
    "SmtpTransport",
    "TransientFailure",
    "Transport",
    "build_email",
]


@dataclass(frozen=True)
class Message:
    """One e-mail to one recipient: a plain-text body and optionally an HTML one.

    ``headers`` are extra header fields (``List-Unsubscribe`` …)."""

    recipient: str
    subject: str
    text: str
    html: str | None = None
    sender: str = "gapsight@localhost"
    headers: Mapping[str, str] = field(default_factory=dict)


class MailFailure(Exception):
    """The message was not accepted. ``code`` is the SMTP reply code, if any."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PermanentFailure(MailFailure):
    """The server refused the recipient or the message for good: do not retry."""


class TransientFailure(MailFailure):
    """The message may be accepted later (server down, ``4xx``, our own settings)."""


class Transport(Protocol):
    """Hands messages to a mail server (see the module docstring for the contract)."""

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise :class:`MailFailure`."""
        ...


def build_email(message: Message) -> EmailMessage:
    """The MIME message: ``text/plain``, plus ``text/html`` as an alternative when
    there is an HTML body (mail clients show the best part they can)."""
    email = EmailMessage()
    email["From"] = message.sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    domain = message.sender.rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(domain=domain)
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.text)
    if message.html is not None:
        email.add_alternative(message.html, subtype="html")
    return email


def _reply(code: int, text: bytes | str) -> str:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {detail}".strip()


class SmtpTransport:
    """Sends through the SMTP server of ``settings`` (``smtp_host``/``smtp_port``, with
    STARTTLS and login when configured), one connection per message.

    One connection per message keeps the failure of one message from affecting the
    next; gapsight's volume (thousands of invitations, not millions per minute) does
    not need connection reuse.
    """

    def __init__(self, settings: Settings, *, timeout: float = 30.0) -> None:
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.user = settings.smtp_user
        self.password = settings.smtp_password
        self.starttls = settings.smtp_starttls
        self.timeout = timeout

    def send(self, message: Message) -> None:
        """Deliver ``message``; raises :class:`PermanentFailure` for a ``5xx`` refusal of
        the recipient or the message, :class:`TransientFailure` otherwise."""
        email = build_email(message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(email, from_addr=message.sender, to_addrs=[message.recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (0, b"recipient refused"))
            failure = PermanentFailure if code >= 500 else TransientFailure
            raise failure(_reply(code, text), code) from exc
        except smtplib.SMTPDataError as exc:
            failure = PermanentFailure if exc.smtp_code >= 500 else TransientFailure
            raise failure(_reply(exc.smtp_code, exc.smtp_error), exc.smtp_code) from exc
        except smtplib.SMTPResponseException as exc:
            # Sender refused, login failed, HELO refused …: our problem, not the
            # recipient's, so retry rather than mark the contact bounced.
            raise TransientFailure(_reply(exc.smtp_code, exc.smtp_error), exc.smtp_code) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Connection refused or reset, timeouts, TLS errors, server disconnected.
            raise TransientFailure(f"{type(exc).__name__}: {exc}") from exc


class FakeTransport:
    """A transport for unit tests: records what it "sends", and refuses or fails on
    request. Integration tests use a real SMTP server (aiosmtpd) instead."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self._refused: set[str] = set()
        self._down = 0

    def refuse(self, recipient: str) -> None:
        """Refuse ``recipient`` permanently from now on (like ``550 no such user``)."""
        self._refused.add(recipient.lower())

    def go_down(self, times: int = 1) -> None:
        """Fail the next ``times`` sends as if the server were unreachable."""
        self._down += times

    def send(self, message: Message) -> None:
        """Record ``message`` or raise the failure that was asked for."""
        if self._down > 0:
            self._down -= 1
            raise TransientFailure("ConnectionRefusedError: [Errno 111] Connection refused")
        if message.recipient.lower() in self._refused:
            raise PermanentFailure(f"550 recipient refused: {message.recipient}", 550)
        self.sent.append(message)
