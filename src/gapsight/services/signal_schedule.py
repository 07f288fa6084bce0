"""The signals scheduler: run every organisation's clocks and monthly trend mail.

:func:`tick` is one pass at ``now``: for each organisation it enqueues the clock
reminders and escalations that are due (:func:`gapsight.services.signals.run_clocks`)
and, from the first day of a month on, the coordinator's trend mail about the
previous month, by theme and by category
(:func:`gapsight.services.signal_reports.notify_trends`); it also routes the answers
of event surveys to the departments (:func:`gapsight.services.events.route_feedback`).
Every message has a dedupe key, so ticking every minute — or from several
processes — sends each message once.

It runs periodically inside ``gapsight serve`` and ``gapsight worker`` as a task of
the mail sender (:func:`gapsight.services.mailing.build_sender`, once a minute), and
by hand or from cron as ``gapsight signals tick``. Each organisation is handled in
its own transaction: a problem with one (logged) does not stop the others.

Example::

    >>> # tick(engine, now=dt.datetime.now(dt.UTC), base_url="https://gs.example.org")
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from gapsight.services import events, organisations
from gapsight.services.signal_reports import months_back, notify_trends
from gapsight.services.signals import ClockMessage, config_for, run_clocks
from gapsight.store.database import unit_of_work

__all__ = ["TickResult", "tick"]

log = logging.getLogger("gapsight.signals")


@dataclass
class TickResult:
    """What one :func:`tick` enqueued: clock messages, and the organisations whose
    trend mail went out (or was already out) per ``(organisation id, month, by)``."""

    clock_messages: list[ClockMessage] = field(default_factory=list)
    trend_checks: list[tuple[int, str, str]] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    feedback_routed: int = 0


def tick(engine: Engine, *, now: dt.datetime, base_url: str = "") -> TickResult:
    """One pass of the scheduler at ``now`` (see the module docstring)."""
    result = TickResult()
    with unit_of_work(engine) as session:
        ids = [o.id for o in organisations.list_organisations(session)]
    for org_id in ids:
        try:
            with unit_of_work(engine) as session:
                result.clock_messages += run_clocks(session, org_id, now=now, base_url=base_url)
                config = config_for(organisations.get_organisation(session, org_id))
                this_month = now.astimezone(ZoneInfo(config.timezone)).strftime("%Y-%m")
                previous = months_back(this_month, 2)[0]
                for by in ("theme", "category"):
                    notify_trends(
                        session, org_id, last_month=previous, now=now, by=by, base_url=base_url
                    )
                    result.trend_checks.append((org_id, previous, by))
                result.feedback_routed += events.route_feedback(session, org_id, now=now)
        except Exception:
            log.exception("signals tick failed for organisation %s", org_id)
            result.failed.append(org_id)
    return result
