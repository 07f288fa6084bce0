"""Answer formats of one instrument: 5- or 7-point agreement, the three-column zone format.

The same statements are fielded in more than one answer format. These functions
derive a new instrument with the *same item codes* and a different format; the result
has its own id (answers on 5 and 7 points must never be pooled under one ref) and
``derived_from`` pointing at the original.

- :func:`with_agreement_points` swaps the agreement scale: 7 points is the SERVQUAL
  original (labelled at the ends), 5 points is common Dutch practice (every point
  labelled: *helemaal mee oneens … helemaal mee eens*). The built-in
  ``servqual22_5pt`` is ``with_agreement_points(load_builtin("servqual22"), 5)``.
- :func:`three_column` gives the 1994 three-column zone-of-tolerance format: minimum,
  desired and perceived level on one 9-point scale, so that MSA = p − m and
  MSS = p − d are differences on one scale. In the original ``servqual22`` the
  perceptions stay on the 7-point agreement scale even when the ``zone`` module is on
  (p − e gaps then stay comparable with every other wave); field the built-in
  ``servqual22_zone`` when zone-of-tolerance figures are wanted.

Example::

    >>> from gapsight.instruments import load_builtin
    >>> from gapsight.instruments.formats import three_column, with_agreement_points
    >>> sq5 = with_agreement_points(load_builtin("servqual22"), 5)
    >>> sq5.ref, sq5.scale_of("p01").bounds(), sq5.scale_of("m01").bounds()
    ('servqual22_5pt@1', (1, 5), (1, 9))
    >>> sq5.scale_of("p01").label(3, "nl")
    'noch eens, noch oneens'
    >>> three_column(load_builtin("servqual22")).scale_of("p01").bounds()
    (1, 9)
    >>> [zone_on_one_scale(load_builtin(i)) for i in ("servqual22", "servqual22_zone")]
    [False, True]
"""

from __future__ import annotations

from typing import Any

from gapsight.instruments.model import Instrument, Item, Scale, ScalePoint, Section

__all__ = [
    "AGREEMENT_LABELS",
    "agreement_scale",
    "three_column",
    "with_agreement_points",
    "zone_on_one_scale",
]

AGREEMENT_LABELS: dict[int, dict[int, dict[str, str]]] = {
    5: {
        1: {"nl": "helemaal mee oneens", "en": "strongly disagree"},
        2: {"nl": "oneens", "en": "disagree"},
        3: {"nl": "noch eens, noch oneens", "en": "neither agree nor disagree"},
        4: {"nl": "eens", "en": "agree"},
        5: {"nl": "helemaal mee eens", "en": "strongly agree"},
    },
    7: {
        1: {"nl": "helemaal mee oneens", "en": "strongly disagree"},
        7: {"nl": "helemaal mee eens", "en": "strongly agree"},
    },
}
"""Labelled points of the standard agreement scales (7 points: ends only, as the
original SERVQUAL; 5 points: every point, as in Dutch practice)."""


def agreement_scale(scale_id: str, points: int) -> Scale:
    """The standard ``points``-point agreement scale (5 or 7) with id ``scale_id``.

    >>> agreement_scale("agree5", 5).describe()
    'an integer 1-5'
    """
    if points not in AGREEMENT_LABELS:
        raise ValueError(
            f"agreement scales have 5 or 7 points, not {points}; "
            "the 9-point scale belongs to the zone-of-tolerance columns"
        )
    return Scale(
        id=scale_id,
        kind="agreement",
        min=1,
        max=points,
        points=tuple(
            ScalePoint(value=v, label=dict(label)) for v, label in AGREEMENT_LABELS[points].items()
        ),
    )


def _likert(scale: Scale) -> bool:
    """A 5- or 7-point agreement scale (not the 9-point zone columns)."""
    return (
        scale.kind == "agreement"
        and scale.min is not None
        and scale.max is not None
        and scale.max - scale.min + 1 in AGREEMENT_LABELS
    )


def _derive(instrument: Instrument, instrument_id: str, **changes: Any) -> Instrument:
    data = instrument.model_dump()
    data.update(changes)
    data.update(
        id=instrument_id,
        derived_from=instrument.ref,
        combined_from=(),
    )
    return Instrument.parse(data, source=instrument_id)


def with_agreement_points(
    instrument: Instrument, points: int, *, instrument_id: str | None = None
) -> Instrument:
    """``instrument`` with every 5- or 7-point agreement scale put on ``points`` points.

    Scale ids and item codes are kept; the 9-point zone scale and non-agreement scales
    are left alone. The new id defaults to ``<id>_<points>pt`` (same version).
    ``ValueError`` when ``points`` is not 5 or 7 or there is no agreement scale.
    """
    if points not in AGREEMENT_LABELS:
        agreement_scale("check", points)  # raises the explanatory ValueError
    if not any(_likert(s) for s in instrument.scales):
        raise ValueError(f"instrument {instrument.ref} has no 5- or 7-point agreement scale")
    scales = tuple(
        agreement_scale(s.id, points).model_dump() if _likert(s) else s.model_dump()
        for s in instrument.scales
    )
    return _derive(instrument, instrument_id or f"{instrument.id}_{points}pt", scales=scales)


def three_column(instrument: Instrument, *, instrument_id: str | None = None) -> Instrument:
    """The 1994 three-column format: perceptions on the scale of the minimum items.

    Every item with ``part: perception`` whose pair also has a ``minimum`` item moves
    to that item's scale (the 9-point zone scale of ``servqual22``); the ``zone``
    module is switched on by default. The new id defaults to ``<id>_zone``.
    ``ValueError`` when the instrument has no minimum/desired items.
    """
    minimum_scale = {
        it.pair: it.scale for it in instrument.items() if it.part == "minimum" and it.pair
    }
    desired = {it.pair for it in instrument.items() if it.part == "desired"}
    if not minimum_scale or not desired:
        raise ValueError(
            f"instrument {instrument.ref} has no zone-of-tolerance items "
            "(part: minimum and part: desired); nothing to put in three columns"
        )
    zone_modules = {
        s.module for s in instrument.sections for it in s.items if it.part in ("minimum", "desired")
    }

    def move(item: Item) -> Item:
        if item.part == "perception" and item.pair in minimum_scale:
            return item.model_copy(update={"scale": minimum_scale[item.pair]})
        return item

    def section(sec: Section) -> dict[str, Any]:
        return sec.model_copy(update={"items": tuple(move(it) for it in sec.items)}).model_dump()

    modules = {
        name: (True if name in zone_modules else on) for name, on in instrument.modules.items()
    }
    return _derive(
        instrument,
        instrument_id or f"{instrument.id}_zone",
        sections=tuple(section(s) for s in instrument.sections),
        modules=modules,
    )


def zone_on_one_scale(instrument: Instrument) -> bool:
    """Whether zone-of-tolerance figures (MSA = p − m, MSS = p − d) are meaningful.

    True when the instrument has minimum and desired items and every perception,
    minimum and desired item of a pair is on the same scale (as in ``servqual22_zone``);
    False otherwise (as in ``servqual22``, whose perceptions stay on 7 points). An
    analysis should refuse or rescale, and say so, when this is False.
    """
    scales: dict[str, set[str]] = {}
    for it in instrument.items():
        if it.pair is not None and it.part in ("perception", "minimum", "desired"):
            scales.setdefault(it.pair, set()).add(it.scale)
    has_zone = any(it.part == "minimum" for it in instrument.items()) and any(
        it.part == "desired" for it in instrument.items()
    )
    return has_zone and all(len(s) == 1 for s in scales.values())
