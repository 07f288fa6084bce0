"""The gap model diagram."""

from __future__ import annotations

import pytest

from gapsight.reports.charts.gapmodel import (
    GapModel,
    GapStatus,
    gap_model_chart,
    status_from_mirror,
    status_from_servqual,
)
from gapsight.reports.charts.style import fmt

from .conftest import Demo, all_text, title_and_desc


def test_demo_gap_model_has_every_gap_verdict_and_size(demo: Demo) -> None:
    sq = demo.current.servqual
    assert sq is not None
    model = GapModel(
        gap1=status_from_mirror(demo.gap1),
        gap2=GapStatus("partly"),
        gap3=GapStatus("absent", 0.91, "share"),
        gap5=status_from_servqual(sq),
        gap6=status_from_mirror(demo.gap6),
        gap7=status_from_mirror(demo.gap7),
    )
    svg = gap_model_chart(model, "en")
    body = all_text(svg)
    for n in range(1, 8):
        assert f"Gap {n}" in body
    for element in ("Expected service", "Perceived service", "Service-quality"):
        assert element in body
    assert model.gap5.verdict == "present"  # the planted reliability shortfall
    assert f"present · {fmt(sq.overall.gap, 'en', 2, sign=True)}" in body
    assert "absent · 91%" in body
    assert "not assessed" in body  # gap 4
    assert model.gap1.size is not None and model.gap1.size < 0  # management underestimates
    _title, desc = title_and_desc(svg)
    assert "Gap 4 (communication): not assessed" in desc


def test_nothing_assessed_still_draws_the_model_in_dutch() -> None:
    body = all_text(gap_model_chart(GapModel(), "nl"))
    assert body.count("niet beoordeeld") == 8  # seven gaps and the legend
    assert "Verwachte dienstverlening" in body and "KLANT" in body


def test_invalid_verdict_and_gap_number() -> None:
    with pytest.raises(ValueError, match="verdict"):
        GapStatus("maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1 to 7"):
        GapModel().status(8)
