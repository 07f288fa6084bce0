"""Answer formats: 5-/7-point agreement and the three-column zone format."""

from __future__ import annotations

import pytest

from gapsight.instruments import load_builtin, parse_yaml, three_column, with_agreement_points
from gapsight.instruments.formats import agreement_scale, zone_on_one_scale


def test_five_point_servqual_keeps_codes_and_moves_only_agreement_scales() -> None:
    sq = load_builtin("servqual22")
    sq5 = with_agreement_points(sq, 5)
    assert sq5.ref == "servqual22_5pt@1"
    assert sq5.derived_from == "servqual22@1"
    assert sq5.codes() == sq.codes()
    assert sq5.scale_of("e01").bounds() == (1, 5)
    assert sq5.scale_of("p22").bounds() == (1, 5)
    assert sq5.scale_of("m01").bounds() == (1, 9)  # zone columns untouched
    assert sq5.scale_of("grade_overall").bounds() == (1, 10)
    labels = [sq5.scale_of("p01").label(v, "nl") for v in range(1, 6)]
    assert labels == [
        "helemaal mee oneens",
        "oneens",
        "noch eens, noch oneens",
        "eens",
        "helemaal mee eens",
    ]


def test_builtin_servqual22_is_the_seven_point_original() -> None:
    assert load_builtin("servqual22").scale_of("p01").bounds() == (1, 7)
    assert load_builtin("servqual22_5pt").scale_of("p01").bounds() == (1, 5)


def test_agreement_points_other_than_5_or_7_rejected() -> None:
    with pytest.raises(ValueError, match="5 or 7 points"):
        with_agreement_points(load_builtin("servqual22"), 9)
    with pytest.raises(ValueError, match="no 5- or 7-point agreement scale"):
        with_agreement_points(load_builtin("cvs"), 5)
    assert agreement_scale("a", 7).label(7, "en") == "strongly agree"


def test_three_column_puts_perceptions_on_the_zone_scale() -> None:
    sq = load_builtin("servqual22")
    z = three_column(sq)
    assert z.ref == "servqual22_zone@1"
    assert z.modules["zone"] is True
    for i in range(1, 23):
        assert z.item(f"p{i:02d}").scale == z.item(f"m{i:02d}").scale == "zone9"
        assert z.item(f"e{i:02d}").scale == "agree7"
    assert z.item("p01").dont_know is True
    assert sq.item("p01").scale == "agree7"  # original untouched


def test_three_column_needs_zone_items() -> None:
    with pytest.raises(ValueError, match="no zone-of-tolerance items"):
        three_column(load_builtin("cvs"))
    only_minimum = parse_yaml(
        """
id: x
title: {nl: x, en: x}
scales: [{id: s, kind: agreement, min: 1, max: 9}]
sections:
  - id: a
    title: {nl: a, en: a}
    items:
      - {code: m01, part: minimum, pair: "01", scale: s, text: {nl: m, en: m}}
"""
    )
    with pytest.raises(ValueError, match="no zone-of-tolerance items"):
        three_column(only_minimum)


def test_zone_on_one_scale() -> None:
    assert zone_on_one_scale(load_builtin("servqual22_zone")) is True
    assert zone_on_one_scale(load_builtin("servqual22")) is False
    assert zone_on_one_scale(load_builtin("servqual22_5pt")) is False
    assert zone_on_one_scale(load_builtin("cvs")) is False
