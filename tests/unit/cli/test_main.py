"""The console script: usage errors and user errors never show a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _gapsight(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GAPSIGHT_DEBUG"}
    env["GAPSIGHT_DATA_DIR"] = str(data_dir)
    code = "from gapsight.cli.main import run; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )


def test_usage_error_is_a_message_with_exit_code_2(tmp_path: Path) -> None:
    result = _gapsight("study", "show", "not-a-number", data_dir=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "study_id" in result.stderr + result.stdout


def test_user_error_is_one_line_with_exit_code_1(tmp_path: Path) -> None:
    result = _gapsight("instruments", "show", "no-such-instrument", data_dir=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no built-in instrument" in result.stderr


def test_version(tmp_path: Path) -> None:
    result = _gapsight("--version", data_dir=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("gapsight ")
