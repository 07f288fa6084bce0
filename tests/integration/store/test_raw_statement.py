"""RawStatement (gapsight.store.raw_statement) on both databases: the same values in
and out as SQLAlchemy's own execution of the same statement — JSON (incl. JSON
``null`` for None), bytes, booleans — in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Engine, Table, bindparam, select
from sqlalchemy.orm import Session

from gapsight.store.models import Organisation
from gapsight.store.raw_statement import RawStatement

_ORGS = cast(Table, Organisation.__table__)
_BY_NAME = select(_ORGS.c.id, _ORGS.c.name, _ORGS.c.settings).where(
    _ORGS.c.name == bindparam("name")
)
_SET = _ORGS.update().where(_ORGS.c.id == bindparam("_id"))


def test_reads_and_writes_like_sqlalchemy(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        session.add_all([Organisation(name="a", settings={"x": [1, 2]}), Organisation(name="b")])
    raw_select, raw_update = RawStatement(_BY_NAME), RawStatement(_SET)
    with Session(db_engine) as session, session.begin():
        conn = session.connection()
        row = raw_select.one_or_none(conn, {"name": "a"})
        expected = conn.execute(_BY_NAME, {"name": "a"}).one()
        assert tuple(row) == tuple(expected) and row.settings == {"x": [1, 2]}
        assert raw_select.one_or_none(conn, {"name": "nobody"}) is None
        changed = raw_update.execute(conn, {"_id": row.id, "settings": {"y": "é"}})
        assert changed == 1
        # seen inside the same transaction, by SQLAlchemy too
        assert conn.execute(_BY_NAME, {"name": "a"}).one().settings == {"y": "é"}
        raw_update.execute(conn, {"_id": row.id, "settings": None, "name": "a2"})
        session.rollback()
    with Session(db_engine) as session:
        assert session.scalars(
            select(Organisation.settings).where(Organisation.name == "a")
        ).one() == {"x": [1, 2]}


def test_none_is_stored_as_sqlalchemy_stores_it(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        org = Organisation(name="n", settings={})
        session.add(org)
        session.flush()
        conn = session.connection()
        RawStatement(_SET).execute(conn, {"_id": org.id, "settings": None})
        via_raw = conn.exec_driver_sql(
            f"SELECT settings IS NULL FROM organisations WHERE id = {int(org.id)}"
        ).scalar()
        conn.execute(_SET, {"_id": org.id, "settings": None})
        via_core = conn.exec_driver_sql(
            f"SELECT settings IS NULL FROM organisations WHERE id = {int(org.id)}"
        ).scalar()
        assert bool(via_raw) == bool(via_core)


def test_every_column_of_a_study_reads_as_sqlalchemy_reads_it(db_engine: Engine) -> None:
    """A whole ``studies`` row — floats (the psycopg dialect's numeric result
    processor needs a type code that a compiled-once statement does not have), dates,
    JSON, text — comes back with the values SQLAlchemy's own execution gives."""
    from gapsight.services.studies import create_study
    from gapsight.store.models import Study

    studies = cast(Table, Study.__table__)
    whole = select(studies).where(studies.c.id == bindparam("id"))
    with Session(db_engine) as session, session.begin():
        org = Organisation(name="a")
        session.add(org)
        session.flush()
        study = create_study(
            session,
            organisation_id=org.id,
            name="w",
            kind="customer",
            instrument="cvs",
            confidence_level=0.9,
            field_start=dt.date(2026, 3, 1),
        )
        study_id = study.id
    with Session(db_engine) as session, session.begin():
        conn = session.connection()
        row = RawStatement(whole).one_or_none(conn, {"id": study_id})
        expected = conn.execute(whole, {"id": study_id}).one()
    assert tuple(row) == tuple(expected)
    assert row.confidence_level == 0.9 and isinstance(row.confidence_level, float)
    assert row.field_start == dt.date(2026, 3, 1)
