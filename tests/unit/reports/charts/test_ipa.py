"""Importance-performance matrix."""

from __future__ import annotations

from gapsight.analysis.importance import importance_performance
from gapsight.analysis.result import Undefined
from gapsight.reports.charts.ipa import _place_labels, ipa_chart

from .conftest import Demo, all_text


def test_demo_matrix_has_quadrants_and_points(demo: Demo) -> None:
    ipa = demo.current.importance_performance
    assert ipa is not None
    body = all_text(ipa_chart(ipa, "en"))
    for q in ("Concentrate here", "Keep up the good work", "Low priority", "Possible overkill"):
        assert q in body
    for name in ("Reliability", "Tangibles", "Empathy"):
        assert name in body
    nl = all_text(ipa_chart(ipa, "nl"))
    assert "Hier op concentreren" in nl and "Betrouwbaarheid" in nl


def test_labels_do_not_overlap_when_crowded() -> None:
    pts = [(f"p{i:02d}", 0.5, 0.3 + i * 0.01) for i in range(8)]
    placed = _place_labels(pts, 400, 250, 9)
    boxes = []
    for (name, _x, _y), (lx, ly, ha, _moved) in zip(pts, placed, strict=True):
        w = len(name) * 9 * 0.58 / 400
        x0 = lx if ha == "left" else lx - w if ha == "right" else lx - w / 2
        boxes.append((x0, ly - 0.0225, x0 + w, ly + 0.0225))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (
                a[0] < b[2] - 1e-9
                and b[0] < a[2] - 1e-9
                and a[1] < b[3] - 1e-9
                and b[1] < a[3] - 1e-9
            )


def test_crowded_and_degenerate_render() -> None:
    perf = {f"item {i}": 5 + (i % 4) * 0.1 for i in range(20)}
    imp = {f"item {i}": 0.05 + (i % 3) * 0.01 for i in range(20)}
    body = all_text(ipa_chart(importance_performance(perf, imp), "en", importance="derived"))
    assert "item 19" in body and "Derived importance" in body
    one = importance_performance({"a": 5.0}, {"a": 0.2})
    assert "Keep up the good work" in all_text(ipa_chart(one, "en"))
    none = importance_performance({"a": Undefined("x")}, {"a": 0.2})
    assert "No data to show" in all_text(ipa_chart(none, "en"))
