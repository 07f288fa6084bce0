"""Which customer wave a mirror, prediction or employee wave is compared with.

A mirror survey (staff answer the customer questionnaire as customers would), a
management or staff prediction ("what do our customers expect?") and an employee survey
(MTO) are fielded as waves of their own. Linking them to the customer wave of the same
period (``wave_links``) lets that wave's research report show gaps 1, 6 and 7 and the
mirror chart, and its employee feedback report the MTO results.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     link_wave(session, mirror_id, customer_wave_id=2)
    >>> #     linked_waves(session, 2)  -> {mirror_id: 'mirror'}
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.services.studies import get_study
from gapsight.store.models import Study, WaveLink

__all__ = ["LINKABLE_KINDS", "link_wave", "linked_waves", "unlink_wave"]

LINKABLE_KINDS: tuple[str, ...] = (
    "mirror",
    "management_prediction",
    "staff_prediction",
    "employee",
)
"""Kinds of wave that can be linked to a customer wave."""


def link_wave(session: Session, wave_id: int, *, customer_wave_id: int) -> None:
    """Link wave ``wave_id`` (a kind in :data:`LINKABLE_KINDS`) to the customer wave
    ``customer_wave_id``; replaces an earlier link. ``KeyError`` for an unknown wave,
    ``ValueError`` for the wrong kinds or two organisations."""
    wave = get_study(session, wave_id)
    customer = get_study(session, customer_wave_id)
    if wave.kind not in LINKABLE_KINDS:
        raise ValueError(f"a {wave.kind} wave cannot be linked to a customer wave")
    if customer.kind != "customer":
        raise ValueError(f"wave {customer_wave_id} is not a customer wave")
    if wave.organisation_id != customer.organisation_id:
        raise ValueError("both waves must belong to the same organisation")
    row = session.get(WaveLink, wave_id)
    if row is None:
        session.add(WaveLink(wave_id=wave_id, customer_wave_id=customer_wave_id))
    else:
        row.customer_wave_id = customer_wave_id
    session.flush()


def unlink_wave(session: Session, wave_id: int) -> None:
    """Remove the link of ``wave_id`` (if any)."""
    row = session.get(WaveLink, wave_id)
    if row is not None:
        session.delete(row)
        session.flush()


def linked_waves(session: Session, customer_wave_id: int) -> dict[int, str]:
    """The waves linked to ``customer_wave_id``: id → kind, in id order."""
    rows = session.execute(
        select(Study.id, Study.kind)
        .join(WaveLink, WaveLink.wave_id == Study.id)
        .where(WaveLink.customer_wave_id == customer_wave_id)
        .order_by(Study.id)
    )
    return {int(i): str(k) for i, k in rows}
