"""``gapsight report``: the research report of a stored wave as PDF, HTML or Excel."""

from __future__ import annotations

import enum
from pathlib import Path

import typer

from gapsight.cli import common


class ReportFormat(enum.StrEnum):
    """Output formats of ``gapsight report``."""

    pdf = "pdf"
    html = "html"
    xlsx = "xlsx"


class ReportKind(enum.StrEnum):
    """Kinds of report."""

    research = "research"
    summary = "summary"


class ReportLang(enum.StrEnum):
    """Languages of the report."""

    nl = "nl"
    en = "en"


def report(
    study: int = typer.Option(..., "--study", help="Id of the wave to report on."),
    output_format: ReportFormat = typer.Option(
        ReportFormat.pdf, "--format", help="pdf (A4, page numbers, contents), html or xlsx."
    ),
    lang: ReportLang = typer.Option(ReportLang.nl, "--lang", help="Language of the report."),
    kind: ReportKind = typer.Option(
        ReportKind.research,
        "--kind",
        help="research: the full report; summary: the management summary (two pages).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="File to write; default: report-<study>.<lang>.<format>."
    ),
    recommendations: Path | None = typer.Option(
        None,
        "--recommendations",
        help="Store this UTF-8 text file as the wave's recommendations before rendering "
        "(blank lines separate paragraphs, '- ' starts a list item; an empty file "
        "removes them).",
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Write the research report of one wave: conclusions, recommendations, method,
    response and margin of error, results, breakdowns, trend and the questionnaire.

    Example: gapsight report --study 2 --format pdf --lang en --out report.pdf
    """
    from gapsight.services.report_texts import set_recommendations
    from gapsight.services.reporting import Timings, render_report
    from gapsight.store.database import make_engine, unit_of_work

    settings = common.settings(data_dir, database_url)
    engine = make_engine(settings)
    try:
        if recommendations is not None:
            text = recommendations.read_text("utf-8")
            with unit_of_work(engine) as session:
                set_recommendations(session, study, text)
        timings = Timings()
        with common.err_console.status("Writing the report …"):
            data = render_report(
                engine,
                study,
                fmt=output_format.value,
                lang=lang.value,
                kind=kind.value,
                timings=timings,
            )
    finally:
        engine.dispose()
    stem = "report" if kind is ReportKind.research else "summary"
    target = out or Path(f"{stem}-{study}.{lang.value}.{output_format.value}")
    target.write_bytes(data)
    spent = ", ".join(f"{k} {v:.1f} s" for k, v in timings.seconds.items())
    common.err_console.print(f"Wrote {target} ({len(data):,} bytes; {spent}).", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``gapsight report``."""
    app.command("report")(report)
