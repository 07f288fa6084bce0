"""Gaps 1, 6, 7 and the mirror gap of a customer wave, from the waves linked to it.

A customer wave's report compares its answers with the waves linked to it
(:mod:`gapsight.services.wave_links`), each comparison a call to the analysis core
(:func:`gapsight.analysis.mirror.mirror_gaps`: Welch per item and dimension, Holm over
each family, flagged when the gap is both large and significant):

=========  ==========================  ==========================  ===================
label      reference                    comparison                  items
=========  ==========================  ==========================  ===================
mirror     customers                    staff (mirror survey)       perceptions, grades,
                                                                    CVS
gap1       customers                    management prediction       expectations
gap6       customers                    staff prediction            expectations
gap7       management prediction        staff prediction            expectations
=========  ==========================  ==========================  ===================

A comparison is left out, with the reason, when a wave is missing or when either group
has fewer respondents than the larger of the two waves' minimum group sizes (a mean of
three managers' answers would show what each of them said).

Example::

    >>> [c.label for c in COMPARISONS]
    ['mirror', 'gap1', 'gap6', 'gap7']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.mirror import MirrorGaps, mirror_gaps
from gapsight.analyst.relations import mirror_dimensions
from gapsight.instruments.model import Instrument

__all__ = ["COMPARISONS", "Comparison", "Group", "compare"]

PREDICTION_PARTS = frozenset({"expectation"})
MIRROR_SKIPPED_PARTS = frozenset({"expectation", "importance", "minimum", "desired", "control"})


@dataclass(frozen=True)
class Comparison:
    """One comparison: ``label``, the kinds of wave compared and which items."""

    label: str
    reference: str
    comparison: str
    items: str  # "expectations" or "mirror"


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("mirror", "customer", "mirror", "mirror"),
    Comparison("gap1", "customer", "management_prediction", "expectations"),
    Comparison("gap6", "customer", "staff_prediction", "expectations"),
    Comparison("gap7", "management_prediction", "staff_prediction", "expectations"),
)


@dataclass(frozen=True)
class Group:
    """A wave's usable answers and its minimum group size."""

    matrix: ResponseMatrix
    min_group_size: int


def _codes(
    instrument: Instrument, ref: ResponseMatrix, cmp: ResponseMatrix, items: str
) -> list[str]:
    """The numeric items both groups answered, of the parts ``items`` compares."""
    out = []
    for item in instrument.items():
        code = item.code
        if not (ref.has(code) and cmp.has(code)) or not instrument.scale_of(code).numeric:
            continue
        wanted = (
            item.part in PREDICTION_PARTS
            if items == "expectations"
            else item.part not in MIRROR_SKIPPED_PARTS
        )
        if wanted:
            out.append(code)
    return out


def compare(
    instrument: Instrument,
    groups: Mapping[str, Group],
    *,
    confidence: float = 0.95,
) -> tuple[dict[str, MirrorGaps], dict[str, str]]:
    """Every comparison of :data:`COMPARISONS` the ``groups`` (kind → answers) allow.

    Returns the results by label and, for the comparisons left out, the reason:
    ``no_wave`` (a wave of that kind is not linked), ``too_few`` (a group below the
    minimum group size) or ``no_items`` (no item in common).
    """
    results: dict[str, MirrorGaps] = {}
    missing: dict[str, str] = {}
    for c in COMPARISONS:
        ref, cmp = groups.get(c.reference), groups.get(c.comparison)
        if ref is None or cmp is None:
            missing[c.label] = "no_wave"
            continue
        min_n = max(ref.min_group_size, cmp.min_group_size)
        if ref.matrix.n < min_n or cmp.matrix.n < min_n:
            missing[c.label] = "too_few"
            continue
        codes = _codes(instrument, ref.matrix, cmp.matrix, c.items)
        if not codes:
            missing[c.label] = "no_items"
            continue
        results[c.label] = mirror_gaps(
            ref.matrix,
            cmp.matrix,
            codes=codes,
            dimensions={k: v for k, v in mirror_dimensions(instrument).items() if k in codes},
            instrument=instrument,
            confidence=confidence,
            label=c.label,
        )
    return results, missing
