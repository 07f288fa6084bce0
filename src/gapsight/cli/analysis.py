"""``gapsight analyze``: the full analysis of one wave, as tables or as a JSON document.

The data come from a file (``--input``: CSV, Excel or SPSS, columns named by item code)
or from a stored wave (``--study``). The command parses the options, calls
:func:`gapsight.analyst.analyze` once, builds the document of
:mod:`gapsight.services.analysis_document`, and either prints it as Rich tables or
writes it as JSON (``docs/analysis-json.md``). The tables are drawn from the document,
so both formats always show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from gapsight.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from gapsight.analysis.matrix import ResponseMatrix
    from gapsight.instruments import Instrument


class Format(StrEnum):
    """Output format."""

    table = "table"
    json = "json"


class AggregationChoice(StrEnum):
    """SERVQUAL aggregation."""

    item_means = "item-means"
    respondent = "respondent"


class MissingChoice(StrEnum):
    """Missing-data rule for reliability."""

    listwise = "listwise"
    pairwise = "pairwise"


class WeightChoice(StrEnum):
    """Importance points not summing to 100."""

    reject = "reject"
    renormalise = "renormalise"


class AdjustChoice(StrEnum):
    """Multiple-comparison adjustment of the item tests."""

    holm = "holm"
    bh = "bh"
    none = "none"


class NormChoice(StrEnum):
    """The norm's improvement rule (``certification.md``)."""

    points = "points"
    relative = "relative"


def read_table(
    path: Path,
    instrument: Instrument,
    dont_know_code: float | None,
    mapping_file: Path | None,
    by: Sequence[str] = (),
) -> ResponseMatrix:
    """The validated response matrix of a CSV, Excel, SPSS or Parquet file, read with
    :func:`gapsight.io.read_responses` (the same checks as an import: every problem is
    listed, nothing is analysed from a file with errors). Columns that are no item of
    the instrument are ignored unless a mapping file says otherwise; the columns named
    in ``by`` are read as (string) characteristics when the mapping does not declare
    them."""
    from dataclasses import replace

    from gapsight.analysis.matrix import ResponseMatrix
    from gapsight.io import Characteristic, ImportMapping, read_mapping, read_responses

    if not path.is_file():
        raise common.UserError(f"no such file: {path}")
    if mapping_file is not None:
        mapping = read_mapping(mapping_file)
    else:
        mapping = ImportMapping(unknown_columns="ignore")
    if dont_know_code is not None:
        mapping = replace(mapping, dont_know=(*mapping.dont_know, float(dont_know_code)))
    undeclared = {b: Characteristic(column=b) for b in by if b not in mapping.characteristics}
    if undeclared:
        mapping = replace(mapping, characteristics={**mapping.characteristics, **undeclared})
    table = read_responses(path, instrument, mapping=mapping)
    m = table.matrix
    if not m.codes:
        example = ", ".join(instrument.numeric_codes()[:4])
        raise common.UserError(
            f"none of the items of {instrument.id} is a column of {path.name}; expected "
            f"columns named by item code, such as {example} (or give --mapping)"
        )
    if table.characteristics.empty:
        return m
    chars = {str(c): table.characteristics[c].to_numpy() for c in table.characteristics.columns}
    return ResponseMatrix(
        codes=m.codes, values=m.values, dont_know=m.dont_know, characteristics=chars
    )


@dataclass(frozen=True)
class StoredWave:
    """What ``--study`` reads: the wave, its settings, and the wave it follows."""

    matrix: ResponseMatrix
    instrument: Instrument
    defaults: dict[str, Any]
    source: str
    previous: ResponseMatrix | None
    previous_instrument: Instrument | None


def _load_study(study: int, data_dir: Path | None, database_url: str | None) -> StoredWave:
    """The matrix, instrument and study settings of stored wave ``study``, the
    organisation's norm rule, and the matrix of the wave it follows (if any)."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from gapsight.analyst.inputs import restrict_to_modules
    from gapsight.services.reporting import norm_rule_of
    from gapsight.services.responses import load_wave
    from gapsight.store.database import make_engine
    from gapsight.store.models import Organisation

    settings = common.settings(data_dir, database_url)
    engine = make_engine(settings)
    try:
        wave = load_wave(engine, study)
        before = (
            load_wave(engine, wave.study.previous_wave_id)
            if wave.study.previous_wave_id is not None
            else None
        )
        with engine.connect() as conn:
            org_settings = conn.execute(
                select(Organisation.settings).where(Organisation.id == wave.study.organisation_id)
            ).scalar_one_or_none()
    except SQLAlchemyError as exc:
        raise common.UserError(
            f"cannot read study {study} from {settings.database_url}: "
            f"{str(exc).splitlines()[0]} (is the database up to date? `gapsight db upgrade`)"
        ) from None
    finally:
        engine.dispose()
    defaults = {
        "min_group_size": wave.study.min_group_size,
        "confidence": wave.study.confidence_level,
        "population": wave.study.population_size,
        "norm_relative": norm_rule_of(org_settings).relative,
    }
    matrix = restrict_to_modules(wave.matrix, wave.instrument, wave.study.modules)
    return StoredWave(
        matrix=matrix,
        instrument=wave.instrument,
        defaults=defaults,
        source=f"study {study} ({wave.study.name})",
        previous=None
        if before is None
        else restrict_to_modules(before.matrix, before.instrument, before.study.modules),
        previous_instrument=None if before is None else before.instrument,
    )


def analyze(
    instrument: list[str] = typer.Option(
        [],
        "--instrument",
        "-i",
        help="Instrument id, e.g. servqual22; repeat for a combined questionnaire "
        "(--instrument servqual22 --instrument kto). Not needed with --study.",
    ),
    input_file: Path | None = typer.Option(
        None,
        "--input",
        help="Responses file: .csv, .xlsx, .sav or .parquet, columns named by item code.",
    ),
    mapping_file: Path | None = typer.Option(
        None, "--mapping", help="Import mapping (YAML) for files whose columns differ."
    ),
    study: int | None = typer.Option(
        None, "--study", help="Analyse a stored wave (study id) instead of a file."
    ),
    output_format: Format = typer.Option(Format.table, "--format", help="table or json."),
    dont_know_code: float | None = typer.Option(
        None, "--dont-know-code", help='The number that codes "don\'t know" (missing).'
    ),
    aggregation: AggregationChoice = typer.Option(
        AggregationChoice.item_means,
        "--aggregation",
        help="SERVQUAL dimensions as the mean of item means, or respondent-level.",
    ),
    round_item_means: bool = typer.Option(
        False, "--round-item-means", help="Average item means rounded to 2 decimals."
    ),
    missing: MissingChoice = typer.Option(
        MissingChoice.listwise, "--missing", help="Reliability: listwise (as SPSS) or pairwise."
    ),
    adjust: AdjustChoice = typer.Option(
        AdjustChoice.holm, "--adjust", help="Adjust the item p-values: holm, bh or none."
    ),
    weights: WeightChoice = typer.Option(
        WeightChoice.reject,
        "--weights",
        help="Importance points not summing to 100: reject the respondent or renormalise.",
    ),
    confidence: float | None = typer.Option(
        None, "--confidence", help="Confidence level of every interval (default 0.95)."
    ),
    population: int | None = typer.Option(
        None,
        "--population",
        help="Population size, for the finite population correction of the margin of "
        "error (with --study: the study's).",
    ),
    previous_file: Path | None = typer.Option(
        None,
        "--previous",
        help="The previous wave's responses (same instrument and columns), so that the "
        "CVS and grade norms can be met by improvement. With --study: the wave it follows.",
    ),
    norm: NormChoice | None = typer.Option(
        None,
        "--norm",
        help="The norm's improvement rule: points (+1.0, the default) or relative "
        "(+10 %). With --study: the organisation's setting.",
    ),
    by: list[str] = typer.Option(
        [],
        "--by",
        help="Break every item down by this characteristic (repeatable); groups below "
        "the minimum size are suppressed.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write the output to this file instead of the terminal."
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Analyse one wave: descriptives, SERVQUAL gaps with tests, reliability, CVS, NPS
    and report grades.

    Example: gapsight analyze --instrument servqual22 --input wave.csv --dont-know-code 8
    """
    from gapsight.analyst.analysis import analyze_matrix
    from gapsight.analyst.inputs import resolve_instrument
    from gapsight.analyst.options import AnalysisOptions
    from gapsight.services.analysis_document import build_document, dumps

    if input_file is not None and study is not None:
        raise common.UserError("give either --input FILE or --study ID, not both")
    values: dict[str, Any] = {
        "aggregation": aggregation.value,
        "round_item_means": round_item_means,
        "missing": missing.value,
        "adjust": adjust.value,
        "weight_rule": weights.value,
        "dont_know_code": dont_know_code,
    }
    if confidence is not None:
        values["confidence"] = confidence
    if population is not None:
        values["population"] = population
    if norm is not None:
        values["norm_relative"] = norm is NormChoice.relative
    previous: ResponseMatrix | None = None
    previous_ins: Instrument | None = None
    if input_file is not None:
        if not instrument:
            raise common.UserError("--instrument is required with --input (e.g. servqual22)")
        options = AnalysisOptions(**values)
        ins = resolve_instrument(list(instrument))
        matrix = read_table(input_file, ins, dont_know_code, mapping_file, by)
        source = input_file.name
        if previous_file is not None:
            previous = read_table(previous_file, ins, dont_know_code, mapping_file, ())
            previous_ins = ins
    elif study is not None:
        if previous_file is not None:
            raise common.UserError(
                "--previous is for --input files; with --study the previous wave is the "
                "one the study follows"
            )
        stored = _load_study(study, data_dir, database_url)
        matrix, ins, source = stored.matrix, stored.instrument, stored.source
        previous, previous_ins = stored.previous, stored.previous_instrument
        options = AnalysisOptions(**{**stored.defaults, **values})
        if instrument and list(instrument) != [ins.id]:
            raise common.UserError(
                f"study {study} was answered on {ins.ref}; leave out --instrument or give "
                f"--instrument {ins.id}"
            )
        if dont_know_code is not None:
            from gapsight.analyst.inputs import to_matrix

            matrix = to_matrix(matrix, ins, dont_know_code=dont_know_code)
    else:
        raise common.UserError("give --input FILE (with --instrument) or --study ID")
    with common.err_console.status("Analysing …"):
        before = (
            analyze_matrix(previous, previous_ins, options)
            if previous is not None and previous_ins is not None
            else None
        )
        result = analyze_matrix(matrix, ins, options, by=_check_by(matrix, by), previous=before)
        document = build_document(result, source=source)
    if output_format is Format.json:
        text = dumps(document) + "\n"
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, "utf-8")
        return
    from rich.console import Console

    if out is None:
        # a pipe or a captured run gets 120 columns rather than Rich's 80
        wide = common.console if common.console.is_terminal else Console(width=120)
        render(document, wide)
        return
    with out.open("w", encoding="utf-8") as fh:
        render(document, Console(file=fh, width=120, no_color=True))


def _check_by(matrix: ResponseMatrix, by: Sequence[str]) -> list[str]:
    missing = [b for b in by if b not in matrix.characteristics]
    if missing:
        have = ", ".join(matrix.characteristics) or "none"
        raise common.UserError(
            f"no characteristic {', '.join(missing)} in the data (available: {have})"
        )
    return list(by)


# ----------------------------------------------------------------------- rendering
def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def _p(value: Any) -> str:
    if value is None:
        return "–"
    return "<.001" if value < 0.001 else f"{value:.3f}"


def stars(p: float | None) -> str:
    """Significance marks of an (adjusted) p-value: *** < .001, ** < .01, * < .05."""
    if p is None:
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _notes(rows: Sequence[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for row in rows:
        for key, reason in row.get("reasons", {}).items():
            subject = row.get("code") or row.get("dimension") or row.get("scale") or ""
            line = f"{subject} {key}: {reason}".strip()
            if line not in seen:
                seen.append(line)
    return seen


def render(document: dict[str, Any], console: Console) -> None:
    """Print the document as readable tables (SERVQUAL, reliability, CVS, NPS, grades)."""
    from functools import partial

    from rich import box
    from rich.table import Table as RichTable

    Table = partial(RichTable, box=box.SIMPLE_HEAD, title_justify="left")
    opts = document["options"]
    ins = document["instrument"]
    console.print(
        f"[bold]{ins['id']}@{ins['version']}[/]  {document['source'] or ''}  "
        f"n = {document['n']:,}  (confidence {opts['confidence']:.0%}, "
        f"adjust {opts['adjust']}, reliability {opts['missing']})",
        highlight=False,
    )
    console.print(document["precision"]["sentence_en"], highlight=False)
    sq = document.get("servqual")
    if sq is not None:
        t = Table(title=f"SERVQUAL items (gap = P − E; p adjusted: {sq['adjust']})")
        for col in ("item", "dimension", "E", "P", "gap", "n", "t", "p adj.", "d_z", "CI", ""):
            t.add_column(col, justify="left" if col in ("item", "dimension") else "right")
        for it in sq["items"]:
            ci = "–" if it["ci_low"] is None else f"[{_num(it['ci_low'])}, {_num(it['ci_high'])}]"
            t.add_row(
                it["code"], it["dimension"], _num(it["expectation"]), _num(it["perception"]),
                _num(it["gap"]), _num(it["n_pairs"]), _num(it["t"]), _p(it["p_adjusted"]),
                _num(it["d_z"]), ci, stars(it["p_adjusted"]),
            )  # fmt: skip
        console.print(t)
        t = Table(title=f"SERVQUAL dimensions ({sq['aggregation_label']})")
        for col in ("dimension", "E", "P", "gap"):
            t.add_column(col, justify="left" if col == "dimension" else "right")
        for d in sq["dimensions"]:
            t.add_row(d["dimension"], _num(d["expectation"]), _num(d["perception"]), _num(d["gap"]))
        o = sq["overall"]
        t.add_row("[bold]overall[/]", _num(o["expectation"]), _num(o["perception"]), _num(o["gap"]))
        if "weighted_gap" in o:
            t.add_row("weighted gap", "", "", _num(o["weighted_gap"]))
        console.print(t)
        for line in _notes([*sq["items"], *sq["dimensions"], o]):
            console.print(f"  note: {line}", highlight=False)
    sp = document.get("servperf")
    if sq is None and sp is not None:
        t = Table(title="SERVPERF (perceptions only)")
        for col in ("dimension", "k", "perception"):
            t.add_column(col, justify="left" if col == "dimension" else "right")
        for d in sp["dimensions"]:
            t.add_row(d["dimension"], str(d["k"]), _num(d["perception"]))
        t.add_row("[bold]overall[/]", "", _num(sp["overall"]["perception"]))
        console.print(t)
    rel = document.get("reliability")
    if rel:
        t = Table(title=f"Reliability (Cronbach's alpha, {opts['missing']})")
        for col in ("scale", "k", "n", "alpha", "std. alpha", "CI", "lowest item–rest r"):
            t.add_column(col, justify="left" if col == "scale" else "right")
        for s in rel:
            ci = (
                "–" if s["ci_low"] is None else f"[{_num(s['ci_low'], 3)}, {_num(s['ci_high'], 3)}]"
            )
            rs = [i["item_rest_r"] for i in s["items"] if i["item_rest_r"] is not None]
            t.add_row(
                s["scale"], str(s["k"]), _num(s["n"]), _num(s["alpha"], 3),
                _num(s["standardized_alpha"], 3), ci, _num(min(rs), 3) if rs else "–",
            )  # fmt: skip
        console.print(t)
        for line in _notes(rel):
            console.print(f"  note: {line}", highlight=False)
    cvs = document.get("cvs")
    nps = document.get("nps")
    if cvs is not None or nps is not None:
        t = Table(title="Customer Value Score and NPS")
        for col in ("measure", "score", "CI", "n"):
            t.add_column(col, justify="left" if col == "measure" else "right")
        if cvs is not None:
            t.add_row(
                "CVS", _num(cvs["score"]), f"[{_num(cvs['ci_low'])}, {_num(cvs['ci_high'])}]",
                _num(cvs["n"]),
            )  # fmt: skip
            for part in cvs["parts"]:
                t.add_row(f"  {part['code']}", _num(part["mean"]), "", _num(part["n"]))
        if nps is not None:
            label = "eNPS" if nps.get("code") == "enps" else "NPS"
            t.add_row(
                f"{label} ({nps['promoters']} P / {nps['passives']} / {nps['detractors']} D)",
                _num(nps["score"], 1),
                f"[{_num(nps['ci_low'], 1)}, {_num(nps['ci_high'], 1)}]",
                _num(nps["n"]),
            )
        console.print(t)
        if nps is not None and nps["margin_worst_case"] is not None:
            console.print(
                f"  {label}: worst-case margin ±{_num(nps['margin_worst_case'], 1)} points at "
                f"{opts['confidence']:.0%} (100·z/√n; about 196/√n at 95%) — small samples "
                "give wide NPS intervals",
                highlight=False,
            )
        if cvs is not None:
            console.print(f"  CVS norm: {_norm(cvs)}", highlight=False)
    grades = document.get("grades")
    if grades:
        t = Table(title="Report grades (1–10)")
        for col in ("grade", "mean", "SD", "CI", "n", "≥ 7", "≤ 5"):
            t.add_column(col, justify="left" if col == "grade" else "right")
        for g in grades:
            t.add_row(
                g["code"], _num(g["mean"]), _num(g["sd"]),
                f"[{_num(g['ci_low'])}, {_num(g['ci_high'])}]", _num(g["n"]),
                _share(g["share_sufficient"]), _share(g["share_insufficient"]),
            )  # fmt: skip
        console.print(t)
        for g in grades:
            console.print(f"  {g['code']} norm: {_norm(g)}", highlight=False)
    for drv in document.get("drivers", []):
        t = Table(
            title=f"Key drivers of {drv['outcome']} (n = {drv['n']:,}, "
            f"R² = {_num(drv['r_squared'], 3)})"
        )
        for col in ("driver", "r", "CI of r", "LMG", "share of R²", "rank"):
            t.add_column(col, justify="left" if col == "driver" else "right")
        for d in drv["drivers"]:
            ci = (
                "–" if d["r_ci_low"] is None else f"[{_num(d['r_ci_low'])}, {_num(d['r_ci_high'])}]"
            )
            t.add_row(
                d["name"], _num(d["r"]), ci, _num(d["lmg"], 3), _share(d["lmg_share"]),
                str(d["rank"]),
            )  # fmt: skip
        console.print(t)
    ipa = document.get("importance_performance")
    if ipa is not None:
        t = Table(title="Importance–performance (crosshairs at the grand means)")
        for col in ("dimension", "performance", "importance", "quadrant"):
            t.add_column(col, justify="right" if col in ("performance", "importance") else "left")
        for p in ipa["points"]:
            quadrant = (p["quadrant"] or "–").replace("_", " ")
            t.add_row(p["name"], _num(p["performance"]), _num(p["importance"], 3), quadrant)
        console.print(t)
    for by, rows in document.get("breakdowns", {}).items():
        _render_breakdown(by, rows, console, Table)
    for section, reason in document["reasons"].items():
        console.print(f"[dim]{section}: not computed — {reason}[/]", highlight=False)
    for w in document["warnings"]:
        console.print(f"[yellow]warning:[/] {w['message']}", highlight=False)


BREAKDOWN_SCORES = ("cvs", "nps")
"""Besides the SERVQUAL gaps, the scores a breakdown table shows per group."""


def _render_breakdown(by: str, rows: list[dict[str, Any]], console: Console, table: Any) -> None:
    """Groups as rows; the respondent-level gaps, CVS and NPS as columns."""
    shown = [r for r in rows if r["code"].startswith("gap.") or r["code"] in BREAKDOWN_SCORES]
    if not shown:
        shown = rows[:6]
    t = table(title=f"Breakdown by {by} (suppressed: –; minimum group size applies)")
    t.add_column(by)
    t.add_column("n", justify="right")
    for r in shown:
        t.add_column(r["code"], justify="right")

    def value(cell: dict[str, Any]) -> Any:
        return cell.get("value", cell.get("mean"))

    groups = [c["group"] for c in shown[0]["groups"]] + ["total"]
    for i, group in enumerate(groups):
        cells = [r["total"] if group == "total" else r["groups"][i] for r in shown]
        n = cells[0]["n"]
        t.add_row(
            "(missing)" if group is None else str(group),
            _num(n),
            *[
                _num(value(c), 1 if r["code"] == "nps" else 2)
                for r, c in zip(shown, cells, strict=True)
            ],
        )
    console.print(t)


def _norm(section: dict[str, Any]) -> str:
    """The guideline norm verdict and the rule applied (``certification.md``)."""
    verdict = "met" if section["norm_met"] else "not met"
    return f"{verdict} ({section['norm_rule_applied']}; rule: {section['norm_rule']})"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def register(app: typer.Typer) -> None:
    """Add ``analyze`` to the main command."""
    app.command("analyze")(analyze)
