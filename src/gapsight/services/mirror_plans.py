"""Mirror-discrepancy action plans (``certification.md`` P4.mirror_plan).

A mirror wave (staff answering "as our customers would") is compared with its customer
wave by :func:`gapsight.analyst.mirror_gaps`: per item ``gap = mean(mirror) −
mean(customers)``, with the threshold given for a 5-point scale (default 0.5) and scaled
to each item's range (see :mod:`gapsight.analysis.mirror`). Every item whose ``|gap|``
exceeds its threshold is a **discrepancy** (:func:`discrepancies`; whether it is also
significant after adjustment is shown next to it). Chosen discrepancies become one
PDCA improvement action (:func:`create_plan`, :mod:`gapsight.services.actions`) with an
owner, the actions to take and a due date, one cause
``mirror_discrepancy`` per item (reference ``study:<customer>/mirror:<mirror>/item:<code>``)
so the next wave's report and the certificate check can find it (:func:`plans_for`).

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     found = discrepancies(session, customer_wave_id=1, mirror_wave_id=3)
    >>> #     create_plan(session, customer_wave_id=1, mirror_wave_id=3,
    >>> #                 codes=[d.code for d in found], owner="Ann",
    >>> #                 actions=["Workshop reliability with the service desk"],
    >>> #                 due=dt.date(2026, 9, 1), now=now)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.analysis.result import is_defined
from gapsight.analyst.relations import mirror_gaps
from gapsight.domain.actions import CauseLink
from gapsight.domain.problems import FieldProblem, InvalidInput
from gapsight.services.actions import create_action
from gapsight.services.responses import load_wave
from gapsight.services.studies import get_study
from gapsight.store.models import ImprovementAction

__all__ = ["Discrepancy", "create_plan", "discrepancies", "plans_for"]

CAUSE = "mirror_discrepancy"


@dataclass(frozen=True)
class Discrepancy:
    """An item whose mirror gap exceeds the threshold."""

    code: str
    text: str
    dimension: str | None
    customer_mean: float
    mirror_mean: float
    gap: float
    threshold: float
    significant: bool

    @property
    def reference(self) -> str:
        """The item part of the cause reference."""
        return f"item:{self.code}"


def _check_waves(session: Session, customer_wave_id: int, mirror_wave_id: int) -> None:
    customer = get_study(session, customer_wave_id)
    mirror = get_study(session, mirror_wave_id)
    problems = []
    if customer.kind != "customer":
        problems.append(
            FieldProblem("customer", "not_customer", f"study {customer.id} is not a customer wave")
        )
    if mirror.kind != "mirror":
        problems.append(
            FieldProblem("mirror", "not_mirror", f"study {mirror.id} is not a mirror wave")
        )
    if customer.organisation_id != mirror.organisation_id:
        problems.append(
            FieldProblem("mirror", "other_organisation", "the waves belong to two organisations")
        )
    if problems:
        raise InvalidInput(problems)


def discrepancies(
    session: Session,
    *,
    customer_wave_id: int,
    mirror_wave_id: int,
    threshold: float = 0.5,
    lang: str = "nl",
) -> list[Discrepancy]:
    """The items of the two waves whose ``|mirror gap|`` exceeds the (scaled)
    ``threshold``, largest first. ``ValueError`` when a group is smaller than the
    customer wave's minimum group size (results would show individuals)."""
    _check_waves(session, customer_wave_id, mirror_wave_id)
    customer = load_wave(session, customer_wave_id)
    mirror = load_wave(session, mirror_wave_id)
    result = mirror_gaps(
        customer.matrix,
        mirror.matrix,
        customer.instrument,
        threshold=threshold,
        min_group_size=customer.study.min_group_size,
    )
    instrument = customer.instrument
    found = []
    for item in result.items:
        gap, ref, comp = item.gap, item.reference_mean, item.comparison_mean
        if not (is_defined(gap) and is_defined(ref) and is_defined(comp)):
            continue
        if abs(gap) <= item.threshold:
            continue
        found.append(
            Discrepancy(
                code=item.code,
                text=instrument.text(instrument.item(item.code).text, lang, org="", sector=""),
                dimension=item.dimension,
                customer_mean=ref,
                mirror_mean=comp,
                gap=gap,
                threshold=item.threshold,
                significant=item.flagged,
            )
        )
    return sorted(found, key=lambda d: -abs(d.gap))


def create_plan(
    session: Session,
    *,
    customer_wave_id: int,
    mirror_wave_id: int,
    codes: Sequence[str],
    owner: str,
    actions: Sequence[str],
    due: dt.date,
    now: dt.datetime,
    threshold: float = 0.5,
    title: str | None = None,
) -> ImprovementAction:
    """Turn the discrepancies ``codes`` into one improvement action: ``owner``, the
    ``actions`` (one per line of the plan), ``due`` date, level ``organisation``.
    Only items that are discrepancies at ``threshold`` may be chosen;
    :class:`InvalidInput` lists every problem."""
    found = {
        d.code: d
        for d in discrepancies(
            session,
            customer_wave_id=customer_wave_id,
            mirror_wave_id=mirror_wave_id,
            threshold=threshold,
        )
    }
    problems = []
    chosen = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not chosen:
        problems.append(FieldProblem("codes", "codes_required", "choose at least one item"))
    for code in chosen:
        if code not in found:
            problems.append(
                FieldProblem("codes", "not_discrepancy", f"item {code!r} is not a discrepancy")
            )
    steps = [a.strip() for a in actions if a.strip()]
    if not steps:
        problems.append(FieldProblem("actions", "actions_required", "name at least one action"))
    if not owner.strip():
        problems.append(FieldProblem("owner", "owner_required", "the plan needs an owner"))
    if problems:
        raise InvalidInput(problems)
    customer = get_study(session, customer_wave_id)
    mirror = get_study(session, mirror_wave_id)
    base = f"study:{customer_wave_id}/mirror:{mirror_wave_id}"
    causes = [
        CauseLink(CAUSE, f"{base}/item:{code}", f"gap {found[code].gap:+.2f}") for code in chosen
    ]
    return create_action(
        session,
        customer.organisation_id,
        title=title or f"Mirror discrepancies: {customer.name} vs {mirror.name}",
        level="organisation",
        now=now,
        owner=owner,
        plan="\n".join(f"- {s}" for s in steps),
        due=due,
        causes=causes,
    )


def plans_for(
    session: Session, organisation_id: int, *, customer_wave_id: int | None = None
) -> list[ImprovementAction]:
    """The mirror-discrepancy action plans of an organisation (of one customer wave
    when given), oldest first — what P4.mirror_plan asks for."""
    rows = session.scalars(
        select(ImprovementAction)
        .where(ImprovementAction.organisation_id == organisation_id)
        .order_by(ImprovementAction.id)
    )
    prefix = None if customer_wave_id is None else f"study:{customer_wave_id}/"
    return [
        a
        for a in rows
        if any(
            c.get("kind") == CAUSE
            and (prefix is None or str(c.get("reference", "")).startswith(prefix))
            for c in a.causes or []
        )
    ]
