"""Trends across waves with confidence bands."""

from __future__ import annotations

import pytest

from gapsight.analysis.estimate import mean_estimate
from gapsight.analysis.result import Undefined
from gapsight.reports.charts.style import fmt
from gapsight.reports.charts.trend import TrendPoint, TrendSeries, trend_chart

from .conftest import Demo, all_text


def test_cvs_and_nps_trend_from_demo(demo: Demo) -> None:
    assert demo.previous.cvs and demo.current.cvs and demo.previous.nps and demo.current.nps
    cvs = TrendSeries(
        "CVS",
        (
            TrendPoint.from_estimate("2024", demo.previous.cvs.score),
            TrendPoint.from_estimate("2025", demo.current.cvs.score),
        ),
    )
    body = all_text(trend_chart(cvs, "nl", measure="cvs", reference=7))
    assert "2024" in body and "2025" in body and "norm 7" in body
    assert fmt(demo.current.cvs.score.mean, "nl", 1) in body
    assert "95%-betrouwbaarheidsinterval" in body
    nps = TrendSeries(
        "NPS",
        (
            TrendPoint.from_nps("2024", demo.previous.nps),
            TrendPoint.from_nps("2025", demo.current.nps),
        ),
    )
    assert "NPS (−100 to 100)" in all_text(trend_chart(nps, "en", measure="nps"))


def test_dimension_gaps_several_series(demo: Demo) -> None:
    a, b = demo.previous.servqual, demo.current.servqual
    assert a and b
    series = [
        TrendSeries(
            dim,
            (
                TrendPoint.from_ttest("2024", a.by_respondent.dimension(dim).test),  # type: ignore[arg-type]
                TrendPoint.from_ttest("2025", b.by_respondent.dimension(dim).test),  # type: ignore[arg-type]
            ),
        )
        for dim in ("reliability", "responsiveness")
    ]
    body = all_text(trend_chart(series, "en", measure="gap", reference=0))
    assert "Reliability" in body and "Responsiveness" in body


def test_one_wave_empty_and_undefined() -> None:
    one = TrendSeries("CVS", (TrendPoint.from_estimate("2025", mean_estimate([6, 7, 8])),))
    assert "One wave: no trend to show yet" in all_text(trend_chart(one, "en", measure="cvs"))
    assert "No data to show" in all_text(trend_chart([], "en"))
    gap = TrendSeries("x", (TrendPoint("2024", Undefined("no answers")),))
    assert "Geen gegevens om te tonen" in all_text(trend_chart(gap, "nl"))
    partial = TrendSeries(
        "CVS",
        (TrendPoint("2023", Undefined("none")), TrendPoint("2024", 7.2), TrendPoint("2025", 7.4)),
    )
    assert "2023" in all_text(trend_chart(partial, "en"))


def test_unknown_measure_is_an_error() -> None:
    with pytest.raises(ValueError, match="measure"):
        trend_chart([], "en", measure="weight")
