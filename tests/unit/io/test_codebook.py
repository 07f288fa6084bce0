"""The don't-know code convention and labels shared by every format."""

from __future__ import annotations

import gapsight.instruments
from gapsight.instruments import load_builtin
from gapsight.io import dont_know_code
from gapsight.io.codebook import item_label, value_labels


def test_dont_know_code_convention() -> None:
    cvs = load_builtin("cvs")
    assert dont_know_code(cvs.scale_of("cvs_recommend")) == 99  # 0-10
    ins = gapsight.instruments.parse_yaml(
        """
id: codes
languages: [en]
title: {en: Codes}
scales:
  - {id: a5, kind: agreement, min: 1, max: 5}
  - {id: a8, kind: agreement, min: 1, max: 8}
  - {id: p, kind: points, min: 0, max: 100}
  - {id: t, kind: text}
sections:
  - id: s
    title: {en: S}
    items:
      - {code: x, text: {en: X}, scale: a5}
"""
    )
    assert [dont_know_code(ins.scale(s)) for s in ("a5", "a8", "p", "t")] == [8, 9, 999, None]


def test_labels(mini: gapsight.instruments.Instrument) -> None:
    assert value_labels(mini.scale("agree5"), "nl") == {
        1: "helemaal mee oneens",
        5: "helemaal mee eens",
    }
    q1 = mini.item("q1")
    assert item_label(mini, q1, "en") == "{org} keeps its promises"
    assert item_label(mini, q1, "en", {"org": "Acme"}) == "Acme keeps its promises"
