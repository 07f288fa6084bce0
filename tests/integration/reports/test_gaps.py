"""The gap-model chapter of the demo's latest customer wave: recorded verdicts on gaps
2–4, measured gaps 1, 5, 6, 7 from the linked waves, the mirror and prediction tables
with their tests, and what a wave without linked waves says."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine

from gapsight.analysis.result import frame_value
from gapsight.config import Settings
from gapsight.reports.charts.gapmodel import status_from_mirror, status_from_servqual
from gapsight.reports.contents import build
from gapsight.reports.labels import label
from gapsight.reports.model import Num, Paragraph, Report, Table
from gapsight.services import verdicts, wave_links
from gapsight.services.demo import DEMO_VERDICTS, install
from gapsight.services.reporting import ReportInputs, render, report_inputs
from gapsight.store.database import make_engine, unit_of_work

LATEST = "Klantonderzoek 2025"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, dict[str, int]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("gaps-demo"))
    result = install(settings)
    return make_engine(settings), {w.key: w.study_id for w in result.waves}


@pytest.fixture(scope="module")
def inputs(demo: tuple[Engine, dict[str, int]]) -> ReportInputs:
    return report_inputs(demo[0], demo[1]["klant-2025"], lang="nl")


@pytest.fixture(scope="module")
def report(inputs: ReportInputs) -> Report:
    return build(inputs, "en")


def _section(report: Report) -> object:
    return next(s for s in report.sections if s.key == "gapmodel")


def test_the_demo_links_its_staff_waves_to_the_latest_customer_wave(
    demo: tuple[Engine, dict[str, int]], inputs: ReportInputs
) -> None:
    engine, ids = demo
    with unit_of_work(engine) as session:
        linked = wave_links.linked_waves(session, ids["klant-2025"])
    assert set(linked.values()) == {
        "employee",
        "mirror",
        "management_prediction",
        "staff_prediction",
    }
    assert set(inputs.comparisons) == {"mirror", "gap1", "gap6", "gap7"}
    assert inputs.comparisons_missing == {}
    assert sorted(inputs.verdicts) == [2, 3, 4]


def test_the_gap_table_has_every_gap_with_its_verdict_and_size(
    inputs: ReportInputs, report: Report
) -> None:
    table = next(t for t in report.tables() if t.key == "gapmodel")
    assert [r[0] for r in table.rows] == [1, 2, 3, 4, 5, 6, 7]
    rows = {r[0]: r for r in table.rows}
    a = inputs.current.analysis
    assert a is not None and a.servqual is not None
    gap5 = status_from_servqual(a.servqual, alpha=1 - a.options.confidence)
    assert rows[5][2] == label(f"verdict.{gap5.verdict}", "en")
    assert rows[5][3] == Num(frame_value(a.servqual.overall.gap), 2, signed=True)
    for n in (1, 6, 7):
        status = status_from_mirror(inputs.comparisons[f"gap{n}"])
        assert rows[n][2] == label(f"verdict.{status.verdict}", "en")
        assert rows[n][3] == Num(status.size or 0.0, 2, signed=True)
    for gap, verdict, explanation, size in DEMO_VERDICTS:
        assert rows[gap][2] == label(f"verdict.{verdict}", "en")
        assert rows[gap][3] == (None if size is None else Num(size, 0, percent=True))
        assert explanation in str(rows[gap][4])


def test_each_comparison_has_dimension_and_item_tables_from_the_core(
    inputs: ReportInputs, report: Report
) -> None:
    section = _section(report)
    subs = {s.key: s for s in section.subsections}  # type: ignore[attr-defined]
    assert list(subs) == ["mirror", "gap1", "gap6", "gap7"]
    for key, gaps in inputs.comparisons.items():
        items = next(
            b for b in subs[key].blocks if isinstance(b, Table) and b.key.endswith("items")
        )
        assert len(items.rows) == len(gaps.items)
        for row, it in zip(
            items.rows, sorted(gaps.items, key=lambda i: -abs(frame_value(i.gap))), strict=True
        ):
            assert str(row[0]).startswith(it.code) or not it.code.startswith(("p", "e"))
            gap = row[3]
            assert isinstance(gap, Num) and gap.value == frame_value(it.gap)
            assert (row[5] is not None) == it.flagged
    kinds = [getattr(b, "key", None) for b in subs["mirror"].blocks]
    assert "gapmodel.mirror" in kinds  # the mirror chart customers vs staff


def test_the_mirror_result_is_in_the_conclusions(inputs: ReportInputs, report: Report) -> None:
    flagged = inputs.comparisons["mirror"].flagged
    assert flagged, "the demo's mirror survey has service blindness on reliability"
    conclusions = report.sections[0].blocks[0]
    assert isinstance(conclusions, Paragraph)
    assert any(
        label("conclusion.mirror", "en", count=len(flagged), items="")[:40] in i
        for i in conclusions.items
    )


def test_verdicts_recorded_later_change_the_report(
    demo: tuple[Engine, dict[str, int]],
) -> None:
    engine, ids = demo
    first = ids["klant-2024"]
    with unit_of_work(engine) as session:
        verdicts.set_verdict(session, first, gap=4, verdict="present", explanation="Over-promise.")
    table = next(
        t for t in build(report_inputs(engine, first), "nl").tables() if t.key == "gapmodel"
    )
    row = next(r for r in table.rows if r[0] == 4)
    assert row[2] == label("verdict.present", "nl") and "Over-promise." in str(row[4])
    with unit_of_work(engine) as session:
        verdicts.clear_verdict(session, first, 4)
        assert verdicts.get_verdicts(session, first) == {}
    with unit_of_work(engine) as session, pytest.raises(ValueError, match="gap must be"):
        verdicts.set_verdict(session, first, gap=5, verdict="present")


def test_a_wave_without_linked_waves_says_what_is_not_measured(
    demo: tuple[Engine, dict[str, int]],
) -> None:
    engine, ids = demo
    report = build(report_inputs(engine, ids["klant-2024"]), "en")
    section = _section(report)
    assert Paragraph(label("comparison.none", "en"), style="missing") in section.blocks  # type: ignore[attr-defined]
    table = next(t for t in report.tables() if t.key == "gapmodel")
    rows = {r[0]: r for r in table.rows}
    wave = label("gapmodel.wave.gap1", "en")
    assert rows[1][2] == label("verdict.not_assessed", "en")
    assert rows[1][4] == label("gapmodel.basis.no_wave", "en", wave=wave)
    assert rows[2][4] == label("gapmodel.basis.not_recorded", "en")


def test_a_prediction_group_below_the_minimum_is_not_compared(inputs: ReportInputs) -> None:
    from gapsight.services.comparisons import Group, compare

    management = inputs.linked["management_prediction"]
    small = management.matrix.subset(list(range(management.study.min_group_size - 1)))
    groups = {
        "customer": Group(inputs.current.matrix, inputs.current.study.min_group_size),
        "management_prediction": Group(small, management.study.min_group_size),
        "staff_prediction": Group(
            inputs.linked["staff_prediction"].matrix,
            inputs.linked["staff_prediction"].study.min_group_size,
        ),
    }
    results, missing = compare(inputs.instrument, groups)
    assert set(results) == {"gap6"}
    assert missing == {"mirror": "no_wave", "gap1": "too_few", "gap7": "too_few"}
    table = next(
        t
        for t in build(
            dataclasses.replace(inputs, comparisons=results, comparisons_missing=missing), "en"
        ).tables()
        if t.key == "gapmodel"
    )
    assert table.rows[0][4] == label("gapmodel.basis.too_few", "en")


def test_linking_checks_kinds_and_organisation(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, ids = demo
    with unit_of_work(engine) as session, pytest.raises(ValueError, match="not a customer"):
        wave_links.link_wave(session, ids["spiegel-2025"], customer_wave_id=ids["medewerkers-2025"])
    with unit_of_work(engine) as session, pytest.raises(ValueError, match="cannot be linked"):
        wave_links.link_wave(session, ids["klant-2024"], customer_wave_id=ids["klant-2025"])


def test_the_gap_chapter_is_legible_in_the_pdf(report: Report, tmp_path: Path) -> None:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "gaps.pdf"
    only = dataclasses.replace(report, sections=(_section(report),), compact=True)  # type: ignore[arg-type]
    path.write_bytes(render(only, "pdf"))
    text = re.sub(
        r"\s+",
        " ",
        subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True).stdout,
    )
    for n in range(1, 8):
        assert label(f"gap.name.{n}", "en") in text
    assert label("comparison.gap6", "en") in text


def test_the_suggested_recommendations_include_the_remedies_of_other_gaps(
    inputs: ReportInputs,
) -> None:
    from gapsight.reports.contents import remedies
    from gapsight.reports.figures import gap_model

    model = gap_model(inputs)
    suggested = remedies(inputs, "en")
    for n in (1, 2, 3, 4, 6, 7):
        present = model.status(n).verdict in ("present", "partly")
        assert (label(f"remedy.gap{n}", "en") in suggested) == present
    assert label("remedy.gap2", "en") in suggested  # recorded as partly in the demo
    assert label("remedy.gap4", "en") not in suggested  # recorded as absent
