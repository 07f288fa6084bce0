"""Fieldwork status: counts from invitations and responses, rates, and per-group
counts with the minimum group size and complementary suppression."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from gapsight.services.fieldwork import fieldwork_status
from gapsight.services.responses import store_table
from gapsight.services.studies import info
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation

from .helpers import make_study, table

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

# region: (invited, responses) — north is shown, south has 2 < 5 responses, and east
# (the smallest visible group) is hidden too, or south = total − north − east.
SEED = {"north": (10, 7), "south": (5, 2), "east": (6, 5)}


def seed(session: Any, **study_overrides: Any) -> int:
    """A customer study on the small instrument, filled by :func:`fill_fieldwork`."""
    study = make_study(session, **study_overrides)
    fill_fieldwork(session, study.id)
    return study.id


def fill_fieldwork(session: Any, study_id: int) -> None:
    """A sample and responses by region (:data:`SEED`): north has 1 bounce, every
    invitation was sent, half of them opened; per region one response is partial and
    the rest complete."""
    n = 0
    for region, (invited, responded) in SEED.items():
        for i in range(invited):
            n += 1
            bounced = region == "north" and i == 0
            session.add(
                Invitation(
                    wave_id=study_id,
                    email=f"c{n}@example.org",
                    characteristics={"region": region},
                    invited_at=NOW,
                    delivered_at=None if bounced else NOW,
                    bounced_at=NOW if bounced else None,
                    opened_at=NOW if i % 2 else None,
                )
            )
        rows = [[4.0, 4.0, 4.0]] * (responded - 1) + [[4.0, float("nan"), float("nan")]]
        regions = pd.DataFrame({"region": [region] * responded})
        store_table(session, study_id, table(rows, characteristics=regions), now=NOW)
    session.flush()


def test_counts_rates_and_suppressed_groups(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study_id = seed(session)
        status = fieldwork_status(session, study_id)
    assert (status.in_sample, status.invited, status.delivered, status.bounced) == (21, 21, 20, 1)
    assert status.opened == 10
    assert (status.started, status.partial, status.complete) == (14, 3, 11)
    assert status.rates is not None
    assert status.rates.valid == 20
    assert status.rates.gross_rate == pytest.approx(14 / 20)
    assert status.rates.net_rate == pytest.approx(14 / 20)
    (by_region,) = status.groups
    assert by_region.name == "region"
    cells = {g.group: g for g in by_region.groups}
    assert [g.group for g in by_region.groups] == ["east", "north", "south"]
    north, south, east = cells["north"], cells["south"], cells["east"]
    assert (north.invited, north.started, north.partial, north.complete) == (10, 7, 1, 6)
    assert north.status == "shown" and not north.suppressed
    assert (south.status, south.started, south.complete, south.invited) == (
        "below_minimum",
        None,
        None,
        5,
    )
    assert (east.status, east.started, east.partial) == ("complementary", None, None)
    assert east.invited == 6  # the coordinator's own sample stays visible


def test_a_lower_minimum_shows_more(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study_id = seed(session, min_group_size=3)
        status = fieldwork_status(session, study_id)
    cells = {g.group: g.status for g in status.groups[0].groups}
    # south (2) hidden; the next smallest visible group (east, 5) hides with it
    assert cells == {"east": "complementary", "north": "shown", "south": "below_minimum"}


def _study(session: Any, study_id: int) -> Any:
    from gapsight.services.studies import get_study

    return get_study(session, study_id)


def test_empty_study_has_no_rates(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study_id = make_study(session).id
        status = fieldwork_status(session, study_id)
    assert (status.in_sample, status.started, status.groups) == (0, 0, ())
    assert status.rates is not None and not isinstance(status.rates.gross_rate, float)


def test_more_responses_than_contacts_gives_counts_without_rates(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study_id = make_study(session).id
        store_table(session, study_id, table([[1.0, 2.0, 3.0]] * 3), now=NOW)
        status = fieldwork_status(session, study_id)
    assert status.complete == 3 and status.rates is None


def test_study_settings_keep_reminders_and_flag_recipients(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study = make_study(session, reminder_days=[14, 7], flag_recipients=[" KCC@Acme.example "])
        study_id = study.id
    with unit_of_work(db_engine) as session:
        stored = info(_study(session, study_id))
    assert stored.reminder_days == (7, 14)
    assert stored.flag_recipients == ("kcc@acme.example",)
