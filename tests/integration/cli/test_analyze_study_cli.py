"""``gapsight analyze --study``: a stored wave gives the same document as its file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import typer
from typer.testing import CliRunner

from gapsight.cli import analysis, data, setup, study


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    for module in (setup, study, data, analysis):
        module.register(app)
    return app


def _wave(n: int = 60, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.normal(size=n)
    cols = {}
    for i in range(1, 23):
        cols[f"e{i:02d}"] = np.clip(np.rint(5.8 + 0.5 * g + rng.normal(0, 0.8, n)), 1, 7)
        cols[f"p{i:02d}"] = np.clip(np.rint(5.0 + 0.8 * g + rng.normal(0, 0.8, n)), 1, 7)
    return pd.DataFrame(cols).astype("Int64")


def test_analyze_stored_wave_equals_analyze_file(tmp_path: Path) -> None:
    app, runner = _app(), CliRunner()
    env = {"COLUMNS": "200", "GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""}

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args], env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    dd = ["--data-dir", str(tmp_path / "data")]
    run("init", "--admin-password", "long enough", *dd)
    run(
        "study",
        "create",
        "--name",
        "SQ",
        "--instrument",
        "servqual22",
        "--min-group-size",
        "7",
        *dd,
    )
    path = tmp_path / "wave.csv"
    _wave().to_csv(path, index=False)
    run("import", "--study", "1", str(path), *dd)

    stored = json.loads(run("analyze", "--study", "1", "--format", "json", *dd))
    from_file = json.loads(
        run("analyze", "--instrument", "servqual22", "--input", str(path), "--format", "json")
    )
    assert stored["n"] == from_file["n"] == 60
    assert stored["source"] == "study 1 (SQ)"
    assert stored["options"]["min_group_size"] == 7  # the study's setting
    assert stored["servqual"]["items"] == from_file["servqual"]["items"]
    assert stored["reliability"] == from_file["reliability"]
    tables = run("analyze", "--study", "1", *dd)
    assert "SERVQUAL items" in tables and "study 1 (SQ)" in tables


def test_unknown_study_is_a_clear_error(tmp_path: Path) -> None:
    app, runner = _app(), CliRunner()
    env = {"GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""}
    dd = ["--data-dir", str(tmp_path / "data")]
    assert (
        runner.invoke(app, ["init", "--admin-password", "long enough", *dd], env=env).exit_code == 0
    )
    result = runner.invoke(app, ["analyze", "--study", "9", *dd], env=env)
    assert result.exit_code != 0
    assert "9" in str(result.exception)
