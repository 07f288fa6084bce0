"""The short reports of the demo's latest customer wave: feedback to customers ("you
said, we did"), feedback to employees (customer, MTO and mirror results) and the
management summary with and without loop metrics; rendered to PDF and read back
(pdftotext for words and numbers, pdftoppm for the pages as images)."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine

from gapsight.analysis.result import frame_value
from gapsight.config import Settings
from gapsight.reports.feedback import build_customer_feedback, build_employee_feedback
from gapsight.reports.labels import LABELS, label
from gapsight.reports.model import SUPPRESSED, Num, Paragraph, Report
from gapsight.reports.summary import build_summary
from gapsight.services import loop_metrics
from gapsight.services.demo import install
from gapsight.services.loop_metrics import LoopMetrics
from gapsight.services.reporting import ReportInputs, WaveResult, render, report_inputs
from gapsight.store.database import make_engine


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("GAPSIGHT_REQUIRE_ALL"):
            pytest.fail(f"{tool} (poppler-utils) is not installed")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, dict[str, int]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("feedback-demo"))
    result = install(settings)
    return make_engine(settings), {w.key: w.study_id for w in result.waves}


@pytest.fixture(scope="module")
def inputs(demo: tuple[Engine, dict[str, int]]) -> ReportInputs:
    return report_inputs(demo[0], demo[1]["klant-2025"], lang="nl")


BUILDERS = {"customer": build_customer_feedback, "employee": build_employee_feedback}


@pytest.fixture(scope="module")
def pdf_texts(
    inputs: ReportInputs, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], str]:
    tool = _poppler("pdftotext")
    out_dir = tmp_path_factory.mktemp("feedback-pdf")
    texts = {}
    for kind, builder in BUILDERS.items():
        for lang in ("nl", "en"):
            path = out_dir / f"{kind}.{lang}.pdf"
            path.write_bytes(render(builder(inputs, lang), "pdf"))
            raw = subprocess.run(
                [tool, str(path), "-"], check=True, capture_output=True, text=True
            ).stdout
            texts[(kind, lang)] = re.sub(r"[ \t]+", " ", raw)
            if lang == "nl":
                pages = subprocess.run(
                    [_poppler("pdftoppm"), "-r", "40", "-png", str(path), str(out_dir / kind)],
                    check=True,
                )
                assert pages.returncode == 0
                assert list(out_dir.glob(f"{kind}-*.png")), "every page renders to an image"
    return texts


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_customer_feedback_says_what_customers_said_and_what_was_done(
    inputs: ReportInputs, pdf_texts: dict[tuple[str, str], str], lang: str
) -> None:
    text = pdf_texts[("customer", lang)]
    flat = " ".join(text.split())
    for key in ("feedback.said", "feedback.did", "feedback.numbers", "feedback.actions"):
        assert label(key, lang) in flat
    a = inputs.current.analysis
    assert a is not None and a.cvs is not None and a.nps is not None
    assert Num(frame_value(a.cvs.score.mean), 1).text(lang) in flat
    assert Num(frame_value(a.nps.score), 0).text(lang) in flat
    for action in inputs.actions:  # the demo's two actions: one done, one under way
        assert action.title in flat
    assert label("feedback.action.done", lang) in flat
    assert label("feedback.action.doing", lang) in flat


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_employee_feedback_has_customer_mto_and_mirror_results(
    inputs: ReportInputs, pdf_texts: dict[tuple[str, str], str], lang: str
) -> None:
    flat = " ".join(pdf_texts[("employee", lang)].split())
    for key in ("feedback.customers", "feedback.mto", "feedback.mirror"):
        assert label(key, lang) in flat
    mto = inputs.linked["employee"].analysis
    assert mto is not None and mto.nps is not None
    assert Num(frame_value(mto.nps.score), 0).text(lang) in flat
    esat = mto.descriptives.item("esat")
    assert Num(frame_value(esat.mean), 1).text(lang) in flat
    mirror = inputs.comparisons["mirror"]
    reliability = next(d for d in mirror.dimensions if d.dimension == "perception.reliability")
    assert Num(frame_value(reliability.gap), 1, signed=True).text(lang) in flat


def _labels_only_in(lang: str) -> list[str]:
    other = "en" if lang == "nl" else "nl"
    theirs = " ".join(v[other] for v in LABELS.values())
    mine = " ".join(v[lang] for v in LABELS.values())
    out = []
    for v in LABELS.values():
        for part in re.split(r"[.:;()“”'!?]", re.sub(r"\{[^}]*\}", "", v[other])):
            part = part.strip()
            if len(part) >= 8 and " " in part and part not in mine and part in theirs:
                out.append(part)
    return out


@pytest.mark.parametrize("kind", ["customer", "employee"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_label_of_the_other_language_leaks_in(
    pdf_texts: dict[tuple[str, str], str], kind: str, lang: str
) -> None:
    flat = " ".join(pdf_texts[(kind, lang)].split())
    assert [s for s in _labels_only_in(lang) if s in flat] == []


def test_an_mto_item_answered_by_too_few_is_hidden(inputs: ReportInputs) -> None:
    emp = inputs.linked["employee"]
    min_n = emp.study.min_group_size
    few = emp.matrix.values.copy()
    column = emp.matrix.index("drv_effort")
    few[min_n - 1 :, column] = np.nan  # only min_n - 1 answered this question
    matrix = dataclasses.replace(emp.matrix, values=few)
    from gapsight.analyst.analysis import analyze_matrix

    assert emp.analysis is not None
    analysis = analyze_matrix(matrix, emp.analysis.instrument, emp.analysis.options)
    changed = dataclasses.replace(
        inputs,
        linked={**inputs.linked, "employee": dataclasses.replace(emp, analysis=analysis)},
    )
    report = build_employee_feedback(changed, "en")
    table = next(t for t in report.tables() if t.key == "feedback.mto")
    row = next(r for r in table.rows if "easy for me to help customers" in str(r[0]))
    assert row[1] is SUPPRESSED and row[2] is SUPPRESSED
    assert table.notes == (label("feedback.suppressed", "en", min_n=min_n),)
    for r in table.rows:  # no shown cell rests on fewer answers than the minimum
        assert r[1] is SUPPRESSED or (isinstance(r[1], int) and r[1] >= min_n)


@pytest.mark.parametrize("n", [0, 1])
def test_feedback_for_a_wave_without_enough_answers_says_so(inputs: ReportInputs, n: int) -> None:
    cur = inputs.current
    small = dataclasses.replace(
        inputs,
        current=WaveResult(cur.study, n, None, {}, cur.matrix.subset(np.arange(n))),
        history=(),
        linked={},
        comparisons={},
        comparisons_missing={"mirror": "no_wave"},
        actions=(),
    )
    customer = build_customer_feedback(small, "nl")
    said = customer.sections[0].blocks
    expected = (
        label("missing.no_responses", "nl")
        if n == 0
        else label("feedback.too_few", "nl", min_n=cur.study.min_group_size)
    )
    assert Paragraph(expected, style="missing") in said
    assert not customer.tables()
    assert Paragraph(label("feedback.no_actions", "nl"), style="missing") in (
        customer.sections[1].blocks
    )
    employee = build_employee_feedback(small, "en")
    blocks = [b for s in employee.sections for b in s.blocks]
    assert Paragraph(label("feedback.no_employee", "en"), style="missing") in blocks
    assert Paragraph(label("feedback.no_mirror", "en"), style="missing") in blocks
    assert b"<html" in render(employee, "html")[:200].lower() or render(employee, "html")


@pytest.fixture
def provider() -> Iterator[None]:
    loop_metrics.register_loop_metrics(
        lambda session, wave: LoopMetrics(flagged=40, closed=38, on_time=30, overdue=2)
    )
    yield
    loop_metrics.register_loop_metrics(None)


def test_the_management_summary_shows_loop_metrics_when_a_provider_is_registered(
    demo: tuple[Engine, dict[str, int]], provider: None
) -> None:
    inputs = report_inputs(demo[0], demo[1]["klant-2025"])
    assert inputs.loop == LoopMetrics(40, 38, 30, 2)
    summary = build_summary(inputs, "en")
    table = next(t for t in summary.tables() if t.key == "summary.loop")
    assert [r[1] for r in table.rows] == [40, 38, 30, 2]
    assert table.rows[2][2] == Num(0.75, 0, percent=True)


def test_without_loop_metrics_the_summary_says_they_are_missing(
    inputs: ReportInputs,
) -> None:
    """The closed loop fills ``inputs.loop`` (the demo has cases); a wave without them
    gets the "not available" sentence instead of a table."""
    assert inputs.loop is not None and inputs.loop.flagged > 0
    inputs = dataclasses.replace(inputs, loop=None)
    summary = build_summary(inputs, "nl")
    followup = next(s for s in summary.sections if s.key == "followup")
    assert Paragraph(label("summary.followup_missing", "nl"), style="missing") in followup.blocks


def test_the_kinds_render_through_the_service(demo: tuple[Engine, dict[str, int]]) -> None:
    from gapsight.services.reporting import KINDS, build_report

    for kind in KINDS:
        report = build_report(demo[0], demo[1]["klant-2025"], lang="en", kind=kind)
        assert isinstance(report, Report) and report.sections
    with pytest.raises(ValueError, match="kind must be one of"):
        build_report(demo[0], demo[1]["klant-2025"], kind="poster")
