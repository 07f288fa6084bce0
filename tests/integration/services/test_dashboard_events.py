"""Issue 8 item 6: answers to the short ``event`` survey feed the dashboard's
transactional metrics (Customer Effort Score ``evt_ces``, NPS per transaction
``evt_recommend``; instruments.md §6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sqlalchemy import Engine

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.io.table import ResponseTable
from gapsight.services.dashboard import organisation_dashboard
from gapsight.services.organisations import create_organisation
from gapsight.services.responses import store_table
from gapsight.services.studies import create_study
from gapsight.store.database import unit_of_work


def test_event_answers_reach_the_dashboard(db_engine: Engine) -> None:
    rng = np.random.default_rng(8)
    n = 40
    ces = rng.integers(1, 8, n).astype(float)
    recommend = rng.integers(0, 11, n).astype(float)
    satisfaction = rng.integers(1, 6, n).astype(float)
    matrix = ResponseMatrix.from_columns(
        {"evt_satisfaction": satisfaction, "evt_ces": ces, "evt_recommend": recommend}
    )
    table = ResponseTable(
        instrument_ref="event@1",
        matrix=matrix,
        texts={"evt_improve": [None] * n},
        characteristics=pd.DataFrame(index=range(n)),
    )
    with unit_of_work(db_engine) as session:
        org = create_organisation(session, "Helpdesk BV")
        study = create_study(
            session, organisation_id=org.id, name="Helpdesk Q1", kind="event", instrument="event"
        )
        store_table(session, study.id, table)
        org_id = org.id
    view = organisation_dashboard(db_engine, org_id)
    metrics = {m.key: m for m in view.board.metrics}
    # independent: SciPy's t interval on the same answers
    expected = stats.t.interval(0.95, n - 1, loc=ces.mean(), scale=stats.sem(ces))
    got = metrics["ces"].current
    assert got.n == n
    assert abs(got.value - ces.mean()) < 1e-12
    assert abs(got.ci_low - expected[0]) < 1e-9 and abs(got.ci_high - expected[1]) < 1e-9
    # NPS per transaction: % 9-10 minus % 0-6, counted by hand here
    nps = 100 * (np.mean(recommend >= 9) - np.mean(recommend <= 6))
    assert abs(metrics["transaction_nps"].current.value - nps) < 1e-9
    assert view.waves["customers"] == ("Helpdesk Q1",)
