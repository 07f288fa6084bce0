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
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write the rendered report: .html, .pdf or .xlsx (by the file's suffix).",
    ),
    lang: str = typer.Option("nl", help="Language of the rendered report (nl|en)."),
    explanation: Path | None = typer.Option(
        None, help="Store this text file as the report's explanation first."
    ),
    organisation: int | None = OrganisationOption,
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """The supplier report (``--supplier``) or the month's bundles per registrar.

    Example: gapsight signals report --month 2026-03 --supplier ICT-Partner -o ict.pdf
    """
    from gapsight.services import signal_documents, signal_reports
    from gapsight.store.database import make_engine, unit_of_work

    fmt = None
    if output is not None:
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in signal_documents.FORMATS:
            raise common.UserError("--output must end in .html, .pdf or .xlsx")
    if lang not in ("nl", "en"):
        raise common.UserError("--lang must be nl or en")
    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            org_id = _org_id(session, organisation)
            if explanation is not None:
                try:
                    signal_documents.set_report_text(
                        session,
                        org_id,
                        "supplier" if supplier else "registrar",
                        supplier or "*",
                        month,
                        explanation.read_text(encoding="utf-8"),
                    )
                except ValueError as exc:
                    raise common.UserError(str(exc)) from exc
            if output is not None and fmt is not None:
                try:
                    content = signal_documents.render_signal_report(
                        session,
                        org_id,
                        "supplier" if supplier else "registrar",
                        supplier or "*",
                        month,
                        fmt=fmt,
                        lang=lang,
                        now=_now(),
                        months=months,
                    )
                except ValueError as exc:
                    raise common.UserError(str(exc)) from exc
                output.write_bytes(content)
                common.console.print(f"report written to {output}")
                return
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


@signals_app.command("tick")
def tick(
    now: str | None = typer.Option(
        None, help="Run as if it were this moment (ISO date/time with offset); default: now."
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """One pass of the signals scheduler for every organisation: queue the clock
    reminders and escalations and last month's trend mail (``gapsight serve`` does
    this every minute; each message is sent once however often it runs)."""
    from gapsight.services import signal_schedule
    from gapsight.store.database import make_engine

    moment = _now()
    if now:
        try:
            moment = dt.datetime.fromisoformat(now)
        except ValueError as exc:
            raise common.UserError(f"--now {now!r} is not an ISO date/time") from exc
        if moment.tzinfo is None:
            moment = moment.astimezone()
    settings = common.settings(data_dir, database_url)
    engine = make_engine(settings)
    try:
        result = signal_schedule.tick(engine, now=moment, base_url=settings.public_url)
    finally:
        engine.dispose()
    for m in result.clock_messages:
        common.console.print(f"signal {m.signal_id}: {m.clock} {m.occasion} → {m.recipient}")
    common.console.print(f"{len(result.clock_messages)} clock messages queued")
    if result.failed:
        raise common.UserError(f"failed for organisation(s) {result.failed}; see the log")


@signals_app.command("assign")
def assign(
    user: str = typer.Option(..., "--user", help="The user's e-mail address."),
    group: list[str] = typer.Option(
        [], "--group", help="A client group (repeat); none: the user sees all signals again."
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Make a user a client manager: they see the signals of these client groups only.

    Example: gapsight signals assign --user ann@ssc.example --group Onderwijs --group Zorg
    """
    from sqlalchemy import select

    from gapsight.services.signal_access import assign_client_groups
    from gapsight.store.database import make_engine, unit_of_work
    from gapsight.store.models import User

    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            row = session.scalars(select(User).where(User.email == user.strip().lower())).first()
            if row is None:
                raise common.UserError(f"no user {user!r}")
            groups = assign_client_groups(session, row.id, group)
    finally:
        engine.dispose()
    if groups:
        common.console.print(f"{user} is client manager of: {', '.join(groups)}")
    else:
        common.console.print(f"{user} sees all signals of their organisation")


@signals_app.command("events")
def events_(
    path: Path = typer.Argument(..., help="CSV or Excel file of service interactions."),
    study: int = typer.Option(..., "--study", help="The event wave (study on 'event')."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Register service interactions for an event survey; a sampled share
    (settings.events.share) is invited at once (all rows or none).

    Example: gapsight signals events contacts.csv --study 4
    """
    from gapsight.domain.problems import InvalidInput
    from gapsight.io.table import ImportRejected
    from gapsight.services import events, mailing
    from gapsight.store.database import make_engine, unit_of_work
    from gapsight.web.secret import secret_key

    settings = common.settings(data_dir, database_url)
    links = mailing.links_for(settings, secret_key(settings))
    engine = make_engine(settings)
    try:
        with unit_of_work(engine) as session:
            try:
                result = events.import_events(session, study, path, links=links, now=_now())
            except (ImportRejected, InvalidInput) as exc:
                raise _problems(exc) from exc
            except (KeyError, ValueError) as exc:
                raise common.UserError(str(exc.args[0] if exc.args else exc)) from exc
    finally:
        engine.dispose()
    common.console.print(
        f"{result.recorded} interactions registered, {result.sampled} sampled, "
        f"{result.invited} invited ({result.already_invited} already invited in this wave)"
    )


def register(app: typer.Typer) -> None:
    """Add ``signals …`` to the main command."""
    app.add_typer(signals_app, name="signals")
