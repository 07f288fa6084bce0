"""First-run set-up and opening the database: what ``gapsight init`` does.

:func:`initialise` is idempotent: it creates the data directory, migrates the database
to the newest schema, creates an organisation if there is none and the first admin
user if there is none, and reports what it did — so it is safe to run again after an
upgrade. :func:`open_database` is what every other command uses: it refuses to work
on a database that is missing or not migrated, with the command that fixes it.

Example::

    >>> # result = initialise(Settings.from_env(), admin_email="me@example.org",
    >>> #                     admin_password="correct horse")
    >>> # result.admin_created, result.schema_after   -> (True, '0001')
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from gapsight.config import Settings
from gapsight.services import organisations, users
from gapsight.store import migrate
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import User

__all__ = ["DEFAULT_ADMIN_EMAIL", "InitResult", "generate_password", "initialise", "open_database"]

DEFAULT_ADMIN_EMAIL = "admin@gapsight.local"
DEFAULT_ORGANISATION = "My organisation"


@dataclass(frozen=True)
class InitResult:
    """What :func:`initialise` found and did."""

    data_dir: Path
    database: str
    """The database URL without its password."""
    schema_before: str | None
    schema_after: str
    organisation: str
    organisation_created: bool
    admin_email: str
    admin_created: bool
    admin_password: str | None
    """The password of a newly created admin when it was generated, else ``None``."""


def generate_password() -> str:
    """A random password (about 96 bits) for non-interactive set-ups."""
    return secrets.token_urlsafe(12)


def initialise(
    settings: Settings,
    *,
    admin_email: str | None = None,
    admin_password: str | None = None,
    organisation: str | None = None,
    ask_password: Callable[[], str] | None = None,
) -> InitResult:
    """Create the data directory and database and the first admin; idempotent.

    When an admin must be created and ``admin_password`` is not given, the password
    comes from ``ask_password()`` (a prompt) or, without one, is generated and
    returned in :attr:`InitResult.admin_password`.
    """
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    before = migrate.current(settings)
    migrate.upgrade(settings)
    engine = make_engine(settings)
    try:
        with unit_of_work(engine) as session:
            existing = organisations.list_organisations(session)
            org_created = not existing
            org = (
                existing[0]
                if existing
                else organisations.create_organisation(
                    session, organisation or DEFAULT_ORGANISATION
                )
            )
            admin = session.scalars(
                select(User).where(User.role == "admin").order_by(User.id)
            ).first()
            generated = None
            if admin is None:
                password = admin_password
                if password is None and ask_password is not None:
                    password = ask_password()
                if password is None:
                    password = generated = generate_password()
                admin = users.create_user(
                    session,
                    email=admin_email or DEFAULT_ADMIN_EMAIL,
                    name="Administrator",
                    password=password,
                    role="admin",
                    organisation_id=org.id,
                )
                admin_created = True
            else:
                admin_created = False
            result = InitResult(
                data_dir=data_dir,
                database=engine.url.render_as_string(hide_password=True),
                schema_before=before,
                schema_after=migrate.head(),
                organisation=org.name,
                organisation_created=org_created,
                admin_email=admin.email,
                admin_created=admin_created,
                admin_password=generated,
            )
    finally:
        engine.dispose()
    return result


def open_database(settings: Settings) -> Engine:
    """An engine on a database migrated to the newest schema.

    Raises ``ValueError`` telling the user to run ``gapsight init`` (empty database) or
    ``gapsight db upgrade`` (older schema).
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        raise ValueError(f"no gapsight database at {url.database}: run `gapsight init` first")
    rev = migrate.current(settings)
    if rev is None:
        raise ValueError(f"no gapsight database at {_safe(settings)}: run `gapsight init` first")
    if rev != migrate.head():
        raise ValueError(
            f"the database at {_safe(settings)} has schema {rev}, this gapsight needs "
            f"{migrate.head()}: run `gapsight db upgrade`"
        )
    return make_engine(settings)


def _safe(settings: Settings) -> str:
    return make_url(settings.database_url).render_as_string(hide_password=True)
