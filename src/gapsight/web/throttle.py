"""The failed-login throttle, shared by every process that serves the database.

After :data:`MAX_FAILURES` failed logins for one e-mail address, or from one client
address, within :data:`WINDOW_SECONDS`, further attempts are refused (the login page
answers 429) until the oldest failure of the window has expired. A successful login
forgets the address's failures (not the client's: one client guessing many accounts
stays blocked).

**Shared.** The failures are rows of ``login_failures``
(:class:`gapsight.store.models.LoginFailure`) in the application's database, so
several Uvicorn workers, ``gapsight serve`` processes or hosts behind a load balancer
count the same failures: an attacker gains nothing by landing on another worker. (A
counter in each process's memory would let *n* workers allow *n* × the attempts.)

**Private.** A row holds the SHA-256 of ``"email:<address>"`` or ``"client:<IP>"``
and the Unix time, nothing else: enough to count, not to list who tried. Rows older
than the window are deleted whenever a new failure is recorded, so the table stays
as small as the attacks of the last :data:`WINDOW_SECONDS`.

Two processes that record a failure at the same moment may each see the count just
below the limit and both let one more attempt through; the limit can be overshot by
the number of concurrent requests, never more — the throttle bounds guessing, it is
not a lock. Password checks themselves take the same time whether or not the account
exists (:func:`gapsight.services.users.authenticate`).

Example::

    >>> from gapsight.config import Settings
    >>> from gapsight.store.database import make_engine
    >>> from gapsight.store.migrate import upgrade
    >>> settings = Settings.from_env({"GAPSIGHT_DATA_DIR": "/tmp/gs-throttle-doc"})
    >>> upgrade(settings)
    >>> t = LoginThrottle(make_engine(settings), clock=lambda: 0.0)
    >>> t.forget_all()
    >>> for _ in range(MAX_FAILURES):
    ...     t.failed("a@example.org", "10.0.0.1")
    >>> t.blocked("a@example.org", "10.0.0.2"), t.blocked("b@example.org", "10.0.0.3")
    (True, False)
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from sqlalchemy import Engine, delete, func, select

from gapsight.store.database import unit_of_work
from gapsight.store.models import LoginFailure

__all__ = ["MAX_FAILURES", "WINDOW_SECONDS", "LoginThrottle"]

MAX_FAILURES = 5
"""Failed logins allowed per e-mail address or client address within the window."""
WINDOW_SECONDS = 15 * 60


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class LoginThrottle:
    """Counts recent failed logins per e-mail address and per client address in the
    database of ``engine``. ``clock`` returns Unix time in seconds (injected in
    tests)."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.max_failures = max_failures
        self.window = window
        self.clock = clock

    @staticmethod
    def _keys(email: str, client: str) -> tuple[str, str]:
        return _key("email", email.strip().lower()), _key("client", client)

    def blocked(self, email: str, client: str) -> bool:
        """Whether a login for ``email`` from ``client`` must be refused now."""
        since = self.clock() - self.window
        with unit_of_work(self.engine) as session:
            counts = session.execute(
                select(func.count())
                .select_from(LoginFailure)
                .where(
                    LoginFailure.key.in_(self._keys(email, client)),
                    LoginFailure.failed_at > since,
                )
                .group_by(LoginFailure.key)
            ).scalars()
            return any(n >= self.max_failures for n in counts)

    def failed(self, email: str, client: str) -> None:
        """Record a failed login (and delete the failures that have expired)."""
        now = self.clock()
        with unit_of_work(self.engine) as session:
            session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - self.window))
            session.add_all(LoginFailure(key=k, failed_at=now) for k in self._keys(email, client))

    def succeeded(self, email: str) -> None:
        """Forget the failures of ``email`` after a successful login."""
        with unit_of_work(self.engine) as session:
            session.execute(
                delete(LoginFailure).where(LoginFailure.key == self._keys(email, "")[0])
            )

    def forget_all(self) -> None:
        """Delete every recorded failure (an administrator unblocking everyone)."""
        with unit_of_work(self.engine) as session:
            session.execute(delete(LoginFailure))
