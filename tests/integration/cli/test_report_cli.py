"""``gapsight report``: the demo's first wave as Excel with recommendations from a file."""

from __future__ import annotations

from pathlib import Path

import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from gapsight.cli import report
from gapsight.config import Settings
from gapsight.services.demo import install
from gapsight.services.report_texts import get_recommendations
from gapsight.store.database import make_engine, unit_of_work


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    report.register(app)
    return app


def test_report_writes_the_workbook_and_stores_the_recommendations(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    waves = install(Settings(data_dir=data_dir)).waves
    first = next(w.study_id for w in waves if w.name == "Klantonderzoek 2024")
    advice = tmp_path / "advice.txt"
    advice.write_text("- Call back within 2 working days.\n", "utf-8")
    out = tmp_path / "tables.xlsx"
    env = {"GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""}
    args = ["report", "--study", str(first), "--format", "xlsx", "--lang", "en"]
    args += ["--out", str(out), "--recommendations", str(advice), "--data-dir", str(data_dir)]
    result = CliRunner().invoke(_app(), args, env=env)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    wb = load_workbook(out)
    assert "dimensions" in wb.sheetnames and "breakdown.segment" in wb.sheetnames
    engine = make_engine(Settings(data_dir=data_dir))
    with unit_of_work(engine) as session:
        assert get_recommendations(session, first) == "- Call back within 2 working days."
    engine.dispose()


def test_an_unknown_study_is_an_error(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    install(Settings(data_dir=data_dir))
    env = {"GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""}
    args = ["report", "--study", "999", "--format", "html", "--data-dir", str(data_dir)]
    result = CliRunner().invoke(_app(), args, env=env)
    assert result.exit_code != 0
    assert isinstance(result.exception, KeyError)


def test_report_kinds_and_verdicts_from_the_command_line(tmp_path: Path) -> None:
    from gapsight.services.verdicts import get_verdicts

    data_dir = tmp_path / "data"
    waves = install(Settings(data_dir=data_dir)).waves
    latest = next(w.study_id for w in waves if w.key == "klant-2025")
    env = {"GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""}
    for kind in ("customer-feedback", "employee-feedback", "management"):
        out = tmp_path / f"{kind}.html"
        args = ["report", "--study", str(latest), "--format", "html", "--kind", kind]
        args += ["--out", str(out), "--data-dir", str(data_dir)]
        if kind == "management":
            args += ["--verdict", "2=present@0.4:No standards per role.", "--verdict", "4="]
        result = CliRunner().invoke(_app(), args, env=env)
        assert result.exit_code == 0, result.output
        titles = {
            "customer-feedback": "U zei, wij deden",
            "employee-feedback": "Terugkoppeling aan medewerkers",
            "management": "Managementsamenvatting",
        }
        assert titles[kind] in out.read_text("utf-8")
    engine = make_engine(Settings(data_dir=data_dir))
    with unit_of_work(engine) as session:
        recorded = get_verdicts(session, latest)
    engine.dispose()
    assert recorded[2].verdict == "present" and recorded[2].size == 0.4
    assert recorded[2].explanation == "No standards per role."
    assert 4 not in recorded and recorded[3].verdict == "partly"  # 3 untouched
    bad = ["report", "--study", str(latest), "--format", "html", "--verdict", "x"]
    result = CliRunner().invoke(_app(), [*bad, "--data-dir", str(data_dir)], env=env)
    assert result.exit_code != 0
