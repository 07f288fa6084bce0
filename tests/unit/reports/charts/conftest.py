"""Fixtures for the figure tests: realistic results from the demo organisation, and
helpers to read an SVG's text.

The demo data take a few seconds to generate, so they are built once per session.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from gapsight.analysis.mirror import MirrorGaps, mirror_gaps
from gapsight.analyst import Analysis, AnalysisOptions, analyze_matrix
from gapsight.services.demo_data import generate

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Demo:
    """The demo's two customer waves analysed, and the mirror gaps of 2025."""

    previous: Analysis
    current: Analysis
    mirror: MirrorGaps
    gap1: MirrorGaps
    gap6: MirrorGaps
    gap7: MirrorGaps


@pytest.fixture(scope="session")
def demo() -> Demo:
    org = generate()
    opts = AnalysisOptions()
    w24, w25 = org.wave("klant-2024"), org.wave("klant-2025")
    cust = w25.table.matrix
    ins = w25.instrument
    management = org.wave("management-2025").table.matrix
    staff = org.wave("voorspelling-2025").table.matrix
    e_codes = [c for c in management.codes if c.startswith("e") and c in cust.codes]
    return Demo(
        previous=analyze_matrix(w24.table.matrix, w24.instrument, opts),
        current=analyze_matrix(cust, ins, opts),
        mirror=mirror_gaps(cust, org.wave("spiegel-2025").table.matrix, instrument=ins),
        gap1=mirror_gaps(cust, management, codes=e_codes, instrument=ins, label="gap1"),
        gap6=mirror_gaps(cust, staff, codes=e_codes, instrument=ins, label="gap6"),
        gap7=mirror_gaps(management, staff, codes=e_codes, instrument=ins, label="gap7"),
    )


def texts(svg: str) -> list[str]:
    """Every ``<text>`` content of the SVG (parsing it proves it is well-formed XML)."""
    root = ET.fromstring(svg)
    out = []
    for el in root.iter(f"{SVG}text"):
        out.append("".join(el.itertext()))
    return out


def all_text(svg: str) -> str:
    """The texts joined by newlines (for substring checks)."""
    return "\n".join(texts(svg))


def title_and_desc(svg: str) -> tuple[str, str]:
    root = ET.fromstring(svg)
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    return title.text or "", desc.text or ""


def zone_result():
    """A small three-column zone of tolerance (the demo has no zone module)."""
    import numpy as np

    from gapsight.analysis.layout import Pair, ServqualLayout
    from gapsight.analysis.matrix import ResponseMatrix
    from gapsight.analysis.zone import zone_of_tolerance

    rng = np.random.default_rng(11)
    pairs, cols = [], {}
    for i, level in enumerate([3.0, 6.0, 8.9, 5.5]):
        c = f"{i + 1:02d}"
        pairs.append(Pair(c, "reliability", f"e{c}", f"p{c}", f"m{c}", f"d{c}"))
        mn = np.clip(rng.normal(4.5, 0.6, 30).round(), 1, 9)
        cols |= {
            f"e{c}": mn + 3,
            f"p{c}": np.clip(rng.normal(level, 0.5, 30).round(), 1, 9),
            f"m{c}": mn,
            f"d{c}": np.clip(mn + 3, 1, 9),
        }
    return zone_of_tolerance(ResponseMatrix.from_columns(cols), ServqualLayout(tuple(pairs)))


def render_all(demo: Demo, lang: str) -> dict[str, str]:
    """Every figure of the catalogue, drawn from the demo results in ``lang``."""
    from gapsight.reports import charts

    cur, prev = demo.current, demo.previous
    assert cur.servqual and cur.cvs and cur.nps and cur.importance_performance
    assert prev.cvs and prev.nps
    tp = charts.TrendPoint
    trend = [
        charts.TrendSeries(
            "cvs",
            (tp.from_estimate("2024", prev.cvs.score), tp.from_estimate("2025", cur.cvs.score)),
        )
    ]
    model = charts.GapModel(
        gap1=charts.status_from_mirror(demo.gap1),
        gap2=charts.GapStatus("partly"),
        gap3=charts.GapStatus("absent", 0.9, "share"),
        gap5=charts.status_from_servqual(cur.servqual),
        gap6=charts.status_from_mirror(demo.gap6),
        gap7=charts.status_from_mirror(demo.gap7),
    )
    codes = [i.code for i in demo.mirror.items if not i.code.startswith(("w_", "imp_"))]
    return {
        "expectation_perception": charts.expectation_perception_chart(cur.servqual, lang),
        "item_gaps": charts.item_gaps_chart(cur.servqual, lang),
        "zone_of_tolerance": charts.zone_chart(zone_result(), lang),
        "cvs": charts.cvs_chart(cur.cvs, lang),
        "nps": charts.nps_chart([("2024", prev.nps), ("2025", cur.nps), ("x", None)], lang),
        "trend": charts.trend_chart(trend, lang, measure="cvs", reference=7),
        "importance_performance": charts.ipa_chart(cur.importance_performance, lang),
        "gap_model": charts.gap_model_chart(model, lang),
        "mirror": charts.mirror_chart(demo.mirror, lang, codes=codes),
    }


@pytest.fixture(scope="session")
def rendered(demo: Demo) -> dict[str, dict[str, str]]:
    """``rendered[lang][figure name]`` = SVG text, for every figure in both languages."""
    return {lang: render_all(demo, lang) for lang in ("nl", "en")}
