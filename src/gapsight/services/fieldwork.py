"""Fieldwork status of a wave: who was invited, reached, started and finished.

The counts come from two tables kept apart on purpose: *invitations* (exposure: in the
sample, mailed, delivered, bounced, opened) and *responses* (started, partial,
complete). Anonymous responses are not linked to an invitation, so the two are only
ever compared as totals, never matched person by person.

Rates follow ``analysis.md`` via :func:`gapsight.analysis.precision.response_rates`:
*valid* = invitations in the sample minus bounced ones; gross rate = returned
(complete + partial) / valid; net rate = usable / valid, where usable = returned minus
exclusions. No exclusions are recorded during fieldwork, so net equals gross until the
analysis excludes responses.

**Per loaded characteristic** the response counts per group go through
:func:`gapsight.analysis.breakdown.suppress_cells` on the number of responses in the
group: a group with fewer than the study's minimum group size is shown without
numbers ("—" and the reason), and complementary suppression hides a further group when
the total would otherwise reveal the hidden one. The invited count per group is the
coordinator's own sample and stays visible. A response's group is its own
characteristics snapshot, or, for an identified response without one, its
invitation's. The group "missing" (``None``) therefore holds the contacts without a
value *and* the anonymous responses whose snapshot left the characteristic out to
keep them in a large enough group; the page labels it "not known or withheld for
anonymity" (privacy review D7), since the two cannot be told apart without undoing
the anonymity.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     status = fieldwork_status(session, study_id)
    >>> #     status.complete, status.rates.gross_rate   -> (41, 0.41)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gapsight.analysis.breakdown import CellStatus, suppress_cells
from gapsight.analysis.precision import ResponseRates, response_rates
from gapsight.services.characteristics import types_of
from gapsight.services.studies import get_study
from gapsight.store.models import Invitation, Response

__all__ = ["FieldworkStatus", "GroupCounts", "GroupTable", "fieldwork_status"]


@dataclass(frozen=True)
class GroupCounts:
    """One group of a characteristic. Response counts are ``None`` when suppressed.

    Attributes:
        group: the value (``None``: characteristic missing).
        invited: contacts of the sample in the group.
        started, partial, complete: responses in the group (all statuses count as
            started), ``None`` when suppressed.
        status: ``shown``, ``empty``, ``below_minimum`` or ``complementary``.
    """

    group: Any
    invited: int
    started: int | None
    partial: int | None
    complete: int | None
    status: CellStatus

    @property
    def suppressed(self) -> bool:
        """True when the response counts may not be displayed."""
        return self.status in ("below_minimum", "complementary")

    @property
    def public_status(self) -> Literal["shown", "empty", "suppressed"]:
        """The status safe to publish (pages, API): a small and a complementary group
        are both ``"suppressed"``, so that nobody learns which hidden group is the
        small one (:attr:`status` keeps the difference for internal use)."""
        if self.suppressed:
            return "suppressed"
        return "empty" if self.status == "empty" else "shown"


@dataclass(frozen=True)
class GroupTable:
    """The groups of one loaded characteristic (missing value last)."""

    name: str
    groups: tuple[GroupCounts, ...]


@dataclass(frozen=True)
class FieldworkStatus:
    """Counts, rates and per-characteristic groups of one wave.

    ``rates`` is ``None`` when the counts do not fit the response model (e.g. more
    responses imported than contacts in the sample); the page then shows the counts
    without rates.
    """

    study_id: int
    min_group_size: int
    in_sample: int
    invited: int
    delivered: int
    bounced: int
    opened: int
    started: int
    partial: int
    complete: int
    rates: ResponseRates | None
    groups: tuple[GroupTable, ...]


def _label(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def fieldwork_status(session: Session, study_id: int) -> FieldworkStatus:
    """The fieldwork counts of study ``study_id`` (``KeyError`` when unknown)."""
    study = get_study(session, study_id)
    inv = Invitation
    row = session.execute(
        select(
            func.count(),
            func.count(inv.invited_at),
            func.count(inv.delivered_at),
            func.count(inv.bounced_at),
            func.count(inv.opened_at),
        ).where(inv.wave_id == study_id)
    ).one()
    in_sample, invited, delivered, bounced, opened = (int(v) for v in row)
    statuses: Counter[str] = Counter(
        dict(
            session.execute(
                select(Response.status, func.count())
                .where(Response.wave_id == study_id)
                .group_by(Response.status)
            ).all()
        )
    )
    started = sum(statuses.values())
    partial, complete = statuses["partial"], statuses["complete"]
    try:
        rates: ResponseRates | None = response_rates(
            invited=in_sample,
            valid=in_sample - bounced,
            started=started,
            complete=complete,
            partial=partial,
        )
    except ValueError:
        rates = None
    return FieldworkStatus(
        study_id=study_id,
        min_group_size=study.min_group_size,
        in_sample=in_sample,
        invited=invited,
        delivered=delivered,
        bounced=bounced,
        opened=opened,
        started=started,
        partial=partial,
        complete=complete,
        rates=rates,
        groups=_groups(session, study_id, list(types_of(study)), study.min_group_size),
    )


def _groups(
    session: Session, study_id: int, names: list[str], min_n: int
) -> tuple[GroupTable, ...]:
    if not names:
        return ()
    invited_rows: list[Mapping[str, Any]] = [
        c or {}
        for c in session.scalars(
            select(Invitation.characteristics).where(Invitation.wave_id == study_id)
        )
    ]
    response_rows = session.execute(
        select(Response.status, Response.characteristics, Invitation.characteristics)
        .outerjoin(Invitation, Invitation.id == Response.invitation_id)
        .where(Response.wave_id == study_id)
    ).all()
    tables = []
    for name in names:
        invited = Counter(_label(c.get(name)) for c in invited_rows)
        counts: dict[Any, Counter[str]] = {}
        for status, own, linked in response_rows:
            source = own if own is not None else (linked or {})
            counts.setdefault(_label(source.get(name)), Counter())[status] += 1
        labels = sorted({*invited, *counts} - {None}, key=lambda v: (str(type(v)), v))
        if None in invited or None in counts:
            labels.append(None)
        started = [sum(counts.get(g, Counter()).values()) for g in labels]
        cell_status, _total_hidden = suppress_cells(started, min_n=min_n)
        groups = []
        for g, n, st in zip(labels, started, cell_status, strict=True):
            c = counts.get(g, Counter())
            hidden = st in ("below_minimum", "complementary")
            groups.append(
                GroupCounts(
                    group=g,
                    invited=invited.get(g, 0),
                    started=None if hidden else n,
                    partial=None if hidden else c["partial"],
                    complete=None if hidden else c["complete"],
                    status=st,
                )
            )
        tables.append(GroupTable(name, tuple(groups)))
    return tuple(tables)
