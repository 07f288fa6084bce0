"""``gapsight cases …`` end to end on an initialised SQLite data directory."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from typer.testing import CliRunner, Result

from gapsight.cli import cases, setup
from gapsight.config import Settings
from gapsight.store.database import make_engine

from ..services.loop_helpers import complete, loop_study


def _runner(data_dir: Path):  # type: ignore[no-untyped-def]
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    setup.register(app)
    cases.register(app)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            app,
            [*args, "--data-dir", str(data_dir)],
            env={"COLUMNS": "200", "GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""},
        )

    return invoke


def test_list_show_status_reassign_metrics_tick(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    run = _runner(data_dir)
    assert run("init", "--admin-password", "long enough").exit_code == 0
    engine = make_engine(Settings(data_dir=data_dir))
    try:
        study_id, tokens = loop_study(engine, n=3)
        now = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        for token, value in zip(tokens.values(), ["2", "10", "7"], strict=True):
            complete(engine, token, {"cvs_recommend": value}, anonymous=False, now=now)
    finally:
        engine.dispose()

    shown = run("cases", "rules", "--study", str(study_id))
    assert shown.exit_code == 0, shown.output
    assert "cvs_recommend 9–10 → promoter" in shown.output
    assert "fallback: flags@veldhuis.example" in shown.output
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text("rules:\n  - {kind: grade}\n", encoding="utf-8")
    locked = run("cases", "rules", "--study", str(study_id), "--set", str(rules_file))
    assert locked.exit_code == 1
    assert "cannot change once it started" in str(locked.exception)

    listed = run("cases", "list", "--study", str(study_id))
    assert listed.exit_code == 0, listed.output
    assert "detractor" in listed.output and "promoter" in listed.output
    assert "Klant 2" not in listed.output  # the passive is no case

    refused = run("cases", "status", "1", "forwarded", "--by", "ann@x.nl")
    assert refused.exit_code == 1 and "contact person" in str(refused.exception)
    done = run("cases", "status", "1", "forwarded", "--by", "ann@x.nl", "--contact-person", "Piet")
    assert done.exit_code == 0 and "case 1 is forwarded" in done.output
    moved = run("cases", "reassign", "1", "2", "--owner", "bob@x.nl", "--by", "coord@x.nl")
    assert "2 cases reassigned to bob@x.nl" in moved.output
    show = run("cases", "show", "1", "--answers")
    assert show.exit_code == 0, show.output
    assert "respondent: Klant 0 <klant0@example.org> (K000)" in show.output
    assert "forwarded to Piet" in show.output
    assert "owner flags@veldhuis.example → bob@x.nl" in show.output
    assert "* cvs_recommend: 2" in show.output

    metrics = run("cases", "metrics", "--study", str(study_id), "--json")
    assert metrics.exit_code == 0, metrics.output
    data = json.loads(metrics.output)
    assert (data["flags"], data["promoters"], data["detractors"]) == (2, 1, 1)
    assert (data["forwarded"], data["forwarded_on_time"]) == (1, 1)
    assert run("cases", "metrics").exit_code == 1

    assert run("cases", "tick").exit_code == 0
    again = run("cases", "flag", "--study", str(study_id), "--no-mail")
    assert again.exit_code == 0 and "0 cases opened" in again.output
    assert run("cases", "show", "99").exit_code == 1
