"""``gapsight mail …`` (invite, remind, send, status) and ``gapsight worker``.

``mail invite`` and ``mail remind`` only put messages in the outbox; the sender inside
``gapsight serve`` (or a ``gapsight worker``) delivers them. ``mail send`` delivers
what is due once, in this process, for scripts and for installations that run no
server.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from gapsight.cli import common

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from gapsight.config import Settings
    from gapsight.mail.links import Links

mail_app = typer.Typer(
    help="Invitations and reminders: enqueue, send, status.", no_args_is_help=True
)
StudyOption = typer.Option(..., "--study", help="Study (wave) id.")


def _context(
    data_dir: Path | None, database_url: str | None
) -> tuple[Settings, Engine, str, Links]:
    """Settings, an engine, the secret key and the link maker of this installation."""
    from gapsight.services import mailing
    from gapsight.store.database import make_engine
    from gapsight.web.secret import secret_key

    settings = common.settings(data_dir, database_url)
    secret = secret_key(settings)
    return settings, make_engine(settings), secret, mailing.links_for(settings, secret)


@mail_app.command("invite")
def invite(
    study: int = StudyOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Enqueue the invitation of every contact in the study's sample not yet invited."""
    from gapsight.services import mailing
    from gapsight.store.database import unit_of_work

    settings, engine, _secret, links = _context(data_dir, database_url)
    try:
        with unit_of_work(engine) as session:
            result = mailing.invite(
                session, study, links, fallback_language=settings.default_language
            )
    finally:
        engine.dispose()
    common.console.print(
        f"{result.enqueued} invitation(s) queued for study {study}; "
        f"{result.skipped} contact(s) skipped (already invited, opted out or bounced)."
    )


@mail_app.command("remind")
def remind(
    study: int = StudyOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Enqueue the reminders that are due now on the study's reminder schedule
    (contacts who have not completed and not opted out; each reminder once)."""
    from gapsight.services import mailing
    from gapsight.store.database import unit_of_work

    settings, engine, _secret, links = _context(data_dir, database_url)
    try:
        with unit_of_work(engine) as session:
            result = mailing.remind(
                session, study, links, fallback_language=settings.default_language
            )
    finally:
        engine.dispose()
    common.console.print(f"{result.enqueued} reminder(s) queued for study {study}.")


@mail_app.command("send")
def send(
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Send every message that is due now, once, and report the outcome."""
    from gapsight.services import mailing

    settings, engine, secret, _links = _context(data_dir, database_url)
    try:
        sender = mailing.build_sender(settings, engine, secret)
        sent = retried = failed = 0
        while True:
            result = sender.run_once()
            sent, retried, failed = (
                sent + result.sent,
                retried + result.retried,
                failed + result.failed,
            )
            if result.claimed < sender.batch_size:
                break
    finally:
        engine.dispose()
    common.console.print(f"sent {sent}, to retry later {retried}, failed {failed}.")


@mail_app.command("status")
def status(
    study: int | None = typer.Option(None, "--study", help="Only the mail of this study."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Messages in the outbox per status (all, or one study's)."""
    from gapsight.mail import outbox
    from gapsight.store.database import unit_of_work

    _settings, engine, _secret, _links = _context(data_dir, database_url)
    try:
        with unit_of_work(engine) as session:
            found = outbox.counts(session, study_id=study)
    finally:
        engine.dispose()
    table = Table("status", "messages")
    for name, n in found.items():
        table.add_row(name, str(n))
    common.console.print(table)


def worker(
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Run the mail sender until stopped (Ctrl+C / SIGTERM): sends the outbox and
    enqueues due reminders. Several workers may share one database; each message is
    sent by one of them. Set GAPSIGHT_MAIL_SENDER=false for `gapsight serve` when
    workers run separately."""
    import signal
    import threading

    from gapsight.services import mailing

    settings, engine, secret, _links = _context(data_dir, database_url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sender = mailing.build_sender(settings, engine, secret)
    common.console.print(
        f"mail worker {sender.name} sending via {settings.smtp_host}:{settings.smtp_port}; "
        "press Ctrl+C to stop."
    )
    try:
        sender.run(stop, poll_seconds=settings.mail_poll_seconds)
    except KeyboardInterrupt:
        stop.set()
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    """Add ``mail …`` and ``worker`` to the main command."""
    app.add_typer(mail_app, name="mail")
    app.command("worker")(worker)
