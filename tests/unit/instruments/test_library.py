"""The built-in library: every instrument loads, is complete in nl and en, and keeps the
stable codes of ``shared/domain/instruments.md``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gapsight.instruments import Instrument, builtin_ids, load_builtin
from gapsight.instruments.model import PLACEHOLDERS
from gapsight.instruments.registry import DERIVED, library_ids

DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
DIMENSION_OF = {
    **dict.fromkeys(range(1, 5), "tangibles"),
    **dict.fromkeys(range(5, 10), "reliability"),
    **dict.fromkeys(range(10, 14), "responsiveness"),
    **dict.fromkeys(range(14, 18), "assurance"),
    **dict.fromkeys(range(18, 23), "empathy"),
}
SPEC = Path(__file__).resolve().parents[4] / "shared" / "domain" / "instruments.md"


def _texts(ins: Instrument) -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = [("title", ins.title)]
    if ins.intro:
        found.append(("intro", ins.intro))
    for s in ins.scales:
        found += [(f"scale {s.id}.{p.value}", p.label) for p in s.points]
    for d in ins.dimensions:
        found.append((f"dimension {d.id}", d.label))
        if d.description:
            found.append((f"dimension {d.id} description", d.description))
    for sec in ins.sections:
        found.append((f"section {sec.id}", sec.title))
        if sec.intro:
            found.append((f"section {sec.id} intro", sec.intro))
    found += [(f"item {it.code}", it.text) for it in ins.items()]
    return found


def test_library_and_derived_ids() -> None:
    assert library_ids() == ("cvs", "event", "kto", "mto", "servqual22")
    assert set(builtin_ids()) == set(library_ids()) | set(DERIVED)


@pytest.mark.parametrize("instrument_id", builtin_ids())
def test_every_builtin_is_complete_in_dutch_and_english(instrument_id: str) -> None:
    ins = load_builtin(instrument_id)
    assert ins.id == instrument_id
    assert ins.languages == ("nl", "en")
    for where, text in _texts(ins):
        for lang in ("nl", "en"):
            assert text.get(lang, "").strip(), f"{where}: no {lang} text"
            names = set(re.findall(r"\{([^{}]*)\}", text[lang]))
            assert names <= PLACEHOLDERS, f"{where}: placeholders {names}"
        if where.startswith("item"):
            assert text["nl"] != text["en"] or text["en"].startswith("Customer Value")
    assert ins.documentation and len(ins.documentation) > 100


def test_unknown_builtin_lists_the_valid_ids() -> None:
    with pytest.raises(KeyError, match="choose one of: cvs, event"):
        load_builtin("servqual21")


def test_servqual22_stable_codes_and_structure() -> None:
    sq = load_builtin("servqual22")
    assert [d.id for d in sq.dimensions] == list(DIMENSIONS)
    for d in sq.dimensions:
        assert d.description and d.description["en"].endswith(".")
    n = [f"{i:02d}" for i in range(1, 23)]
    for part, prefix in (
        ("expectation", "e"),
        ("perception", "p"),
        ("minimum", "m"),
        ("desired", "d"),
    ):
        items = [it for it in sq.items() if it.part == part]
        assert [it.code for it in items] == [prefix + x for x in n]
        assert [it.pair for it in items] == n
        assert [it.dimension for it in items] == [DIMENSION_OF[i] for i in range(1, 23)]
        assert all(it.dont_know is (part == "perception") for it in items)
        assert all(it.required for it in items)
    assert [it.code for it in sq.items() if it.code.startswith("w_")] == [
        f"w_{d}" for d in DIMENSIONS
    ]
    assert {sq.scale_of(f"w_{d}").bounds() for d in DIMENSIONS} == {(0, 100)}
    (constraint,) = sq.constraints
    assert (constraint.kind, constraint.total) == ("sum", 100)
    assert constraint.codes == tuple(f"w_{d}" for d in DIMENSIONS)
    choice = sq.scale_of("imp_most")
    assert [choice.label(v, "en") for v in range(1, 6)] == [d.capitalize() for d in DIMENSIONS]
    assert sq.scale_of("grade_overall").bounds() == (1, 10)
    assert sq.scale_of("e01").bounds() == (1, 7) and sq.scale_of("m01").bounds() == (1, 9)
    assert [sq.scale_of("ctl_length").label(v, "en") for v in range(1, 6)] == [
        "less than 6 months",
        "6 to 12 months",
        "1 to 2 years",
        "2 to 4 years",
        "more than 4 years",
    ]
    assert sq.scale_of("ctl_relationship").label(4, "en").startswith("other")
    assert sq.scale_of("ctl_relationship_other").kind == "text"
    assert dict(sq.modules) == dict.fromkeys(("importance", "zone", "control", "grade"), False)
    assert len([c for c in sq.codes()]) == 22 * 4 + 5 + 3 + 3 + 1


def test_servqual22_pages_one_dimension_at_most_five_statements() -> None:
    sq = load_builtin("servqual22")
    for sec in sq.sections:
        if sec.id.startswith(("e_", "p_")):
            assert len({it.dimension for it in sec.items}) == 1
            assert len(sec.items) <= sec.max_per_page == 5
        if sec.id.startswith("zone_"):  # two columns per statement
            assert len({it.dimension for it in sec.items}) == 1
            assert len(sec.items) <= sec.max_per_page == 10


def test_every_expectation_has_its_perception() -> None:
    for instrument_id in ("servqual22", "servqual22_5pt", "servqual22_zone"):
        ins = load_builtin(instrument_id)
        e = {it.pair: it for it in ins.items() if it.part == "expectation"}
        p = {it.pair: it for it in ins.items() if it.part == "perception"}
        assert e.keys() == p.keys() and len(e) == 22
        assert all(e[k].dimension == p[k].dimension for k in e)


def test_dutch_perceptions_name_the_organisation() -> None:
    sq = load_builtin("servqual22")
    for i in range(1, 23):
        e, p = sq.item(f"e{i:02d}").text["nl"], sq.item(f"p{i:02d}").text["nl"]
        assert "een goede dienstverlener" in e.lower()
        assert "{org}" in p and "dienstverlener" not in p
        assert p == re.sub("[Ee]en goede dienstverlener", "{org}", e), i


@pytest.mark.skipif(not SPEC.exists(), reason="shared/domain/instruments.md not beside the repo")
def test_servqual22_texts_are_those_of_the_spec() -> None:
    sq = load_builtin("servqual22")
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in SPEC.read_text("utf-8").splitlines()
        if re.match(r"^\| \d+ \|", line)
    ]
    assert len(rows) == 22
    for number, _dim, e_en, p_en, e_nl in rows:
        code = f"{int(number):02d}"
        assert sq.item(f"e{code}").text["en"] == e_en
        assert sq.item(f"p{code}").text["en"] == p_en
        assert sq.item(f"e{code}").text["nl"] == e_nl


def test_cvs_and_kto_codes() -> None:
    cvs, kto = load_builtin("cvs"), load_builtin("kto")
    assert cvs.codes() == ("cvs_satisfaction", "cvs_loyalty", "cvs_recommend")
    grades = [
        "grade_service",
        "grade_quality",
        "grade_appearance",
        "grade_reliability",
        "grade_competence",
        "grade_handling",
        "grade_communication",
    ]
    assert list(kto.codes()[:9]) == [*grades, "grade_expectations", "grade_crm"]
    assert {kto.scale_of(c).bounds() for c in grades} == {(1, 10)}
    assert [it.code for it in kto.items(modules={})][:7] == grades
    assert "grade_crm" not in [it.code for it in kto.items(modules={})]
    for code in cvs.codes():  # same items, so combine() asks them once
        assert kto.item(code) == cvs.item(code)
        assert kto.scale_of(code) == cvs.scale_of(code)
    details = [it for it in kto.items() if it.part == "detail"]
    assert {it.dimension for it in details} == {f"kto_{g.removeprefix('grade_')}" for g in grades}
    assert all(it.code.startswith("det_") and it.dont_know for it in details)


def test_mto_and_event_codes() -> None:
    mto = load_builtin("mto")
    assert mto.always_anonymous and mto.variant == "employee"
    assert mto.codes() == (
        "ic_results",
        "ic_news",
        "ic_developments",
        "ic_research",
        "ic_known",
        "ic_grade",
        "drv_feedback",
        "drv_autonomy",
        "drv_support",
        "drv_alignment",
        "drv_customer_connection",
        "drv_effort",
        "esat",
        "enps",
        "mto_comments",
    )
    assert mto.scale_of("enps").bounds() == (0, 10)
    assert mto.text_codes() == ("mto_comments",)
    event = load_builtin("event")
    assert event.codes() == ("evt_satisfaction", "evt_ces", "evt_improve", "evt_recommend")
    assert event.scale_of("evt_ces").bounds() == (1, 7)
    assert event.text(event.item("evt_ces").text, "en", org="Veldhuis") == (
        "Veldhuis made it easy for me to handle my request."
    )
    assert event.item("evt_improve").required is False
    for ins in (mto, event):
        assert all(code in (ins.documentation or "") for code in ins.codes())
