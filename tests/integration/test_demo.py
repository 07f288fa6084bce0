"""``gapsight demo`` on a fresh SQLite data directory, then the waves read back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from gapsight.cli import demo as demo_cli
from gapsight.cli.common import UserError
from gapsight.config import Settings
from gapsight.services import demo as demo_service
from gapsight.services import users
from gapsight.services.demo import DEMO_EMAIL, DEMO_PASSWORD, DemoResult, find_demo, install
from gapsight.services.demo_data import generate
from gapsight.services.organisations import count_organisations
from gapsight.services.responses import load_wave
from gapsight.services.studies import list_studies
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.models import Invitation, Response


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    demo_cli.register(app)

    @app.command("version")
    def version() -> None:  # a second command, so Typer keeps "demo" as a subcommand
        """Unused."""

    return app


@pytest.fixture(scope="module")
def loaded(app: typer.Typer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo organisation" in result.output
    assert DEMO_EMAIL in result.output and DEMO_PASSWORD in result.output
    return data_dir


def test_every_wave_loads_back_with_its_respondents_and_codes(loaded: Path) -> None:
    expected = {w.study.name: w for w in generate().waves}
    engine = make_engine(Settings(data_dir=loaded))
    try:
        with unit_of_work(engine) as session:
            org = find_demo(session)
            assert org is not None and org.name == "Veldhuis Facilitair"
            waves = list_studies(session, organisation_id=org.id)
            assert sorted(s.name for s in waves) == sorted(expected)
            for study in waves:
                source = expected[study.name]
                data = load_wave(session, study.id)
                assert data.n == source.table.n
                assert data.study.kind == source.study.kind
                assert data.study.status == "closed"
                # the stored matrix has every numeric item of the instrument; the demo
                # answered exactly the enabled ones, in the same order
                m, src = data.matrix, source.table.matrix
                stored = {c for c in m.codes if not np.isnan(m.column(c)).all()}
                assert stored == {c for c in src.codes if not np.isnan(src.column(c)).all()}
                assert m.dont_know is not None and src.dont_know is not None
                assert m.dont_know.sum() == src.dont_know.sum()
                assert sorted(data.statuses.tolist()) == sorted(source.statuses)
                invited = session.scalar(
                    select(func.count())
                    .select_from(Invitation)
                    .where(Invitation.wave_id == study.id)
                )
                assert invited == source.sample.n
                first_day, last_day = session.execute(
                    select(func.min(Response.started_at), func.max(Response.started_at)).where(
                        Response.wave_id == study.id
                    )
                ).one()
                assert source.study.field_start <= first_day.date() <= last_day.date()
                assert last_day.date() <= source.study.field_end
                # same answers, whatever the row order (identified rows are stored first)
                for code in ("p07", "e07", "grade_overall", "enps", "esat"):
                    if source.table.matrix.has(code):
                        a = np.sort(data.matrix.column(code))
                        b = np.sort(source.table.matrix.column(code))
                        np.testing.assert_array_equal(a, b)
            previous = {s.name: s.previous_wave_id for s in waves}
            first = next(s.id for s in waves if s.name == "Klantonderzoek 2024")
            assert previous["Klantonderzoek 2025"] == first
            assert users.authenticate(session, DEMO_EMAIL, DEMO_PASSWORD) is not None
    finally:
        engine.dispose()


def test_customer_waves_keep_their_loaded_characteristics(loaded: Path) -> None:
    engine = make_engine(Settings(data_dir=loaded))
    try:
        with unit_of_work(engine) as session:
            org = find_demo(session)
            assert org is not None
            study = next(
                s for s in list_studies(session, organisation_id=org.id) if s.kind == "customer"
            )
            data = load_wave(session, study.id)
    finally:
        engine.dispose()
    segments = list(data.matrix.characteristics["segment"])
    assert segments.count("Evenementen") < data.study.min_group_size
    # Anonymous responses keep only combinations shared by the minimum group size of
    # responses (sealed at closing, privacy review D4/D5): a few lose a value.
    units = list(data.matrix.characteristics["business_unit"])
    assert len(set(units) - {None}) == 4
    assert units.count(None) < len(units) / 10
    assert data.matrix.dont_know is not None and data.matrix.dont_know.any()


def test_second_run_changes_nothing(app: typer.Typer, loaded: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(loaded)])
    assert result.exit_code == 0, result.output
    assert "already loaded" in result.output
    engine = make_engine(Settings(data_dir=loaded))
    try:
        with unit_of_work(engine) as session:
            org = find_demo(session)
            assert org is not None
            assert len(list_studies(session)) == 6
    finally:
        engine.dispose()


def _fake_install(calls: list[bool]) -> object:
    def install(settings: Settings, *, reset: bool = False) -> DemoResult:
        calls.append(reset)
        return DemoResult(
            created=True,
            organisation_id=1,
            organisation="Veldhuis Facilitair",
            waves=(),
            email=DEMO_EMAIL,
            password=DEMO_PASSWORD,
        )

    return install


def test_reset_asks_first_and_stops_when_declined(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(demo_service, "install", _fake_install(calls))
    declined = CliRunner().invoke(
        app, ["demo", "--data-dir", str(tmp_path), "--reset"], input="n\n"
    )
    assert declined.exit_code != 0
    assert "Continue?" in declined.output
    assert calls == [], "nothing is deleted when the user says no"
    accepted = CliRunner().invoke(
        app, ["demo", "--data-dir", str(tmp_path), "--reset"], input="y\n"
    )
    assert accepted.exit_code == 0, accepted.output
    assert calls == [True]


def test_reset_with_yes_does_not_ask(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(demo_service, "install", _fake_install(calls))
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(tmp_path), "--reset", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Continue?" not in result.output
    assert calls == [True]


def test_install_is_idempotent_and_resets_on_each_database(db_settings: Settings) -> None:
    first = install(db_settings)
    assert first.created
    assert [(w.kind, w.n) for w in first.waves] == [
        ("customer", 340),
        ("customer", 380),
        ("employee", 158),
        ("mirror", 46),
        ("management_prediction", 12),
        ("staff_prediction", 38),
    ]
    second = install(db_settings)
    assert not second.created
    assert [(w.key, w.name, w.n, w.statuses) for w in second.waves] == [
        (w.key, w.name, w.n, w.statuses) for w in first.waves
    ]
    assert second.email == DEMO_EMAIL
    third = install(db_settings, reset=True)
    assert third.created
    engine = make_engine(db_settings)
    try:
        with unit_of_work(engine) as session:
            assert count_organisations(session) == 1, "the old demo was removed"
            studies = list_studies(session)
            assert len(studies) == 6
            assert sum(load_wave(session, s.id).n for s in studies) == sum(w.n for w in first.waves)
            assert users.count_users(session) == 1
    finally:
        engine.dispose()


def test_unreachable_database_is_a_clear_error_without_the_password(app: typer.Typer) -> None:
    url = "postgresql+psycopg://demo:s3cret@127.0.0.1:1/none"
    result = CliRunner().invoke(app, ["demo", "--database-url", url])
    assert result.exit_code != 0
    assert isinstance(result.exception, UserError)
    message = str(result.exception)
    assert "cannot load the demo" in message and "127.0.0.1" in message
    assert "s3cret" not in message


def test_choice_waves_carry_a_closed_loop_history(loaded: Path) -> None:
    """Every identified respondent of the two customer waves who recommends 0–6 or 9–10
    is a case (counted here from the stored answers), routed to the business unit's
    account team, with no e-mail sent for the history (docs/cases.md)."""
    import datetime as dt

    from gapsight.services import cases
    from gapsight.store.models import Case, OutboxMessage

    engine = make_engine(Settings(data_dir=loaded))
    try:
        with unit_of_work(engine) as session:
            for study in list_studies(session)[:2]:
                rows = session.scalars(
                    select(Response).where(
                        Response.wave_id == study.id,
                        Response.status == "complete",
                        Response.anonymous.is_(False),
                    )
                ).all()
                expected = sum(
                    isinstance(r.answers.get("cvs_recommend"), int | float)
                    and not 7 <= r.answers["cvs_recommend"] <= 8
                    for r in rows
                )
                found = cases.list_cases(session, study_id=study.id)
                assert len(found) == expected > 50
                assert {c.owner for c in found} <= {
                    "team.schoonmaak@veldhuis.example",
                    "team.catering@veldhuis.example",
                    "team.beveiliging@veldhuis.example",
                    "team.technisch@veldhuis.example",
                }
                metrics = cases.loop_metrics(
                    session, study_id=study.id, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
                )
                assert metrics.flags == expected
                assert 0 < metrics.forwarded_on_time < metrics.forwarded < metrics.flags
            assert session.scalar(select(func.count()).select_from(Case)) > 100
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    finally:
        engine.dispose()
