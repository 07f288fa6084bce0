"""Combine several instruments into one questionnaire.

Real customer studies rarely field one instrument alone: the demo organisation and
most certification studies ask SERVQUAL, the three CVS questions and the KTO report
grades in one questionnaire. :func:`combine` merges instruments section by section
into a new, validated :class:`~gapsight.instruments.model.Instrument` whose item codes
are those of its parts, so the analysis of each part keeps working on the combined
response matrix.

Rules, in the order they are applied:

- **Languages**: the languages every part offers, in the order of the first part.
- **Items**: codes must stay unique. An item that an earlier part already asks *in
  exactly the same form* (same text, scale definition, dimension …) is asked once —
  this is how ``kto`` (which contains the CVS questions) combines with ``cvs``. The
  same code with a different item is an ``I002`` problem naming both parts.
- **Scales**: identical scales with the same id are shared; a different scale that
  happens to use the same id is renamed ``<part id>_<scale id>`` (scale ids are
  internal, item codes are the contract).
- **Dimensions**: identical dimensions are shared; the same id defined differently is
  an ``I009`` problem (dimension ids are keys in analysis results and must mean one
  thing).
- **Sections**: kept in order; a section id already used is prefixed with the part's
  id; a section left empty because all its items were asked already is dropped.
- **Modules**: the union; a module that is on by default in any part is on.
- **Constraints** are kept; ``combined_from`` lists the parts' refs.

Example::

    >>> from gapsight.instruments import combine, load_builtin
    >>> survey = combine(
    ...     "veldhuis_klant", {"nl": "Klantonderzoek", "en": "Customer survey"},
    ...     load_builtin("servqual22"), load_builtin("cvs"), load_builtin("kto"),
    ... )
    >>> survey.combined_from
    ('servqual22@1', 'cvs@1', 'kto@1')
    >>> survey.codes().count("cvs_recommend")
    1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gapsight.instruments.model import (
    Constraint,
    Dimension,
    Instrument,
    InstrumentError,
    InstrumentProblem,
    Item,
    LangText,
    Scale,
    Section,
)

__all__ = ["combine"]


def combine(
    instrument_id: str,
    title: LangText,
    *instruments: Instrument,
    version: int = 1,
    intro: LangText | None = None,
    modules: Mapping[str, bool] | None = None,
) -> Instrument:
    """Merge ``instruments`` into one questionnaire ``instrument_id`` (see module doc).

    ``modules`` overrides the default on/off state of merged modules, e.g.
    ``{"grade": True}`` to ask SERVQUAL's overall grade by default. Raises
    :class:`~gapsight.instruments.model.InstrumentError` listing every conflict (or the
    validation problems of the result), ``ValueError`` when no instrument is given.
    """
    if not instruments:
        raise ValueError("combine() needs at least one instrument to combine")
    problems: list[InstrumentProblem] = []

    def problem(code: str, where: str, message: str) -> None:
        problems.append(
            InstrumentProblem(code=code, where=f"{instrument_id}:{where}", message=message)
        )

    variants = {ins.variant for ins in instruments}
    if len(variants) > 1:
        problem(
            "I000",
            "variant",
            f"parts answer from different perspectives ({', '.join(sorted(variants))}); "
            "combine instruments of one variant",
        )

    languages = tuple(
        lang for lang in instruments[0].languages if all(lang in i.languages for i in instruments)
    )
    if not languages:
        problem("I005", "languages", "the instruments have no language in common")

    scales: dict[str, Scale] = {}
    dimensions: dict[str, tuple[Dimension, str]] = {}
    items: dict[str, tuple[Item, Scale, str]] = {}
    sections: list[Section] = []
    section_ids: set[str] = set()
    merged_modules: dict[str, bool] = {}
    constraints: list[Constraint] = []

    for ins in instruments:
        renamed: dict[str, str] = {}
        for scale in ins.scales:
            known = scales.get(scale.id)
            if known is None:
                scales[scale.id] = scale
            elif known != scale:
                new_id = f"{ins.id}_{scale.id}"
                renamed[scale.id] = new_id
                scales[new_id] = scale.model_copy(update={"id": new_id})
        for dim in ins.dimensions:
            seen_dim = dimensions.get(dim.id)
            if seen_dim is None:
                dimensions[dim.id] = (dim, ins.ref)
            elif seen_dim[0] != dim:
                problem(
                    "I009",
                    f"dimensions.{dim.id}",
                    f"dimension {dim.id!r} is defined differently by {seen_dim[1]} and {ins.ref}",
                )
        for name, default in ins.modules.items():
            merged_modules[name] = merged_modules.get(name, False) or default
        for section in ins.sections:
            kept: list[Item] = []
            for item in section.items:
                scale = ins.scale(item.scale)
                if item.scale in renamed:
                    item = item.model_copy(update={"scale": renamed[item.scale]})
                earlier = items.get(item.code)
                if earlier is None:
                    items[item.code] = (item, scale, ins.ref)
                    kept.append(item)
                elif earlier[0].model_copy(update={"scale": item.scale}) != item or (
                    earlier[1].model_copy(update={"id": scale.id}) != scale
                ):
                    problem(
                        "I002",
                        f"items.{item.code}",
                        f"item code {item.code!r} is used by {earlier[2]} and {ins.ref} "
                        "for different questions; codes must stay unique",
                    )
            if not kept:
                continue
            section_id = section.id if section.id not in section_ids else f"{ins.id}_{section.id}"
            section_ids.add(section_id)
            sections.append(section.model_copy(update={"id": section_id, "items": tuple(kept)}))
        for constraint in ins.constraints:
            if constraint not in constraints:
                constraints.append(constraint)

    if problems:
        raise InstrumentError(problems)
    merged_modules.update(modules or {})
    documentation = "\n\n".join(
        f"{ins.ref}: {ins.documentation.strip()}" if ins.documentation else ins.ref
        for ins in instruments
    )
    data: dict[str, Any] = {
        "id": instrument_id,
        "version": version,
        "variant": instruments[0].variant,
        "languages": languages,
        "title": title,
        "intro": intro,
        "scales": tuple(scales.values()),
        "dimensions": tuple(d for d, _ in dimensions.values()),
        "sections": tuple(sections),
        "constraints": tuple(constraints),
        "modules": merged_modules,
        "documentation": "Combined from:\n\n" + documentation,
        "always_anonymous": any(ins.always_anonymous for ins in instruments),
        "combined_from": tuple(ins.ref for ins in instruments),
    }
    return Instrument.parse(data, source=instrument_id)
