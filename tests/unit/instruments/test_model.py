"""The problem catalogue: one small inline instrument per code (pyxform style)."""

from __future__ import annotations

import pytest

from gapsight.instruments import InstrumentError, load_builtin, parse_yaml

BASE = """
id: tiny
title: {nl: Klein, en: Tiny}
modules: {extra: false}
scales:
  - {id: a7, kind: agreement, min: 1, max: 7}
  - {id: pts, kind: points, min: 0, max: 100}
  - {id: yn, kind: choice, points: [{value: 1, label: {nl: ja, en: yes}}]}
  - {id: txt, kind: text}
dimensions:
  - {id: dim, label: {nl: Dim, en: Dim}}
sections:
  - id: main
    title: {nl: "Over {org}", en: "About {org}"}
    items:
      - {code: e01, part: expectation, pair: "01", dimension: dim, scale: a7,
         text: {nl: "Een goede {sector}-dienstverlener", en: "An excellent provider"}}
      - {code: p01, part: perception, pair: "01", dimension: dim, scale: a7, dont_know: true,
         text: {nl: "{org} is goed", en: "{org} is good"}}
      - {code: w1, scale: pts, text: {nl: w1, en: w1}}
      - {code: w2, scale: pts, text: {nl: w2, en: w2}}
      - {code: why, scale: txt, required: false, text: {nl: Waarom, en: Why}}
  - id: more
    module: extra
    title: {nl: Meer, en: More}
    items:
      - {code: yes1, scale: yn, text: {nl: Ja, en: Yes}}
constraints:
  - {kind: sum, codes: [w1, w2], total: 100}
"""


def _problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(InstrumentError) as err:
        parse_yaml(text, source="tiny.yaml")
    return [(p.code, p.where) for p in err.value.problems]


def test_base_instrument_is_valid() -> None:
    ins = parse_yaml(BASE)
    assert ins.codes() == ("e01", "p01", "w1", "w2", "why", "yes1")
    assert ins.numeric_codes() == ("e01", "p01", "w1", "w2", "yes1")
    assert ins.text_codes() == ("why",)
    assert [it.code for it in ins.items(modules={})] == ["e01", "p01", "w1", "w2", "why"]
    assert ins.text(ins.item("p01").text, "nl", org="Veldhuis") == "Veldhuis is goed"
    assert ins.text(ins.item("e01").text, "nl") == "Een goede {sector}-dienstverlener"
    assert ins.scale_of("yes1").describe() == "one of 1"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: {nl: Klein, en: Tiny}", "title: Tiny", ("I000", "tiny.yaml:title")),
        ("code: w1,", "code: w1, colour: red,", ("I000", "tiny.yaml:sections.0.items.2.colour")),
        ("code: w2,", "code: W-2,", ("I001", "tiny:items.W-2")),
        ("id: tiny", "id: 1tiny", ("I001", "1tiny:id")),
        ("code: w2,", "code: w1,", ("I002", "tiny:items.w1")),
        ("code: w2, scale: pts", "code: w2, scale: nope", ("I003", "tiny:items.w2")),
        (
            'pair: "01", dimension: dim, scale: a7, dont_know',
            'pair: "01", dimension: x, scale: a7, dont_know',
            ("I004", "tiny:items.p01"),
        ),
        ("{nl: w1, en: w1}", "{nl: w1}", ("I005", "tiny:items.w1")),
        ("{nl: w1, en: w1}", "{nl: w1, en: '  '}", ("I005", "tiny:items.w1")),
        ('en: "{org} is good"', 'en: "{company} is good"', ("I006", "tiny:items.p01")),
        (
            "{id: a7, kind: agreement, min: 1, max: 7}",
            "{id: a7, kind: agreement, min: 7, max: 1}",
            ("I007", "tiny:scales.a7"),
        ),
        (
            "{id: yn, kind: choice, points: [{value: 1, label: {nl: ja, en: yes}}]}",
            "{id: yn, kind: choice}",
            ("I007", "tiny:scales.yn"),
        ),
        (
            "{id: a7, kind: agreement, min: 1, max: 7}",
            "{id: a7, kind: agreement, min: 1, max: 7, points: [{value: 8, label: {nl: x}}]}",
            ("I008", "tiny:scales.a7"),
        ),
        (
            "  - {id: txt, kind: text}",
            "  - {id: txt, kind: text}\n  - {id: txt, kind: text}",
            ("I009", "tiny:scales.txt"),
        ),
        ("  - id: more", "  - id: main", ("I009", "tiny:sections.main")),
        ("codes: [w1, w2]", "codes: [w1, w3]", ("I010", "tiny:constraints.0")),
        (
            "code: why, scale: txt,",
            "code: why, scale: txt, dont_know: true,",
            ("I011", "tiny:items.why"),
        ),
        (
            "      - {code: yes1, scale: yn, text: {nl: Ja, en: Yes}}",
            "    items: []",
            ("I012", "tiny:sections.more"),
        ),
        ("modules: {extra: false}", "modules: {}", ("I013", "tiny:sections.more")),
        (
            'code: p01, part: perception, pair: "01", dimension: dim',
            'code: p01, part: perception, pair: "01", dimension: null',
            ("I014", "tiny:items.p01"),
        ),
        (
            "code: p01, part: perception,",
            "code: p01, part: expectation,",
            ("I014", "tiny:items.p01"),
        ),
        ("code: p01, part: perception,", "code: p01,", ("I014", "tiny:items.p01")),
        ("codes: [w1, w2]", "codes: [w1, yes1]", ("I015", "tiny:constraints.0")),
        ("total: 100", "total: 300", ("I015", "tiny:constraints.0")),
    ],
)
def test_each_catalogue_code(old: str, new: str, expected: tuple[str, str]) -> None:
    assert old in BASE
    broken = BASE.replace(old, new, 1)
    assert expected in _problems(broken)


def test_yes_and_no_labels_stay_text() -> None:
    ins = parse_yaml(BASE)
    assert ins.scale_of("yes1").label(1, "en") == "yes"
    assert ins.item("yes1").text["en"] == "Yes"
    assert ins.item("why").required is False


def test_yaml_syntax_and_top_level_errors_are_i000() -> None:
    assert _problems("id: [unclosed") == [("I000", "tiny.yaml")]
    assert _problems("- a list") == [("I000", "tiny.yaml")]


def test_all_problems_are_reported_at_once_with_readable_messages() -> None:
    broken = BASE.replace("code: w2,", "code: w1,").replace("{nl: w1, en: w1}", "{nl: w1}")
    with pytest.raises(InstrumentError) as err:
        parse_yaml(broken)
    codes = [p.code for p in err.value.problems]
    assert "I002" in codes and "I005" in codes
    assert "duplicate item code" in str(err.value)
    assert str(err.value.problems[0]).startswith("I00")


def test_scale_helpers() -> None:
    sq = load_builtin("servqual22")
    agree = sq.scale_of("p01")
    assert agree.admits(7) and not agree.admits(8) and not agree.admits(3.5)
    assert agree.label(1, "nl") == "helemaal mee oneens" and agree.label(4, "nl") is None
    choice = sq.scale_of("ctl_length")
    assert choice.bounds() == (1, 5) and choice.admits(5) and not choice.admits(6)
    assert not sq.scale_of("ctl_relationship_other").admits(1)
    with pytest.raises(ValueError, match="no numeric bounds"):
        sq.scale_of("ctl_relationship_other").bounds()
    with pytest.raises(KeyError, match="no item 'zz'"):
        sq.item("zz")
