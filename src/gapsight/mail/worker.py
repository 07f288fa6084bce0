"""The mail worker: claim due outbox messages, send them, record the outcome; repeat.

:class:`Sender` does one pass with :meth:`Sender.run_once` (claim a batch, hand each
message to the transport, record sent / retry / failed) and loops with
:meth:`Sender.run` until its stop event is set, sleeping ``poll_seconds`` whenever the
outbox had nothing due. Several senders — threads, ``gapsight worker`` processes,
hosts — can share one database: :func:`gapsight.mail.outbox.claim` guarantees that
each message is reserved by one of them at a time.

Periodic *tasks* (callables, e.g. "enqueue the reminders that are due") run at most
once per ``task_seconds`` inside the loop, so one process both schedules and sends.

:func:`start_thread` runs a sender in a daemon thread; the web application's
lifespan uses it so that ``gapsight serve`` sends mail by default.

Example (with the fake transport)::

    >>> # sender = Sender(engine, FakeTransport(), sender_address="gs@example.org")
    >>> # sender.run_once()   -> BatchResult(sent=3, retried=0, failed=0)
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from gapsight.mail import outbox
from gapsight.mail.transport import MailFailure, PermanentFailure, TransientFailure, Transport

__all__ = ["BatchResult", "Sender", "start_thread", "worker_id"]

log = logging.getLogger("gapsight.mail")


def worker_id() -> str:
    """A name unique to this sender: host, process id and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class BatchResult:
    """What one pass did: messages accepted, scheduled for a retry, given up."""

    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        """Messages this pass handled."""
        return self.sent + self.retried + self.failed


class Sender:
    """Sends the outbox of ``engine`` through ``transport`` (see the module docstring).

    ``clock`` returns the current UTC time; tests pass a controllable one to step over
    the retry backoff without sleeping.
    """

    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        *,
        sender_address: str,
        batch_size: int = 20,
        max_attempts: int = outbox.MAX_ATTEMPTS,
        clock: Callable[[], dt.datetime] = outbox.utcnow,
        tasks: Sequence[Callable[[], object]] = (),
        task_seconds: float = 60.0,
        name: str | None = None,
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.sender_address = sender_address
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.clock = clock
        self.tasks = tuple(tasks)
        self.task_seconds = task_seconds
        self.name = name or worker_id()
        self._tasks_due = 0.0

    def run_once(self) -> BatchResult:
        """Claim one batch of due messages and send each; returns the tally."""
        sent = retried = failed = 0
        for message in outbox.claim(
            self.engine, self.name, limit=self.batch_size, now=self.clock()
        ):
            try:
                try:
                    self.transport.send(message.message(self.sender_address))
                except MailFailure:
                    raise
                except Exception as exc:
                    # A fault outside the SMTP conversation (a malformed header, a bug):
                    # retried like a transient failure, so it cannot block the batch.
                    log.exception("mail %s could not be built or sent", message.id)
                    raise TransientFailure(f"{type(exc).__name__}: {exc}") from exc
            except PermanentFailure as exc:
                log.warning("mail %s to %s refused: %s", message.id, message.recipient, exc)
                outbox.mark_failed(
                    self.engine, message, self.name, str(exc), permanent=True, now=self.clock()
                )
                failed += 1
            except TransientFailure as exc:
                status = outbox.mark_failed(
                    self.engine,
                    message,
                    self.name,
                    str(exc),
                    permanent=False,
                    now=self.clock(),
                    max_attempts=self.max_attempts,
                )
                log.info(
                    "mail %s to %s not sent (%s): %s", message.id, message.recipient, status, exc
                )
                if status == "failed":
                    failed += 1
                else:
                    retried += 1
            else:
                outbox.mark_sent(self.engine, message, self.name, now=self.clock())
                sent += 1
        return BatchResult(sent, retried, failed)

    def run_tasks(self) -> None:
        """Run the periodic tasks now (each failure is logged, not raised)."""
        for task in self.tasks:
            try:
                task()
            except Exception:
                log.exception("periodic mail task %r failed", task)

    def run(
        self, stop: threading.Event, *, poll_seconds: float = 5.0, initial_delay: float = 0.0
    ) -> None:
        """Send until ``stop`` is set. A full batch is followed at once by the next one;
        an empty or failed pass waits ``poll_seconds`` (or until ``stop``). The first
        pass waits ``initial_delay`` (a web server lets its start-up finish first)."""
        if initial_delay > 0:
            stop.wait(initial_delay)
        while not stop.is_set():
            if self.tasks and time.monotonic() >= self._tasks_due:
                self.run_tasks()
                self._tasks_due = time.monotonic() + self.task_seconds
            try:
                result = self.run_once()
            except OperationalError as exc:
                # Database briefly unavailable or locked: try again after a pause.
                log.warning("mail worker: database error, retrying: %s", exc)
                result = BatchResult()
            except Exception:
                log.exception("mail worker: unexpected error, retrying")
                result = BatchResult()
            if result.claimed < self.batch_size:
                stop.wait(poll_seconds)


def start_thread(
    sender: Sender, *, poll_seconds: float = 5.0
) -> tuple[threading.Thread, threading.Event]:
    """Run ``sender`` in a daemon thread; set the returned event (and join the thread)
    to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=sender.run,
        args=(stop,),
        kwargs={"poll_seconds": poll_seconds, "initial_delay": poll_seconds},
        name="gapsight-mail",
        daemon=True,
    )
    thread.start()
    return thread, stop
