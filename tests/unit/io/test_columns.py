"""Planning: what each header of a file is."""

from __future__ import annotations

from gapsight.instruments.model import Instrument
from gapsight.io import ImportMapping
from gapsight.io.columns import plan_responses, plan_sample


def roles(plan: object) -> list[tuple[str, str, str]]:
    return [(c.header, c.role, c.target) for c in plan.columns]  # type: ignore[attr-defined]


def test_items_texts_flags_key_and_characteristics(mini: Instrument) -> None:
    mapping = ImportMapping(columns={"V2": "q2"}).with_characteristics({"Segment": "string"})
    plan = plan_responses(
        ["Respondent_Key", "Q1", "q1__dont_know", "V2", "REMARK", "segment", ""],
        mini,
        mapping,
    )
    assert roles(plan) == [
        ("Respondent_Key", "key", "respondent_key"),
        ("Q1", "item", "q1"),
        ("q1__dont_know", "dont_know_flag", "q1"),
        ("V2", "item", "q2"),
        ("REMARK", "text", "remark"),
        ("segment", "characteristic", "Segment"),
    ]
    assert plan.problems == () and plan.blank == (6,)


def test_structural_problems(mini: Instrument) -> None:
    mapping = ImportMapping(columns={"V1": "q1", "V9": "nope"}, respondent_key="id")
    plan = plan_responses(["q1", "V1", "V9", "x", "Q2", "q2 "], mini, mapping)
    assert [(p.column, p.value, p.expected.split(" (")[0]) for p in plan.problems] == [
        ("V1", None, "one column for 'q1'"),
        ("x", None, "an item code of mini@1"),
        ("q2 ", None, "each column name once"),
        ("id", None, "a column 'id'"),
        ("V9", "nope", "the mapping to name an item code of mini@1"),
    ]


def test_sample_plan(mini: Instrument) -> None:
    plan = plan_sample(["E-mail", "Naam", "Taal"], ImportMapping(columns={"e-mail": "email"}))
    assert roles(plan) == [("E-mail", "contact", "email")]
    assert [p.column for p in plan.problems] == ["Naam", "Taal"]
    unmapped = plan_sample(["name"], ImportMapping(columns={"name": "telefoon"}))
    assert [p.expected for p in unmapped.problems][-1] == "a column 'email' (required)"


def test_unknown_column_suggests_a_close_code(mini: Instrument) -> None:
    plan = plan_responses(["Q_1", "grades", "zzz"], mini, ImportMapping())
    hints = [p.expected.rsplit(";", 1)[-1] for p in plan.problems]
    assert hints[0] == " did you mean 'q1'?" and hints[1] == " did you mean 'grade'?"
    assert "did you mean" not in plan.problems[2].expected
    sample = plan_sample(["e-mail"], ImportMapping())
    assert sample.problems[0].expected.endswith("did you mean 'email'?")


def test_suggestion_ignores_leading_zeros() -> None:
    from gapsight.instruments import load_builtin

    plan = plan_responses(["P5", "E-12"], load_builtin("servqual22"), ImportMapping())
    assert [p.expected.rsplit(";", 1)[-1] for p in plan.problems] == [
        " did you mean 'p05'?",
        " did you mean 'e12'?",
    ]
