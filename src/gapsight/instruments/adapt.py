"""Copy and adapt an instrument into a new version, never touching the original.

Organisations adapt questionnaires: other wording for their industry, a 5-point scale,
an extra question, a statement that does not apply dropped. Responses always record the
ref (``id@version``) they answered, so an adaptation is a *new* instrument:

- same id → the next version (``servqual22@1`` → ``servqual22@2``), for the owner of
  the instrument revising it;
- a new id → version 1 of an organisation's own copy (``veldhuis_servqual@1``).

Either way ``derived_from`` names the source ref and the result is validated like any
instrument (``InstrumentError`` with catalogue problems otherwise). Item codes that are
kept keep their meaning, so waves before and after the adaptation line up on them.
Storing versions is the store's job; these are pure functions.

Example::

    >>> from gapsight.instruments import adapt, load_builtin
    >>> sq = load_builtin("servqual22")
    >>> mine = adapt(
    ...     sq,
    ...     instrument_id="veldhuis_servqual",
    ...     texts={"p19": {"en": "{org} is open when I need it."}},
    ...     remove=["e09", "p09", "m09", "d09"],
    ...     agreement_points=5,
    ... )
    >>> mine.ref, mine.derived_from, len(mine.codes())
    ('veldhuis_servqual@1', 'servqual22@1', 96)
    >>> mine.scale_of("p01").bounds()
    (1, 5)
    >>> adapt(sq, texts={"e01": {"nl": "Een goede dienstverlener heeft goed gereedschap."}}).ref
    'servqual22@2'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gapsight.instruments.formats import agreement_scale, with_agreement_points
from gapsight.instruments.model import (
    Dimension,
    Instrument,
    InstrumentError,
    InstrumentProblem,
    Item,
    LangText,
    Scale,
    Section,
)

__all__ = ["adapt"]


def adapt(
    instrument: Instrument,
    *,
    instrument_id: str | None = None,
    title: LangText | None = None,
    intro: LangText | None = None,
    texts: Mapping[str, LangText] | None = None,
    agreement_points: int | None = None,
    remove: Iterable[str] = (),
    scales: Sequence[Scale | Mapping[str, Any]] = (),
    dimensions: Sequence[Dimension | Mapping[str, Any]] = (),
    add_items: Mapping[str, Sequence[Item | Mapping[str, Any]]] | None = None,
    add_sections: Sequence[Section | Mapping[str, Any]] = (),
    modules: Mapping[str, bool] | None = None,
    documentation: str | None = None,
) -> Instrument:
    """A new validated instrument: ``instrument`` with the given changes applied.

    Changes are applied in this order:

    1. ``texts``: per item code, the languages to replace, e.g.
       ``{"p01": {"nl": "…"}}`` (other languages keep their text); ``title`` and
       ``intro`` replace the instrument's;
    2. ``agreement_points``: put every 5-/7-point agreement scale on 5 or 7 points
       (see :func:`~gapsight.instruments.formats.with_agreement_points`);
    3. ``remove``: item codes to drop (sections left empty are dropped; a sum
       constraint must lose all its items or none);
    4. ``scales`` and ``dimensions``: added, or replacing the one with the same id;
    5. ``add_items``: items appended to existing sections, by section id;
       ``add_sections``: new sections appended (Items/Sections or plain mappings as
       in YAML);
    6. ``modules``: on/off defaults, merged with the existing ones.

    ``instrument_id`` ``None`` or equal to the current id gives version + 1; another id
    gives version 1 of a copy. Unknown codes or section ids raise ``KeyError``; an
    invalid result raises :class:`~gapsight.instruments.model.InstrumentError`.
    """
    data = instrument.model_dump()
    new_id = instrument_id or instrument.id
    data.update(
        id=new_id,
        version=instrument.version + 1 if new_id == instrument.id else 1,
        derived_from=instrument.ref,
        combined_from=(),
    )
    if title is not None:
        data["title"] = dict(title)
    if intro is not None:
        data["intro"] = dict(intro)
    if documentation is not None:
        data["documentation"] = documentation

    by_code = {it["code"]: it for sec in data["sections"] for it in sec["items"]}
    for code, update in (texts or {}).items():
        if code not in by_code:
            raise KeyError(f"instrument {instrument.ref} has no item {code!r} to reword")
        by_code[code]["text"] = {**by_code[code]["text"], **update}

    if agreement_points is not None:
        agreement_scale("check", agreement_points)  # ValueError naming 5 and 7
        data["scales"] = [
            s.model_dump() for s in with_agreement_points(instrument, agreement_points).scales
        ]

    _remove(instrument, data, set(remove))

    for key, extra in (("scales", scales), ("dimensions", dimensions)):
        current = {entry["id"]: entry for entry in data[key]}
        for entry in extra:
            as_dict = _plain(entry)
            current[as_dict["id"]] = as_dict
        data[key] = list(current.values())

    sections_by_id = {sec["id"]: sec for sec in data["sections"]}
    for section_id, new_items in (add_items or {}).items():
        if section_id not in sections_by_id:
            raise KeyError(
                f"instrument {instrument.ref} has no section {section_id!r}; "
                f"sections: {', '.join(sections_by_id)}"
            )
        sections_by_id[section_id]["items"] = [
            *sections_by_id[section_id]["items"],
            *(_plain(it) for it in new_items),
        ]
    data["sections"] = [*data["sections"], *(_plain(sec) for sec in add_sections)]
    data["modules"] = {**data["modules"], **(modules or {})}
    return Instrument.parse(data, source=f"{new_id}@{data['version']}")


def _plain(value: Any) -> dict[str, Any]:
    """A model or a mapping as the plain dict :meth:`Instrument.parse` reads."""
    if isinstance(value, Item | Section | Scale | Dimension):
        return value.model_dump()
    return dict(value)


def _remove(instrument: Instrument, data: dict[str, Any], codes: set[str]) -> None:
    if not codes:
        return
    unknown = sorted(codes - set(instrument.codes()))
    if unknown:
        raise KeyError(f"instrument {instrument.ref} has no item(s) {', '.join(unknown)} to remove")
    problems = []
    kept_constraints = []
    for i, c in enumerate(data["constraints"]):
        dropped = codes & set(c["codes"])
        if dropped and dropped != set(c["codes"]):
            problems.append(
                InstrumentProblem(
                    code="I010",
                    where=f"{instrument.id}:constraints.{i}",
                    message=f"removing {', '.join(sorted(dropped))} breaks the sum of "
                    f"{', '.join(c['codes'])}; remove all of them or none",
                )
            )
        elif not dropped:
            kept_constraints.append(c)
    if problems:
        raise InstrumentError(problems)
    data["constraints"] = kept_constraints
    sections = []
    for sec in data["sections"]:
        sec["items"] = [it for it in sec["items"] if it["code"] not in codes]
        if sec["items"]:
            sections.append(sec)
    data["sections"] = sections
    used = {sec["module"] for sec in sections if sec.get("module")}
    data["modules"] = {k: v for k, v in data["modules"].items() if k in used}
