"""``gapsight signals …`` end to end on an initialised SQLite data directory."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner, Result

from gapsight.cli import setup, signals


def _runner(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test shell."""

    setup.register(app)
    signals.register(app)
    data_dir = tmp_path / "data"

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            app,
            [*args, "--data-dir", str(data_dir)],
            env={"COLUMNS": "200", "GAPSIGHT_DATABASE_URL": "", "GAPSIGHT_DATA_DIR": ""},
        )

    return invoke


def test_add_list_import_report_trends(tmp_path: Path) -> None:
    run = _runner(tmp_path)
    assert run("init", "--admin-password", "long enough").exit_code == 0
    common = [
        "--registrar",
        "Ann",
        "--client-organisation",
        "Gemeente A",
        "--client-group",
        "Sociaal domein",
        "--service-domain",
        "Werkplek",
    ]
    added = run(
        "signals",
        "add",
        "--channel",
        "phone",
        *common,
        "--category",
        "Klacht",
        "--description",
        "No laptop",
        "--supplier",
        "ICT-Partner",
        "--tags",
        "late delivery",
        "--received",
        "2026-03-02T10:00",
    )
    assert added.exit_code == 0, added.output
    assert "signal 1 registered (new)" in added.output
    bad = run(
        "signals",
        "add",
        "--channel",
        "fax",
        *common,
        "--category",
        "complaint",
        "--description",
        "x",
    )
    assert bad.exit_code == 1 and "channel must be one of" in str(bad.exception)
    export = tmp_path / "export.csv"
    export.write_text(
        "Melddatum,Klantorganisatie,Klantgroep,Domein,Categorie,Omschrijving,Leverancier,Thema\n"
        + "".join(
            f"2026-03-{d:02d},Gemeente A,Financien,Werkplek,complaint,Late,ICT-Partner,"
            "late delivery\n"
            for d in (3, 4, 5, 9)
        ),
        encoding="utf-8",
    )
    rejected = run("signals", "import", str(export), "--registrar", "Export")
    assert rejected.exit_code == 1 and "Melddatum" in str(rejected.exception)
    imported = run(
        "signals",
        "import",
        str(export),
        "--registrar",
        "Export",
        "--column",
        "Melddatum=received_at",
    )
    assert imported.exit_code == 0, imported.output
    assert "4 signals imported" in imported.output
    listed = run("signals", "list", "--supplier", "ICT-Partner")
    assert listed.exit_code == 0 and listed.output.count("ICT-Partner") == 5
    report = run("signals", "report", "--month", "2026-03", "--supplier", "ICT-Partner", "--json")
    assert report.exit_code == 0, report.output
    assert '"total": 5' in report.output
    bundles = run("signals", "report", "--month", "2026-03")
    assert bundles.exit_code == 0 and "Export" in bundles.output
    trends = run("signals", "trends", "--month", "2026-03", "--notify")
    assert trends.exit_code == 0 and "rising late-delivery: 5 this period" in trends.output
    clocks = run("signals", "clocks")
    assert clocks.exit_code == 0 and "messages queued" in clocks.output
    # the rendered reports, with an explanation stored first
    text = tmp_path / "explanation.txt"
    text.write_text("Late deliveries after the supplier's move.", encoding="utf-8")
    pdf = tmp_path / "ict.pdf"
    written = run(
        "signals",
        "report",
        "--month",
        "2026-03",
        "--supplier",
        "ICT-Partner",
        "--explanation",
        str(text),
        "-o",
        str(pdf),
    )
    assert written.exit_code == 0, written.output
    assert pdf.read_bytes().startswith(b"%PDF")
    html = tmp_path / "bundle.html"
    assert (
        run("signals", "report", "--month", "2026-03", "--lang", "en", "-o", str(html)).exit_code
        == 0
    )
    assert "Monthly signals bundle" in html.read_text(encoding="utf-8")
    assert (
        run("signals", "report", "--month", "2026-03", "-o", str(tmp_path / "x.doc")).exit_code == 1
    )
    ticked = run("signals", "tick", "--now", "2026-04-02T09:00+02:00")
    assert ticked.exit_code == 0, ticked.output
    assert "clock messages queued" in ticked.output
    assigned = run("signals", "assign", "--user", "admin@gapsight.local", "--group", "Onderwijs")
    assert assigned.exit_code == 0 and "client manager of: Onderwijs" in assigned.output
    assert run("signals", "assign", "--user", "nobody@x.example").exit_code == 1
