"""``gapsight instruments list|show`` through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from gapsight.cli import instruments as instruments_cli
from gapsight.instruments import builtin_ids

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    instruments_cli.register(app)
    return app


def test_list_shows_every_builtin(app: typer.Typer) -> None:
    result = runner.invoke(app, ["instruments", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for instrument_id in builtin_ids():
        assert instrument_id in result.output
    assert "SERVQUAL: expectations and perceptions" in result.output
    dutch = runner.invoke(app, ["instruments", "list", "--lang", "nl"], env={"COLUMNS": "200"})
    assert "Klanttevredenheidsonderzoek" in dutch.output


def test_show_json_fills_placeholders(app: typer.Typer) -> None:
    args = ["show", "servqual22", "--lang", "en", "--org", "Veldhuis", "--format", "json"]
    result = runner.invoke(app, ["instruments", *args, "--sector", "facility services"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["ref"] == "servqual22@1" and doc["language"] == "en"
    items = {it["code"]: it for sec in doc["sections"] for it in sec["items"]}
    assert items["p11"]["text"] == "Employees of Veldhuis give you prompt service."
    assert items["e01"]["text"] == (
        "Excellent providers in the facility services sector will have modern-looking equipment."
    )
    assert items["p11"]["dont_know"] == "don't know" and items["e11"]["dont_know"] is None
    assert [a["value"] for a in items["p11"]["answers"]] == list(range(1, 8))
    assert items["ctl_length"]["answers"][0] == {"value": 1, "label": "less than 6 months"}
    assert doc["constraints"][0]["total"] == 100


def test_show_yaml_in_dutch(app: typer.Typer) -> None:
    result = runner.invoke(
        app, ["instruments", "show", "mto", "--format", "yaml", "--org", "Veldhuis"]
    )
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.output)
    assert doc["always_anonymous"] is True and doc["language"] == "nl"
    first = doc["sections"][0]["items"][0]
    assert first["text"] == "Ik word goed geïnformeerd over de resultaten van Veldhuis."


def test_show_table_marks_modules_and_dont_know(app: typer.Typer) -> None:
    result = runner.invoke(
        app, ["instruments", "show", "servqual22", "--lang", "en"], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    assert "[module zone, off by default]" in result.output
    assert "or: don't know" in result.output
    assert "w_tangibles + w_reliability" in result.output
    for code in ("e01", "p22", "m22", "grade_overall"):
        assert code in result.output


def test_unknown_instrument_is_one_clear_error(app: typer.Typer) -> None:
    result = runner.invoke(app, ["instruments", "show", "servqual21"])
    assert result.exit_code == 1
    assert "no built-in instrument 'servqual21'" in result.output
    assert "Traceback" not in result.output


def test_id_or_file_needed(app: typer.Typer, tmp_path: Path) -> None:
    assert runner.invoke(app, ["instruments", "show"]).exit_code == 1
    both = runner.invoke(app, ["instruments", "show", "cvs", "--file", str(tmp_path / "x")])
    assert both.exit_code == 1 and "not both" in both.output
    missing = runner.invoke(app, ["instruments", "show", "--file", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_file_valid_is_shown(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        """
id: mine
title: {nl: Mijn enquête, en: My survey}
scales: [{id: g, kind: grade, min: 1, max: 10}]
sections:
  - id: s
    title: {nl: Vragen, en: Questions}
    items:
      - {code: q1, scale: g, text: {nl: "Cijfer voor {org}?", en: "Grade for {org}?"}}
""",
        "utf-8",
    )
    result = runner.invoke(
        app, ["instruments", "show", "--file", str(path), "--org", "ACME", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sections"][0]["items"][0]["text"] == "Cijfer voor ACME?"


def test_file_with_problems_lists_catalogue_codes(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        """
id: broken
title: {nl: Kapot}
scales: [{id: g, kind: grade, min: 1, max: 10}]
sections:
  - id: s
    title: {nl: Vragen, en: Questions}
    items:
      - {code: q1, scale: nope, text: {nl: "{bedrijf}?", en: "?"}}
      - {code: q1, scale: g, text: {nl: a, en: a}}
""",
        "utf-8",
    )
    result = runner.invoke(
        app, ["instruments", "show", "--file", str(path)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "is not a valid instrument (4 problem(s))" in result.output
    for code in ("I002", "I003", "I005", "I006"):
        assert code in result.output
    assert "docs/instruments.md" in result.output


def test_registered_on_the_real_app() -> None:
    from gapsight.cli.main import _register, app

    _register()
    result = runner.invoke(app, ["instruments", "show", "cvs", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["id"] == "cvs"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "cvs", "--format", "xml"], "--format must be one of table, yaml, json"),
        (["show", "cvs", "--lang", "de"], "has no language 'de'; choose one of: nl, en"),
        (["list", "--lang", "fr"], "--lang must be one of nl, en"),
    ],
)
def test_wrong_option_values_are_one_line_errors(
    app: typer.Typer, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["instruments", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
