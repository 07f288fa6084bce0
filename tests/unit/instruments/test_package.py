"""The curated public API of ``gapsight.instruments`` (other packages depend on it)."""

from __future__ import annotations

import gapsight.instruments as pkg

PUBLIC = [
    "Constraint",
    "Dimension",
    "Instrument",
    "InstrumentError",
    "InstrumentProblem",
    "Item",
    "Scale",
    "ScalePoint",
    "Section",
    "adapt",
    "builtin_ids",
    "combine",
    "load_builtin",
    "load_file",
    "management_prediction",
    "mirror",
    "parse_yaml",
    "staff_prediction",
    "three_column",
    "with_agreement_points",
]


def test_public_api_is_the_curated_list() -> None:
    assert sorted(pkg.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(pkg, name) is not None


def test_instrument_api_other_packages_use() -> None:
    sq = pkg.load_builtin("servqual22")
    for name in ("items", "item", "scale_of", "codes", "numeric_codes", "text_codes"):
        assert callable(getattr(sq, name))
    for name in ("dimension_items", "text", "scale"):
        assert callable(getattr(sq, name))
    assert sq.ref == "servqual22@1"
    item = sq.item("p01")
    assert (item.code, item.part, item.pair, item.dimension, item.dont_know, item.required) == (
        "p01",
        "perception",
        "01",
        "tangibles",
        True,
        True,
    )
    scale = sq.scale_of("p01")
    assert (scale.kind, scale.min, scale.max, scale.bounds()) == ("agreement", 1, 7, (1, 7))
    assert scale.admits(4) and scale.describe() == "an integer 1-7"
    assert len(scale.points) == 2 and scale.label(7, "en") == "strongly agree"
