"""Management information from the signals register, as data a report can render.

- :func:`completeness_by_registrar` — per registrar per month: how many signals, how
  many complete, the mean completeness and which fields are most often left empty;
- :func:`monthly_bundle` — per registrar (client manager) one month's signals, counted
  by category, status, client group and service domain, with their themes, follow-up
  actions and the share acknowledged in time;
- :func:`supplier_report` — the bi-monthly report per supplier: counts by category,
  client group, service domain and month, recurring and rising themes, the follow-up
  actions and outcomes, and room for the text that explains the figures;
- :func:`signal_trends` — the trend detection of :mod:`gapsight.domain.trends` run on
  monthly counts per theme or category.

Months are ``YYYY-MM`` strings in the organisation's time zone. Every result is a
frozen dataclass with plain values (``as_dict()`` for JSON and templates).

Example::

    >>> month_bounds("2026-03", "Europe/Amsterdam")[0].isoformat()
    '2026-03-01T00:00:00+01:00'
    >>> months_back("2026-02", 3)
    ['2025-12', '2026-01', '2026-02']
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.domain.clocks import ClockState
from gapsight.domain.signals import COMPLETENESS_FIELDS, completeness
from gapsight.domain.trends import Trend, TrendSettings, detect_trends
from gapsight.services.organisations import get_organisation as _org
from gapsight.services.signals import calendar_for, config_for, list_signals, signal_clocks
from gapsight.store.models import ImprovementAction, Signal, SignalUpdate

__all__ = [
    "CompletenessRow",
    "RegistrarBundle",
    "SupplierReport",
    "completeness_by_registrar",
    "month_bounds",
    "monthly_bundle",
    "months_back",
    "notify_trends",
    "signal_trends",
    "supplier_report",
]


def month_bounds(month: str, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``month`` and of the month after it, in ``timezone``."""
    try:
        year, mon = (int(p) for p in month.split("-"))
        start = dt.datetime(year, mon, 1, tzinfo=ZoneInfo(timezone))
    except ValueError as exc:
        raise ValueError(f"{month!r} is not a month (YYYY-MM)") from exc
    end = dt.datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=ZoneInfo(timezone))
    return start, end


def months_back(last: str, n: int) -> list[str]:
    """The ``n`` months ending with ``last``, oldest first."""
    year, mon = (int(p) for p in last.split("-"))
    index = year * 12 + mon - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - n + 1, index + 1)]


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; gapsight stores UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _month_of(signal: Signal, tz: ZoneInfo) -> str:
    return _aware(signal.received_at).astimezone(tz).strftime("%Y-%m")


def _values(signal: Signal) -> dict[str, Any]:
    return {c.key: getattr(signal, c.key) for c in Signal.__table__.columns}


@dataclass(frozen=True)
class CompletenessRow:
    """One registrar's registrations in one month."""

    registrar: str
    month: str
    signals: int
    complete: int
    mean_completeness: float
    missing: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON and templates."""
        return asdict(self)


def completeness_by_registrar(
    session: Session,
    organisation_id: int,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    client_groups: Collection[str] | None = None,
) -> list[CompletenessRow]:
    """Completeness per registrar per month (see
    :func:`gapsight.domain.signals.completeness`), sorted by month then registrar.
    ``missing`` counts, per field, the registrations that left it empty."""
    org = _org(session, organisation_id)
    config = config_for(org)
    tz = ZoneInfo(config.timezone)
    groups: dict[tuple[str, str], list[Signal]] = defaultdict(list)
    for s in list_signals(
        session, organisation_id, since=since, until=until, client_groups=client_groups
    ):
        groups[(_month_of(s, tz), s.registrar)].append(s)
    rows = []
    for (month, registrar), signals in sorted(groups.items()):
        shares = [completeness(_values(s), config) for s in signals]
        missing: Counter[str] = Counter()
        for s in signals:
            for name in dict.fromkeys([*config.required, *COMPLETENESS_FIELDS]):
                value = getattr(s, name, None)
                if value is None or value == "" or value == []:
                    missing[name] += 1
        rows.append(
            CompletenessRow(
                registrar=registrar,
                month=month,
                signals=len(signals),
                complete=sum(1 for x in shares if x == 1.0),
                mean_completeness=sum(shares) / len(shares),
                missing=dict(missing.most_common()),
            )
        )
    return rows


@dataclass(frozen=True)
class FollowUp:
    """One follow-up action in a report: signal, date, who, what."""

    signal_id: int
    at: str
    by: str
    what: str


@dataclass(frozen=True)
class RegistrarBundle:
    """One registrar's signals in one month."""

    registrar: str
    month: str
    signals: int
    by_category: dict[str, int]
    by_status: dict[str, int]
    by_client_group: dict[str, int]
    acknowledged_on_time: int
    acknowledged_late: int
    not_acknowledged: int
    signal_ids: list[int]
    by_domain: dict[str, int] = field(default_factory=dict)
    themes: dict[str, int] = field(default_factory=dict)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON and templates."""
        return asdict(self)


def _count(values: Iterable[str | None]) -> dict[str, int]:
    counter = Counter(v or "(none)" for v in values)
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _themes(signals: Iterable[Signal]) -> dict[str, int]:
    themes: Counter[str] = Counter(t for s in signals for t in (s.theme_tags or []))
    return dict(sorted(themes.items(), key=lambda kv: (-kv[1], kv[0])))


def _follow_ups(session: Session, signals: list[Signal], tz: ZoneInfo) -> list[FollowUp]:
    ids = [s.id for s in signals]
    if not ids:
        return []
    updates = session.scalars(
        select(SignalUpdate)
        .where(SignalUpdate.signal_id.in_(ids), SignalUpdate.kind == "action")
        .order_by(SignalUpdate.at, SignalUpdate.id)
    )
    return [
        FollowUp(u.signal_id, _aware(u.at).astimezone(tz).date().isoformat(), u.by, u.what)
        for u in updates
    ]


def monthly_bundle(
    session: Session,
    organisation_id: int,
    month: str,
    *,
    now: dt.datetime,
    client_groups: Collection[str] | None = None,
) -> list[RegistrarBundle]:
    """Per registrar, the signals received in ``month`` (``YYYY-MM``), sorted by
    registrar. The acknowledgement counts use the acknowledge clock at ``now``."""
    org = _org(session, organisation_id)
    config = config_for(org)
    calendar = calendar_for(org)
    tz = ZoneInfo(config.timezone)
    start, end = month_bounds(month, config.timezone)
    groups: dict[str, list[Signal]] = defaultdict(list)
    for s in list_signals(
        session, organisation_id, since=start, until=end, client_groups=client_groups
    ):
        groups[s.registrar].append(s)
    bundles = []
    for registrar, signals in sorted(groups.items()):
        states = [signal_clocks(s, config, calendar)["acknowledge"].state(now) for s in signals]
        bundles.append(
            RegistrarBundle(
                registrar=registrar,
                month=month,
                signals=len(signals),
                by_category=_count(s.category for s in signals),
                by_status=_count(s.status for s in signals),
                by_client_group=_count(s.client_group for s in signals),
                acknowledged_on_time=states.count(ClockState.MET_ON_TIME),
                acknowledged_late=states.count(ClockState.MET_LATE),
                not_acknowledged=sum(
                    1 for st in states if st not in {ClockState.MET_ON_TIME, ClockState.MET_LATE}
                ),
                signal_ids=[s.id for s in signals],
                by_domain=_count(s.service_domain for s in signals),
                themes=_themes(signals),
                follow_ups=_follow_ups(session, signals, tz),
            )
        )
    return bundles


@dataclass(frozen=True)
class SupplierReport:
    """The bi-monthly report for one supplier (see the module docstring).

    ``by_category_month`` is ``{category: {month: count}}``; ``themes`` counts theme
    tags over the period; ``trends`` are themes flagged rising or recurring against
    the supplier's own history; ``outcomes`` counts statuses and ``resolutions`` lists
    the closed signals' resolutions; ``explanation`` is the text that explains the
    figures (written by people, kept with the report)."""

    supplier: str
    months: list[str]
    total: int
    by_category: dict[str, int]
    by_category_basic: dict[str, int]
    by_client_group: dict[str, int]
    by_domain: dict[str, int]
    by_month: dict[str, int]
    by_category_month: dict[str, dict[str, int]]
    within_norms: int
    promoted: int
    themes: dict[str, int]
    trends: list[Trend]
    follow_ups: list[FollowUp]
    outcomes: dict[str, int]
    resolutions: list[tuple[int, str]]
    improvement_actions: list[dict[str, Any]] = field(default_factory=list)
    explanation: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON and templates."""
        return asdict(self)


def supplier_report(
    session: Session,
    organisation_id: int,
    supplier: str,
    *,
    last_month: str,
    months: int = 2,
    explanation: str = "",
    trend_settings: TrendSettings | None = None,
    client_groups: Collection[str] | None = None,
) -> SupplierReport:
    """The report for ``supplier`` over the ``months`` months ending with
    ``last_month`` (default two: the bi-monthly report)."""
    org = _org(session, organisation_id)
    config = config_for(org)
    tz = ZoneInfo(config.timezone)
    period = months_back(last_month, months)
    start = month_bounds(period[0], config.timezone)[0]
    end = month_bounds(period[-1], config.timezone)[1]
    signals = list_signals(
        session,
        organisation_id,
        supplier=supplier,
        since=start,
        until=end,
        client_groups=client_groups,
    )
    by_category_month: dict[str, dict[str, int]] = {}
    for s in signals:
        row = by_category_month.setdefault(s.category, dict.fromkeys(period, 0))
        row[_month_of(s, tz)] += 1
    basic: Counter[str] = Counter()
    for s in signals:
        try:
            basic[config.mapped(s.category, "basic") or "(unmapped)"] += 1
        except KeyError:
            basic["(unmapped)"] += 1
    actions = [
        {"id": a.id, "title": a.title, "status": a.status, "owner": a.owner, "due": a.due}
        for a in session.scalars(
            select(ImprovementAction)
            .where(ImprovementAction.organisation_id == organisation_id)
            .order_by(ImprovementAction.id)
        )
        if any(supplier.lower() in str(c.get("reference", "")).lower() for c in a.causes or [])
    ]
    return SupplierReport(
        supplier=supplier,
        months=period,
        total=len(signals),
        by_category=_count(s.category for s in signals),
        by_category_basic=dict(sorted(basic.items())),
        by_client_group=_count(s.client_group for s in signals),
        by_domain=_count(s.service_domain for s in signals),
        by_month={m: sum(1 for s in signals if _month_of(s, tz) == m) for m in period},
        by_category_month=by_category_month,
        within_norms=sum(1 for s in signals if s.within_norms),
        promoted=sum(1 for s in signals if s.original_category),
        themes=_themes(signals),
        trends=signal_trends(
            session,
            organisation_id,
            last_month=last_month,
            by="theme",
            supplier=supplier,
            settings=trend_settings,
            client_groups=client_groups,
        ),
        follow_ups=_follow_ups(session, signals, tz),
        outcomes=_count(s.status for s in signals),
        resolutions=[(s.id, s.resolution) for s in signals if s.resolution],
        improvement_actions=actions,
        explanation=explanation,
    )


def signal_trends(
    session: Session,
    organisation_id: int,
    *,
    last_month: str,
    by: str = "theme",
    supplier: str | None = None,
    settings: TrendSettings | None = None,
    client_groups: Collection[str] | None = None,
) -> list[Trend]:
    """Themes (``by="theme"``) or categories (``by="category"``) whose count in
    ``last_month`` rises or recurs beyond their own history (monthly counts over the
    ``settings.history`` months before it)."""
    if by not in {"theme", "category"}:
        raise ValueError("by must be 'theme' or 'category'")
    s = settings or TrendSettings()
    org = _org(session, organisation_id)
    config = config_for(org)
    tz = ZoneInfo(config.timezone)
    period = months_back(last_month, s.history + 1)
    start = month_bounds(period[0], config.timezone)[0]
    end = month_bounds(period[-1], config.timezone)[1]
    counts: dict[str, list[int]] = {}
    position = {m: i for i, m in enumerate(period)}
    for signal in list_signals(
        session,
        organisation_id,
        supplier=supplier,
        since=start,
        until=end,
        client_groups=client_groups,
    ):
        keys = (signal.theme_tags or []) if by == "theme" else [signal.category]
        for key in keys:
            counts.setdefault(key, [0] * len(period))[position[_month_of(signal, tz)]] += 1
    return detect_trends(counts, s)


def notify_trends(
    session: Session,
    organisation_id: int,
    *,
    last_month: str,
    now: dt.datetime,
    by: str = "theme",
    settings: TrendSettings | None = None,
    base_url: str = "",
) -> list[Trend]:
    """Send the trends of ``last_month`` to the coordinator (``coordinator_email`` in
    ``settings["signals"]``) as one outbox message (``mail/templates/signal_trends``,
    in the organisation's language), once per organisation, month and ``by`` (dedupe
    key ``signal-trends:<org>:<month>:<by>``). Returns the trends; no message when
    there are none or no coordinator is set."""
    from gapsight.mail.outbox import enqueue
    from gapsight.mail.render import compose
    from gapsight.services.signals import organisation_language

    found = signal_trends(session, organisation_id, last_month=last_month, by=by, settings=settings)
    org = _org(session, organisation_id)
    config = config_for(org)
    if found and config.coordinator_email:
        lang = organisation_language(org)
        kinds = {"nl": {"rising": "stijgend", "recurring": "terugkerend"}}.get(
            lang, {"rising": "rising", "recurring": "recurring"}
        )
        labels = {c.code: c.label(lang) for c in config.categories}
        mail = compose(
            "signal_trends",
            lang,
            {
                "month": last_month,
                "trends": [
                    {
                        "key": labels.get(t.key, t.key) if by == "category" else t.key,
                        "kind_label": kinds[t.kind],
                        "count": t.count,
                        "expected": f"{t.expected:.2g}",
                    }
                    for t in found
                ],
                "link": f"{base_url.rstrip('/')}/signals/trends?month={last_month}&by={by}",
                "organisation": org.name,
            },
        )
        enqueue(
            session,
            kind="signal_trends",
            dedupe_key=f"signal-trends:{organisation_id}:{last_month}:{by}",
            recipient=config.coordinator_email,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            now=now,
        )
    return found
