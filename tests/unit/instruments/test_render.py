"""render(): the questionnaire as respondents read it."""

from __future__ import annotations

import pytest

from gapsight.instruments import load_builtin
from gapsight.instruments.render import answers, render


def test_render_fills_placeholders_and_keeps_missing_ones_visible() -> None:
    doc = render(load_builtin("servqual22"), "nl", org="Veldhuis")
    first_p = doc["sections"][5]["items"][0]
    assert first_p["code"] == "p01"
    assert first_p["text"] == "Veldhuis heeft modern uitziende apparatuur."
    assert first_p["dont_know"] == "weet niet"
    assert "{sector}" in doc["sections"][0]["intro"]
    zone = next(s for s in doc["sections"] if s["module"] == "zone")
    assert zone["on_by_default"] is False and zone["max_per_page"] == 10


def test_answers_per_scale_kind() -> None:
    sq = load_builtin("servqual22")
    assert answers(sq.scale("agree7"), "en")[0] == {"value": 1, "label": "strongly disagree"}
    assert answers(sq.scale("agree7"), "en")[3] == {"value": 4, "label": None}
    assert answers(sq.scale("points100"), "en") == []
    assert answers(sq.scale("text"), "en") == []
    assert [a["value"] for a in answers(sq.scale("length5"), "nl")] == [1, 2, 3, 4, 5]


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no language 'de'; choose one of: nl, en"):
        render(load_builtin("cvs"), "de")
