"""Conventions shared by every file format: the don't-know code and the labels.

gapsight stores "don't know" as missing plus a flag, never as a number. Files need a
number for it, so exports write, per item, the **first of 8, 9, 99, 999, 9999 that is
above the scale's highest value** (8 on 1–5 and 1–7, 99 on 0–10 and 1–9, 999 on 0–100
points). Imports recognise the same code for items that offer don't know, so an
exported file reads back unchanged; a mapping can declare other codes.

Example::

    >>> from gapsight.instruments import load_builtin
    >>> dont_know_code(load_builtin("cvs").scale("rating11"))
    99
"""

from __future__ import annotations

from gapsight.instruments.model import Instrument, Item, Scale

__all__ = [
    "DONT_KNOW_CANDIDATES",
    "DONT_KNOW_LABEL",
    "dont_know_code",
    "item_label",
    "value_labels",
]

DONT_KNOW_CANDIDATES = (8, 9, 99, 999, 9999)
"""Codes tried in order for "don't know"; the first above the scale maximum is used."""

DONT_KNOW_LABEL = {"nl": "weet niet", "en": "don't know"}
"""The value label written for the don't-know code."""


def dont_know_code(scale: Scale) -> int | None:
    """The code written for "don't know" on ``scale`` (``None`` for free text)."""
    if scale.kind == "text":
        return None
    hi = int(scale.bounds()[1])
    for code in DONT_KNOW_CANDIDATES:
        if code > hi:
            return code
    return int(10 ** (len(str(hi)) + 1) - 1)


def value_labels(scale: Scale, lang: str) -> dict[int, str]:
    """Labelled points of ``scale`` in ``lang`` (falling back to any language)."""
    out: dict[int, str] = {}
    for p in scale.points:
        text = p.label.get(lang) or next(iter(p.label.values()), "")
        if text:
            out[p.value] = text
    return out


def item_label(
    instrument: Instrument, item: Item, lang: str, placeholders: dict[str, str] | None = None
) -> str:
    """The item text in ``lang``. ``{org}``/``{sector}`` are filled from
    ``placeholders`` when given, else left in place so the reader sees the template."""
    return instrument.text(item.text, lang, **(placeholders or {}))
