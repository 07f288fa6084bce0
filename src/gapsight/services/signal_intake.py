"""The public signal form's use case: check, rate-limit and register a client's signal.

The web page (:mod:`gapsight.web.routes.signal_form`) only parses the request; this
module decides. :func:`file_public_signal` refuses a flood from one address
(:class:`RateLimited`), checks the public size limits and the register's rules (one
:class:`~gapsight.domain.problems.InvalidInput` with every problem), registers the
signal with channel ``web_form`` and records the submission for the rate limit — all
in the caller's unit of work, so the acknowledgement is shown only after the commit
(a signal the client was told about is never lost).

The spam rules themselves (honeypot, signed time stamp, limits) are in
:mod:`gapsight.domain.intake`.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     reg = file_public_signal(session, org_id, {...}, address_hash=key, now=now)
    >>> # then show /signal-status/<reg.status_token>
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gapsight.domain.intake import PUBLIC_LIMITS, IntakeRules
from gapsight.domain.problems import FieldProblem, InvalidInput
from gapsight.services.signals import Registered, register_signal
from gapsight.store.models import SignalIntake

__all__ = ["PUBLIC_FIELDS", "PUBLIC_REGISTRAR", "RateLimited", "file_public_signal"]

PUBLIC_FIELDS = (
    "client_organisation",
    "client_group",
    "service_domain",
    "supplier",
    "category",
    "description",
    "contact_person",
    "contact_email",
)
"""What a client may fill in on the public form."""
PUBLIC_REGISTRAR = "web form"
"""The registrar recorded for signals from the public form (reminders go to the
coordinator)."""


class RateLimited(Exception):
    """Too many submissions from one address within the window (answered with 429)."""


def _recent(session: Session, address_hash: str, since: dt.datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(SignalIntake)
            .where(SignalIntake.address_hash == address_hash, SignalIntake.at >= since)
        )
        or 0
    )


def file_public_signal(
    session: Session,
    organisation_id: int,
    values: Mapping[str, Any],
    *,
    address_hash: str,
    now: dt.datetime,
    language: str = "nl",
    rules: IntakeRules | None = None,
) -> Registered:
    """Register a signal from the public form (see the module docstring)."""
    rules = rules or IntakeRules()
    now = now.astimezone(dt.UTC)
    since = now - dt.timedelta(seconds=rules.window_seconds)
    if _recent(session, address_hash, since) >= rules.per_window:
        raise RateLimited()
    problems = [
        FieldProblem(name, "too_long", f"{name} is longer than {limit} characters")
        for name, limit in PUBLIC_LIMITS.items()
        if len(str(values.get(name) or "")) > limit
    ]
    unknown = [k for k in values if k not in PUBLIC_FIELDS]
    problems += [FieldProblem(k, "field_unknown", f"unknown field {k!r}") for k in unknown]
    if problems:
        raise InvalidInput(problems)
    data = {
        **{k: values.get(k) for k in PUBLIC_FIELDS},
        "channel": "web_form",
        "registrar": PUBLIC_REGISTRAR,
        "received_at": now,
        "language": language if language in {"nl", "en"} else "nl",
    }
    registered = register_signal(session, organisation_id, data, now=now, source="public form")
    session.execute(delete(SignalIntake).where(SignalIntake.at < since))
    session.add(SignalIntake(address_hash=address_hash, at=now))
    session.flush()
    return registered
