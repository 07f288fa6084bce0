"""Every report text exists in Dutch and English with the same fields."""

from __future__ import annotations

import string

import pytest

from gapsight.reports.labels import LABELS, LANGUAGES, label


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_key_has_both_languages_with_the_same_fields(key: str) -> None:
    texts = LABELS[key]
    assert set(texts) == set(LANGUAGES)
    assert all(t.strip() for t in texts.values())
    assert _fields(texts["nl"]) == _fields(texts["en"])


SAME_IN_BOTH = {
    "method.adjust.bh",  # a name
    "measure.nps",  # a brand name, used as is in Dutch
    "conclusion.gap_item",  # only fields and punctuation
    "conclusion.change_item",
    "conclusion.significant_mark",  # "significant" is Dutch too
}


def test_long_texts_are_translated_not_copied() -> None:
    same = {k for k, v in LABELS.items() if v["nl"] == v["en"] and len(v["en"]) > 12}
    assert same == SAME_IN_BOTH


def test_label_fills_fields_and_rejects_unknown_languages() -> None:
    assert label("table.breakdown", "en", name="segment") == "Breakdown by segment"
    with pytest.raises(ValueError, match="lang"):
        label("section.method", "de")
    with pytest.raises(KeyError):
        label("no.such.key", "nl")
