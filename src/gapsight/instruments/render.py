"""An instrument as a respondent reads it: one language, placeholders filled in.

:func:`render` turns an :class:`~gapsight.instruments.model.Instrument` into plain
data (dicts, lists, strings and numbers) — what ``gapsight instruments show`` prints
as a table, YAML or JSON, and what a questionnaire preview or the appendix of a
report (the questionnaire is part of every report, ``certification.md`` P3.report)
can use without knowing the schema.

Example::

    >>> from gapsight.instruments import load_builtin
    >>> from gapsight.instruments.render import render
    >>> doc = render(load_builtin("event"), "en", org="Veldhuis")
    >>> doc["sections"][0]["items"][1]["text"]
    'Veldhuis made it easy for me to handle my request.'
    >>> doc["sections"][0]["items"][1]["answers"][0]
    {'value': 1, 'label': 'strongly disagree'}
"""

from __future__ import annotations

from typing import Any

from gapsight.instruments.model import Instrument, Item, Scale

__all__ = ["DONT_KNOW", "answers", "render"]

DONT_KNOW = {"nl": "weet niet", "en": "don't know"}
"""The "don't know" option as respondents see it (stored as missing)."""


def answers(scale: Scale, lang: str) -> list[dict[str, Any]]:
    """The answer options of ``scale`` in ``lang``: ``[{"value", "label"}, …]``.

    Numeric scales list every value (label ``None`` when unlabelled), except ``points``
    scales, which list only their labelled points; ``text`` has no options.
    """
    if scale.kind == "text":
        return []
    if scale.kind == "choice" or scale.kind == "points":
        return [{"value": p.value, "label": p.label.get(lang)} for p in scale.points]
    lo, hi = scale.bounds()
    return [{"value": v, "label": scale.label(v, lang)} for v in range(lo, hi + 1)]


def _item(ins: Instrument, item: Item, lang: str, fill: dict[str, str]) -> dict[str, Any]:
    scale = ins.scale(item.scale)
    return {
        "code": item.code,
        "text": ins.text(item.text, lang, **fill),
        "help": ins.text(item.help, lang, **fill) if item.help else None,
        "scale": scale.id,
        "kind": scale.kind,
        "describe": scale.describe(),
        "answers": answers(scale, lang),
        "dont_know": DONT_KNOW.get(lang, DONT_KNOW["en"]) if item.dont_know else None,
        "required": item.required,
        "dimension": item.dimension,
        "part": item.part,
        "pair": item.pair,
    }


def render(
    instrument: Instrument,
    lang: str,
    *,
    org: str | None = None,
    sector: str | None = None,
) -> dict[str, Any]:
    """The whole questionnaire in ``lang`` with ``{org}``/``{sector}`` filled in.

    Placeholders without a value stay visible (``{org}``) so a preview shows where
    they go. ``ValueError`` when ``lang`` is not one of the instrument's languages.
    """
    if lang not in instrument.languages:
        raise ValueError(
            f"instrument {instrument.ref} has no language {lang!r}; "
            f"choose one of: {', '.join(instrument.languages)}"
        )
    fill = {k: v for k, v in (("org", org), ("sector", sector)) if v}
    return {
        "id": instrument.id,
        "version": instrument.version,
        "ref": instrument.ref,
        "variant": instrument.variant,
        "derived_from": instrument.derived_from,
        "combined_from": list(instrument.combined_from),
        "always_anonymous": instrument.always_anonymous,
        "language": lang,
        "title": instrument.text(instrument.title, lang, **fill),
        "intro": instrument.text(instrument.intro, lang, **fill) if instrument.intro else None,
        "modules": dict(instrument.modules),
        "dimensions": [
            {
                "id": d.id,
                "label": instrument.text(d.label, lang, **fill),
                "description": instrument.text(d.description, lang, **fill)
                if d.description
                else None,
            }
            for d in instrument.dimensions
        ],
        "constraints": [c.model_dump(mode="json") for c in instrument.constraints],
        "sections": [
            {
                "id": sec.id,
                "module": sec.module,
                "on_by_default": instrument.modules.get(sec.module, False) if sec.module else True,
                "max_per_page": sec.max_per_page,
                "title": instrument.text(sec.title, lang, **fill),
                "intro": instrument.text(sec.intro, lang, **fill) if sec.intro else None,
                "items": [_item(instrument, it, lang, fill) for it in sec.items],
            }
            for sec in instrument.sections
        ],
    }
