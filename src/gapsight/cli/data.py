"""``gapsight import`` and ``gapsight export``: move survey data in and out."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from gapsight.cli import common

KINDS = ("responses", "sample")


def import_(
    file: Path = typer.Argument(
        ..., help="CSV, Excel (.xlsx), SPSS (.sav) or Parquet file.", show_default=False
    ),
    study: int = typer.Option(..., "--study", help="Study id (see `gapsight study list`)."),
    kind: str = typer.Option(
        "responses", "--kind", help="responses (answers) or sample (contacts to invite)."
    ),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        help="YAML mapping file: file columns → item codes, don't-know codes, "
        "characteristics (see docs/import-export.md).",
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="csv, xlsx, sav or parquet; default: from the file suffix."
    ),
    anonymous: bool | None = typer.Option(
        None,
        "--anonymous/--identified",
        help="Store responses as anonymous or identified; default: the study's setting "
        "(choice → anonymous).",
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Import responses or a sample (contacts) into a study.

    Every value is checked against the instrument first; a file with any problem is
    rejected as a whole (nothing is stored) with a list of the problems: row, column,
    value and what was expected. Exit code 1 on rejection.

    Example: gapsight import --study 3 agency-2026.sav --mapping agency.yaml
    """
    from gapsight.io import ImportRejected
    from gapsight.io.table import MAX_SHOWN
    from gapsight.services.imports import import_responses, import_sample
    from gapsight.services.setup import open_database
    from gapsight.store.database import unit_of_work

    if kind not in KINDS:
        raise common.UserError(f"--kind {kind!r}: expected responses or sample")
    if not file.is_file():
        raise common.UserError(f"{file}: no such file")
    engine = open_database(common.settings(data_dir, database_url))
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
    )
    try:
        with Progress(
            *columns,
            console=common.err_console,
            transient=True,
            disable=not common.err_console.is_terminal,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    label = "reading and checking" if phase == "read" else "storing"
                    tasks[phase] = bar.add_task(label, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            try:
                with unit_of_work(engine) as session:
                    if kind == "responses":
                        result = import_responses(
                            session,
                            study,
                            file,
                            mapping_path=mapping,
                            fmt=fmt,
                            anonymous=anonymous,
                            progress=progress,
                        )
                    else:
                        result = import_sample(
                            session, study, file, mapping_path=mapping, fmt=fmt, progress=progress
                        )
            except ImportRejected as exc:
                bar.stop()
                _rejected(exc, MAX_SHOWN)
                raise typer.Exit(1) from None
    finally:
        engine.dispose()
    what = "responses" if result.kind == "responses" else "contacts"
    common.console.print(f"Imported {result.rows} {what} into study {result.study_id}.")
    if result.statuses:
        common.console.print(
            "  " + ", ".join(f"{n} {s}" for s, n in sorted(result.statuses.items()))
        )
    if result.characteristics:
        common.console.print(
            "  characteristics: "
            + ", ".join(f"{k} ({v})" for k, v in result.characteristics.items())
        )


def _rejected(exc: object, cap: int) -> None:
    from gapsight.io import ImportRejected

    if not isinstance(exc, ImportRejected):
        return
    err = common.err_console
    err.print(
        f"[bold red]error:[/] {exc.source}: not imported, {len(exc.problems)} problem(s); "
        "nothing was stored.",
        highlight=False,
    )
    for problem in exc.problems[:cap]:
        err.print(f"  - {problem}", highlight=False, markup=False)
    if len(exc.problems) > cap:
        err.print(f"  … and {len(exc.problems) - cap} more problem(s)")


def export(
    study: int = typer.Option(..., "--study", help="Study id (see `gapsight study list`)."),
    out: Path = typer.Option(..., "--out", help="File to write."),
    fmt: str | None = typer.Option(
        None, "--format", help="csv, xlsx, sav or parquet; default: from the --out suffix."
    ),
    lang: str = typer.Option(
        "en", "--lang", help="Language of variable and value labels: nl or en."
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Export a study's responses to CSV, Excel, SPSS or Parquet.

    Files carry labels (SPSS variable and value labels and missing codes; an Excel
    codebook) and the loaded characteristics as columns. Anonymous responses are
    exported without any identifying field.

    Example: gapsight export --study 3 --out kto-2026.sav --lang nl
    """
    from gapsight.services.exports import export_wave
    from gapsight.services.setup import open_database
    from gapsight.store.database import unit_of_work

    if lang not in ("nl", "en"):
        raise common.UserError(f"--lang {lang!r}: expected nl or en")
    engine = open_database(common.settings(data_dir, database_url))
    try:
        with (
            common.console.status(f"Exporting study {study} …"),
            unit_of_work(engine) as session,
        ):
            rows = export_wave(session, study, out, fmt=fmt, lang=lang)
    finally:
        engine.dispose()
    common.console.print(f"Exported {rows} responses of study {study} to {out}.")


def register(app: typer.Typer) -> None:
    """Add ``import`` and ``export``."""
    app.command("import")(import_)
    app.command("export")(export)
