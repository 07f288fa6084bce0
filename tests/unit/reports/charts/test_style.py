"""House style helpers: number format, language check, SVG writer."""

from __future__ import annotations

import pytest

from gapsight.analysis.result import Undefined
from gapsight.reports.charts.scores import nps_chart
from gapsight.reports.charts.style import check_lang, fmt, fmt_range, no_data, to_svg

from .conftest import all_text, title_and_desc


def test_fmt_per_language() -> None:
    assert fmt(-0.524, "nl") == "−0,52"
    assert fmt(1234.5, "en", 1) == "1\u2009234.5"
    assert fmt(0.5, "nl", 1, sign=True) == "+0,5"
    assert fmt(-0.0001, "en") == "0.00"  # never "−0.00"
    assert fmt(Undefined("x"), "nl") == "n.b." and fmt(None, "en") == "n/a"
    assert fmt_range(6.1, 7.26, "nl", 1) == "6,1 tot 7,3"
    assert fmt_range(Undefined("x"), 1.0, "en") == "n/a"


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="'nl' or 'en'"):
        check_lang("de")
    with pytest.raises(ValueError):
        nps_chart([], "fr")


def test_no_data_figure_and_escaped_title() -> None:
    svg = to_svg(no_data("R&D <test>", "nl", "Er is nog geen meting."))
    title, desc = title_and_desc(svg)
    assert title == "R&D <test>"
    assert "Geen gegevens om te tonen" in desc and "Er is nog geen meting." in all_text(svg)


def test_figures_drawn_in_threads_equal_sequential_ones() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from gapsight.analysis.nps import net_promoter_score

    results = [net_promoter_score([10, 9, 7, 3, 8, 9][: k + 2]) for k in range(4)]
    jobs = [(r, lang) for r in results for lang in ("nl", "en")]
    sequential = [nps_chart(r, lang) for r, lang in jobs]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda job: nps_chart(*job), jobs))
    assert threaded == sequential
