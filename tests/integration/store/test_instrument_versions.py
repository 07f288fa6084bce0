"""Instrument versions are immutable once a study uses them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.exc import IntegrityError

from gapsight.instruments.registry import load_builtin
from gapsight.services.instruments import register, resolve
from gapsight.services.organisations import create_organisation
from gapsight.services.studies import create_study
from gapsight.store import instrument_versions as repo
from gapsight.store.database import unit_of_work
from gapsight.store.models import InstrumentVersion


def test_unused_version_can_change_and_be_deleted(db_engine: Engine) -> None:
    cvs = load_builtin("cvs")
    with unit_of_work(db_engine) as session:
        row = register(session, cvs)
        assert register(session, cvs).id == row.id  # idempotent
        repo.replace_definition(session, row, cvs)
        repo.delete(session, row)
        assert repo.find(session, "cvs", 1) is None


def test_used_version_refuses_change_and_delete(db_engine: Engine) -> None:
    cvs = load_builtin("cvs")
    with unit_of_work(db_engine) as session:
        org = create_organisation(session, "Acme")
        create_study(session, organisation_id=org.id, name="w1", kind="customer", instrument="cvs")
        row = resolve(session, "cvs@1")
        with pytest.raises(repo.InstrumentVersionInUse, match="cvs@1 is used by a study"):
            repo.replace_definition(session, row, cvs)
        with pytest.raises(repo.InstrumentVersionInUse, match="cannot be deleted"):
            repo.delete(session, row)
        # The ORM guard also stops code that bypasses the repository.
        row.definition = {**row.definition, "title": {"nl": "x", "en": "x"}}
        with pytest.raises(repo.InstrumentVersionInUse):
            session.flush()
        session.rollback()


def test_same_version_with_other_content_is_refused(db_engine: Engine) -> None:
    cvs = load_builtin("cvs")
    changed = cvs.model_copy(update={"documentation": "changed"})
    with unit_of_work(db_engine) as session:
        register(session, cvs)
        with pytest.raises(ValueError, match="new version number"):
            register(session, changed)


def test_builtin_and_owned_versions_are_unique_per_owner(db_engine: Engine) -> None:
    cvs = load_builtin("cvs")
    with unit_of_work(db_engine) as session:
        org = create_organisation(session, "Acme")
        builtin = register(session, cvs)
        owned = register(session, cvs, organisation_id=org.id)
        assert builtin.id != owned.id
        assert resolve(session, "cvs@1", organisation_id=org.id).id == owned.id
        assert resolve(session, "cvs").id == builtin.id
        with pytest.raises(KeyError, match="unknown instrument"):
            resolve(session, "nothing")
        with pytest.raises(ValueError, match="invalid instrument reference"):
            resolve(session, "cvs@x")
    with pytest.raises(IntegrityError), unit_of_work(db_engine) as session:
        session.execute(
            update(InstrumentVersion)
            .where(InstrumentVersion.organisation_id.is_not(None))
            .values(organisation_id=None)
        )


def test_the_database_refuses_to_change_a_used_version(db_engine: Engine) -> None:
    """Migration 0013: plain SQL that bypasses the repository and the ORM guard is
    refused by a trigger, on SQLite and PostgreSQL; an unused version still changes."""
    with unit_of_work(db_engine) as session:
        org = create_organisation(session, "Acme")
        create_study(session, organisation_id=org.id, name="w1", kind="customer", instrument="cvs")
        used = resolve(session, "cvs@1").id
        unused = register(session, load_builtin("kto")).id
    change = text("UPDATE instrument_versions SET definition = definition WHERE id = :id")
    with pytest.raises(IntegrityError, match="used by a study"), db_engine.begin() as conn:
        conn.execute(change, {"id": used})
    with db_engine.begin() as conn:
        assert conn.execute(change, {"id": unused}).rowcount == 1
