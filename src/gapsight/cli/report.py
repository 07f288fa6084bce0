"""``gapsight report``: the research report of a stored wave as PDF, HTML or Excel, or
one of its short versions (customer and employee feedback, management summary)."""

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
    customer_feedback = "customer-feedback"
    employee_feedback = "employee-feedback"
    management = "management"
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
        help="research: the full report; customer-feedback: 'you said, we did' for "
        "customers; employee-feedback: customer, employee and mirror results for staff; "
        "management (or summary): the management summary.",
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
    verdict: list[str] = typer.Option(
        [],
        "--verdict",
        help="Record a verdict on gap 2, 3 or 4 before rendering, as "
        "'GAP=VERDICT[@SHARE]:EXPLANATION' (verdict present, partly or absent; SHARE "
        "between 0 and 1), e.g. --verdict '3=partly@0.82:call-back standard met in 82 %'. "
        "Repeatable; 'GAP=' alone removes the verdict.",
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
    from gapsight.services.verdicts import clear_verdict, set_verdict
    from gapsight.store.database import make_engine, unit_of_work

    settings = common.settings(data_dir, database_url)
    engine = make_engine(settings)
    try:
        if recommendations is not None:
            text = recommendations.read_text("utf-8")
            with unit_of_work(engine) as session:
                set_recommendations(session, study, text)
        if verdict:
            parsed = [_parse_verdict(v) for v in verdict]
            with unit_of_work(engine) as session:
                for gap, value, share, explanation in parsed:
                    if value is None:
                        clear_verdict(session, study, gap)
                    else:
                        set_verdict(
                            session,
                            study,
                            gap=gap,
                            verdict=value,
                            explanation=explanation,
                            size=share,
                        )
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
    stem = "report" if kind is ReportKind.research else kind.value
    target = out or Path(f"{stem}-{study}.{lang.value}.{output_format.value}")
    target.write_bytes(data)
    spent = ", ".join(f"{k} {v:.1f} s" for k, v in timings.seconds.items())
    common.err_console.print(f"Wrote {target} ({len(data):,} bytes; {spent}).", highlight=False)


def _parse_verdict(text: str) -> tuple[int, str | None, float | None, str]:
    """``'3=partly@0.82:why'`` → ``(3, "partly", 0.82, "why")``; ``'3='`` → removal."""
    head, _, explanation = text.partition(":")
    gap, eq, rest = head.partition("=")
    if not eq or not gap.strip().isdigit():
        raise typer.BadParameter(f"expected GAP=VERDICT[@SHARE]:EXPLANATION, got {text!r}")
    value, _, share = rest.partition("@")
    try:
        size = float(share) if share.strip() else None
    except ValueError:
        raise typer.BadParameter(f"the share must be a number, got {share!r}") from None
    return int(gap), value.strip() or None, size, explanation.strip()


def register(app: typer.Typer) -> None:
    """Add ``gapsight report``."""
    app.command("report")(report)
