"""Paging and reading one page's answers (gapsight.domain.questionnaire)."""

from __future__ import annotations

import pytest

from gapsight.domain.questionnaire import MAX_TEXT, TamperedForm, paginate, read_page
from gapsight.instruments import load_builtin

SQ = load_builtin("servqual22")


def test_one_section_per_page_split_evenly() -> None:
    pages = paginate(SQ, SQ.modules)
    # 10 sections (E and P per dimension); reliability (5 items) fits on one page.
    assert len(pages) == 10 and [p.number for p in pages] == list(range(1, 11))
    assert pages[1].codes == ("e05", "e06", "e07", "e08", "e09")
    assert all(p.parts == 1 for p in pages)


def test_long_sections_are_split_into_nearly_equal_parts() -> None:
    narrow = SQ.model_copy(
        update={"sections": tuple(s.model_copy(update={"max_per_page": 2}) for s in SQ.sections)}
    )
    reliability = [p for p in paginate(narrow, narrow.modules) if p.section == SQ.sections[1].id]
    assert [len(p.codes) for p in reliability] == [2, 2, 1]
    assert [(p.part, p.parts) for p in reliability] == [(1, 3), (2, 3), (3, 3)]


def test_modules_switch_sections_on() -> None:
    assert len(paginate(SQ, {"importance": True})) > len(paginate(SQ, {}))


def test_dont_know_only_where_offered() -> None:
    perception = next(p for p in paginate(SQ, {}) if "p01" in p.codes)
    got = read_page(SQ, perception, [(c, "dk") for c in perception.codes])
    assert got.ok and got.dont_know == set(perception.codes)
    assert all(v is None for v in got.values.values())
    expectation = paginate(SQ, {})[0]
    with pytest.raises(TamperedForm):
        read_page(SQ, expectation, [("e01", "dk")])


def test_tampering_is_not_a_respondent_mistake() -> None:
    page = paginate(SQ, {})[0]
    with pytest.raises(TamperedForm, match="no item"):
        read_page(SQ, page, [("p22", "3")])
    with pytest.raises(TamperedForm, match="more than once"):
        read_page(SQ, page, [("e01", "3"), ("e01", "4")])


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("0", "out_of_range"),
        ("4.5", "out_of_range"),
        ("x", "not_a_number"),
        ("nan", "out_of_range"),
    ],
)
def test_problems_name_the_field_and_what_is_wrong(value: str, code: str) -> None:
    page = paginate(SQ, {})[0]
    form = [(c, "4") for c in page.codes[1:]] + [("e01", value)]
    got = read_page(SQ, page, form)
    assert [(p.field, p.code) for p in got.problems] == [("e01", code)]
    assert got.raw["e01"] == value


def test_points_must_add_up_and_the_total_is_computed() -> None:
    page = next(p for p in paginate(SQ, {"importance": True}) if "w_tangibles" in p.codes)
    points = {c: "20" if c.startswith("w_") else "1" for c in page.codes}
    points["w_empathy"] = "15"
    got = read_page(SQ, page, list(points.items()))
    assert [p.code for p in got.problems] == ["sum"]
    assert [(s.total, s.target) for s in got.sums] == [(95, 100)]
    points["w_empathy"] = "20"
    assert read_page(SQ, page, list(points.items())).ok


def test_text_length_is_limited() -> None:
    event = load_builtin("event")
    page = next(p for p in paginate(event, event.modules) if event.text_codes()[0] in p.codes)
    code = event.text_codes()[0]
    others = [(c, "3") for c in page.codes if c != code]
    got = read_page(event, page, [*others, (code, "x" * (MAX_TEXT + 1))])
    assert [p.code for p in got.problems if p.field == code] == ["too_long"]
