"""Mirror and prediction variants keep codes and rephrase texts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gapsight.instruments import (
    Instrument,
    load_builtin,
    management_prediction,
    mirror,
    staff_prediction,
)


def test_mirror_of_servqual_keeps_perceptions_grades_importance_not_expectations() -> None:
    sq = load_builtin("servqual22")
    m = mirror(sq)
    assert (m.id, m.version, m.variant, m.derived_from) == (
        "servqual22_mirror",
        1,
        "mirror",
        "servqual22@1",
    )
    codes = set(m.codes())
    assert {f"p{i:02d}" for i in range(1, 23)} <= codes
    assert "grade_overall" in codes and "w_empathy" in codes
    assert not any(c[0] in "emd" and c[1:].isdigit() for c in codes)
    assert not any(c.startswith("ctl_") for c in codes)
    assert set(m.modules) == {"importance", "grade"}
    assert m.constraints == sq.constraints
    # same item definitions apart from the text
    for code in m.codes():
        assert m.item(code).model_copy(update={"text": sq.item(code).text}) == sq.item(code)
        assert m.scale_of(code) == sq.scale_of(code)


def test_mirror_texts_are_rephrased_per_language() -> None:
    sq, m = load_builtin("servqual22"), mirror(load_builtin("servqual22"))
    en = m.text(m.item("p11").text, "en", org="Veldhuis")
    nl = m.text(m.item("p11").text, "nl", org="Veldhuis")
    assert en == "How would our customers answer: “Employees of Veldhuis give you prompt service.”"
    assert nl.startswith("Hoe zouden onze klanten antwoorden: „Werknemers van Veldhuis")
    assert m.text(m.title, "nl").startswith("Spiegelonderzoek")
    assert m.text(m.intro or {}, "en", org="V").startswith("Please fill in this questionnaire")
    assert m.title != sq.title


def test_mirror_of_combined_customer_survey_keeps_cvs() -> None:
    m = mirror(load_builtin("kto"))
    assert {"grade_service", "cvs_recommend"} <= set(m.codes())
    assert load_builtin("kto_mirror") == m


@pytest.mark.parametrize(
    ("derive", "variant"),
    [(management_prediction, "management_prediction"), (staff_prediction, "staff_prediction")],
)
def test_predictions_keep_expectations_with_their_pairs(
    derive: Callable[[Instrument], Instrument], variant: str
) -> None:
    sq = load_builtin("servqual22")
    pred = derive(sq)
    assert pred.variant == variant and pred.ref == f"servqual22_{variant}@1"
    assert pred.dimension_items("empathy", "expectation") == sq.dimension_items(
        "empathy", "expectation"
    )
    assert not [c for c in pred.codes() if c.startswith("p") or c.startswith("grade")]
    assert pred.item("e05").pair == "05"
    assert pred.modules == {"importance": False, "zone": False}
    assert pred.text(pred.item("e01").text, "en", sector="facility services").startswith(
        "What do our customers expect: “Excellent providers in the facility services sector"
    )


def test_predictions_name_who_answers() -> None:
    sq = load_builtin("servqual22")
    assert "(management)" in management_prediction(sq).title["en"]
    assert "(medewerkers)" in staff_prediction(sq).title["nl"]


def test_variants_need_a_customer_questionnaire_with_the_right_items() -> None:
    with pytest.raises(ValueError, match="no expectation items"):
        management_prediction(load_builtin("cvs"))
    with pytest.raises(ValueError, match="derive from a customer questionnaire"):
        mirror(load_builtin("mto"))
    with pytest.raises(ValueError, match="derive from a customer questionnaire"):
        mirror(mirror(load_builtin("cvs")))
