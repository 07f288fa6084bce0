"""Recommendations written by people, stored with a wave's research report.

The conclusions of a report are generated from the numbers; the recommendations are
not: the guidelines want people to write them. They are stored per wave
(``report_texts``) so every rendering (HTML, PDF, Excel, the web page) prints the same
text, and edited with ``gapsight report --recommendations FILE`` or the report page.

The text is plain: paragraphs separated by blank lines, lines starting with ``- `` are
list items (the report renders them as such).

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     set_recommendations(session, 2, "- Train the service desk on call-backs.")
    >>> #     get_recommendations(session, 2)  -> '- Train the service desk on call-backs.'
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import Session

from gapsight.services.studies import get_study
from gapsight.store.models import ReportText

__all__ = ["MAX_LENGTH", "get_recommendations", "set_recommendations"]

MAX_LENGTH = 50_000
"""Longest text accepted (characters)."""


def get_recommendations(session: Session, wave_id: int) -> str | None:
    """The stored recommendations of ``wave_id``, ``None`` when none were written."""
    row = session.get(ReportText, wave_id)
    return None if row is None else row.recommendations


def set_recommendations(session: Session, wave_id: int, text: str) -> None:
    """Store ``text`` as the recommendations of ``wave_id`` (empty text removes them).

    ``KeyError`` for an unknown wave, ``ValueError`` for a text over
    :data:`MAX_LENGTH` characters.
    """
    get_study(session, wave_id)
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise ValueError(f"recommendations are limited to {MAX_LENGTH} characters")
    row = session.get(ReportText, wave_id)
    if not text:
        if row is not None:
            session.delete(row)
            session.flush()
        return
    if row is None:
        session.add(ReportText(wave_id=wave_id, recommendations=text))
    else:
        row.recommendations = text
        row.updated_at = func.current_timestamp()
