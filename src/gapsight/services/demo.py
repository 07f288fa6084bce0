"""Load the demo organisation into the database, once.

:func:`install` migrates the database, then stores what
:func:`gapsight.services.demo_data.generate` makes — the organisation, its instruments,
six waves with their samples and responses and a demo login — through the same services an
import uses, in one transaction: a failure leaves nothing half-loaded.

Loading is idempotent. The demo organisation is recognised by the ``demo`` entry in
its settings; when it is there, :func:`install` changes nothing and reports what is
stored, unless ``reset=True``, which removes the demo organisation (with its waves,
responses, instruments and login) and loads it afresh.

Example::

    >>> # from gapsight.config import Settings
    >>> # result = install(Settings.from_env())
    >>> # result.created, [(w.key, w.n) for w in result.waves]
    >>> # -> True, [('klant-2024', 340), ('klant-2025', 380), ...]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete
from sqlalchemy.orm import Session

from gapsight.config import Settings
from gapsight.instruments.registry import builtin_ids
from gapsight.io.table import ResponseTable
from gapsight.services import instruments as instrument_service
from gapsight.services import organisations, samples, studies, users
from gapsight.services.demo_data import (
    BUSINESS_UNITS,
    DEFAULT_SEED,
    DemoOrganisation,
    DemoWave,
    generate,
)
from gapsight.services.responses import load_wave, store_table
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.migrate import upgrade
from gapsight.store.models import Organisation, Study

__all__ = ["DEMO_EMAIL", "DEMO_PASSWORD", "DemoResult", "LoadedWave", "find_demo", "install"]

DEMO_EMAIL = "demo@example.org"
"""Login of the demo user (a coordinator of the demo organisation)."""

DEMO_PASSWORD = "veldhuis-demo"
"""The demo user's password. It is printed by ``gapsight demo`` and documented: the demo
holds only invented data. Remove the demo organisation before real use."""


@dataclass(frozen=True)
class LoadedWave:
    """One stored demo wave: its key, study id and how many responses per status."""

    key: str
    name: str
    kind: str
    study_id: int
    n: int
    statuses: dict[str, int]


@dataclass(frozen=True)
class DemoResult:
    """What :func:`install` found or did.

    Attributes:
        created: ``True`` when the demo was loaded now, ``False`` when it was already
            there (and nothing changed).
        organisation_id, organisation: the demo organisation.
        waves: the stored waves in loading order.
        email, password: the demo login; ``None`` when it has been removed since.
    """

    created: bool
    organisation_id: int
    organisation: str
    waves: tuple[LoadedWave, ...]
    email: str | None
    password: str | None


def find_demo(session: Session) -> Organisation | None:
    """The demo organisation, if loaded (the one whose settings mark it as the demo)."""
    for org in organisations.list_organisations(session):
        if (org.settings or {}).get("demo"):
            return org
    return None


def install(settings: Settings, *, reset: bool = False, seed: int = DEFAULT_SEED) -> DemoResult:
    """Migrate the database of ``settings`` and load the demo organisation once.

    With ``reset`` an existing demo organisation is removed first. Raises
    ``ValueError`` when the demo login's address is taken by a user outside the demo.
    """
    upgrade(settings)
    engine = make_engine(settings)
    try:
        with unit_of_work(engine) as session:
            existing = find_demo(session)
            if existing is not None and not reset:
                return _describe(session, existing)
            if existing is not None:
                _remove(session, existing)
            return _load(session, generate(seed))
    finally:
        engine.dispose()


def _load(session: Session, demo: DemoOrganisation) -> DemoResult:
    """Store ``demo`` through the services; returns what was created."""
    org = organisations.create_organisation(
        session,
        demo.name,
        sector=demo.sector["nl"],
        settings={
            "demo": True,
            "seed": demo.seed,
            "sector": dict(demo.sector),
            "business_units": list(demo.business_units),
            "segments": list(demo.segments),
            "waves": [w.study.key for w in demo.waves],
        },
    )
    if users.find_user(session, DEMO_EMAIL) is not None:
        raise ValueError(
            f"a user {DEMO_EMAIL} already exists outside the demo organisation; "
            "remove that user before loading the demo"
        )
    users.create_user(
        session,
        email=DEMO_EMAIL,
        name="Demo Veldhuis",
        password=DEMO_PASSWORD,
        role="coordinator",
        organisation_id=org.id,
    )
    ids: dict[str, int] = {}
    loaded: list[LoadedWave] = []
    for wave in demo.waves:
        study = _create_study(session, org.id, wave, ids)
        ids[wave.study.key] = study.id
        if wave.study.anonymity == "choice":
            _flag_rules(session, study.id)
        statuses = _store(session, study.id, wave)
        studies.set_status(session, study.id, "fieldwork")
        studies.set_status(session, study.id, "closed")
        if wave.study.anonymity == "choice":
            _case_history(session, study.id)
        loaded.append(
            LoadedWave(
                key=wave.study.key,
                name=study.name,
                kind=study.kind,
                study_id=study.id,
                n=sum(statuses.values()),
                statuses=statuses,
            )
        )
    _report_records(session, org.id, ids)
    return DemoResult(
        created=True,
        organisation_id=org.id,
        organisation=org.name,
        waves=tuple(loaded),
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
    )


DEMO_VERDICTS: tuple[tuple[int, str, str, float | None], ...] = (
    (
        2,
        "partly",
        "Servicenormen bestaan voor de servicedesk (terugbellen binnen 2 werkdagen), "
        "niet voor de buitendienst; uit interviews met teamleiders.",
        None,
    ),
    (
        3,
        "partly",
        "De terugbelnorm werd in 82 % van de meldingen gehaald (registratie "
        "servicedesk, oktober 2025).",
        0.82,
    ),
    (
        4,
        "absent",
        "De website belooft niets wat de planning niet waarmaakt (documentanalyse).",
        None,
    ),
)
"""The recorded verdicts on gaps 2–4 of the latest customer wave (demo)."""


def _report_records(session: Session, organisation_id: int, ids: dict[str, int]) -> None:
    """What people record for the latest customer wave's report: the employee, mirror
    and prediction waves linked to it, verdicts on gaps 2–4 and two improvement
    actions (one done, one under way) for the customer feedback report."""
    from gapsight.domain.actions import CauseLink, Measurement
    from gapsight.services import actions, verdicts, wave_links

    customer = ids["klant-2025"]
    for key in ("medewerkers-2025", "spiegel-2025", "management-2025", "voorspelling-2025"):
        wave_links.link_wave(session, ids[key], customer_wave_id=customer)
    for gap, verdict, explanation, size in DEMO_VERDICTS:
        verdicts.set_verdict(
            session, customer, gap=gap, verdict=verdict, explanation=explanation, size=size
        )
    now = dt.datetime(2025, 11, 17, 9, 0, tzinfo=dt.UTC)
    done = actions.create_action(
        session,
        organisation_id,
        title="Terugbelafspraak binnen 2 werkdagen voor alle meldingen",
        level="working_method",
        now=now,
        causes=[CauseLink("survey_dimension", "responsiveness")],
        measurement=Measurement("survey_dimension_gap", "responsiveness", baseline=-0.6),
    )
    actions.advance_action(
        session,
        done.id,
        "do",
        now=now,
        owner="Teamleider servicedesk",
        plan="Belafspraak in het meldingssysteem; dagelijkse lijst",
        due=dt.date(2026, 1, 31),
    )
    actions.advance_action(
        session, done.id, "check", now=now, check_result="Norm gehaald in 91 % van de meldingen"
    )
    actions.advance_action(
        session, done.id, "act", now=now, act_decision="Werkwijze vastgelegd voor alle teams"
    )
    actions.advance_action(session, done.id, "done", now=now)
    under_way = actions.create_action(
        session,
        organisation_id,
        title="Vaste contactpersoon voor zakelijke klanten",
        level="organisation",
        now=now,
        causes=[CauseLink("survey_dimension", "empathy")],
    )
    actions.advance_action(
        session,
        under_way.id,
        "do",
        now=now,
        owner="Manager accountbeheer",
        plan="Elke klant met een contract krijgt een vaste contactpersoon",
        due=dt.date(2026, 3, 31),
    )


def _create_study(
    session: Session, organisation_id: int, wave: DemoWave, ids: dict[str, int]
) -> Study:
    """Register the wave's instrument (built-ins shared, derived ones owned) and create
    the study."""
    instrument = wave.instrument
    owner = None if instrument.id in builtin_ids() else organisation_id
    version = instrument_service.register(session, instrument, organisation_id=owner)
    meta = wave.study
    return studies.create_study(
        session,
        organisation_id=organisation_id,
        name=meta.name,
        kind=meta.kind,
        instrument=version.id,
        series=_series(meta.key),
        field_start=meta.field_start,
        field_end=meta.field_end,
        population_size=meta.population_size,
        anonymity_mode=meta.anonymity,
        min_group_size=meta.min_group_size,
        previous_wave_id=None if meta.previous is None else ids[meta.previous],
    )


def _series(key: str) -> str:
    """Waves of one measurement share a series: ``klant-2024`` → ``klant``."""
    return key.rsplit("-", 1)[0]


def _store(session: Session, study_id: int, wave: DemoWave) -> dict[str, int]:
    """Store the invited sample, then the responses, day by day.

    The store marks a whole table anonymous or identified and stamps it with one time,
    so the responses go in groups: per answering day (at 10:00 UTC) and, in a
    ``choice`` wave, identified and anonymous respondents apart.
    """
    samples.store_sample(session, study_id, wave.sample)
    table = wave.table
    keys = table.respondent_keys or [None] * table.n
    anonymous = [k is None or wave.study.anonymity == "anonymous" for k in keys]
    groups = sorted(set(zip(wave.answered_on, anonymous, strict=True)))
    counts: dict[str, int] = {}
    for day, anon in groups:
        rows = np.array(
            [d == day and a == anon for d, a in zip(wave.answered_on, anonymous, strict=True)],
            dtype=np.bool_,
        )
        result = store_table(
            session,
            study_id,
            _rows(table, rows, keys),
            anonymous=anon,
            now=dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC),
        )
        for status, count in result.statuses.items():
            counts[status] = counts.get(status, 0) + count
    return counts


def _rows(
    table: ResponseTable, rows: npt.NDArray[np.bool_], keys: Sequence[str | None]
) -> ResponseTable:
    """The respondents of ``table`` selected by the boolean mask ``rows``."""
    index = np.flatnonzero(rows)
    return ResponseTable(
        instrument_ref=table.instrument_ref,
        matrix=table.matrix.subset(rows),
        texts={code: [col[i] for i in index] for code, col in table.texts.items()},
        characteristics=table.characteristics.iloc[index].reset_index(drop=True),
        respondent_keys=[keys[int(i)] for i in index],
    )


def _describe(session: Session, org: Organisation) -> DemoResult:
    """The already loaded demo, wave by wave, with the responses stored."""
    keys = list((org.settings or {}).get("waves", []))
    waves = []
    for i, study in enumerate(studies.list_studies(session, organisation_id=org.id)):
        data = load_wave(session, study.id)
        counts: dict[str, int] = {}
        for status in data.statuses.tolist():
            counts[str(status)] = counts.get(str(status), 0) + 1
        waves.append(
            LoadedWave(
                key=str(keys[i]) if i < len(keys) else str(study.id),
                name=study.name,
                kind=study.kind,
                study_id=study.id,
                n=data.n,
                statuses=counts,
            )
        )
    login = users.find_user(session, DEMO_EMAIL)
    return DemoResult(
        created=False,
        organisation_id=org.id,
        organisation=org.name,
        waves=tuple(waves),
        email=DEMO_EMAIL if login is not None else None,
        password=DEMO_PASSWORD if login is not None else None,
    )


def _remove(session: Session, org: Organisation) -> None:
    """Delete the demo organisation and everything it owns.

    The waves go first (their responses, invitations and characteristics follow by
    the database's ``ON DELETE CASCADE``), then the organisation (its own instrument
    versions and the demo login follow the same way). Built-in instrument versions are
    shared and stay.
    """
    session.execute(delete(Study).where(Study.organisation_id == org.id))
    session.execute(delete(Organisation).where(Organisation.id == org.id))
    session.expunge_all()


# -- the closed loop (docs/cases.md) ---------------------------------------------------


def _flag_rules(session: Session, study_id: int) -> None:
    """The default promoter/detractor rules plus dimension grades ≤ 5, routed to an
    account team per business unit (set while the wave is a draft)."""
    from gapsight.services import cases

    teams = {u: f"team.{u.split()[0].lower()}@veldhuis.example" for u in BUSINESS_UNITS}
    cases.set_flag_rules(
        session,
        study_id,
        {
            "rules": [
                {
                    "kind": "score",
                    "code": "cvs_recommend",
                    "label": "promoter",
                    "min": 9,
                    "max": 10,
                },
                {
                    "kind": "score",
                    "code": "cvs_recommend",
                    "label": "detractor",
                    "min": 0,
                    "max": 6,
                },
            ],
            "recipients": {
                "characteristic": "business_unit",
                "by_value": teams,
                "fallback": [DEMO_EMAIL],
            },
        },
    )


def _case_history(session: Session, study_id: int) -> None:
    """Cases for the identified respondents of a ``choice`` wave, flagged when they
    answered (no e-mail), with a follow-up history: most forwarded within the week and
    followed up within the month, some late, a few still open (overdue)."""
    from gapsight.services import cases

    day = dt.timedelta(days=1)
    opened = cases.flag_responses(
        session, study_id, now=dt.datetime.now(dt.UTC), notify=False, at_completion=True
    )
    for i, case in enumerate(opened):
        flagged = cases.case_times(case).flagged_at
        pattern = i % 10
        if pattern == 9:
            continue  # nobody picked it up: overdue
        forwarded = flagged + (2 + i % 3 + (8 if pattern == 8 else 0)) * day
        cases.change_status(
            session,
            case.id,
            "forwarded",
            by=case.owner or DEMO_EMAIL,
            at=forwarded,
            contact_person=f"Accountmanager {case.segment or ''}".strip(),
        )
        if pattern == 7:
            continue  # forwarded, never followed up
        outcome = (
            "Gebeld; toegezegd de planning te verbeteren"
            if case.kind == "detractor"
            else "Gebeld; klant wil als referentie optreden"
        )
        followed = forwarded + (4 + i % 7 + (30 if pattern == 6 else 0)) * day
        cases.change_status(
            session, case.id, "followed_up", by=case.owner or DEMO_EMAIL, at=followed, note=outcome
        )
        if pattern < 4:
            cases.change_status(session, case.id, "closed", by=DEMO_EMAIL, at=followed + day)
