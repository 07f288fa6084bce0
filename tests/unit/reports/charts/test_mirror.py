"""Mirror chart (dumbbells) for the mirror survey and gaps 1, 6, 7."""

from __future__ import annotations

import re

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.mirror import mirror_gaps
from gapsight.reports.charts.mirror import mirror_chart
from gapsight.reports.charts.style import fmt

from .conftest import Demo, all_text, texts


def test_demo_mirror_flags_reliability(demo: Demo) -> None:
    codes = [c for c in (i.code for i in demo.mirror.items) if re.fullmatch(r"p\d\d", c)]
    svg = mirror_chart(demo.mirror, "en", codes=codes)
    labels = [t for t in texts(svg) if re.match(r"(▲ )?p\d\d · ", t)]
    assert len(labels) == 22
    flagged = {i.code for i in demo.mirror.items if i.flagged and i.code in codes}
    assert flagged  # the planted blind spot
    for label in labels:
        code = label.removeprefix("▲ ")[:3]
        assert label.startswith("▲ ") == (code in flagged), label
    # sorted from the largest positive gap
    gaps = [
        demo.mirror.items[[i.code for i in demo.mirror.items].index(lab.removeprefix("▲ ")[:3])].gap
        for lab in labels
    ]
    assert gaps == sorted(gaps, reverse=True)
    body = all_text(svg)
    assert "Customers" in body and "Employees (expected customer answers)" in body
    p07 = next(i for i in demo.mirror.items if i.code == "p07")
    assert fmt(p07.gap, "en", 2, sign=True) in body


def test_all_items_in_panels_per_scale(demo: Demo) -> None:
    body = all_text(mirror_chart(demo.mirror, "nl"))
    assert "Tevredenheid" in body  # CVS question by name
    assert "Klanten" in body and "gemarkeerd" in body


def test_prediction_gaps_titles(demo: Demo) -> None:
    assert "Management (prediction)" in all_text(mirror_chart(demo.gap1, "en"))
    assert "Medewerkers (voorspelling)" in all_text(mirror_chart(demo.gap6, "nl"))
    body = all_text(mirror_chart(demo.gap7, "en"))
    assert "Management (prediction)" in body and "Employees (prediction)" in body


def test_no_flags_and_no_data() -> None:
    a = ResponseMatrix.from_columns({"p01": [3.0, 4.0, 3.0], "p02": [4.0, 4.0, 5.0]})
    b = ResponseMatrix.from_columns({"p01": [3.0, 4.0, 4.0], "p02": [4.0, 5.0, 4.0]})
    body = all_text(mirror_chart(mirror_gaps(a, b), "en"))
    assert "▲" not in body and "p01" in body
    assert "No data to show" in all_text(mirror_chart(mirror_gaps(a, b), "en", codes=[]))
