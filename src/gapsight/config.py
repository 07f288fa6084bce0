"""Settings: declared once, with help text, built by the CLI or the app factory.

Every setting has a default, an environment variable (``GAPSIGHT_<NAME>``) and a help
text; ``docs/settings.md`` lists them all and a test checks that it does.

Example::

    >>> s = Settings.from_env({"GAPSIGHT_DATA_DIR": "/tmp/gs"})
    >>> s.database_url
    'sqlite:////tmp/gs/gapsight.db'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["Settings", "default_data_dir"]


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/gapsight`` or ``~/.local/share/gapsight``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gapsight"


def _help(text: str, default: Any = None, factory: Any = None) -> Any:
    if factory is not None:
        return field(default_factory=factory, metadata={"help": text})
    return field(default=default, metadata={"help": text})


@dataclass(frozen=True)
class Settings:
    """All configuration of a gapsight process. Immutable; pass it down."""

    data_dir: Path = _help(
        "Directory holding the embedded SQLite database, uploads and exports.",
        factory=default_data_dir,
    )
    database_url: str = _help(
        "SQLAlchemy URL. Empty: SQLite file gapsight.db in data_dir. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/db",
        "",
    )
    host: str = _help("Address the web server listens on.", "127.0.0.1")
    port: int = _help("Port the web server listens on.", 8000)
    secret_key: str = _help(
        "Secret for session cookies and CSRF tokens. Empty: generated once and kept in "
        "data_dir/secret_key.",
        "",
    )
    smtp_host: str = _help("SMTP server for invitations, reminders and flags.", "localhost")
    smtp_port: int = _help("SMTP port.", 25)
    smtp_user: str = _help("SMTP user name (empty: no login).", "")
    smtp_password: str = _help("SMTP password.", "")
    smtp_starttls: bool = _help("Use STARTTLS with the SMTP server.", False)
    mail_from: str = _help("Sender address of outgoing mail.", "gapsight@localhost")
    base_url: str = _help(
        "Public address of this gapsight installation, used for the personal survey links "
        "and opt-out links in e-mail (e.g. https://survey.example.org). Empty: "
        "http://<host>:<port>.",
        "",
    )
    mail_sender: bool = _help(
        "Run the mail sender (the outbox worker) inside `gapsight serve`. Switch it off "
        "when separate `gapsight worker` processes send the mail.",
        True,
    )
    mail_poll_seconds: int = _help(
        "How often the mail sender looks for new messages in the outbox, in seconds.", 5
    )
    default_language: str = _help("Language of pages and mail when none is chosen (nl|en).", "nl")
    max_body_mb: int = _help(
        "Largest request body the web server accepts, in MB (sample uploads included); "
        "larger requests are refused with 413.",
        20,
    )
    secure_cookies: bool = _help(
        "Mark the session cookie Secure (send it over HTTPS only); set when gapsight is "
        "served behind HTTPS.",
        False,
    )
    telemetry: bool = _help(
        "FastAPI's native OpenTelemetry instrumentation of every request (traces, metrics, "
        "logs to the globally configured providers); off by default, as it costs work on "
        "every request and sends nothing until an OpenTelemetry SDK is set up.",
        False,
    )

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(
                self, "database_url", f"sqlite:///{Path(self.data_dir).resolve()}/gapsight.db"
            )

    @property
    def public_url(self) -> str:
        """``base_url`` without a trailing slash, or ``http://host:port``."""
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is used."""
        return self.database_url.startswith("sqlite")

    def with_(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (and the database URL re-derived if empty)."""
        if "data_dir" in changes and "database_url" not in changes and self._derived_url():
            changes["database_url"] = ""
        return replace(self, **changes)

    def _derived_url(self) -> bool:
        return self.database_url == f"sqlite:///{Path(self.data_dir).resolve()}/gapsight.db"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``GAPSIGHT_*`` variables; ``overrides`` (e.g. CLI options) win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"GAPSIGHT_{f.name.upper()}")
            if raw is None:
                continue
            if f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("bool", bool):
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif f.type in ("Path", Path):
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @classmethod
    def documentation(cls) -> list[tuple[str, str, str]]:
        """``(name, environment variable, help)`` for every setting."""
        return [(f.name, f"GAPSIGHT_{f.name.upper()}", f.metadata["help"]) for f in fields(cls)]
