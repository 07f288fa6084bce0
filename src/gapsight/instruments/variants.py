"""Mirror and prediction variants: employees answering a customer questionnaire.

The gap model (``gap-model.md``) measures three gaps with numbers by asking staff the
customers' questions from the customers' point of view:

- the **mirror** survey (*spiegelonderzoek*): customer-contact employees fill in the
  customer questionnaire — perceptions, grades, CVS — as they expect customers to.
  Mirror gap = staff answer − customer answer;
- the **management prediction** (gap 1) and the **staff prediction** (gap 6; gap 7 is
  staff − management): the expectation items answered as "what do our customers
  expect?".

Every variant keeps the item codes, scales, dimensions and pair numbers of the
instrument it derives from, so a staff wave and its customer wave line up item by
item. Only the texts change: titles, intros and item texts are rephrased per language
(Dutch and English; other languages keep the customer text) so the respondent knows
whose answer to give. The new instrument has id ``<id>_mirror``,
``<id>_management_prediction`` or ``<id>_staff_prediction``, the same version,
``variant`` set and ``derived_from`` = the customer instrument's ref.

What each variant keeps (by the items' ``part``):

- mirror: every item except ``expectation``, ``minimum`` and ``desired`` (customer
  expectations are the prediction surveys' subject: a mirror asks how customers
  *experience* the organisation) and ``control`` (facts about the respondent's own
  relationship, which an employee cannot answer for a customer);
- predictions: ``expectation`` items, and the ``importance``, ``minimum`` and
  ``desired`` items (what customers find important and acceptable are expectations
  too; those modules stay off by default, as in the original).

Sections left empty are dropped, and constraints or modules that no longer apply with
them.

Example::

    >>> from gapsight.instruments import load_builtin
    >>> from gapsight.instruments.variants import management_prediction, mirror
    >>> m = mirror(load_builtin("servqual22"))
    >>> m.ref, m.variant, m.derived_from
    ('servqual22_mirror@1', 'mirror', 'servqual22@1')
    >>> "p05" in m.codes(), "e05" in m.codes()
    (True, False)
    >>> management_prediction(load_builtin("servqual22")).codes()[:2]
    ('e01', 'e02')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gapsight.instruments.model import Instrument, Item, LangText, Section, Variant

__all__ = [
    "MIRROR_DROPS",
    "PREDICTION_KEEPS",
    "derive",
    "management_prediction",
    "mirror",
    "staff_prediction",
]

MIRROR_DROPS = frozenset({"expectation", "minimum", "desired", "control"})
"""Item parts a mirror survey leaves out."""

PREDICTION_KEEPS = frozenset({"expectation", "importance", "minimum", "desired"})
"""Item parts a prediction survey keeps."""

_Texts = dict[str, dict[str, str]]

_MIRROR: _Texts = {
    "title": {"nl": "Spiegelonderzoek – {title}", "en": "Mirror survey – {title}"},
    "intro": {
        "nl": "Vul deze vragenlijst in zoals u verwacht dat onze klanten hem invullen. Het gaat "
        "niet om uw eigen mening, maar om hoe klanten {org} volgens u beoordelen.",
        "en": "Please fill in this questionnaire as you expect our customers to fill it in: "
        "not your own opinion, but how you think customers rate {org}.",
    },
    "section": {
        "nl": "Hoe zouden onze klanten antwoorden?",
        "en": "How would our customers answer?",
    },
    "item": {
        "nl": "Hoe zouden onze klanten antwoorden: „{text}”",
        "en": "How would our customers answer: “{text}”",
    },
}

_PREDICTION_WHO = {
    "management_prediction": {"nl": "management", "en": "management"},
    "staff_prediction": {"nl": "medewerkers", "en": "customer-contact staff"},
}

_PREDICTION: _Texts = {
    "title": {
        "nl": "Wat verwachten onze klanten? ({who}) – {title}",
        "en": "What do our customers expect? ({who}) – {title}",
    },
    "intro": {
        "nl": "Vul de stellingen in zoals u denkt dat onze klanten ze invullen: wat verwachten "
        "onze klanten van een goede dienstverlener? Het gaat niet om uw eigen verwachting.",
        "en": "Please answer the statements as you think our customers would answer them: "
        "what do our customers expect from an excellent provider? Not your own expectation.",
    },
    "section": {"nl": "Wat verwachten onze klanten?", "en": "What do our customers expect?"},
    "item": {
        "nl": "Wat verwachten onze klanten: „{text}”",
        "en": "What do our customers expect: “{text}”",
    },
}


def _rephrase(template: dict[str, str], value: LangText, **extra: str) -> LangText:
    """Fill ``template`` per language with ``value``'s text as ``{text}``/``{title}``.

    Placeholders of the instrument (``{org}``, ``{sector}``) pass through unchanged;
    languages without a template keep their text.
    """
    out = dict(value)
    for lang, text in value.items():
        if lang in template:
            fields = {"text": text, "title": text, "org": "{org}", "sector": "{sector}"}
            fields.update({k: v[lang] if isinstance(v, dict) else v for k, v in extra.items()})
            out[lang] = template[lang].format(**fields)
    return out


def _join(first: LangText, second: LangText | None) -> LangText:
    if second is None:
        return dict(first)
    return {lang: f"{text} {second.get(lang, '')}".strip() for lang, text in first.items()}


def derive(
    instrument: Instrument,
    variant: Variant,
    keep: Callable[[Item], bool],
    texts: _Texts,
    **extra: Any,
) -> Instrument:
    """The general derivation behind :func:`mirror` and the predictions.

    Keeps the items for which ``keep(item)`` is true (codes, scales, dimensions
    unchanged), rephrases texts with ``texts`` (keys ``title``, ``intro``,
    ``section``, ``item``; per-language ``str.format`` templates) and returns the
    validated variant. ``ValueError`` when ``instrument`` is not a customer
    questionnaire or no item is kept.
    """
    if instrument.variant != "customer":
        raise ValueError(
            f"instrument {instrument.ref} is a {instrument.variant} questionnaire; "
            "mirror and prediction variants derive from a customer questionnaire"
        )
    languages = {lang: "" for lang in instrument.languages}
    sections: list[Section] = []
    for sec in instrument.sections:
        items = tuple(
            it.model_copy(update={"text": _rephrase(texts["item"], it.text, **extra)})
            for it in sec.items
            if keep(it)
        )
        if items:
            intro = _join(_rephrase(texts["section"], languages | dict(sec.title)), sec.intro)
            sections.append(sec.model_copy(update={"items": items, "intro": intro}))
    if not sections:
        raise ValueError(
            f"instrument {instrument.ref} has no items for a {variant} variant "
            f"(item parts found: {sorted({str(it.part) for it in instrument.items()})})"
        )
    kept = {it.code for sec in sections for it in sec.items}
    used_modules = {sec.module for sec in sections if sec.module is not None}
    base = instrument.intro or dict.fromkeys(instrument.languages, "")
    data = instrument.model_dump()
    data.update(
        id=f"{instrument.id}_{variant}",
        variant=variant,
        derived_from=instrument.ref,
        combined_from=(),
        title=_rephrase(texts["title"], dict(instrument.title), **extra),
        intro=_rephrase(texts["intro"], languages | dict(base), **extra),
        sections=tuple(s.model_dump() for s in sections),
        constraints=tuple(c.model_dump() for c in instrument.constraints if set(c.codes) <= kept),
        modules={k: v for k, v in instrument.modules.items() if k in used_modules},
    )
    return Instrument.parse(data, source=str(data["id"]))


def mirror(instrument: Instrument) -> Instrument:
    """The mirror variant: staff answer the customer questionnaire as customers would.

    Keeps perceptions, grades, CVS and other customer-experience items (see the module
    doc for what is left out and why); same codes, texts rephrased.
    """
    return derive(instrument, "mirror", lambda it: it.part not in MIRROR_DROPS, _MIRROR)


def management_prediction(instrument: Instrument) -> Instrument:
    """Management predicts customer expectations (gap 1 = management − customer E)."""
    return _prediction(instrument, "management_prediction")


def staff_prediction(instrument: Instrument) -> Instrument:
    """Customer-contact staff predict customer expectations (gap 6 = staff − customer E)."""
    return _prediction(instrument, "staff_prediction")


def _prediction(instrument: Instrument, variant: Variant) -> Instrument:
    if not any(it.part == "expectation" for it in instrument.items()):
        raise ValueError(
            f"instrument {instrument.ref} has no expectation items (part: expectation); "
            "a prediction survey asks staff to predict customers' expectations"
        )
    return derive(
        instrument,
        variant,
        lambda it: it.part in PREDICTION_KEEPS,
        _PREDICTION,
        who=_PREDICTION_WHO[variant],
    )
