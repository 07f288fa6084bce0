"""Flag rules: parsing, the NPS bands, grades, SERVQUAL gaps, recipients."""

from __future__ import annotations

import pytest

from gapsight.domain.flags import FlagRules, ItemMeta, Recipients, case_kind, evaluate
from gapsight.domain.problems import InvalidInput

KTO = {
    "grade_service": ItemMeta("grade", "kto_service"),
    "grade_quality": ItemMeta("grade", "kto_quality"),
    "grade_overall": ItemMeta("grade", None),  # a grade without a dimension never flags
    "cvs_recommend": ItemMeta("rating", None),
}
SQ = {
    "e01": ItemMeta("agreement", "tangibles", "expectation", "01"),
    "p01": ItemMeta("agreement", "tangibles", "perception", "01"),
    "e02": ItemMeta("agreement", "tangibles", "expectation", "02"),
    "p02": ItemMeta("agreement", "tangibles", "perception", "02"),
    "e05": ItemMeta("agreement", "reliability", "expectation", "05"),
    "p05": ItemMeta("agreement", "reliability", "perception", "05"),
}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [(0, "detractor"), (6, "detractor"), (7, None), (8, None), (9, "promoter"), (10, "promoter")],
)
def test_default_nps_bands(answer: float, expected: str | None) -> None:
    hits = evaluate(FlagRules.default(), {"cvs_recommend": float(answer)}, items=KTO)
    assert [h.label for h in hits] == ([expected] if expected else [])


def test_dont_know_missing_and_text_never_flag() -> None:
    rules = FlagRules.default()
    for value in ("dk", None, "tekst", float("nan"), True):
        assert evaluate(rules, {"cvs_recommend": value}, items=KTO) == []


def test_any_dimension_grade_at_or_below_five() -> None:
    rules = FlagRules.from_json({"rules": [{"kind": "grade"}]})
    answers = {"grade_service": 5.0, "grade_quality": 6.0, "grade_overall": 2.0}
    hits = evaluate(rules, answers, items=KTO)
    assert [(h.code, h.answer, h.kind) for h in hits] == [("grade_service", 5.0, "grade")]
    assert hits[0].rule == "any dimension grade ≤ 5 → detractor"


def test_large_negative_servqual_gap_on_a_dimension() -> None:
    rules = FlagRules.from_json({"rules": [{"kind": "servqual_gap", "threshold": 2.5}]})
    # tangibles: (2-7 + 6-6)/2 = -2.5 → flags; reliability: 4-7 = -3 → flags;
    answers = {"e01": 7.0, "p01": 2.0, "e02": 6.0, "p02": 6.0, "e05": 7.0, "p05": 4.0}
    hits = evaluate(rules, answers, items=SQ)
    assert [(h.code, h.answer) for h in hits] == [("reliability", -3.0), ("tangibles", -2.5)]
    # a pair with one part missing does not count; the dimension then has only pair 02
    answers["p01"] = None
    assert [h.code for h in evaluate(rules, answers, items=SQ)] == ["reliability"]


def test_case_kind_detractor_wins() -> None:
    rules = FlagRules.from_json(
        {
            "rules": [
                {
                    "kind": "score",
                    "code": "cvs_recommend",
                    "label": "promoter",
                    "min": 9,
                    "max": 10,
                },
                {"kind": "grade", "max": 4},
            ]
        }
    )
    hits = evaluate(rules, {"cvs_recommend": 10.0, "grade_service": 3.0}, items=KTO)
    assert [h.label for h in hits] == ["promoter", "detractor"]
    assert case_kind(hits) == "detractor"
    assert case_kind(hits[:1]) == "promoter"


def test_rules_round_trip_through_json() -> None:
    rules = FlagRules.from_json(
        {
            "rules": [{"kind": "servqual_gap"}, {"kind": "grade", "max": 4, "label": "detractor"}],
            "recipients": {
                "characteristic": "business_unit",
                "by_value": {"Noord": "N@X.nl", "Zuid": ["z1@x.nl", "z2@x.nl"]},
                "fallback": "all@x.nl",
            },
        }
    )
    assert FlagRules.from_json(rules.as_json()) == rules
    assert rules.recipients.by_value["Noord"] == ("n@x.nl",)
    assert rules.recipients.for_characteristics({"business_unit": "Zuid"}) == (
        "z1@x.nl",
        "z2@x.nl",
    )
    assert rules.recipients.for_characteristics({"business_unit": "Oost"}) == ("all@x.nl",)
    assert rules.recipients.for_characteristics(None) == ("all@x.nl",)
    assert rules.rules[0].threshold == 2.0


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        FlagRules.from_json(
            {
                "rules": [
                    {"kind": "score", "min": 7, "max": 3},
                    {"kind": "bogus", "label": "fan"},
                    {"kind": "servqual_gap", "threshold": -1},
                    "not a rule",
                ],
                "recipients": {"by_value": {"A": "no-address"}},
            }
        )
    codes = [(p.field, p.code) for p in caught.value.problems]
    assert codes == [
        ("rules[0].code", "rule_code"),
        ("rules[0].min", "rule_bounds"),
        ("rules[1].kind", "rule_kind"),
        ("rules[1].label", "rule_label"),
        ("rules[2].threshold", "rule_threshold"),
        ("rules[3]", "rule_object"),
        ("recipients.by_value.A", "email"),
        ("recipients.characteristic", "characteristic_required"),
    ]


def test_segment_is_the_routing_characteristic() -> None:
    r = Recipients("unit", {}, ("a@x.nl",))
    assert r.segment({"unit": 3}) == "3"
    assert r.segment({"other": 1}) is None
    assert Recipients().segment({"unit": "A"}) is None
