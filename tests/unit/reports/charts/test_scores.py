"""CVS with its parts, and the NPS stacked bar."""

from __future__ import annotations

from gapsight.analysis.cvs import customer_value_score
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.nps import net_promoter_score, nps_from_counts
from gapsight.reports.charts.scores import cvs_chart, nps_chart
from gapsight.reports.charts.style import fmt, fmt_range

from .conftest import Demo, all_text, title_and_desc


def test_cvs_chart_parts_cis_and_norm(demo: Demo) -> None:
    cvs = demo.current.cvs
    assert cvs is not None
    body = all_text(cvs_chart(cvs, "en"))
    for label in ("Satisfaction", "Loyalty", "Recommendation", "CVS", "norm 7"):
        assert label in body
    assert fmt_range(cvs.score.ci_low, cvs.score.ci_high, "en", 1) in body
    assert "norm met (≥ 7)" in body
    nl = all_text(cvs_chart(cvs, "nl"))
    assert "Tevredenheid" in nl and "norm gehaald" in nl and fmt(cvs.score.mean, "nl", 1) in nl


def test_cvs_norm_not_met_and_no_respondents() -> None:
    m = ResponseMatrix.from_columns(
        {"cvs_satisfaction": [5, 6, 6], "cvs_loyalty": [5, 6, 5], "cvs_recommend": [6, 5, 6]}
    )
    assert "norm not met" in all_text(cvs_chart(customer_value_score(m), "en"))
    nan = [float("nan")] * 2
    empty = ResponseMatrix.from_columns(
        {"cvs_satisfaction": nan, "cvs_loyalty": nan, "cvs_recommend": nan}
    )
    assert "Geen gegevens om te tonen" in all_text(cvs_chart(customer_value_score(empty), "nl"))


def test_nps_shares_score_and_ci(demo: Demo) -> None:
    nps = demo.current.nps
    assert nps is not None
    svg = nps_chart(nps, "en")
    body = all_text(svg)
    for share in (nps.promoters, nps.passives, nps.detractors):
        assert f"{round(100 * share / nps.n)}%" in body
    assert f"NPS {fmt(nps.score, 'en', 0, sign=True)}" in body
    assert "Promoters (9–10)" in body and "Detractors (0–6)" in body
    _title, desc = title_and_desc(svg)
    assert "promoters" in desc


def test_nps_several_waves_with_a_suppressed_group(demo: Demo) -> None:
    rows = [("2024", demo.previous.nps), ("2025", demo.current.nps), ("Evenementen", None)]
    body = all_text(nps_chart(rows, "nl"))
    assert "2024" in body and "Evenementen" in body
    assert "niet getoond (te weinig antwoorden)" in body
    assert "Promotors (9–10)" in body


def test_nps_degenerate() -> None:
    assert "No data to show" in all_text(nps_chart(nps_from_counts(0, 0, 0), "en"))
    one = net_promoter_score([10])
    assert "100%" in all_text(nps_chart(one, "en"))


def test_nps_rows_from_a_breakdown() -> None:
    from gapsight.analysis.nps import nps_breakdown
    from gapsight.reports.charts.scores import nps_rows

    values = [10, 9, 8, 6, 10, 9, 9, 7, 3, 10, 9, 8, 9]
    groups = ["a"] * 6 + ["b"] * 5 + ["c"] * 2
    rows = nps_rows(nps_breakdown(values, groups, min_n=3), "nl")
    assert [label for label, _ in rows] == ["a", "b", "c", "Totaal"]
    assert rows[2][1] is None  # below the minimum group size
    body = all_text(nps_chart(rows, "nl"))
    assert "niet getoond (te weinig antwoorden)" in body and "Totaal" in body
