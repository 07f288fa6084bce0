"""What the landing page lists: each study with its kind and response count.

Example::

    >>> from gapsight.config import Settings
    >>> study_lines(Settings(database_url="sqlite:////tmp/gapsight-overview.db"))
    []
"""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from gapsight.config import Settings
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import Organisation, Response, Study

__all__ = ["study_lines"]


def study_lines(settings: Settings) -> list[str]:
    """One line per study: ``"<org> · #<id> <name> (<kind>): <n> responses"``.

    An empty or not yet migrated database gives an empty list, not an error.
    """
    engine = make_engine(settings)
    try:
        if not inspect(engine).has_table(Study.__tablename__):
            return []
        counts = (
            select(Response.wave_id, func.count().label("n"))
            .group_by(Response.wave_id)
            .subquery()
        )
        query = (
            select(Organisation.name, Study.id, Study.name, Study.kind, counts.c.n)
            .join(Study, Study.organisation_id == Organisation.id)
            .outerjoin(counts, counts.c.wave_id == Study.id)
            .order_by(Organisation.name, Study.id)
        )
        with unit_of_work(engine) as session:
            return [
                f"{org} · #{sid} {name} ({kind}): {n or 0} responses"
                for org, sid, name, kind, n in session.execute(query)
            ]
    finally:
        engine.dispose()
