"""The instrument schema: questionnaires as validated, immutable data.

An *instrument* is a questionnaire template (see ``shared/domain/instruments.md``):
sections of items, each item with a stable ``code`` (the column name in every import
and export), a ``scale`` (the admissible answers), an optional ``dimension`` and texts
per language. Instruments are versioned: an organisation adapts a copy, never the
original, and a response always records the version it answered.

The model follows pyxform's idea of validators per concern with an error catalogue:
every problem found while validating an instrument is an :class:`InstrumentProblem`
with a stable ``code`` (``I001`` …) and a message naming the item or scale at fault.

Example::

    >>> from gapsight.instruments import load_builtin
    >>> sq = load_builtin("servqual22")
    >>> sq.item("p05").dimension
    'reliability'
    >>> sq.scale_of("p05").bounds()
    (1, 7)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "Constraint",
    "Dimension",
    "Instrument",
    "InstrumentError",
    "InstrumentProblem",
    "Item",
    "LangText",
    "Scale",
    "ScaleKind",
    "ScalePoint",
    "Section",
    "Variant",
]

LangText = dict[str, str]
"""Text per language code, e.g. ``{"nl": "Eens", "en": "Agree"}``."""

ScaleKind = Literal["agreement", "grade", "rating", "points", "choice", "text"]
"""How an item is answered.

- ``agreement``: Likert agreement (1–5, 1–7, or 1–9 for zone-of-tolerance columns);
- ``grade``: Dutch report grade (*rapportcijfer*), 1–10;
- ``rating``: 0–10 likelihood / satisfaction (CVS, NPS);
- ``points``: an allocation of points (0–100) that must sum within a constraint;
- ``choice``: one nominal code out of labelled options (not averaged);
- ``text``: free text.
"""

Variant = Literal["customer", "employee", "mirror", "management_prediction", "staff_prediction"]
"""Who answers and from which perspective (see ``gap-model.md``).

``customer`` and ``employee`` are original questionnaires (customers about the
organisation; employees about their own work, e.g. the MTO). ``mirror`` and the two
``*_prediction`` variants are derived from a customer instrument by
:mod:`gapsight.instruments.variants` and keep its item codes."""

PLACEHOLDERS = frozenset({"org", "sector"})
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class InstrumentProblem(BaseModel):
    """One validation finding: a stable catalogue ``code``, where, and what is wrong."""

    model_config = _FROZEN
    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.code} {self.where}: {self.message}"


class InstrumentError(ValueError):
    """An instrument failed validation; ``problems`` lists every finding."""

    def __init__(self, problems: list[InstrumentProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"instrument is invalid ({len(problems)} problem(s)):\n{lines}")


class ScalePoint(BaseModel):
    """One labelled answer value, e.g. ``1`` = "helemaal mee oneens"."""

    model_config = _FROZEN
    value: int
    label: LangText


class Scale(BaseModel):
    """The admissible answers of an item.

    Numeric kinds accept every integer in ``[min, max]``; ``points`` lists the labelled
    ones (often only the end points). ``choice`` accepts exactly the listed values.
    """

    model_config = _FROZEN
    id: str
    kind: ScaleKind
    min: int | None = None
    max: int | None = None
    points: tuple[ScalePoint, ...] = ()

    @property
    def numeric(self) -> bool:
        """True when answers are numbers that may be averaged."""
        return self.kind not in ("choice", "text")

    def bounds(self) -> tuple[int, int]:
        """``(min, max)`` of a numeric or choice scale; ``ValueError`` for text."""
        if self.kind == "choice":
            values = [p.value for p in self.points]
            return (min(values), max(values))
        if self.min is None or self.max is None:
            raise ValueError(f"scale {self.id!r} ({self.kind}) has no numeric bounds")
        return (self.min, self.max)

    def admits(self, value: float) -> bool:
        """Whether ``value`` is a valid answer on this scale (integers only)."""
        if self.kind == "text" or value != int(value):
            return False
        if self.kind == "choice":
            return int(value) in {p.value for p in self.points}
        lo, hi = self.bounds()
        return lo <= value <= hi

    def label(self, value: int, lang: str) -> str | None:
        """The label of ``value`` in ``lang``, or ``None`` when the point is unlabelled."""
        for p in self.points:
            if p.value == value:
                return p.label.get(lang)
        return None

    def describe(self) -> str:
        """Short English description used in error messages, e.g. ``"an integer 1-7"``."""
        if self.kind == "text":
            return "free text"
        if self.kind == "choice":
            return "one of " + ", ".join(str(p.value) for p in self.points)
        lo, hi = self.bounds()
        return f"an integer {lo}-{hi}"


class Item(BaseModel):
    """One question. ``code`` is stable across versions, languages and exports."""

    model_config = _FROZEN
    code: str
    text: LangText
    scale: str
    dimension: str | None = None
    part: str | None = None
    """Role within a paired instrument: ``expectation``, ``perception``, ``minimum``,
    ``desired``, ``importance`` … (SERVQUAL pairs share ``pair``)."""
    pair: str | None = None
    """Pair number shared by the E/P/M/D items of one statement, e.g. ``"05"``."""
    required: bool = True
    dont_know: bool = False
    """Whether "don't know" (*weet niet*) is offered; it is stored as missing."""
    help: LangText | None = None


class Section(BaseModel):
    """A page-group of items (a SERVQUAL dimension, the CVS block …)."""

    model_config = _FROZEN
    id: str
    title: LangText
    intro: LangText | None = None
    module: str | None = None
    """Optional part this section belongs to (``importance``, ``zone``, ``control``,
    ``grade`` …); studies switch modules on or off."""
    max_per_page: int = Field(default=5, ge=1, le=50)
    items: tuple[Item, ...]


class Dimension(BaseModel):
    """A group of items analysed together (e.g. SERVQUAL *reliability*)."""

    model_config = _FROZEN
    id: str
    label: LangText
    description: LangText | None = None


class Constraint(BaseModel):
    """A rule across items. ``sum``: the answered ``codes`` must add up to ``total``."""

    model_config = _FROZEN
    kind: Literal["sum"]
    codes: tuple[str, ...]
    total: int


class Instrument(BaseModel):
    """A versioned questionnaire. Build with :meth:`parse` to get catalogue errors."""

    model_config = _FROZEN
    id: str
    version: int = Field(default=1, ge=1)
    variant: Variant = "customer"
    derived_from: str | None = None
    """``"<id>@<version>"`` of the instrument this one was derived or copied from."""
    languages: tuple[str, ...] = ("nl", "en")
    title: LangText
    intro: LangText | None = None
    scales: tuple[Scale, ...]
    dimensions: tuple[Dimension, ...] = ()
    sections: tuple[Section, ...]
    constraints: tuple[Constraint, ...] = ()
    modules: Mapping[str, bool] = Field(default_factory=dict)
    """Optional modules and whether they are on by default."""
    documentation: str | None = None
    always_anonymous: bool = False
    """True when responses must never be linked to a person (the employee survey);
    a study fielding this instrument cannot offer the "not anonymous" choice."""
    combined_from: tuple[str, ...] = ()
    """Refs (``"<id>@<version>"``) of the instruments merged by
    :func:`gapsight.instruments.combine.combine`, in questionnaire order."""

    @model_validator(mode="after")
    def _check(self) -> Instrument:
        problems = list(_validate(self))
        if problems:
            raise InstrumentError(problems)
        return self

    # -- construction ---------------------------------------------------------------
    @classmethod
    def parse(cls, data: Mapping[str, Any], *, source: str = "instrument") -> Instrument:
        """Validate ``data`` (e.g. loaded YAML); raise :class:`InstrumentError`.

        Schema errors (wrong types, unknown keys) become problems with code ``I000``
        naming the path, so callers only ever handle one exception type.
        """
        try:
            return cls.model_validate(data)
        except InstrumentError:
            raise
        except ValidationError as exc:
            nested = [
                e["ctx"]["error"]
                for e in exc.errors()
                if isinstance(e.get("ctx", {}).get("error"), InstrumentError)
            ]
            if nested:
                raise nested[0] from None
            problems = [
                InstrumentProblem(
                    code="I000",
                    where=f"{source}:" + ".".join(str(p) for p in e["loc"]),
                    message=e["msg"],
                )
                for e in exc.errors()
            ]
            raise InstrumentError(problems) from None

    # -- lookup -----------------------------------------------------------------------
    @property
    def ref(self) -> str:
        """``"<id>@<version>"``, the reference stored with studies and responses."""
        return f"{self.id}@{self.version}"

    def items(self, *, modules: Mapping[str, bool] | None = None) -> Iterator[Item]:
        """All items in questionnaire order, optionally only of enabled modules."""
        for section in self.sections:
            if (
                section.module is not None
                and modules is not None
                and not modules.get(section.module, self.modules.get(section.module, False))
            ):
                continue
            yield from section.items

    def item(self, code: str) -> Item:
        """The item with ``code``; ``KeyError`` naming the instrument otherwise."""
        for it in self.items():
            if it.code == code:
                return it
        raise KeyError(f"instrument {self.ref} has no item {code!r}")

    def scale(self, scale_id: str) -> Scale:
        """The scale with ``scale_id``."""
        for s in self.scales:
            if s.id == scale_id:
                return s
        raise KeyError(f"instrument {self.ref} has no scale {scale_id!r}")

    def scale_of(self, code: str) -> Scale:
        """The scale of item ``code``."""
        return self.scale(self.item(code).scale)

    def codes(self) -> tuple[str, ...]:
        """Every item code in questionnaire order."""
        return tuple(it.code for it in self.items())

    def numeric_codes(self) -> tuple[str, ...]:
        """Codes of items whose answers are numbers (the columns of the response matrix,
        in this fixed order: instrument versions are immutable, so positions are stable).
        ``choice`` items are numeric codes too and included; only ``text`` is left out."""
        return tuple(it.code for it in self.items() if self.scale(it.scale).kind != "text")

    def text_codes(self) -> tuple[str, ...]:
        """Codes of free-text items."""
        return tuple(it.code for it in self.items() if self.scale(it.scale).kind == "text")

    def dimension_items(self, dimension: str, part: str | None = None) -> tuple[str, ...]:
        """Codes of the items in ``dimension`` (optionally only one ``part``)."""
        return tuple(
            it.code
            for it in self.items()
            if it.dimension == dimension and (part is None or it.part == part)
        )

    def text(self, value: LangText, lang: str, **placeholders: str) -> str:
        """Render ``value`` in ``lang`` with ``{org}`` / ``{sector}`` filled in."""
        raw = value.get(lang) or value.get(self.languages[0], "")
        return _PLACEHOLDER.sub(lambda m: placeholders.get(m.group(1), m.group(0)), raw)


def _validate(ins: Instrument) -> Iterator[InstrumentProblem]:
    """Every validator of the catalogue, in order. Codes are stable; add, never renumber.

    I001 code syntax · I002 duplicate code · I003 unknown scale · I004 unknown dimension ·
    I005 missing language · I006 unknown placeholder · I007 scale bounds · I008 scale point
    outside bounds · I009 duplicate id · I010 constraint refers to unknown item ·
    I011 don't-know on a text item · I012 empty section · I013 unknown module ·
    I014 inconsistent pair · I015 constraint on an item that cannot be summed.
    """

    def problem(code: str, where: str, message: str) -> InstrumentProblem:
        return InstrumentProblem(code=code, where=f"{ins.id}:{where}", message=message)

    def texts(where: str, value: LangText | None) -> Iterator[InstrumentProblem]:
        if value is None:
            return
        for lang in ins.languages:
            if not value.get(lang, "").strip():
                yield problem("I005", where, f"text missing for language {lang!r}")
        for lang, text in value.items():
            for name in _PLACEHOLDER.findall(text):
                if name not in PLACEHOLDERS:
                    yield problem(
                        "I006",
                        where,
                        f"unknown placeholder {{{name}}} in {lang!r} text; "
                        f"allowed: {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}",
                    )

    if not _CODE.match(ins.id):
        yield problem("I001", "id", f"instrument id {ins.id!r} must match {_CODE.pattern}")
    yield from texts("title", ins.title)
    yield from texts("intro", ins.intro)

    scale_ids: dict[str, Scale] = {}
    for s in ins.scales:
        if s.id in scale_ids:
            yield problem("I009", f"scales.{s.id}", "duplicate scale id")
        scale_ids[s.id] = s
        if s.kind in ("agreement", "grade", "rating", "points"):
            if s.min is None or s.max is None or s.min >= s.max:
                yield problem("I007", f"scales.{s.id}", "numeric scale needs integer min < max")
                continue
            for p in s.points:
                if not s.min <= p.value <= s.max:
                    yield problem(
                        "I008",
                        f"scales.{s.id}",
                        f"labelled point {p.value} outside {s.min}-{s.max}",
                    )
        if s.kind == "choice" and not s.points:
            yield problem("I007", f"scales.{s.id}", "choice scale needs labelled points")
        for p in s.points:
            yield from texts(f"scales.{s.id}.{p.value}", p.label)

    dim_ids = set()
    for d in ins.dimensions:
        if d.id in dim_ids:
            yield problem("I009", f"dimensions.{d.id}", "duplicate dimension id")
        dim_ids.add(d.id)
        yield from texts(f"dimensions.{d.id}", d.label)

    seen: set[str] = set()
    section_ids: set[str] = set()
    for sec in ins.sections:
        if sec.id in section_ids:
            yield problem("I009", f"sections.{sec.id}", "duplicate section id")
        section_ids.add(sec.id)
        yield from texts(f"sections.{sec.id}.title", sec.title)
        yield from texts(f"sections.{sec.id}.intro", sec.intro)
        if not sec.items:
            yield problem("I012", f"sections.{sec.id}", "section has no items")
        if sec.module is not None and sec.module not in ins.modules:
            yield problem(
                "I013", f"sections.{sec.id}", f"module {sec.module!r} is not declared in modules"
            )
        for it in sec.items:
            where = f"items.{it.code}"
            if not _CODE.match(it.code):
                yield problem("I001", where, f"item code must match {_CODE.pattern}")
            if it.code in seen:
                yield problem("I002", where, "duplicate item code")
            seen.add(it.code)
            if it.scale not in scale_ids:
                yield problem("I003", where, f"unknown scale {it.scale!r}")
            elif it.dont_know and scale_ids[it.scale].kind == "text":
                yield problem("I011", where, "don't know is not offered on free-text items")
            if it.dimension is not None and it.dimension not in dim_ids:
                yield problem("I004", where, f"unknown dimension {it.dimension!r}")
            yield from texts(where, it.text)
            yield from texts(f"{where}.help", it.help)

    pairs: dict[tuple[str, str], Item] = {}
    pair_dimension: dict[str, tuple[str | None, str]] = {}
    for it in ins.items():
        if it.pair is None:
            continue
        where = f"items.{it.code}"
        if it.part is None:
            yield problem("I014", where, f"item in pair {it.pair!r} needs a part (e.g. perception)")
            continue
        other = pairs.get((it.pair, it.part))
        if other is not None and other.code != it.code:
            yield problem(
                "I014",
                where,
                f"pair {it.pair!r} already has a {it.part} item ({other.code}); "
                "each pair has at most one item per part",
            )
        pairs[(it.pair, it.part)] = it
        first = pair_dimension.setdefault(it.pair, (it.dimension, it.code))
        if first[0] != it.dimension:
            yield problem(
                "I014",
                where,
                f"dimension {it.dimension!r} differs from {first[0]!r} of {first[1]} "
                f"in the same pair {it.pair!r}",
            )

    items = {it.code: it for it in ins.items()}
    for i, c in enumerate(ins.constraints):
        reachable = 0
        for code in c.codes:
            if code not in seen:
                yield problem("I010", f"constraints.{i}", f"unknown item {code!r}")
                continue
            scale = scale_ids.get(items[code].scale)
            if scale is None:
                continue
            if scale.kind in ("choice", "text") or scale.max is None:
                yield problem(
                    "I015",
                    f"constraints.{i}",
                    f"item {code!r} is on a {scale.kind} scale; a sum needs numeric items",
                )
                continue
            reachable += scale.max
        if 0 < reachable < c.total:
            yield problem(
                "I015",
                f"constraints.{i}",
                f"total {c.total} cannot be reached: the items add up to at most {reachable}",
            )
