"""``gapsight import`` and ``gapsight export``, including the real entry point's
one-line errors and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd


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


def test_rejected_import_lists_problems_and_exits_1(tmp_path: Path) -> None:
    env = {**os.environ, "GAPSIGHT_DATA_DIR": str(tmp_path / "d"), "COLUMNS": "200"}
    env.pop("GAPSIGHT_DATABASE_URL", None)

    def gapsight(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "from gapsight.cli.main import run; run()", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert gapsight("init", "--admin-password", "long enough").returncode == 0
    assert gapsight("study", "create", "--name", "w", "--instrument", "cvs").returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "cvs_satisfaction;cvs_loyalty;cvs_recommend\n"
        + "".join(f"11;{i % 11};x\n" for i in range(60)),
        "utf-8",
    )
    result = gapsight("import", "--study", "1", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "not imported, 120 problem(s); nothing was stored" in result.stderr
    assert "row 2, column 'cvs_recommend'" in result.stderr
    assert "… and 70 more problem(s)" in result.stderr
    listed = gapsight("study", "list")
    assert " 0 " in listed.stdout or "│ 0" in listed.stdout
    missing = gapsight("export", "--study", "7", "--out", str(tmp_path / "x.csv"))
    assert missing.returncode == 1
    assert "no study with id 7" in missing.stderr and "Traceback" not in missing.stderr
