"""Which columns form a SERVQUAL analysis: pairs, dimensions, importance weights.

A :class:`ServqualLayout` names, per statement, the expectation and perception item
(and the zone-of-tolerance *minimum* and *desired* items when asked), its dimension,
and per dimension the 100-point importance item. It does not depend on any instrument
file: build it by hand in a notebook or test, or from an instrument's ``part``,
``pair`` and ``dimension`` fields with :func:`servqual_layout`.

Example::

    >>> lay = ServqualLayout((Pair("01", "tangibles", "e01", "p01"),
    ...                       Pair("02", "tangibles", "e02", "p02"),
    ...                       Pair("03", "empathy", "e03", "p03")))
    >>> lay.dimensions, lay.perception_codes("tangibles")
    (('tangibles', 'empathy'), ('p01', 'p02'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gapsight.instruments.model import Instrument

__all__ = ["Pair", "ServqualLayout", "servqual_layout"]


@dataclass(frozen=True)
class Pair:
    """One SERVQUAL statement: its E and P items (and zone columns when asked).

    Attributes:
        code: the pair number, ``"01"`` … ``"22"``.
        dimension: e.g. ``"tangibles"``.
        expectation, perception: item codes, e.g. ``"e01"``, ``"p01"``.
        minimum, desired: zone-of-tolerance item codes (``"m01"``, ``"d01"``) or None.
    """

    code: str
    dimension: str
    expectation: str
    perception: str
    minimum: str | None = None
    desired: str | None = None


@dataclass(frozen=True)
class ServqualLayout:
    """Which columns form the SERVQUAL pairs, dimensions and importance weights.

    Independent of any instrument file; build it by hand or with
    :func:`servqual_layout` from an :class:`~gapsight.instruments.model.Instrument`.

    Attributes:
        pairs: the statements, in questionnaire order.
        weights: ``{dimension: code of its importance points}`` or None.
    """

    pairs: tuple[Pair, ...]
    weights: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if not self.pairs:
            raise ValueError("a SERVQUAL layout needs at least one E/P pair")
        codes = [p.code for p in self.pairs]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"duplicate pair code(s): {', '.join(dup)}")
        items = [
            c
            for p in self.pairs
            for c in (p.expectation, p.perception, p.minimum, p.desired)
            if c is not None
        ]
        twice = sorted({c for c in items if items.count(c) > 1})
        if twice:
            raise ValueError(f"item(s) used more than once in the layout: {', '.join(twice)}")
        if self.weights is not None:
            extra = sorted(set(self.weights) - set(self.dimensions))
            if extra:
                raise ValueError(f"weights name dimension(s) without items: {', '.join(extra)}")
            lacking = [d for d in self.dimensions if d not in self.weights]
            if lacking:
                raise ValueError(f"no importance-points item for dimension(s): {lacking}")

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimension ids in order of first appearance."""
        return tuple(dict.fromkeys(p.dimension for p in self.pairs))

    def pairs_of(self, dimension: str) -> tuple[Pair, ...]:
        """The pairs of ``dimension``; ``KeyError`` naming it when it has none."""
        found = tuple(p for p in self.pairs if p.dimension == dimension)
        if not found:
            raise KeyError(f"dimension {dimension!r} has no items in this layout")
        return found

    @property
    def has_zone(self) -> bool:
        """True when every pair has minimum and desired columns."""
        return all(p.minimum is not None and p.desired is not None for p in self.pairs)

    def expectation_codes(self, dimension: str | None = None) -> tuple[str, ...]:
        """E item codes (of one dimension, or all)."""
        ps = self.pairs if dimension is None else self.pairs_of(dimension)
        return tuple(p.expectation for p in ps)

    def perception_codes(self, dimension: str | None = None) -> tuple[str, ...]:
        """P item codes (of one dimension, or all)."""
        ps = self.pairs if dimension is None else self.pairs_of(dimension)
        return tuple(p.perception for p in ps)


def servqual_layout(instrument: Instrument) -> ServqualLayout:
    """Build the layout from an instrument's items by ``part``, ``pair`` and ``dimension``.

    Items with ``part`` ``expectation`` / ``perception`` / ``minimum`` / ``desired`` and
    the same ``pair`` form one :class:`Pair`; ``importance`` items give the weights of
    their ``dimension`` (or of the dimension named by a ``w_<dimension>`` code).
    ``ValueError`` names a pair lacking its E or P item.

    Example::

        >>> from gapsight.instruments import load_builtin
        >>> lay = servqual_layout(load_builtin("servqual22"))
        >>> len(lay.pairs), lay.pairs[0].perception, lay.weights["empathy"]
        (22, 'p01', 'w_empathy')
    """
    parts: dict[str, dict[str, str]] = {}
    dims: dict[str, str] = {}
    weights: dict[str, str] = {}
    for it in instrument.items():
        if it.part == "importance":
            # 100-point items; "most / least important dimension" choices have no dimension
            if it.dimension is not None:
                weights[it.dimension] = it.code
            elif it.code.startswith("w_"):
                weights[it.code.removeprefix("w_")] = it.code
        elif it.part in ("expectation", "perception", "minimum", "desired") and it.pair:
            parts.setdefault(it.pair, {})[it.part] = it.code
            if it.dimension is not None:
                dims.setdefault(it.pair, it.dimension)
    pairs = []
    for code, roles in parts.items():
        if "expectation" not in roles or "perception" not in roles:
            raise ValueError(
                f"instrument {instrument.ref}: pair {code!r} needs an expectation and a "
                f"perception item, found {sorted(roles)}"
            )
        if code not in dims:
            raise ValueError(f"instrument {instrument.ref}: pair {code!r} has no dimension")
        pairs.append(
            Pair(
                code=code,
                dimension=dims[code],
                expectation=roles["expectation"],
                perception=roles["perception"],
                minimum=roles.get("minimum"),
                desired=roles.get("desired"),
            )
        )
    if not pairs:
        raise ValueError(f"instrument {instrument.ref} has no SERVQUAL (E/P) pairs")
    dim_order = tuple(dict.fromkeys(p.dimension for p in pairs))
    use_weights = {d: weights[d] for d in dim_order if d in weights}
    return ServqualLayout(
        pairs=tuple(pairs),
        weights=use_weights if len(use_weights) == len(dim_order) else None,
    )
