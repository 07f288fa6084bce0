"""combine(): several instruments in one questionnaire, codes unique."""

from __future__ import annotations

import pytest

from gapsight.instruments import InstrumentError, combine, load_builtin, parse_yaml

TITLE = {"nl": "Klantonderzoek", "en": "Customer survey"}


def _tiny(ins_id: str, code: str, text: str, scale_max: int = 5, dim: str = "d") -> str:
    return f"""
id: {ins_id}
title: {{nl: T, en: T}}
scales:
  - {{id: s, kind: agreement, min: 1, max: {scale_max}}}
dimensions:
  - {{id: {dim}, label: {{nl: {dim}, en: {dim}}}}}
sections:
  - id: main
    title: {{nl: S, en: S}}
    items:
      - {{code: {code}, scale: s, dimension: {dim}, text: {{nl: "{text}", en: "{text}"}}}}
"""


def test_servqual_cvs_kto_in_one_customer_survey() -> None:
    sq, cvs, kto = load_builtin("servqual22"), load_builtin("cvs"), load_builtin("kto")
    survey = combine("klant", TITLE, sq, cvs, kto, modules={"grade": True})
    codes = survey.codes()
    assert len(codes) == len(set(codes))
    assert set(sq.codes()) | set(cvs.codes()) | set(kto.codes()) == set(codes)
    assert codes.count("cvs_satisfaction") == 1
    assert survey.combined_from == ("servqual22@1", "cvs@1", "kto@1")
    assert survey.modules["grade"] is True
    assert survey.modules["zone"] is False
    assert survey.dimension_items("reliability", "perception") == sq.dimension_items(
        "reliability", "perception"
    )
    assert survey.scale_of("grade_service").bounds() == (1, 10)
    assert survey.constraints == sq.constraints


def test_section_emptied_by_shared_items_is_dropped() -> None:
    survey = combine("klant", TITLE, load_builtin("cvs"), load_builtin("kto"))
    # kto's own cvs section only repeats cvs: it disappears, nothing is renamed
    assert [s.id for s in survey.sections].count("cvs") == 1
    assert "kto_cvs" not in [s.id for s in survey.sections]


def test_same_code_different_question_is_i002() -> None:
    a = parse_yaml(_tiny("a", "q1", "Question A"))
    b = parse_yaml(_tiny("b", "q1", "Question B"))
    with pytest.raises(InstrumentError) as err:
        combine("ab", TITLE, a, b)
    assert [p.code for p in err.value.problems] == ["I002"]
    assert "a@1 and b@1" in err.value.problems[0].message


def test_scale_id_clash_is_renamed_and_section_ids_prefixed() -> None:
    a = parse_yaml(_tiny("a", "q1", "A"))
    b = parse_yaml(_tiny("b", "q2", "B", scale_max=7))
    survey = combine("ab", TITLE, a, b)
    assert survey.item("q2").scale == "b_s"
    assert survey.scale_of("q2").bounds() == (1, 7)
    assert survey.scale_of("q1").bounds() == (1, 5)
    assert [s.id for s in survey.sections] == ["main", "b_main"]


def test_dimension_defined_twice_differently_is_i009() -> None:
    a = parse_yaml(_tiny("a", "q1", "A"))
    b = parse_yaml(_tiny("b", "q2", "B").replace("{nl: d, en: d}", "{nl: x, en: x}"))
    with pytest.raises(InstrumentError) as err:
        combine("ab", TITLE, a, b)
    assert [p.code for p in err.value.problems] == ["I009"]


def test_mixed_variants_and_empty_input_rejected() -> None:
    with pytest.raises(InstrumentError, match="different perspectives"):
        combine("x", TITLE, load_builtin("cvs"), load_builtin("mto"))
    with pytest.raises(ValueError, match="at least one"):
        combine("x", TITLE)


def test_mto_keeps_anonymity() -> None:
    assert combine("x", TITLE, load_builtin("mto")).always_anonymous is True


def test_same_codes_on_another_scale_are_refused() -> None:
    with pytest.raises(InstrumentError) as err:
        combine("x", TITLE, load_builtin("servqual22"), load_builtin("servqual22_5pt"))
    problems = err.value.problems
    assert {p.code for p in problems} == {"I002"}
    assert len(problems) == 44  # e01-e22 and p01-p22; zone items share the 9-point scale
