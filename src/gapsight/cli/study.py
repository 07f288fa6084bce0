"""``gapsight study``: create, list and show studies (waves)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from gapsight.cli import common

study_app = typer.Typer(help="Studies (waves): create, list, show.", no_args_is_help=True)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise common.UserError(f"{option}: {value!r} is not a date; expected YYYY-MM-DD") from None


def _modules(values: list[str]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for value in values:
        name, sep, state = value.partition("=")
        flag = {"on": True, "true": True, "yes": True, "off": False, "false": False, "no": False}
        if not sep or state.lower() not in flag:
            raise common.UserError(f"--module {value!r}: expected NAME=on or NAME=off")
        out[name.strip()] = flag[state.lower()]
    return out


@study_app.command("create")
def create(
    name: str = typer.Option(..., "--name", help="Name of the wave, e.g. 'KTO 2026'."),
    kind: str = typer.Option(
        "customer",
        "--kind",
        help="Who answers: customer, employee, mirror, management_prediction, "
        "staff_prediction or event.",
    ),
    instrument: str = typer.Option(
        ...,
        "--instrument",
        help="Instrument: a built-in id (see `gapsight instruments list`) or ID@VERSION.",
    ),
    organisation: int | None = typer.Option(
        None, "--organisation", help="Organisation id; default: the only organisation."
    ),
    series: str | None = typer.Option(
        None, "--series", help="Series name shared by the waves of one measurement."
    ),
    module: list[str] = typer.Option(
        [],
        "--module",
        help="Switch an optional instrument module on or off: NAME=on|off (repeatable).",
    ),
    field_start: str | None = typer.Option(
        None, "--field-start", help="First day of fieldwork (YYYY-MM-DD)."
    ),
    field_end: str | None = typer.Option(
        None, "--field-end", help="Last day of fieldwork (YYYY-MM-DD)."
    ),
    population: int | None = typer.Option(
        None, "--population", help="Population size N (for the finite population correction)."
    ),
    anonymity: str = typer.Option(
        "anonymous",
        "--anonymity",
        help="anonymous, identified, or choice (each respondent decides). Employee "
        "surveys are always anonymous.",
    ),
    min_group_size: int = typer.Option(
        5, "--min-group-size", help="Smallest group shown in breakdowns (3-10)."
    ),
    confidence: float = typer.Option(
        0.95, "--confidence", help="Confidence level of intervals and margins (0-1)."
    ),
    previous: int | None = typer.Option(
        None, "--previous", help="Id of the wave this one follows (same organisation)."
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Create a study (wave) in status draft and print its id.

    Example: gapsight study create --name "KTO 2026" --instrument servqual22
    --anonymity choice --module importance=on --population 1200 --previous 1
    """
    from gapsight.services import organisations, studies
    from gapsight.services.setup import open_database
    from gapsight.store.database import unit_of_work

    engine = open_database(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            org_id = organisation
            if org_id is None:
                orgs = organisations.list_organisations(session)
                if len(orgs) != 1:
                    raise common.UserError(
                        f"there are {len(orgs)} organisations: choose one with --organisation "
                        f"({', '.join(f'{o.id}={o.name}' for o in orgs) or 'run gapsight init'})"
                    )
                org_id = orgs[0].id
            study = studies.create_study(
                session,
                organisation_id=org_id,
                name=name,
                kind=kind,
                instrument=instrument,
                series=series,
                modules=_modules(module),
                field_start=_date(field_start, "--field-start"),
                field_end=_date(field_end, "--field-end"),
                population_size=population,
                anonymity_mode=anonymity,
                min_group_size=min_group_size,
                confidence_level=confidence,
                previous_wave_id=previous,
            )
            info = studies.info(study)
    finally:
        engine.dispose()
    common.console.print(
        f"Created study [bold]{info.id}[/] {info.name!r} ({info.kind}, {info.instrument_ref}, "
        f"{info.anonymity_mode}).",
        highlight=False,
    )


@study_app.command("list")
def list_(
    organisation: int | None = typer.Option(
        None, "--organisation", help="Only studies of this organisation id."
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """List studies: kind, instrument, status and number of responses."""
    from sqlalchemy import func, select

    from gapsight.services import studies
    from gapsight.services.setup import open_database
    from gapsight.store.database import unit_of_work
    from gapsight.store.models import Response

    engine = open_database(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            rows = [
                studies.info(s) for s in studies.list_studies(session, organisation_id=organisation)
            ]
            counts = dict(
                session.execute(
                    select(Response.wave_id, func.count()).group_by(Response.wave_id)
                ).all()
            )
    finally:
        engine.dispose()
    if not rows:
        common.console.print("No studies yet: create one with `gapsight study create`.")
        return
    table = Table("id", "name", "series", "kind", "instrument", "status", "responses")
    for s in rows:
        table.add_row(
            str(s.id),
            s.name,
            s.series or "",
            s.kind,
            s.instrument_ref,
            s.status,
            str(counts.get(s.id, 0)),
        )
    common.console.print(table)


@study_app.command("show")
def show(
    study_id: int = typer.Argument(..., help="Study id (see `gapsight study list`)."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Show a study's settings and its responses per status."""
    from sqlalchemy import func, select

    from gapsight.services import studies
    from gapsight.services.setup import open_database
    from gapsight.store.database import unit_of_work
    from gapsight.store.models import Invitation, Response

    engine = open_database(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            study = studies.get_study(session, study_id)
            s = studies.info(study)
            chars = {d.name: d.type for d in study.characteristics}
            statuses = dict(
                session.execute(
                    select(Response.status, func.count())
                    .where(Response.wave_id == study_id)
                    .group_by(Response.status)
                ).all()
            )
            invited = session.scalar(
                select(func.count()).select_from(Invitation).where(Invitation.wave_id == study_id)
            )
    finally:
        engine.dispose()
    table = Table("setting", "value", show_header=False)
    modules = ", ".join(f"{k}={'on' if v else 'off'}" for k, v in s.modules.items())
    for key, value in (
        ("id", s.id),
        ("name", s.name),
        ("series", s.series or "—"),
        ("kind", s.kind),
        ("instrument", s.instrument_ref),
        ("modules", modules or "—"),
        ("status", s.status),
        ("field period", f"{s.field_start or '?'} – {s.field_end or '?'}"),
        ("population size", "—" if s.population_size is None else s.population_size),
        ("anonymity", s.anonymity_mode),
        ("minimum group size", s.min_group_size),
        ("confidence level", f"{s.confidence_level:g}"),
        ("follows wave", "—" if s.previous_wave_id is None else s.previous_wave_id),
        ("characteristics", ", ".join(f"{k} ({v})" for k, v in chars.items()) or "—"),
        ("invitations", invited or 0),
        (
            "responses",
            ", ".join(f"{statuses.get(k, 0)} {k}" for k in ("complete", "partial", "started")),
        ),
    ):
        table.add_row(key, str(value))
    common.console.print(table)


@study_app.command("status")
def status(
    study_id: int = typer.Argument(..., help="Study id."),
    new_status: str = typer.Argument(..., help="fieldwork or closed."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Move a study to fieldwork or closed (draft → fieldwork → closed)."""
    from gapsight.services import studies
    from gapsight.services.setup import open_database
    from gapsight.store.database import unit_of_work

    engine = open_database(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            studies.set_status(session, study_id, new_status)
    finally:
        engine.dispose()
    common.console.print(f"Study {study_id} is now {new_status}.")


@study_app.command("link")
def link(
    study_id: int = typer.Argument(..., help="Id of the mirror, prediction or employee wave."),
    customer_wave: int | None = typer.Option(
        None, "--customer-wave", help="The customer wave to compare it with."
    ),
    unlink: bool = typer.Option(False, "--unlink", help="Remove the link instead."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Link a mirror, prediction or employee wave to the customer wave it is compared
    with: that wave's report then shows gaps 1, 6, 7, the mirror chart and the employee
    survey. Example: gapsight study link 4 --customer-wave 2"""
    from gapsight.services import wave_links
    from gapsight.services.setup import open_database
    from gapsight.store.database import unit_of_work

    if not unlink and customer_wave is None:
        raise common.UserError("give --customer-wave ID, or --unlink")
    engine = open_database(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            if unlink:
                wave_links.unlink_wave(session, study_id)
            else:
                wave_links.link_wave(session, study_id, customer_wave_id=int(customer_wave or 0))
    except ValueError as exc:
        raise common.UserError(str(exc)) from None
    finally:
        engine.dispose()
    if unlink:
        common.console.print(f"Study {study_id} is no longer linked.")
    else:
        common.console.print(f"Study {study_id} is linked to customer wave {customer_wave}.")


def register(app: typer.Typer) -> None:
    """Add the ``study`` command group."""
    app.add_typer(study_app, name="study")
