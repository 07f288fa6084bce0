"""The service dashboard of an organisation: load its waves, compute the metrics.

Customer waves (``customer``, ``event``) feed the customer metrics, employee waves
(``employee``) the employee metrics, each in field order (field start, then id); the
numbers come from :func:`gapsight.analysis.dashboard.dashboard` with the largest minimum
group size of the waves, so no value rests on fewer answers than any wave allows.

The dashboard is computed on request, so it follows the responses as they arrive. It is
cached per organisation by a **version**: per wave its id, the number of responses and
the highest response id; a new or removed response changes the version and the next
request recomputes.

Example::

    >>> # board = organisation_dashboard(engine, organisation_id=1)
    >>> # [(m.key, m.current.value) for m in board.metrics]
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from gapsight.analysis.dashboard import Dashboard, dashboard
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.services.responses import load_wave
from gapsight.store.models import Response, Study

__all__ = ["AUDIENCE_OF_KIND", "DashboardView", "organisation_dashboard"]

AUDIENCE_OF_KIND = {"customer": "customers", "event": "customers", "employee": "employees"}
"""Which audience a wave of each kind speaks for."""

CACHE_SIZE = 32

Version = tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class DashboardView:
    """The dashboard and what it was computed from (``waves``: audience → names)."""

    board: Dashboard
    waves: dict[str, tuple[str, ...]]
    min_n: int


_cache: OrderedDict[tuple[str, int, Version], DashboardView] = OrderedDict()


def _waves(session: Session, organisation_id: int) -> list[Study]:
    stmt = (
        select(Study)
        .where(Study.organisation_id == organisation_id, Study.kind.in_(AUDIENCE_OF_KIND))
        .order_by(Study.field_start.is_(None), Study.field_start, Study.id)
    )
    return list(session.scalars(stmt))


def _version(session: Session, ids: list[int]) -> Version:
    if not ids:
        return ()
    rows = session.execute(
        select(Response.wave_id, func.count(), func.max(Response.id))
        .where(Response.wave_id.in_(ids))
        .group_by(Response.wave_id)
    )
    found = {int(w): (int(n), int(m or 0)) for w, n, m in rows}
    return tuple((i, *found.get(i, (0, 0))) for i in ids)


def organisation_dashboard(
    engine: Engine, organisation_id: int, *, confidence: float = 0.95
) -> DashboardView:
    """The dashboard of ``organisation_id`` (cached by the version of its waves)."""
    with Session(engine) as session, session.begin():
        studies = _waves(session, organisation_id)
        version = _version(session, [s.id for s in studies])
        key = (str(engine.url), organisation_id, version)
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        series: dict[str, list[tuple[str, ResponseMatrix]]] = {}
        for study in studies:
            wave = load_wave(session, study.id)
            keep = wave.statuses != "started"
            matrix = wave.matrix if bool(keep.all()) else wave.matrix.subset(keep)
            series.setdefault(AUDIENCE_OF_KIND[study.kind], []).append((study.name, matrix))
        min_n = max((s.min_group_size for s in studies), default=5)
    view = DashboardView(
        dashboard(series, min_n=min_n, confidence=confidence),
        {k: tuple(n for n, _ in v) for k, v in series.items()},
        min_n,
    )
    _cache[key] = view
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return view
