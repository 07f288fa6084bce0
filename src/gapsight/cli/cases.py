"""``gapsight cases …``: the closed loop (flag rules, cases, clocks, metrics, mirror plans).

A thin shell over :mod:`gapsight.services.cases` and
:mod:`gapsight.services.mirror_plans`::

    gapsight cases rules --study 1                     # show the flag rules
    gapsight cases rules --study 1 --set rules.yaml    # set them (draft studies only)
    gapsight cases list --study 1 --overdue
    gapsight cases show 12
    gapsight cases status 12 forwarded --by ann@x.nl --contact-person "Piet"
    gapsight cases reassign 12 13 14 --owner bob@x.nl --by coordinator@x.nl
    gapsight cases metrics --study 1 --since 2026-01-01 --until 2026-07-01
    gapsight cases tick                                # queue due reminders/escalations
    gapsight cases flag --study 1                      # flag imported responses
    gapsight cases mirror --customer 1 --mirror 3      # the discrepancies
    gapsight cases mirror --customer 1 --mirror 3 --item q1 --owner Ann \\
        --action "Workshop" --due 2026-09-01           # … turned into an action plan
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer
import yaml
from rich.table import Table

from gapsight.cli import common

cases_app = typer.Typer(
    help="The closed loop: flag rules, cases of flagged respondents, clocks, metrics.",
    no_args_is_help=True,
)

StudyOption: Any = typer.Option(None, "--study", help="Study (wave) id.")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextmanager
def _session(data_dir: Path | None, database_url: str | None) -> Iterator[Any]:
    from gapsight.store.database import make_engine, unit_of_work

    engine = make_engine(common.settings(data_dir, database_url))
    try:
        with unit_of_work(engine) as session:
            yield session
    finally:
        engine.dispose()


def _user_error(exc: Exception) -> common.UserError:
    from gapsight.domain.problems import InvalidInput

    if isinstance(exc, InvalidInput):
        return common.UserError("; ".join(f"{p.field}: {p.message}" for p in exc.problems))
    return common.UserError(str(exc))


def _date(text: str | None, name: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise common.UserError(f"{name}: expected a date YYYY-MM-DD, not {text!r}") from None
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo("Europe/Amsterdam"))


def _local(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%Y-%m-%d %H:%M")


@cases_app.command("rules")
def rules(
    study: int = typer.Option(..., "--study", help="Study (wave) id."),
    set_: Path | None = typer.Option(
        None, "--set", help="YAML or JSON file with rules and recipients (docs/cases.md)."
    ),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Show a study's flag rules, or set them from a file (before fieldwork only)."""
    from gapsight.domain.problems import InvalidInput
    from gapsight.services import cases
    from gapsight.services.studies import get_study

    with _session(data_dir, database_url) as session:
        if set_ is not None:
            try:
                data = yaml.safe_load(set_.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise common.UserError(f"{set_}: not valid YAML/JSON ({exc})") from None
            if not isinstance(data, dict):
                raise common.UserError(f"{set_}: expected an object with 'rules'")
            try:
                found = cases.set_flag_rules(session, study, data)
            except InvalidInput as exc:
                raise _user_error(exc) from None
        else:
            found = cases.flag_rules_of(get_study(session, study))
    for rule in found.rules:
        common.console.print(f"- {rule.describe()}", highlight=False)
    if not found.rules:
        common.console.print("no flag rules: nobody is flagged")
    r = found.recipients
    if r.characteristic:
        for value, addresses in r.by_value.items():
            common.console.print(
                f"{r.characteristic} = {value}: {', '.join(addresses)}", highlight=False
            )
    common.console.print(f"fallback: {', '.join(r.fallback) or '(none)'}", highlight=False)


@cases_app.command("list")
def list_(
    study: int | None = StudyOption,
    status: str | None = typer.Option(None, help="open, forwarded, followed_up, closed."),
    owner: str | None = typer.Option(None, help="Owner's e-mail address."),
    segment: str | None = typer.Option(None, help="Value of the routing characteristic."),
    overdue: bool = typer.Option(False, "--overdue", help="Only cases with an overdue clock."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """List cases, oldest flag first."""
    from gapsight.services import cases

    table = Table("id", "study", "flagged", "kind", "status", "owner", "segment", "respondent")
    with _session(data_dir, database_url) as session:
        for c in cases.list_cases(
            session,
            study_id=study,
            status=status,
            owner=owner,
            segment=segment,
            overdue=overdue,
            now=_now(),
        ):
            table.add_row(
                str(c.id),
                str(c.study_id),
                _local(c.flagged_at),
                c.kind,
                c.status,
                c.owner or "",
                c.segment or "",
                c.respondent_name or c.respondent_email or "",
            )
    common.console.print(table)


@cases_app.command("show")
def show(
    case_id: int = typer.Argument(..., help="Case id."),
    answers: bool = typer.Option(False, "--answers", help="Also print all answers."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """A case: respondent, flagged answers, clocks and full history."""
    from gapsight.services import cases

    now = _now()
    out = common.console
    with _session(data_dir, database_url) as session:
        case = cases.get_case(session, case_id)
        out.print(f"case {case.id} · study {case.study_id} · {case.kind} · {case.status}")
        out.print(
            f"respondent: {case.respondent_name or ''} <{case.respondent_email or ''}>"
            + (f" ({case.respondent_key})" if case.respondent_key else ""),
            highlight=False,
        )
        out.print(f"owner: {case.owner or '—'}; contact person: {case.contact_person or '—'}")
        for hit in cases.hits_of(case):
            out.print(f"flagged: {hit.code} = {hit.answer:g} ({hit.rule})", highlight=False)
        for name, clock in cases.clocks_of(session, case).items():
            out.print(f"clock {name}: due {clock.due_date} — {clock.state(now).value}")
        if case.outcome:
            out.print(f"outcome: {case.outcome}", highlight=False)
        for event in cases.events_of(session, case.id):
            out.print(
                f"{_local(event.at)}  {event.by}  {event.kind}: {event.what}", highlight=False
            )
        if answers:
            for line in cases.answers_of(session, case):
                mark = "*" if line.flagged else " "
                out.print(f"{mark} {line.code}: {line.answer}  — {line.question}", highlight=False)


@cases_app.command("status")
def status(
    case_id: int = typer.Argument(..., help="Case id."),
    new: str = typer.Argument(..., help="forwarded, followed_up or closed."),
    by: str = typer.Option(..., help="Who did it (name or e-mail)."),
    contact_person: str | None = typer.Option(
        None, "--contact-person", help="The customer's contact person (forwarded)."
    ),
    note: str | None = typer.Option(None, help="Outcome (followed_up) or reason (closed)."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Record a step of a case (recorded with who and when)."""
    from gapsight.domain.problems import InvalidInput
    from gapsight.services import cases

    with _session(data_dir, database_url) as session:
        try:
            case = cases.change_status(
                session, case_id, new, by=by, at=_now(), contact_person=contact_person, note=note
            )
        except InvalidInput as exc:
            raise _user_error(exc) from None
        common.console.print(f"case {case.id} is {case.status}")


@cases_app.command("reassign")
def reassign(
    case_ids: list[int] = typer.Argument(..., help="Case ids."),
    owner: str = typer.Option(..., help="The new owner's e-mail address."),
    by: str = typer.Option(..., help="Who reassigns."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Give cases a new owner (all or nothing)."""
    from gapsight.domain.problems import InvalidInput
    from gapsight.services import cases

    with _session(data_dir, database_url) as session:
        try:
            changed = cases.reassign(session, case_ids, owner, by=by, at=_now())
        except InvalidInput as exc:
            raise _user_error(exc) from None
    common.console.print(f"{changed} cases reassigned to {owner.strip().lower()}")


@cases_app.command("metrics")
def metrics(
    study: int | None = StudyOption,
    organisation: int | None = typer.Option(None, "--organisation", help="Organisation id."),
    since: str | None = typer.Option(None, help="First day of the period (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, help="Day after the period (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Loop metrics: flags, share forwarded within a week and followed up within a
    month, median times, overdue now."""
    from gapsight.services import cases

    if study is None and organisation is None:
        raise common.UserError("choose --study or --organisation")
    with _session(data_dir, database_url) as session:
        result = cases.loop_metrics(
            session,
            study_id=study,
            organisation_id=organisation,
            since=_date(since, "--since"),
            until=_date(until, "--until"),
            now=_now(),
        )
    data = result.as_dict()
    if as_json:
        common.console.print_json(json.dumps(data))
        return
    table = Table("measure", "value")
    for key, value in data.items():
        if isinstance(value, float) and key.startswith("share"):
            shown = f"{value:.0%}"
        else:
            shown = "—" if value is None else str(value)
        table.add_row(key.replace("_", " "), shown)
    common.console.print(table)


@cases_app.command("tick")
def tick(
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Queue the case reminders and escalations due now (each is sent once; the mail
    worker also does this every minute)."""
    from gapsight.services import cases

    settings = common.settings(data_dir, database_url)
    with _session(data_dir, database_url) as session:
        queued = cases.run_clocks(session, now=_now(), base_url=settings.public_url)
    for m in queued:
        common.console.print(f"case {m.case_id}: {m.clock} {m.occasion} → {m.recipient}")
    common.console.print(f"{len(queued)} messages queued")


@cases_app.command("flag")
def flag(
    study: int = typer.Option(..., "--study", help="Study (wave) id."),
    mail: bool = typer.Option(True, "--mail/--no-mail", help="Send the flag e-mails."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """Apply the flag rules to imported identified responses without a case yet (web
    responses are flagged the moment they complete)."""
    from gapsight.services import cases

    settings = common.settings(data_dir, database_url)
    with _session(data_dir, database_url) as session:
        opened = cases.flag_responses(
            session, study, now=_now(), base_url=settings.public_url, notify=mail
        )
        for c in opened:
            common.console.print(f"case {c.id}: {c.kind} → {c.owner or '(no owner)'}")
    common.console.print(f"{len(opened)} cases opened")


@cases_app.command("mirror")
def mirror(
    customer: int = typer.Option(..., "--customer", help="The customer wave's id."),
    mirror_wave: int = typer.Option(..., "--mirror", help="The mirror wave's id."),
    threshold: float = typer.Option(0.5, help="Threshold on a 5-point scale (scaled)."),
    item: list[str] = typer.Option([], "--item", help="Item code for the action plan."),
    owner: str | None = typer.Option(None, help="Owner of the action plan."),
    action: list[str] = typer.Option([], "--action", help="An action of the plan."),
    due: str | None = typer.Option(None, help="Due date of the plan (YYYY-MM-DD)."),
    data_dir: Path | None = common.DataDirOption,
    database_url: str | None = common.DatabaseUrlOption,
) -> None:
    """List the mirror discrepancies of two waves; with --item, --owner, --action and
    --due, turn them into an improvement action plan (P4.mirror_plan)."""
    from gapsight.domain.problems import InvalidInput
    from gapsight.services import mirror_plans

    with _session(data_dir, database_url) as session:
        try:
            if item:
                due_day = _date(due, "--due")
                if due_day is None:
                    raise common.UserError("an action plan needs --due")
                plan = mirror_plans.create_plan(
                    session,
                    customer_wave_id=customer,
                    mirror_wave_id=mirror_wave,
                    codes=item,
                    owner=owner or "",
                    actions=action,
                    due=due_day.date(),
                    now=_now(),
                    threshold=threshold,
                )
                common.console.print(f"action plan {plan.id} created: {plan.title}")
                return
            found = mirror_plans.discrepancies(
                session, customer_wave_id=customer, mirror_wave_id=mirror_wave, threshold=threshold
            )
        except InvalidInput as exc:
            raise _user_error(exc) from None
    table = Table("item", "customers", "mirror", "gap", "threshold", "significant", "question")
    for d in found:
        table.add_row(
            d.code,
            f"{d.customer_mean:.2f}",
            f"{d.mirror_mean:.2f}",
            f"{d.gap:+.2f}",
            f"{d.threshold:.2f}",
            "yes" if d.significant else "no",
            d.text,
        )
    common.console.print(table)
    common.console.print(f"{len(found)} discrepancies")


def register(app: typer.Typer) -> None:
    """Add ``cases …`` to the main command."""
    app.add_typer(cases_app, name="cases")
