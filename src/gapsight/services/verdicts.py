"""Verdicts people record on gaps 2, 3 and 4 of a wave (``gap_verdicts``).

The rules are in :mod:`gapsight.domain.verdicts`; the report reads the verdicts with
:func:`get_verdicts` and draws them in the gap-model figure, next to the gaps measured
from the surveys. Edited with ``gapsight report --verdict 3=partly:"…"`` or on the
report page of the web app.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     set_verdict(session, 2, gap=3, verdict="partly",
    >>> #                 explanation="Call-back standard met in 82 % of cases.", size=0.82)
    >>> #     get_verdicts(session, 2)[3].verdict  -> 'partly'
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gapsight.domain.problems import FieldProblem, InvalidInput
from gapsight.domain.verdicts import check_verdict
from gapsight.services.studies import get_study
from gapsight.store.models import GapVerdict

__all__ = ["MAX_LENGTH", "RecordedVerdict", "clear_verdict", "get_verdicts", "set_verdict"]

MAX_LENGTH = 5_000
"""Longest explanation accepted (characters)."""


@dataclass(frozen=True)
class RecordedVerdict:
    """One recorded gap: ``verdict`` (present, partly, absent), ``explanation`` and the
    optional measured ``size`` (a share between 0 and 1)."""

    gap: int
    verdict: str
    explanation: str
    size: float | None = None


def get_verdicts(session: Session, wave_id: int) -> dict[int, RecordedVerdict]:
    """The recorded verdicts of ``wave_id`` by gap number (gaps without one are absent)."""
    rows = session.scalars(
        select(GapVerdict).where(GapVerdict.wave_id == wave_id).order_by(GapVerdict.gap)
    )
    return {r.gap: RecordedVerdict(r.gap, r.verdict, r.explanation, r.size) for r in rows}


def set_verdict(
    session: Session,
    wave_id: int,
    *,
    gap: int,
    verdict: str,
    explanation: str = "",
    size: float | None = None,
) -> RecordedVerdict:
    """Record (or replace) the verdict on ``gap`` for ``wave_id``.

    ``KeyError`` for an unknown wave; :class:`InvalidInput` for a gap other than 2–4,
    an unknown verdict, a size outside 0–1 or an explanation over :data:`MAX_LENGTH`.
    """
    get_study(session, wave_id)
    explanation = explanation.strip()
    problems = check_verdict(gap, verdict, size)
    if len(explanation) > MAX_LENGTH:
        problems.append(f"the explanation is limited to {MAX_LENGTH} characters")
    if problems:
        raise InvalidInput([FieldProblem("verdict", "invalid_verdict", p) for p in problems])
    row = session.get(GapVerdict, (wave_id, gap))
    if row is None:
        session.add(
            GapVerdict(
                wave_id=wave_id, gap=gap, verdict=verdict, explanation=explanation, size=size
            )
        )
    else:
        row.verdict, row.explanation, row.size = verdict, explanation, size
        row.updated_at = func.current_timestamp()
    session.flush()
    return RecordedVerdict(gap, verdict, explanation, size)


def clear_verdict(session: Session, wave_id: int, gap: int) -> None:
    """Remove the verdict on ``gap`` (it becomes *not assessed* again)."""
    row = session.get(GapVerdict, (wave_id, gap))
    if row is not None:
        session.delete(row)
        session.flush()
