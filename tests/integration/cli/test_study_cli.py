"""``gapsight study create|list|show|status``."""

from __future__ import annotations

from typing import Any


def test_create_list_show(run: Any) -> None:
    assert run("init", "--admin-password", "long enough").exit_code == 0
    created = run(
        "study",
        "create",
        "--name",
        "KTO 2026",
        "--instrument",
        "servqual22",
        "--anonymity",
        "choice",
        "--module",
        "importance=on",
        "--field-start",
        "2026-03-01",
        "--population",
        "900",
        "--min-group-size",
        "7",
    )
    assert created.exit_code == 0, created.output
    assert "Created study 1" in created.output
    listed = run("study", "list")
    assert "KTO 2026" in listed.output and "servqual22@1" in listed.output
    shown = run("study", "show", "1")
    for text in ("choice", "importance=on", "2026-03-01", "900", "7", "0 complete"):
        assert text in shown.output
    assert run("study", "status", "1", "fieldwork").exit_code == 0
    assert "fieldwork" in run("study", "show", "1").output


def test_invalid_input_is_an_error_not_a_study(run: Any) -> None:
    assert run("init", "--admin-password", "long enough").exit_code == 0
    bad = run("study", "create", "--name", "x", "--instrument", "cvs", "--min-group-size", "2")
    assert bad.exit_code != 0
    assert "between 3 and 10" in str(bad.exception)
    assert run("study", "create", "--name", "x", "--instrument", "cvs", "--module", "x").exit_code
    assert "No studies yet" in run("study", "list").output


def test_commands_need_an_initialised_database(run: Any) -> None:
    result = run("study", "list")
    assert result.exit_code != 0
    assert "gapsight init" in str(result.exception)
