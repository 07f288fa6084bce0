"""adapt(): copies and new versions, validated, derived_from set."""

from __future__ import annotations

import pytest

from gapsight.instruments import InstrumentError, Item, adapt, load_builtin


def test_same_id_is_next_version_and_new_id_is_a_copy() -> None:
    sq = load_builtin("servqual22")
    v2 = adapt(sq, texts={"p01": {"en": "{org} has up-to-date equipment."}})
    assert (v2.id, v2.version, v2.derived_from) == ("servqual22", 2, "servqual22@1")
    assert v2.item("p01").text["en"] == "{org} has up-to-date equipment."
    assert v2.item("p01").text["nl"] == sq.item("p01").text["nl"]
    assert sq.item("p01").text["en"] == "{org} has modern-looking equipment."
    copy = adapt(sq, instrument_id="veldhuis_servqual")
    assert copy.ref == "veldhuis_servqual@1" and copy.derived_from == "servqual22@1"
    assert adapt(v2).ref == "servqual22@3"


def test_scale_points_remove_and_add() -> None:
    kto = load_builtin("kto")
    new = adapt(
        kto,
        instrument_id="kto_bouw",
        agreement_points=7,
        remove=["grade_crm"],
        scales=[
            {
                "id": "yesno",
                "kind": "choice",
                "points": [
                    {"value": 1, "label": {"nl": "ja", "en": "yes"}},
                    {"value": 0, "label": {"nl": "nee", "en": "no"}},
                ],
            }
        ],
        add_items={
            "grades": [
                Item(code="vca", scale="yesno", text={"nl": "VCA?", "en": "VCA?"}),
            ]
        },
        add_sections=[
            {
                "id": "site",
                "title": {"nl": "Bouwplaats", "en": "Site"},
                "module": "site",
                "items": [
                    {
                        "code": "grade_site",
                        "scale": "grade10",
                        "text": {"nl": "Cijfer bouwplaats?", "en": "Site grade?"},
                    }
                ],
            }
        ],
        modules={"site": True},
    )
    assert new.scale_of("det_service_treatment").bounds() == (1, 7)
    assert "grade_crm" not in new.codes() and "grade_expectations" in new.codes()
    assert new.codes()[7] == "vca"
    assert new.modules["site"] is True
    assert new.scale_of("grade_site").bounds() == (1, 10)


def test_removing_whole_module_drops_it_and_its_constraint() -> None:
    sq = load_builtin("servqual22")
    imp = [it.code for it in sq.items() if it.part == "importance"]
    new = adapt(sq, remove=imp)
    assert "importance" not in new.modules and new.constraints == ()


def test_removing_part_of_a_sum_is_refused() -> None:
    with pytest.raises(InstrumentError, match="breaks the sum"):
        adapt(load_builtin("servqual22"), remove=["w_tangibles"])


def test_unknown_codes_and_sections_are_named() -> None:
    sq = load_builtin("servqual22")
    with pytest.raises(KeyError, match="no item 'p99'"):
        adapt(sq, texts={"p99": {"en": "x"}})
    with pytest.raises(KeyError, match="p98, p99"):
        adapt(sq, remove=["p99", "p98"])
    with pytest.raises(KeyError, match="no section 'nope'"):
        adapt(sq, add_items={"nope": []})
    with pytest.raises(ValueError, match="5 or 7"):
        adapt(sq, agreement_points=4)


def test_invalid_adaptation_reports_catalogue_problems() -> None:
    with pytest.raises(InstrumentError) as err:
        adapt(
            load_builtin("cvs"),
            add_items={"cvs": [{"code": "cvs_loyalty", "scale": "nope", "text": {"nl": "x"}}]},
        )
    codes = {p.code for p in err.value.problems}
    assert {"I002", "I003", "I005"} <= codes
