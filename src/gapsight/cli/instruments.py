"""``gapsight instruments``: list the built-in questionnaires, show or check one.

Examples::

    gapsight instruments list
    gapsight instruments show servqual22 --lang nl --org "Veldhuis Facilitair" \\
        --sector "facilitaire dienstverlening"
    gapsight instruments show kto --format json
    gapsight instruments show --file my_survey.yaml     # validate a user's instrument

``show`` prints what respondents read (placeholders filled in) with the item codes
used in every import and export. A file with problems prints each catalogue problem
(``I000`` …, see docs/instruments.md) and exits with code 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.table import Table
from rich.text import Text

from gapsight.cli.common import console, err_console, fail
from gapsight.instruments import InstrumentError, builtin_ids, load_builtin, load_file
from gapsight.instruments.model import Instrument
from gapsight.instruments.render import render

__all__ = ["register"]


FORMATS = ("table", "yaml", "json")
"""Output formats of ``instruments show``."""

LANGUAGES = ("nl", "en")
"""Languages the built-in instruments ship in (a user's file may have others)."""


def _choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    # Checked here rather than by a Typer enum so that a wrong value is one clear line
    # with exit code 1, like every other user error of this command.
    if value not in choices:
        raise fail(f"{option} must be one of {', '.join(choices)}, not {value!r}")
    return value


def register(app: typer.Typer) -> None:
    """Add the ``instruments`` command group to ``app``."""
    group = typer.Typer(
        help="The questionnaires: list the built-ins, show one as respondents read it, "
        "check your own instrument file.",
        no_args_is_help=True,
    )
    group.command("list")(list_instruments)
    group.command("show")(show)
    app.add_typer(group, name="instruments")


def list_instruments(
    lang: str = typer.Option("en", "--lang", help="Language of the titles: nl or en."),
) -> None:
    """List the built-in instruments: id, version, variant, title, items, languages."""
    lang = _choice("--lang", lang, LANGUAGES)
    table = Table(title="Built-in instruments")
    for column in ("id", "version", "variant", "title", "items", "languages", "derived from"):
        table.add_column(
            column,
            justify="right" if column in ("version", "items") else "left",
            no_wrap=column != "title",
        )
    for instrument_id in builtin_ids():
        ins = load_builtin(instrument_id)
        table.add_row(
            ins.id,
            str(ins.version),
            ins.variant,
            ins.text(ins.title, lang),
            str(len(ins.codes())),
            ", ".join(ins.languages),
            ins.derived_from or "",
        )
    console.print(table)


def show(
    instrument_id: str | None = typer.Argument(
        None, metavar="[ID]", help="A built-in instrument id (see `instruments list`)."
    ),
    file: Path | None = typer.Option(
        None, "--file", help="Validate and show an instrument file (YAML or JSON) instead."
    ),
    lang: str = typer.Option("nl", "--lang", help="Language to show, e.g. nl or en."),
    org: str | None = typer.Option(None, "--org", help="Fills {org}, e.g. the client's name."),
    sector: str | None = typer.Option(None, "--sector", help="Fills {sector}, the industry."),
    fmt: str = typer.Option("table", "--format", help="Output: table, yaml or json."),
) -> None:
    """Show an instrument's sections, items and answer scales as respondents read them."""
    fmt = _choice("--format", fmt, FORMATS)
    ins = _load(instrument_id, file)
    try:
        doc = render(ins, lang, org=org, sector=sector)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    elif fmt == "yaml":
        typer.echo(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100), nl=False)
    else:
        _print_table(doc)


def _load(instrument_id: str | None, file: Path | None) -> Instrument:
    if instrument_id is not None and file is not None:
        raise fail("give either a built-in instrument ID or --file PATH, not both")
    if file is not None:
        if not file.is_file():
            raise fail(f"no such file: {file}")
        try:
            return load_file(file)
        except InstrumentError as exc:
            err_console.print(
                f"[bold red]error:[/] {file} is not a valid instrument "
                f"({len(exc.problems)} problem(s)):",
                highlight=False,
            )
            for p in exc.problems:
                err_console.print(
                    Text.assemble(("  " + p.code, "bold"), f"  {p.where}: {p.message}")
                )
            err_console.print("The problem codes are explained in docs/instruments.md.")
            raise typer.Exit(1) from None
    if instrument_id is None:
        raise fail("give a built-in instrument ID (see `gapsight instruments list`) or --file PATH")
    try:
        return load_builtin(instrument_id)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None


def _answers(item: dict[str, Any]) -> str:
    if item["kind"] == "text":
        return "(free text)"
    if item["kind"] == "points":
        text = f"points {item['describe'].removeprefix('an integer ')}"
    else:
        labelled = [a for a in item["answers"] if a["label"]]
        values = [a["value"] for a in item["answers"]]
        if item["kind"] == "choice":
            text = "\n".join(f"{a['value']} = {a['label']}" for a in item["answers"])
        elif len(labelled) == len(values):
            text = "\n".join(f"{a['value']} = {a['label']}" for a in labelled)
        else:
            ends = ", ".join(f"{a['value']} = {a['label']}" for a in labelled)
            text = f"{min(values)}–{max(values)}" + (f" ({ends})" if ends else "")
    if item["dont_know"]:
        text += f"\nor: {item['dont_know']}"
    return text


def _print_table(doc: dict[str, Any]) -> None:
    console.print(Text.assemble((doc["title"], "bold"), f"  ({doc['ref']}, {doc['variant']})"))
    if doc["derived_from"]:
        console.print(f"derived from {doc['derived_from']}", highlight=False)
    if doc["combined_from"]:
        console.print(f"combined from {', '.join(doc['combined_from'])}", highlight=False)
    if doc["always_anonymous"]:
        console.print("always anonymous", highlight=False)
    if doc["intro"]:
        console.print(doc["intro"], highlight=False, markup=False)
    for sec in doc["sections"]:
        title = sec["title"]
        if sec["module"]:
            state = "on" if sec["on_by_default"] else "off"
            title += f"  [module {sec['module']}, {state} by default]"
        heading = Text(title, style="bold")
        if sec["intro"]:
            heading.append("\n" + sec["intro"], style="italic")
        table = Table(title=heading, title_justify="left", expand=True)
        table.add_column("code", no_wrap=True)
        table.add_column("question", ratio=3)
        table.add_column("answers", ratio=2)
        table.add_column("dimension", no_wrap=True)
        for item in sec["items"]:
            question = item["text"] + ("" if item["required"] else " (optional)")
            table.add_row(
                item["code"],
                Text(question),
                Text(_answers(item)),
                item["dimension"] or "",
            )
        console.print()
        console.print(table)
    for c in doc["constraints"]:
        console.print(
            f"constraint: {' + '.join(c['codes'])} = {c['total']}", highlight=False, markup=False
        )
