"""Zone of tolerance per statement."""

from __future__ import annotations

import numpy as np

from gapsight.analysis.layout import Pair, ServqualLayout
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.zone import zone_of_tolerance
from gapsight.reports.charts.zone import zone_chart

from .conftest import all_text, texts


def make_zone(perceptions: list[float], seed: int = 5):
    """One statement per perception level; minimum about 4.5 and desired about 7.5."""
    rng = np.random.default_rng(seed)
    pairs, cols = [], {}
    n = 40
    for i, level in enumerate(perceptions):
        c = f"{i + 1:02d}"
        pairs.append(
            Pair(c, "reliability" if i % 2 else "empathy", f"e{c}", f"p{c}", f"m{c}", f"d{c}")
        )
        mn = np.clip(rng.normal(4.5, 0.6, n).round(), 1, 9)
        ds = np.clip(mn + 3, 1, 9)
        cols |= {
            f"e{c}": ds,
            f"p{c}": np.clip(rng.normal(level, 0.5, n).round(), 1, 9),
            f"m{c}": mn,
            f"d{c}": ds,
        }
    return zone_of_tolerance(ResponseMatrix.from_columns(cols), ServqualLayout(tuple(pairs)))


def test_below_within_above_are_told_by_text_not_colour() -> None:
    z = make_zone([3.0, 6.0, 8.9])
    assert [it.position for it in z.items] == ["below", "within", "above"]
    body = all_text(zone_chart(z, "en", scale=(1, 9)))
    for word in ("below the zone", "within the zone", "above the zone"):
        assert word in body
    nl = all_text(zone_chart(z, "nl", scale=(1, 9)))
    assert "onder de zone" in nl and "boven de zone" in nl and "below" not in nl


def test_item_labels_and_names() -> None:
    z = make_zone([5.0])
    svg = zone_chart(z, "nl", names={"01": "Persoonlijke aandacht"})
    assert {"01 Persoonlijke aandacht", "Empathie"} <= set(texts(svg))  # two lines


def test_undefined_zone_gives_no_data_figure() -> None:
    lay = ServqualLayout((Pair("01", "empathy", "e1", "p1", "m1", "d1"),))
    nan = [float("nan")] * 3
    z = zone_of_tolerance(
        ResponseMatrix.from_columns({"e1": nan, "p1": nan, "m1": nan, "d1": nan}), lay
    )
    assert "No data to show" in all_text(zone_chart(z, "en"))
