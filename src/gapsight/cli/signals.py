"""``gapsight signals …``: the signals register (add, list, import, trends, report, clocks).

A thin shell over :mod:`gapsight.services.signals` and
:mod:`gapsight.services.signal_reports`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from gapsight.cli import common

signals_app = typer.Typer(
    help="Signals register: complaints, wishes, compliments …", no_args_is_help=True
)

OrganisationOption: Any = typer.Option(
    None, "--organisation", help="Organisation id; default: the only organisation."
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _org_id(session: Any, organisation: int | None) -> int:
    from gapsight.services import organisations

    if organisation is not None:
        return organisations.get_organisation(session, organisation).id
    orgs = organisations.list_organisations(session)
    if len(orgs) != 1:
        raise common.UserError(
            f"there are {len(orgs)} organisations: choose one with --organisation"
        )
    return orgs[0].id


def _problems(exc: Exception) -> common.UserError:
    from gapsight.domain.problems import InvalidInput
    from gapsight.io.table import ImportRejected

    if isinstance(exc, InvalidInput):
        return common.UserError("; ".join(f"{p.field}: {p.message}" for p in exc.problems))
    if isinstance(exc, ImportRejected):
        return common.UserError(str(exc))
    return common.UserError(str(exc))


@signals_app.command("add")
def add(
    channel: str = typer.Option(
        ..., help="web_form, mailbox, conversation, supplier_report, phone, api."
    ),
    registrar: str = typer.Option(..., help="Who registers the signal."),
    client_organisation: str = typer.Option(..., "--client-organisation"),
    client_group: str = typer.Option(..., "--client-group"),
    service_domain: str = typer.Option(..., "--service-domain"),
    category: str = typer.Option(..., help="Category code or label (e.g. complaint, Klacht)."),
    description: str = typer.Option(...),
    supplier: str | None = typer.Option(None),
    contact_person: str | None = typer.Option(None, "--contact-person"),
    contact_email: str | None = typer.Option(None, "--contact-email"),
    registrar_email: str | None = typer.Option(None, "--registrar-email"),
    supplier_ticket: str | None = typer.Option(None, "--supplier-ticket"),
    tags: str | None = typer.Option(None, help="Theme tags, separated by commas."),
    received: str | None = typer.Option(
        None, help="When it was received (ISO date/time); default: now."
    ),
    within_norms: str | None = typer.Option(
        None, "--within-norms", help="Within the agreed norms: the explanation given."
    ),
    organisation: int | None = OrganisationOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Register one signal and print its id and the client's private status token.

    Example: gapsight signals add --channel phone --registrar Ann
    --client-organisation "Gemeente A" --client-group "Sociaal domein"
    --service-domain Werkplek --category complaint --description "No laptop"
    """
    from gapsight.domain.problems import InvalidInput
    from gapsight.services import signals
    from gapsight.store.database import make_engine, unit_of_work

    values: dict[str, Any] = {
        "channel": channel,
        "registrar": registrar,
        "registrar_email": registrar_email,
        "client_organisation": client_organisation,
        "client_group": client_group,
        "service_domain": service_domain,
        "category": category,
        "description": description,
        "supplier": supplier,
        "contact_person": contact_person,
        "contact_email": contact_email,
        "supplier_ticket": supplier_ticket,
        "theme_tags": tags,
        "within_norms": within_norms is not None,
        "norms_explanation": within_norms,
    }
    if received:
        when = dt.datetime.fromisoformat(received)
        values["received_at"] = when if when.tzinfo else when.astimezone()
    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            org_id = _org_id(session, organisation)
            try:
                reg = signals.register_signal(session, org_id, values, now=_now())
            except InvalidInput as exc:
                raise _problems(exc) from exc
            signal_id, status, promoted = reg.signal.id, reg.signal.status, reg.promoted
    finally:
        engine.dispose()
    common.console.print(
        f"signal {signal_id} registered ({status}{', promoted to a complaint' if promoted else ''})"
    )
    common.err_console.print("private status token (shown once):")
    typer.echo(reg.status_token)


@signals_app.command("list")
def list_(
    status: str | None = typer.Option(None),
    supplier: str | None = typer.Option(None),
    open_only: bool = typer.Option(False, "--open", help="Only open signals."),
    organisation: int | None = OrganisationOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """List signals, oldest first."""
    from gapsight.services import signals
    from gapsight.store.database import make_engine, unit_of_work

    table = Table("id", "received", "channel", "client group", "supplier", "category", "status")
    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            org_id = _org_id(session, organisation)
            for s in signals.list_signals(
                session, org_id, status=status, supplier=supplier, open_only=open_only
            ):
                table.add_row(
                    str(s.id),
                    str(s.received_at)[:16],
                    s.channel,
                    s.client_group,
                    s.supplier or "",
                    s.category,
                    s.status,
                )
    finally:
        engine.dispose()
    common.console.print(table)


@signals_app.command("import")
def import_(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or Excel export."),
    registrar: str = typer.Option(..., help="Registrar recorded for rows without one."),
    channel: str = typer.Option("supplier_report", help="Channel for rows without one."),
    column: list[str] = typer.Option(
        [], "--column", help="Map a header to a field: 'Their header=field' (repeatable)."
    ),
    organisation: int | None = OrganisationOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Import a supplier's export all or nothing: any problem rejects the whole file.

    Example: gapsight signals import export.xlsx --registrar "ICT-Partner export"
    --column "Melddatum=received_at"
    """
    from gapsight.domain.problems import InvalidInput
    from gapsight.io.table import ImportRejected
    from gapsight.services import signals
    from gapsight.store.database import make_engine, unit_of_work

    columns = {}
    for item in column:
        header, sep, field = item.partition("=")
        if not sep:
            raise common.UserError(f"--column {item!r}: expected 'header=field'")
        columns[header] = field.strip()
    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            org_id = _org_id(session, organisation)
            try:
                result = signals.import_signals(
                    session,
                    org_id,
                    path,
                    registrar=registrar,
                    channel=channel,
                    columns=columns,
                    now=_now(),
                )
            except (ImportRejected, InvalidInput) as exc:
                raise _problems(exc) from exc
    finally:
        engine.dispose()
    common.console.print(f"{result.count} signals imported, {result.promoted} promoted")


@signals_app.command("trends")
def trends(
    month: str = typer.Option(..., help="The month to test (YYYY-MM)."),
    by: str = typer.Option("theme", help="theme or category."),
    supplier: str | None = typer.Option(None),
    notify: bool = typer.Option(
        False, "--notify", help="Also e-mail them to the coordinator (once per month)."
    ),
    organisation: int | None = OrganisationOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Themes or categories that rise or recur beyond their own history."""
    from gapsight.services import signal_reports
    from gapsight.store.database import make_engine, unit_of_work

    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            org_id = _org_id(session, organisation)
            if notify and supplier is None:
                found = signal_reports.notify_trends(
                    session, org_id, last_month=month, by=by, now=_now()
                )
            else:
                found = signal_reports.signal_trends(
                    session, org_id, last_month=month, by=by, supplier=supplier
                )
    finally:
        engine.dispose()
    if not found:
        common.console.print("no trends")
    for trend in found:
        common.console.print(f"[bold]{trend.kind}[/] {trend.explain()}", highlight=False)


@signals_app.command("report")
def report(
    month: str = typer.Option(..., help="Last month of the report (YYYY-MM)."),
    supplier: str | None = typer.Option(
        None, help="Bi-monthly report for this supplier; without it: the registrar bundles."
    ),
    months: int = typer.Option(2, help="Months in the supplier report."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    organisation: int | None = OrganisationOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """The supplier report (``--supplier``) or the month's bundles per registrar."""
    from gapsight.services import signal_reports
    from gapsight.store.database import make_engine, unit_of_work

    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            org_id = _org_id(session, organisation)
            if supplier:
                data: Any = signal_reports.supplier_report(
                    session, org_id, supplier, last_month=month, months=months
                ).as_dict()
            else:
                data = [
                    b.as_dict()
                    for b in signal_reports.monthly_bundle(session, org_id, month, now=_now())
                ]
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(data, default=str, indent=2, ensure_ascii=False))
        return
    if supplier:
        common.console.print(f"[bold]{supplier}[/] {', '.join(data['months'])}: {data['total']}")
        for key in ("by_category", "by_client_group", "by_domain", "by_month", "themes"):
            table = Table(key.replace("by_", "").replace("_", " "), "count")
            for name, count in data[key].items():
                table.add_row(str(name), str(count))
            common.console.print(table)
        for trend in data["trends"]:
            common.console.print(f"{trend['kind']}: {trend['key']} ({trend['count']})")
        return
    table = Table("registrar", "signals", "on time", "late", "not acknowledged")
    for b in data:
        table.add_row(
            b["registrar"],
            str(b["signals"]),
            str(b["acknowledged_on_time"]),
            str(b["acknowledged_late"]),
            str(b["not_acknowledged"]),
        )
    common.console.print(table)


@signals_app.command("clocks")
def clocks(
    organisation: int | None = OrganisationOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Queue the reminders and escalations that are due now (each is sent once)."""
    from gapsight.services import signals
    from gapsight.store.database import make_engine, unit_of_work

    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            org_id = _org_id(session, organisation)
            queued = signals.run_clocks(session, org_id, now=_now())
    finally:
        engine.dispose()
    for m in queued:
        common.console.print(f"signal {m.signal_id}: {m.clock} {m.occasion} → {m.recipient}")
    common.console.print(f"{len(queued)} messages queued")


def register(app: typer.Typer) -> None:
    """Add ``signals …`` to the main command."""
    app.add_typer(signals_app, name="signals")
