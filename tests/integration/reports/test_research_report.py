"""The research report of the demo organisation's latest customer wave, end to end.

The demo is loaded once; the PDF is rendered once per language (WeasyPrint takes
seconds) and read back with poppler (``pdftotext`` for the words and numbers,
``pdftoppm`` for the pages as images). The checks follow issue 7: every required section
present, the numbers in the PDF equal the analysis results as displayed, no breakdown
cell below the minimum group size, Dutch and English both complete.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from gapsight.analysis.result import frame_value
from gapsight.config import Settings
from gapsight.reports.contents import build
from gapsight.reports.labels import LABELS, label
from gapsight.reports.model import Num, Paragraph, Report, Suppressed
from gapsight.services.demo import install
from gapsight.services.report_texts import get_recommendations, set_recommendations
from gapsight.services.reporting import (
    ReportInputs,
    WaveResult,
    build_report,
    render,
    report_inputs,
)
from gapsight.store.database import make_engine, unit_of_work

LATEST = "Klantonderzoek 2025"
FIRST = "Klantonderzoek 2024"

SECTIONS = (
    "section.conclusions",
    "section.recommendations",
    "section.method",
    "section.response",
    "section.servqual",
    "section.gapmodel",
    "section.scores",
    "section.reliability",
    "section.items",
    "section.breakdowns",
    "section.trend",
    "section.questionnaire",
)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("GAPSIGHT_REQUIRE_ALL"):
            pytest.fail(f"{tool} (poppler-utils) is not installed")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, dict[str, int]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("report-demo"))
    result = install(settings)
    engine = make_engine(settings)
    return engine, {w.name: w.study_id for w in result.waves}


@pytest.fixture(scope="module")
def latest(demo: tuple[Engine, dict[str, int]]) -> int:
    return demo[1][LATEST]


@pytest.fixture(scope="module")
def inputs(demo: tuple[Engine, dict[str, int]], latest: int) -> ReportInputs:
    return report_inputs(demo[0], latest, lang="nl")


@pytest.fixture(scope="module")
def models(inputs: ReportInputs) -> dict[str, Report]:
    return {lang: build(inputs, lang) for lang in ("nl", "en")}


@pytest.fixture(scope="module")
def pdfs(models: dict[str, Report], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    paths = {}
    for lang, report in models.items():
        path = out / f"report.{lang}.pdf"
        path.write_bytes(render(report, "pdf"))
        paths[lang] = path
    return paths


@pytest.fixture(scope="module")
def texts(pdfs: dict[str, Path]) -> dict[str, str]:
    tool = _poppler("pdftotext")
    out = {}
    for lang, path in pdfs.items():
        raw = subprocess.run(
            [tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
        out[lang] = re.sub(r"[ \t]+", " ", raw)
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_required_section_is_in_the_pdf(texts: dict[str, str], lang: str) -> None:
    text = texts[lang]
    for key in SECTIONS:
        title = label(key, lang)
        assert text.count(title) >= 2, f"{title!r} missing (the contents and the chapter)"


def test_the_pdf_has_a4_pages_with_numbers_and_a_table_of_contents(
    pdfs: dict[str, Path], texts: dict[str, str], tmp_path: Path
) -> None:
    tool = _poppler("pdftoppm")
    subprocess.run(
        [tool, "-r", "20", "-png", "-f", "1", "-l", "3", str(pdfs["nl"]), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 3
    info = subprocess.run(
        [_poppler("pdfinfo"), str(pdfs["nl"])], check=True, capture_output=True, text=True
    ).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    n_pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert f"2 / {n_pages}" in texts["nl"]  # page numbers "page / pages"
    # the contents list each chapter with the page it starts on
    contents = texts["nl"].split(label("report.contents", "nl"), 1)[1][:3000]
    assert re.search(r"3 Methode\s*\.+\s*\d+", contents)


def _shown(value: float, decimals: int, lang: str, signed: bool = False) -> str:
    return Num(value, decimals, signed=signed).text(lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_numbers_in_the_pdf_equal_the_analysis(
    texts: dict[str, str], inputs: ReportInputs, lang: str
) -> None:
    a = inputs.current.analysis
    assert a is not None and a.servqual is not None and a.cvs is not None and a.nps is not None
    assert a.reliability is not None
    text = texts[lang]
    gap = frame_value(a.servqual.overall.gap)
    assert _shown(gap, 2, lang, signed=True) in text  # dimension table total
    assert _shown(frame_value(a.cvs.score.mean), 1, lang) in text
    assert _shown(frame_value(a.nps.score), 0, lang) in text
    alpha = a.reliability.scales[0].alpha
    assert _shown(frame_value(alpha), 2, lang) in text
    margin = Num(frame_value(a.precision.margin_pp), 1).text(lang)
    assert margin in text
    # the weakest dimension named in the conclusions is the one with the lowest gap
    worst = min(a.servqual.chosen.dimensions, key=lambda d: frame_value(d.gap))
    name = next(d.label for d in inputs.instrument.dimensions if d.id == worst.dimension)
    sentence = label(
        "conclusion.weakest",
        lang,
        dimension=name[lang],
        gap=_shown(frame_value(worst.gap), 2, lang),
        best="",
        best_gap="",
    ).split(";")[0]
    assert sentence in text.replace("\n", " ")


def test_the_norm_rule_applied_is_stated(texts: dict[str, str], models: dict[str, Report]) -> None:
    assert "+1 punt" in texts["nl"]
    assert "+1 point" in texts["en"]


def test_no_breakdown_cell_rests_on_fewer_than_the_minimum(
    models: dict[str, Report], inputs: ReportInputs
) -> None:
    min_n = inputs.current.study.min_group_size
    tables = [t for t in models["nl"].tables() if t.key.startswith(("breakdown.", "answer."))]
    assert tables, "the demo wave has loaded characteristics and choice questions"
    seen_suppressed = False
    for t in tables:
        n_columns = [j for j, c in enumerate(t.columns) if c == "n"]
        for row in t.rows:
            for j in n_columns:
                n, value = row[j], row[j + 1]
                if isinstance(n, Suppressed):
                    seen_suppressed = True
                    assert isinstance(value, Suppressed)
                else:
                    assert isinstance(n, int) and (n == 0 or n >= min_n), (t.key, row)
        if t.has_suppressed:
            assert label("note.suppressed", "nl", n=min_n) in t.notes
    assert seen_suppressed, "the demo's small segment (Evenementen) must be suppressed"


def _english_only_labels() -> list[str]:
    dutch = " ".join(v["nl"] for v in LABELS.values())
    out = []
    for v in LABELS.values():
        en = re.sub(r"\{[^}]*\}", "", v["en"]).strip()
        for part in re.split(r"[.:;()“”]", en):
            part = part.strip()
            if len(part) >= 8 and part not in dutch and " " in part:
                out.append(part)
    return out


def test_the_dutch_pdf_has_no_english_labels(texts: dict[str, str]) -> None:
    flat = " ".join(texts["nl"].split())
    leaked = [s for s in _english_only_labels() if s in flat]
    assert leaked == []


def test_the_english_pdf_has_no_dutch_labels(texts: dict[str, str]) -> None:
    flat = " ".join(texts["en"].split())
    english = " ".join(v["en"] for v in LABELS.values())
    dutch_only = [
        p.strip()
        for v in LABELS.values()
        for p in re.split(r"[.:;()“”]", re.sub(r"\{[^}]*\}", "", v["nl"]))
        if len(p.strip()) >= 8 and " " in p.strip() and p.strip() not in english
    ]
    assert [s for s in dutch_only if s in flat] == []


def test_the_questionnaire_appendix_shows_the_filled_in_items(
    texts: dict[str, str], inputs: ReportInputs
) -> None:
    flat = " ".join(texts["en"].split())
    assert "Veldhuis Facilitair" in flat
    assert "{org}" not in flat and "{sector}" not in flat
    item = next(i for i in inputs.instrument.items() if i.code == "p05")
    words = inputs.instrument.text(item.text, "en", org="Veldhuis Facilitair")
    assert " ".join(words.split()[:6]) in flat


def test_the_workbook_has_one_sheet_per_table_with_the_same_numbers(
    models: dict[str, Report], inputs: ReportInputs
) -> None:
    report = models["en"]
    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert len(wb.sheetnames) == len(report.tables())
    ws = wb["dimensions"]
    assert ws.cell(1, 1).value == label("table.dimensions", "en")
    a = inputs.current.analysis
    assert a is not None and a.servqual is not None
    total = next(row for row in ws.iter_rows(values_only=True) if row[0] == "Total")
    assert total[4] == pytest.approx(frame_value(a.servqual.overall.gap))
    for name in wb.sheetnames:
        if name.startswith("breakdown"):
            assert "•" in [c for row in wb[name].iter_rows(values_only=True) for c in row]
            break


def test_html_is_one_page_with_inline_figures(models: dict[str, Report]) -> None:
    html = render(models["en"], "html").decode()
    assert html.startswith("<!doctype html>")
    for key in SECTIONS:
        assert label(key, "en") in html


def test_recommendations_are_stored_and_printed(
    demo: tuple[Engine, dict[str, int]], latest: int
) -> None:
    engine = demo[0]
    first = demo[1][FIRST]
    with unit_of_work(engine) as session:
        set_recommendations(session, first, "Start here.\n\n- Call back within 2 days.")
    report = build_report(engine, first, lang="en")
    recs = next(s for s in report.sections if s.key == "recommendations")
    assert recs.blocks == (
        Paragraph("Start here."),
        Paragraph("", ("Call back within 2 days.",)),
    )
    with unit_of_work(engine) as session:
        set_recommendations(session, first, "  ")
        assert get_recommendations(session, first) is None


def test_without_recommendations_the_gap_model_suggests_remedies(
    models: dict[str, Report],
) -> None:
    recs = next(s for s in models["en"].sections if s.key == "recommendations")
    assert recs.blocks[0] == Paragraph(label("missing.recommendations", "en"), style="missing")
    suggestion = recs.blocks[1]
    assert isinstance(suggestion, Paragraph)
    assert suggestion.text == label("recommendations.prefill", "en")
    assert suggestion.items[0].startswith("Reliability:")


def test_the_first_wave_says_there_is_no_previous_wave(
    demo: tuple[Engine, dict[str, int]],
) -> None:
    report = build_report(demo[0], demo[1][FIRST], lang="en")
    trend = next(s for s in report.sections if s.key == "trend")
    assert trend.blocks == (Paragraph(label("missing.previous", "en"), style="missing"),)
    assert not any(t.key == "changes" for t in report.tables())


@pytest.mark.parametrize(("n", "key"), [(0, "missing.no_responses"), (1, "missing.few_responses")])
def test_a_wave_without_enough_answers_still_reports_what_is_missing(
    inputs: ReportInputs, n: int, key: str
) -> None:
    cur = inputs.current
    empty = dataclasses.replace(
        inputs,
        current=WaveResult(cur.study, n, None, {}, cur.matrix.subset(np.arange(n))),
        history=(),
        loaded={},
        by_answer={},
        changes={},
        adjusted_p={},
        nps_change=None,
        cvs_norm=None,
        grade_norms={},
    )
    report = build(empty, "en")
    conclusions = report.sections[0]
    expected = label(key, "en", n=n, min_n=cur.study.min_group_size)
    assert conclusions.blocks[0] == Paragraph(expected, style="missing")
    keys = [s.key for s in report.sections]
    assert {"method", "response", "questionnaire"} <= set(keys)
    html = render(report, "html").decode()
    assert expected in html


def test_a_wave_without_loaded_characteristics_says_so(inputs: ReportInputs) -> None:
    report = build(dataclasses.replace(inputs, loaded={}), "nl")
    breakdowns = next(s for s in report.sections if s.key == "breakdowns")
    assert Paragraph(label("missing.loaded", "nl"), style="missing") in breakdowns.blocks


def test_the_management_summary_has_the_same_numbers_on_two_pages(
    inputs: ReportInputs, models: dict[str, Report], tmp_path: Path
) -> None:
    from gapsight.reports.summary import build_summary

    summary = build_summary(inputs, "nl")
    assert summary.compact
    assert [s.key for s in summary.sections] == [
        "numbers",
        "conclusions",
        "gaps",
        "trend",
        "followup",
    ]
    assert summary.facts == models["nl"].facts
    numbers = summary.tables()[0]
    a = inputs.current.analysis
    assert a is not None and a.cvs is not None and a.servqual is not None
    cvs_row = next(r for r in numbers.rows if r[0] == label("measure.cvs", "nl"))
    assert cvs_row[1] == Num(frame_value(a.cvs.score.mean), 1)
    gaps = next(t for t in summary.tables() if t.key == "summary.gaps")
    assert len(gaps.rows) == 3
    worst = min(a.servqual.items, key=lambda it: frame_value(it.gap))
    first_gap = gaps.rows[0][2]
    assert isinstance(first_gap, Num) and first_gap.value == frame_value(worst.gap)
    path = tmp_path / "summary.pdf"
    path.write_bytes(render(summary, "pdf"))
    info = subprocess.run(
        [_poppler("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 2  # type: ignore[union-attr]


def test_a_group_hidden_for_one_measure_is_hidden_for_all(models: dict[str, Report]) -> None:
    tables = [t for t in models["nl"].tables() if t.key.startswith(("breakdown.", "answer."))]
    by_base: dict[str, list[set[str]]] = {}
    for t in tables:
        base = t.key.rsplit(".", 1)[0] if t.key.count(".") > 1 else t.key
        hidden = {str(r[0]) for r in t.rows if any(isinstance(c, Suppressed) for c in r[1:])}
        for r in t.rows:
            if str(r[0]) in hidden:
                assert all(isinstance(c, Suppressed) for c in r[1:]), (t.key, r)
        by_base.setdefault(base, []).append(hidden)
    for base, sets in by_base.items():
        assert all(s == sets[0] for s in sets), base
