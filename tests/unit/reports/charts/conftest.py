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
