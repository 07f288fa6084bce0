"""Properties every figure has: both languages complete, accessible, A4-legible,
deterministic, documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gapsight.reports.charts.catalogue import figures, figures_markdown
from gapsight.reports.charts.labels import DIMENSIONS, TEXTS
from gapsight.reports.charts.style import WIDTH_IN

from .conftest import SVG, title_and_desc

DOCS = Path(__file__).resolve().parents[4] / "docs" / "figures.md"


def visible_text(svg: str) -> str:
    root = ET.fromstring(svg)
    parts = ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]
    title, desc = title_and_desc(svg)
    return "\n".join([*parts, title, desc])


def fragments(lang: str, other: str) -> list[str]:
    """Literal pieces (≥ 5 characters) of every label in ``lang`` that differ from the
    other language's label and occur in none of the other language's labels."""
    table = [*TEXTS.values(), *DIMENSIONS.values()]
    other_all = "\n".join(t[other] for t in table)
    out = set()
    for t in table:
        if t[lang] == t[other]:
            continue
        for piece in re.split(r"\{[a-z_]+\}|\n", t[lang]):
            piece = piece.strip(" ():·")
            if len(piece) >= 5 and piece not in other_all:
                out.add(piece)
    return sorted(out)


def test_every_catalogued_figure_is_rendered(rendered: dict[str, dict[str, str]]) -> None:
    assert [f.name for f in figures()] == list(rendered["en"])


def test_no_english_in_dutch_figures_and_vice_versa(rendered: dict[str, dict[str, str]]) -> None:
    for lang, other in (("nl", "en"), ("en", "nl")):
        foreign = fragments(other, lang)
        assert len(foreign) > 50
        for name, svg in rendered[lang].items():
            body = visible_text(svg)
            leaked = [f for f in foreign if f in body]
            assert not leaked, f"{name} ({lang}) shows {other} text: {leaked}"


def test_svg_is_accessible_and_a4_sized(rendered: dict[str, dict[str, str]]) -> None:
    for lang in ("nl", "en"):
        for name, svg in rendered[lang].items():
            root = ET.fromstring(svg)
            assert root.get("role") == "img", name
            title, desc = title_and_desc(svg)
            assert title and len(desc) > len(title), name
            assert root.get("width") == f"{WIDTH_IN * 72:g}pt", name
            sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
            assert sizes and min(sizes) >= 8.0, (name, min(sizes))
            assert "<text" in svg  # text stays text (svg.fonttype none)
            assert "dc:date" not in svg  # no timestamp


@pytest.mark.slow
def test_output_is_identical_in_a_fresh_process() -> None:
    code = (
        "from gapsight.analysis.nps import net_promoter_score as n;"
        "from gapsight.reports.charts import nps_chart;"
        "print(nps_chart(n([10, 9, 7, 3, 8, 9]), 'nl'), end='')"
    )
    run = [sys.executable, "-c", code]
    env = dict(os.environ)
    a = subprocess.run(
        run, capture_output=True, text=True, check=True, env=env | {"PYTHONHASHSEED": "1"}
    )
    b = subprocess.run(
        run, capture_output=True, text=True, check=True, env=env | {"PYTHONHASHSEED": "2"}
    )
    assert a.stdout == b.stdout and a.stdout.startswith("<?xml")


def test_docs_figures_md_is_in_step() -> None:
    assert DOCS.read_text(encoding="utf-8") == figures_markdown()


def test_catalogue_names_real_functions() -> None:
    import importlib

    for f in figures():
        module, _, func = f.function.rpartition(".")
        assert callable(getattr(importlib.import_module(module), func)), f.function
