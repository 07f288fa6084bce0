"""``gapsight import`` and ``gapsight export``, including the entry point's one-line
errors and exit codes (through ``run_app``, as the console script runs)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer

from gapsight.cli.common import run_app


def _study(run: Any) -> None:
    assert run("init", "--admin-password", "long enough").exit_code == 0
    created = run(
        "study", "create", "--name", "CVS", "--instrument", "cvs", "--anonymity", "choice"
    )
    assert created.exit_code == 0, created.output


def test_import_then_export(run: Any, tmp_path: Path) -> None:
    _study(run)
    data = tmp_path / "wave.csv"
    data.write_text("cvs_satisfaction;cvs_loyalty;cvs_recommend\n8;9;10\n7;;3\n", "utf-8")
    imported = run("import", "--study", "1", str(data))
    assert imported.exit_code == 0, imported.output
    assert "Imported 2 responses" in imported.output and "1 partial" in imported.output
    out = tmp_path / "out.parquet"
    exported = run("export", "--study", "1", "--out", str(out), "--lang", "nl")
    assert exported.exit_code == 0, exported.output
    frame = pd.read_parquet(out)
    assert frame["cvs_satisfaction"].tolist() == [8, 7]


def test_rejected_import_lists_problems_and_exits_1(
    run: Any,
    app: typer.Typer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _study(run)

    def gapsight(*args: str) -> int:
        """Run like the console script: errors as messages and an exit status."""
        monkeypatch.setattr(sys, "argv", ["gapsight", *args, "--data-dir", str(tmp_path / "data")])
        with pytest.raises(SystemExit) as stop:
            run_app(app)
            raise SystemExit(0)
        return int(stop.value.code or 0)

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "cvs_satisfaction;cvs_loyalty;cvs_recommend\n"
        + "".join(f"11;{i % 11};x\n" for i in range(60)),
        "utf-8",
    )
    capsys.readouterr()
    assert gapsight("import", "--study", "1", str(bad)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "not imported, 120 problem(s); nothing was stored" in err
    assert "row 2, column 'cvs_recommend'" in err
    assert "… and 70 more problem(s)" in err
    assert "0 complete" in run("study", "show", "1").output
    assert gapsight("export", "--study", "7", "--out", str(tmp_path / "x.csv")) == 1
    err = capsys.readouterr().err
    assert "no study with id 7" in err and "Traceback" not in err
