"""Studies: the creation rules and the status flow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from gapsight.services.organisations import create_organisation
from gapsight.services.studies import create_study, info, list_studies, set_status
from gapsight.store.database import unit_of_work


def _create(engine: Engine, **overrides: Any) -> Any:
    with unit_of_work(engine) as session:
        org = create_organisation(session, "Acme")
        kwargs: dict[str, Any] = {
            "organisation_id": org.id,
            "name": "KTO",
            "kind": "customer",
            "instrument": "servqual22",
        }
        kwargs.update(overrides)
        return info(create_study(session, **kwargs))


def test_defaults_and_snapshot(db_engine: Engine) -> None:
    s = _create(
        db_engine,
        field_start=dt.date(2026, 3, 1),
        field_end=dt.date(2026, 3, 31),
        population_size=1200,
        series="KTO",
        modules={"importance": True},
    )
    assert (s.min_group_size, s.confidence_level, s.status) == (5, 0.95, "draft")
    assert s.anonymity_mode == "anonymous"
    assert s.instrument_ref == "servqual22@1"
    assert s.modules["importance"] is True
    assert s.field_end == dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_group_size": 2}, "between 3 and 10"),
        ({"min_group_size": 11}, "between 3 and 10"),
        ({"confidence_level": 1.0}, "between 0 and 1"),
        ({"confidence_level": 0.0}, "between 0 and 1"),
        ({"population_size": -1}, "0 or more"),
        ({"kind": "employee", "anonymity_mode": "choice"}, "always anonymous"),
        ({"kind": "survey"}, "unknown study kind"),
        ({"anonymity_mode": "secret"}, "unknown anonymity mode"),
        ({"name": "  "}, "must not be empty"),
        ({"modules": {"nonsense": True}}, "has no module"),
        (
            {"field_start": dt.date(2026, 3, 2), "field_end": dt.date(2026, 3, 1)},
            "before it starts",
        ),
    ],
)
def test_invalid_settings_are_refused(
    db_engine: Engine, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _create(db_engine, **overrides)


def test_previous_wave_must_belong_to_same_organisation(db_engine: Engine) -> None:
    first = _create(db_engine)
    with unit_of_work(db_engine) as session:
        other = create_organisation(session, "Other")
        with pytest.raises(ValueError, match="another organisation"):
            create_study(
                session,
                organisation_id=other.id,
                name="KTO",
                kind="customer",
                instrument="cvs",
                previous_wave_id=first.id,
            )
        second = create_study(
            session,
            organisation_id=first.organisation_id,
            name="KTO 2",
            kind="customer",
            instrument="cvs",
            previous_wave_id=first.id,
        )
        assert second.previous_wave_id == first.id
        assert [s.id for s in list_studies(session, organisation_id=other.id)] == []
        with pytest.raises(KeyError, match="no previous wave"):
            create_study(
                session,
                organisation_id=first.organisation_id,
                name="x",
                kind="customer",
                instrument="cvs",
                previous_wave_id=999,
            )


def test_status_flow(db_engine: Engine) -> None:
    s = _create(db_engine)
    with unit_of_work(db_engine) as session:
        with pytest.raises(ValueError, match="can move to fieldwork"):
            set_status(session, s.id, "closed")
        assert set_status(session, s.id, "fieldwork").status == "fieldwork"
        with pytest.raises(ValueError, match="not draft"):
            set_status(session, s.id, "draft")
        assert set_status(session, s.id, "closed").status == "closed"
        with pytest.raises(ValueError, match="unknown status"):
            set_status(session, s.id, "archived")
