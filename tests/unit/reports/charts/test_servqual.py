"""E vs P per dimension and item gaps sorted."""

from __future__ import annotations

import re

import numpy as np

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.servqual import Pair, ServqualLayout, servqual
from gapsight.reports.charts.servqual import expectation_perception_chart, item_gaps_chart
from gapsight.reports.charts.style import fmt

from .conftest import Demo, all_text, texts, title_and_desc


def small_result(seed: int = 3, n: int = 30, shift: float = -1.0):
    """Three statements in two dimensions; item 02 has a real shortfall."""
    rng = np.random.default_rng(seed)
    e = rng.integers(4, 8, size=(n, 3)).astype(float)
    p = np.clip(e + rng.normal(0, 1, size=(n, 3)).round(), 1, 7)
    p[:, 1] = np.clip(p[:, 1] + shift, 1, 7)
    layout = ServqualLayout(
        pairs=(
            Pair("01", "tangibles", "e01", "p01"),
            Pair("02", "reliability", "e02", "p02"),
            Pair("03", "reliability", "e03", "p03"),
        )
    )
    cols = {f"e0{i + 1}": e[:, i] for i in range(3)} | {f"p0{i + 1}": p[:, i] for i in range(3)}
    return servqual(ResponseMatrix.from_columns(cols), layout)


def test_ep_chart_demo_has_dimensions_values_and_gaps(demo: Demo) -> None:
    sq = demo.current.servqual
    assert sq is not None
    svg = expectation_perception_chart(sq, "en")
    body = all_text(svg)
    for name in ("Tangibles", "Reliability", "Responsiveness", "Assurance", "Empathy", "Overall"):
        assert name in body
    rel = sq.dimension("reliability")
    assert f"gap {fmt(rel.gap, 'en', 2, sign=True)}" in body
    title, desc = title_and_desc(svg)
    assert title == "Expectation and perception per dimension"
    assert "Reliability" in desc


def test_ep_chart_dutch_uses_decimal_comma(demo: Demo) -> None:
    sq = demo.current.servqual
    assert sq is not None
    svg = expectation_perception_chart(sq, "nl", aggregation="respondent")
    body = all_text(svg)
    assert "Betrouwbaarheid" in body and "Verwachting" in body
    gap = sq.by_respondent.dimension("reliability").gap
    assert f"gap {fmt(gap, 'nl', 2, sign=True)}*" in body  # significant: starred
    assert "," in fmt(gap, "nl", 2)


def test_item_gaps_sorted_with_significance_marks(demo: Demo) -> None:
    sq = demo.current.servqual
    assert sq is not None
    svg = item_gaps_chart(sq, "en")
    labels = [t for t in texts(svg) if re.fullmatch(r"\d\d · .+", t)]
    codes = [t[:2] for t in labels]
    expected = [it.code for it in sorted(sq.items, key=lambda it: float(it.gap))]
    assert codes == expected
    assert codes[0] == "07"  # the planted reliability shortfall is on top
    body = all_text(svg)
    for it in sq.items:
        sig = float(it.p_adjusted) < 0.05
        mark = fmt(it.gap, "en", 2, sign=True) + (" *" if sig else "")
        assert mark in texts(svg), mark
    assert "after Holm adjustment" in body


def test_item_gaps_no_significant_items_and_names() -> None:
    res = small_result(shift=0.0, n=4)
    svg = item_gaps_chart(res, "nl", names={"02": "Goed de eerste keer"})
    body = all_text(svg)
    assert {"02 Goed de eerste keer", "Betrouwbaarheid"} <= set(texts(svg))  # two lines
    assert " *" not in body.replace("* significant", "")


def test_one_item_and_undefined_gap_render() -> None:
    layout = ServqualLayout(pairs=(Pair("01", "tangibles", "e01", "p01"),))
    m = ResponseMatrix.from_columns({"e01": [float("nan")] * 3, "p01": [5.0, 6.0, 4.0]})
    res = servqual(m, layout)
    svg = item_gaps_chart(res, "en")
    assert "not computable" in all_text(svg)
    svg = expectation_perception_chart(res, "en")
    assert texts(svg)


def test_deterministic_output() -> None:
    res = small_result()
    assert item_gaps_chart(res, "en") == item_gaps_chart(res, "en")
    assert expectation_perception_chart(res, "nl") == expectation_perception_chart(res, "nl")
