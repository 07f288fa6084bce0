"""``gapsight analyze``: options, both output formats, errors without tracebacks, and the
JSON document checked against the keys documented in ``docs/analysis-json.md``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from gapsight.cli import analysis as analysis_cli
from gapsight.cli import common

runner = CliRunner()
DOC = Path(__file__).resolve().parents[3] / "docs" / "analysis-json.md"
DIMS = {
    "tangibles": range(1, 5),
    "reliability": range(5, 10),
    "responsiveness": range(10, 14),
    "assurance": range(14, 18),
    "empathy": range(18, 23),
}
REQUIRED = {
    # issue 4, item 4: the keys the document must have at least
    "n",
    "servqual.items[].code",
    "servqual.items[].dimension",
    "servqual.items[].expectation",
    "servqual.items[].perception",
    "servqual.items[].gap",
    "servqual.items[].n_pairs",
    "servqual.items[].t",
    "servqual.items[].df",
    "servqual.items[].p",
    "servqual.items[].p_adjusted",
    "servqual.items[].d_z",
    "servqual.items[].ci_low",
    "servqual.items[].ci_high",
    "servqual.dimensions[].dimension",
    "servqual.dimensions[].expectation",
    "servqual.dimensions[].perception",
    "servqual.dimensions[].gap",
    "servqual.overall.expectation",
    "servqual.overall.perception",
    "servqual.overall.gap",
    "servqual.overall.weighted_gap",
    "reliability[].scale",
    "reliability[].alpha",
    "reliability[].standardized_alpha",
    "reliability[].ci_low",
    "reliability[].ci_high",
    "reliability[].n",
    "reliability[].items[].code",
    "reliability[].items[].alpha_if_deleted",
    "reliability[].items[].item_rest_r",
    "cvs.score",
    "nps.score",
    "nps.promoters",
    "nps.passives",
    "nps.detractors",
    "nps.ci_low",
    "nps.ci_high",
    "nps.n",
    "grades[].code",
}


def wave(n: int = 80, seed: int = 3, *, zone: bool = False) -> pd.DataFrame:
    """SERVQUAL with importance points (and optionally zone columns), CVS, KTO grades."""
    rng = np.random.default_rng(seed)
    g = rng.normal(size=n)
    cols: dict[str, Any] = {}
    for items in DIMS.values():
        f = 0.6 * g + 0.8 * rng.normal(size=n)
        for i in items:
            cols[f"e{i:02d}"] = np.clip(np.rint(5.8 + 0.7 * f + rng.normal(0, 0.6, n)), 1, 7)
            cols[f"p{i:02d}"] = np.clip(np.rint(5.0 + 0.9 * f + rng.normal(0, 0.7, n)), 1, 7)
            if zone:
                cols[f"m{i:02d}"] = np.clip(np.rint(4 + rng.normal(0, 1, n)), 1, 9)
                cols[f"d{i:02d}"] = np.clip(np.rint(7 + rng.normal(0, 1, n)), 1, 9)
    w = np.floor(rng.dirichlet([2, 3, 2, 2, 2], n) * 100)
    w[:, 1] += 100 - w.sum(axis=1)
    for j, d in enumerate(DIMS):
        cols[f"w_{d}"] = w[:, j]
    cols["grade_overall"] = np.clip(np.rint(7 + g + rng.normal(0, 0.8, n)), 1, 10)
    for c in ("cvs_satisfaction", "cvs_loyalty", "cvs_recommend"):
        cols[c] = np.clip(np.rint(7.2 + 1.4 * g + rng.normal(0, 0.8, n)), 0, 10)
    for c in ("grade_service", "grade_quality", "grade_handling"):
        cols[c] = np.clip(np.rint(7 + g + rng.normal(0, 0.8, n)), 1, 10)
    frame = pd.DataFrame(cols)
    frame.loc[1, "p09"] = 8  # don't know
    frame["segment"] = np.where(np.arange(n) % 4 == 0, "public", "private")
    frame.loc[:2, "segment"] = "tiny"
    return frame


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    analysis_cli.register(app)
    return app


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    path = tmp_path / "wave.csv"
    wave().to_csv(path, index=False)
    return path


def documented_keys() -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", DOC.read_text("utf-8"), re.MULTILINE))


def key_paths(node: Any, documented: set[str], prefix: str = "") -> set[str]:
    """Every key path of ``node`` in the notation of the doc (``a.b``, ``a[].b``, ``a.*``)."""
    out: set[str] = set()
    if isinstance(node, dict):
        wildcard = f"{prefix}.*" if prefix else "*"
        for key, value in node.items():
            path = wildcard if wildcard in documented else f"{prefix}.{key}" if prefix else key
            out.add(path)
            out |= key_paths(value, documented, path)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, dict | list):
                out |= key_paths(value, documented, f"{prefix}[]")
            else:
                out.add(f"{prefix}[]")
    return out


def run_json(app: typer.Typer, args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, ["analyze", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


# ------------------------------------------------------------------ documented keys
def test_every_key_of_the_document_is_documented(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "zone.csv"
    wave(zone=True).to_csv(path, index=False)
    doc = run_json(
        app,
        ["-i", "servqual22", "-i", "kto", "--input", str(path), "--dont-know-code", "8",
         "--by", "segment", "--aggregation", "respondent"],
    )  # fmt: skip
    documented = documented_keys()
    found = key_paths(doc, documented)
    assert found - documented == set()
    assert found >= REQUIRED
    assert doc["servqual"]["zone"] is not None
    assert doc["n"] == 80


def test_degenerate_wave_is_documented_and_has_reasons_not_nan(
    app: typer.Typer, tmp_path: Path
) -> None:
    one = wave(n=6).iloc[[0]]
    path = tmp_path / "one.csv"
    one.to_csv(path, index=False)
    result = runner.invoke(
        app, ["analyze", "-i", "servqual22", "--input", str(path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    doc = json.loads(result.stdout)
    documented = documented_keys()
    assert key_paths(doc, documented) - documented == set()
    # one respondent is below the minimum group size (5): only the count is shown
    assert doc["n"] == 1
    assert doc["servqual"] is None
    assert "minimum group size" in doc["reasons"]["servqual"]


def test_doc_example_uses_only_documented_keys() -> None:
    text = DOC.read_text("utf-8")
    example = json.loads(text.split("```json\n", 1)[1].split("\n```", 1)[0])
    documented = documented_keys()
    assert key_paths(example, documented) - documented == set()


# -------------------------------------------------------------------------- options
def test_options_reach_the_analysis(app: typer.Typer, csv: Path) -> None:
    doc = run_json(
        app,
        ["-i", "servqual22", "--input", str(csv), "--dont-know-code", "8",
         "--aggregation", "respondent", "--round-item-means", "--missing", "pairwise",
         "--adjust", "bh", "--confidence", "0.9", "--weights", "renormalise",
         "--norm", "relative"],
    )  # fmt: skip
    assert doc["options"] == {
        "aggregation": "respondent",
        "round_item_means": True,
        "missing": "pairwise",
        "adjust": "bh",
        "confidence": 0.9,
        "dont_know_code": 8.0,
        "min_group_size": 5,
        "min_valid_share": 0.5,
        "population": None,
        "weight_rule": "renormalise",
        "norm_relative": True,
    }
    assert doc["servqual"]["aggregation"] == "respondent"
    assert doc["servqual"]["dimensions"][0]["t"] is not None
    assert {s["missing"] for s in doc["reliability"]} == {"pairwise"}
    p09 = next(d for d in doc["descriptives"] if d["code"] == "p09")
    assert p09["dont_know"] == 1


def test_numbers_match_pandas(app: typer.Typer, csv: Path) -> None:
    frame = wave()
    doc = run_json(app, ["-i", "servqual22", "-i", "cvs", "--input", str(csv)])
    item = doc["servqual"]["items"][0]
    assert item["code"] == "01" and item["dimension"] == "tangibles"
    assert item["gap"] == pytest.approx(frame["p01"].mean() - frame["e01"].mean())
    assert doc["cvs"]["score"] == pytest.approx(
        frame[["cvs_satisfaction", "cvs_loyalty", "cvs_recommend"]].mean(axis=1).mean()
    )


def test_table_output_shows_every_section(app: typer.Typer, csv: Path) -> None:
    result = runner.invoke(
        app,
        ["analyze", "-i", "servqual22", "-i", "kto", "--input", str(csv), "--by", "segment"],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    for title in (
        "SERVQUAL items",
        "SERVQUAL dimensions",
        "Reliability",
        "Customer Value Score and NPS",
        "Report grades",
        "Key drivers of grade_overall",
        "Breakdown by segment",
        "Importance–performance",
        "weighted gap",
    ):
        assert title in result.stdout, title
    assert "***" in result.stdout


def test_out_writes_a_file(app: typer.Typer, csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    result = runner.invoke(
        app, ["analyze", "-i", "cvs", "--input", str(csv), "--format", "json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8"))["nps"]["n"] == 80
    table = tmp_path / "a.txt"
    result = runner.invoke(app, ["analyze", "-i", "cvs", "--input", str(csv), "--out", str(table)])
    assert result.exit_code == 0 and "Customer Value Score" in table.read_text("utf-8")


def test_semicolon_csv_and_excel(app: typer.Typer, tmp_path: Path) -> None:
    frame = wave()
    semi = tmp_path / "wave.csv"
    frame.to_csv(semi, index=False, sep=";")
    xlsx = tmp_path / "wave.xlsx"
    frame.to_excel(xlsx, index=False)
    a = run_json(app, ["-i", "cvs", "--input", str(semi)])
    b = run_json(app, ["-i", "cvs", "--input", str(xlsx)])
    assert a["cvs"]["score"] == pytest.approx(b["cvs"]["score"])


# --------------------------------------------------- errors: one line, no traceback
def run_main(monkeypatch: pytest.MonkeyPatch, app: typer.Typer, args: list[str]) -> int:
    monkeypatch.setattr(sys, "argv", ["gapsight", "analyze", *args])
    with pytest.raises(SystemExit) as exit_info:
        common.run_app(app)
    code = exit_info.value.code
    return int(code) if isinstance(code, int) else 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-i", "servqual22"], "give --input FILE"),
        (["-i", "nope", "--input", "{csv}"], "no built-in instrument 'nope'"),
        (["--input", "{csv}"], "--instrument is required"),
        (["-i", "servqual22", "--input", "missing.csv"], "no such file"),
        (["-i", "servqual22", "--input", "{csv}", "--confidence", "95"], "confidence must be"),
        (["-i", "servqual22", "--input", "{csv}", "--by", "region"], "region"),
        (["-i", "mto", "--input", "{csv}"], "none of the items"),
    ],
)
def test_user_errors_are_one_line_messages(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    app: typer.Typer,
    csv: Path,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.delenv("GAPSIGHT_DEBUG", raising=False)
    code = run_main(monkeypatch, app, [a.replace("{csv}", str(csv)) for a in args])
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_missing_servqual_column_is_named(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    app: typer.Typer,
    tmp_path: Path,
) -> None:
    path = tmp_path / "short.csv"
    wave().drop(columns=["p07"]).to_csv(path, index=False)
    code = run_main(monkeypatch, app, ["-i", "servqual22", "--input", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and "p07" in err and "Traceback" not in err


def test_unknown_option_value_is_a_usage_error(app: typer.Typer, csv: Path) -> None:
    result = runner.invoke(app, ["analyze", "-i", "cvs", "--input", str(csv), "--adjust", "x"])
    assert result.exit_code == 2
    assert "holm" in result.output


def test_study_requires_a_database(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    app: typer.Typer,
    tmp_path: Path,
) -> None:
    code = run_main(monkeypatch, app, ["--study", "1", "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and "study 1" in err and "Traceback" not in err


def test_table_prints_nps_worst_case_margin_and_norm_rule(app: typer.Typer, csv: Path) -> None:
    # analysis.md: the worst-case 95 % NPS margin 196/√n must be printed;
    # certification.md: reports must say which norm rule was applied.
    result = runner.invoke(
        app, ["analyze", "-i", "cvs", "-i", "kto", "--input", str(csv)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    n = int(wave()["cvs_recommend"].notna().sum())
    margin = 100 * 1.959963984540054 / n**0.5  # z(0.975) = 1.95996…, by hand
    assert f"worst-case margin ±{margin:.1f} points" in result.stdout
    assert "CVS norm:" in result.stdout and "improved by at least 1 point" in result.stdout
    assert "grade_service norm: not met (not_met" in result.stdout  # mean 6.96 < 7
